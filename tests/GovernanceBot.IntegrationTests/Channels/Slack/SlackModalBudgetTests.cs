using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.Channels.Slack;
using GovernanceBot.Conversation;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GovernanceBot.IntegrationTests.Channels.Slack;

/// <summary>Holds a form's handler until the test lets it answer: a turn slower than Slack's modal budget.</summary>
public sealed class HeldForm
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed class HeldInvalidFormHandler(HeldForm held) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        held.Started.TrySetResult();
        await held.Release.Task.WaitAsync(cancellationToken);
        return [Reply.InvalidInput("Write a comment, e.g. \"Looks good\".", new Dictionary<string, string> { ["comment"] = "Write a comment." })];
    }
}

public sealed class SlackModalBudgetTests
{
    [Fact]
    public async Task AModalSubmissionSlowerThanTheBudget_ClosesTheModal_AndItsInputErrorsReachThePersonAsAMessage()
    {
        var held = new HeldForm();
        await using var slack = await SlackTestBot.StartAsync(
            configure: b => b.Services.AddSingleton(held).AddScoped<HeldInvalidFormHandler>(),
            routes: r => r.MapAction<HeldInvalidFormHandler>("held.submit"));
        var submission = new JsonObject
        {
            ["type"] = "view_submission",
            ["team"] = new JsonObject { ["id"] = SlackTestBot.Team },
            ["user"] = new JsonObject { ["id"] = SlackTestBot.Alex, ["team_id"] = SlackTestBot.Team },
            ["view"] = new JsonObject
            {
                ["id"] = "VHELD",
                ["team_id"] = SlackTestBot.Team,
                ["callback_id"] = "held.submit",
                ["private_metadata"] = "{}",
                ["state"] = new JsonObject { ["values"] = new JsonObject { ["comment"] = new JsonObject { ["comment"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "" } } } },
            },
        };

        var posting = slack.PostInteractionAsync(submission);
        await held.Started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        slack.Bot.Clock.Advance(slack.Bot.Services.GetRequiredService<IOptions<SlackOptions>>().Value.InlineBudget + TimeSpan.FromSeconds(1));
        using var response = await posting.WaitAsync(TimeSpan.FromSeconds(20));

        // The modal closed: Slack got an empty 200 within its 3 s.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());

        held.Release.TrySetResult();
        await slack.IdleAsync();

        var told = Assert.Single(slack.Slack.CallsTo("chat.postMessage"));
        Assert.Contains("Write a comment", (string?)told.Body["text"], StringComparison.Ordinal);
    }
}
