using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.Channels.Slack;
using GovernanceBot.Conversation;
using GovernanceBot.Scheduling;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Channels.Slack;

/// <summary>A command that posts a card with a form, and the form's handler (test-only routes).</summary>
public sealed class FeedbackCardHandler : ITurnHandler
{
    public Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Reply>>([new CardReply("feedback.request", new JsonObject { ["form"] = "feedback.submit" }, "Feedback wanted")]);
}

public sealed class FeedbackSubmitHandler : ITurnHandler
{
    public Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var comment = (string?)context.Turn.Action!.Data["comment"];
        IReadOnlyList<Reply> replies = string.IsNullOrWhiteSpace(comment)
            ? [Reply.InvalidInput("Write a comment, e.g. \"Looks good\".", new Dictionary<string, string> { ["comment"] = "Write a comment, e.g. \"Looks good\"." })]
            : [
                new CardReply("feedback.done", new JsonObject { ["comment"] = comment, ["id"] = context.Turn.Action.Data["id"]?.DeepClone() }, $"Feedback {context.Turn.Action.Data["id"]}: {comment}") { ReplacesSourceCard = true },
                Reply.Text("Thanks, **noted**.") with { Audience = ReplyAudience.Requester },
            ];
        return Task.FromResult(replies);
    }
}

public sealed class SlackInteractivityTests
{
    private static Task<SlackTestBot> StartAsync(StoreKind kind = StoreKind.Sqlite, SlackTestBot? sharing = null) => SlackTestBot.StartAsync(kind, sharing: sharing,
        configure: b => b.Services.AddScoped<FeedbackCardHandler>().AddScoped<FeedbackSubmitHandler>().AddScoped<PrivateNoteHandler>(),
        routes: r => r
            .MapCommand<FeedbackCardHandler>("feedback", "feedback", "Ask for feedback.", "Test")
            .MapCommand<PrivateNoteHandler>("whisper", "whisper", "A private note.", "Test")
            .MapAction<FeedbackSubmitHandler>("feedback.submit"));

    private static JsonObject Press(string actionId, string? value, string messageTs = "1764072000.000001", string channel = "C0PROGRAM") => new()
    {
        ["type"] = "block_actions",
        ["team"] = new JsonObject { ["id"] = SlackTestBot.Team },
        ["user"] = new JsonObject { ["id"] = SlackTestBot.Alex, ["team_id"] = SlackTestBot.Team, ["name"] = "alexw" },
        ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = messageTs, ["channel_id"] = channel, ["is_ephemeral"] = false },
        ["channel"] = new JsonObject { ["id"] = channel },
        ["trigger_id"] = "13345224609.738474920.8088930838d88f008e0",
        ["response_url"] = null,
        ["message"] = new JsonObject { ["ts"] = messageTs, ["text"] = "card" },
        ["actions"] = new JsonArray(new JsonObject
        {
            ["action_id"] = actionId,
            ["block_id"] = "b1",
            ["type"] = "button",
            ["value"] = value,
            ["action_ts"] = "1764072005.000001",
        }),
    };

    private static JsonObject Submit(JsonObject openedView, string? comment) => new()
    {
        ["type"] = "view_submission",
        ["team"] = new JsonObject { ["id"] = SlackTestBot.Team },
        ["user"] = new JsonObject { ["id"] = SlackTestBot.Alex, ["team_id"] = SlackTestBot.Team },
        ["view"] = new JsonObject
        {
            ["id"] = "V1",
            ["team_id"] = SlackTestBot.Team,
            ["callback_id"] = openedView["callback_id"]?.DeepClone(),
            ["private_metadata"] = openedView["private_metadata"]?.DeepClone(),
            ["hash"] = "156772938.1827394",
            ["state"] = new JsonObject
            {
                ["values"] = new JsonObject
                {
                    ["comment"] = new JsonObject { ["comment"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = comment } },
                },
            },
        },
    };

    [Fact]
    public async Task AButton_RunsItsVerbWithTheJsonValueAsData()
    {
        await using var slack = await StartAsync();

        using var response = await slack.PostInteractionAsync(Press("status.show#1", "{\"program\":\"phoenix\"}"));
        await slack.IdleAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var post = Assert.Single(slack.Slack.CallsTo("chat.postMessage"));
        Assert.Equal("C0PROGRAM", (string?)post.Body["channel"]);
        Assert.StartsWith("program.status:", (string?)post.Body["blocks"]![0]!["text"]!["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALinkButtonWithoutValue_IsNotAnAction()
    {
        await using var slack = await StartAsync();

        using var response = await slack.PostInteractionAsync(Press("open-docs", null));
        await slack.IdleAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(slack.Slack.Calls);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AForm_OpensAsAModal_RefusesBadInputInPlace_ThenUpdatesTheCardForEveryone(StoreKind kind)
    {
        await using var slack = await StartAsync(kind);

        // 1. The card with a form is posted; its form button has a bot-issued action id.
        await slack.PostEventAsync(SlackTestBot.Mention("<@UBOT> feedback", "EvForm"));
        await slack.IdleAsync();
        var card = Assert.Single(slack.Slack.CallsTo("chat.postMessage"));
        var button = card.Body["blocks"]![1]!["elements"]![0]!;
        var formId = (string)button["action_id"]!;
        Assert.StartsWith(SlackForms.Prefix, formId, StringComparison.Ordinal);

        // 2. Pressing it opens the modal at once with the trigger id.
        using (var pressed = await slack.PostInteractionAsync(Press(formId, null, messageTs: "1764072000.000001")))
        {
            Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        }

        var open = Assert.Single(slack.Slack.CallsTo("views.open"));
        Assert.Equal("13345224609.738474920.8088930838d88f008e0", (string?)open.Body["trigger_id"]);
        var view = open.Body["view"]!.AsObject();
        Assert.Equal("feedback.submit", (string?)view["callback_id"]);

        // 3. An empty comment keeps the modal open with the error under the input; pressing Submit again
        //    without fixing it shows the error again (it is not taken for a retry of the first press).
        for (var press = 0; press < 2; press++)
        {
            using var refused = await slack.PostInteractionAsync(Submit(view, ""));
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            var answer = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
            Assert.Equal("errors", (string?)answer["response_action"]);
            Assert.Contains("Write a comment", (string?)answer["errors"]!["comment"], StringComparison.Ordinal);
        }

        await slack.IdleAsync();
        Assert.Empty(slack.Slack.CallsTo("chat.update"));

        // 4. A valid submission closes the modal, updates the card in place and thanks only the submitter.
        using (var accepted = await slack.PostInteractionAsync(Submit(view, "Looks <!here> good")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            Assert.Equal(string.Empty, await accepted.Content.ReadAsStringAsync());
        }

        await slack.IdleAsync();
        var update = Assert.Single(slack.Slack.CallsTo("chat.update"));
        Assert.Equal("C0PROGRAM", (string?)update.Body["channel"]);
        Assert.Equal("1764072000.000001", (string?)update.Body["ts"]);
        Assert.StartsWith("feedback.done:", (string?)update.Body["blocks"]![0]!["text"]!["text"], StringComparison.Ordinal);
        // The form's own data (from the card) reached the handler along with the input.
        Assert.Contains("Feedback 42:", (string?)update.Body["blocks"]![0]!["text"]!["text"], StringComparison.Ordinal);
        Assert.DoesNotContain("<!here>", update.Body.ToJsonString(), StringComparison.Ordinal);
        var thanks = Assert.Single(slack.Slack.CallsTo("chat.postEphemeral"));
        Assert.Equal(SlackTestBot.Alex, (string?)thanks.Body["user"]);
        Assert.Equal("Thanks, *noted*.", (string?)thanks.Body["text"]);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AForm_PostedByOneInstance_OpensOnAnother_AndIsSubmittedAfterThatOneStopped(StoreKind kind)
    {
        await using var first = await StartAsync(kind);
        await first.PostEventAsync(SlackTestBot.Mention("<@UBOT> feedback", "EvShared"));
        await first.IdleAsync();
        var card = Assert.Single(first.Slack.CallsTo("chat.postMessage"));
        var formId = (string)card.Body["blocks"]![1]!["elements"]![0]!["action_id"]!;

        // The press reaches another instance (a load balancer, or the first one restarted since).
        await using (var second = await StartAsync(kind, sharing: first))
        {
            using var pressed = await second.PostInteractionAsync(Press(formId, null, messageTs: "1764072000.000001"));
            Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        }

        var open = Assert.Single(first.Slack.CallsTo("views.open"));
        Assert.Equal("feedback.submit", (string?)open.Body["view"]!["callback_id"]);

        // The submission reaches the first instance: it updates the card the modal was opened from.
        using (var accepted = await first.PostInteractionAsync(Submit(open.Body["view"]!.AsObject(), "Fine by me")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        await first.IdleAsync();
        var update = Assert.Single(first.Slack.CallsTo("chat.update"));
        Assert.Equal("C0PROGRAM", (string?)update.Body["channel"]);
        Assert.Equal("1764072000.000001", (string?)update.Body["ts"]);
        Assert.DoesNotContain(first.Slack.CallsTo("chat.postEphemeral"), c => ((string?)c.Body["text"])?.Contains("expired", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task TheSameForm_PostedToManyPeople_IsKeptOnce_AndHousekeepingForgetsItWhenItExpires()
    {
        await using var slack = await StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await slack.PostEventAsync(SlackTestBot.Mention("<@UBOT> feedback", $"EvMany{i}"));
        }

        await slack.IdleAsync();
        var ids = slack.Slack.CallsTo("chat.postMessage").Select(c => (string)c.Body["blocks"]![1]!["elements"]![0]!["action_id"]!).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Single(ids.Distinct());
        await using (var db = await slack.Bot.Store.OpenAsync())
        {
            Assert.Equal(1, await db.SlackForms.CountAsync());
        }

        slack.Bot.Clock.Advance(SlackForms.Lifetime + TimeSpan.FromMinutes(1));
        using (var scope = slack.Bot.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<HousekeepingJob>().RunAsync(CancellationToken.None);
        }

        await using (var db = await slack.Bot.Store.OpenAsync())
        {
            Assert.Equal(0, await db.SlackForms.CountAsync());
        }

        // Pressed after it expired: the person is told to ask again, nothing opens.
        using var pressed = await slack.PostInteractionAsync(Press(ids[0], null));
        await slack.IdleAsync();
        Assert.Empty(slack.Slack.CallsTo("views.open"));
    }

    [Fact]
    public async Task AnUnknownFormButton_TellsThePersonToAskAgain()
    {
        await using var slack = await StartAsync();
        var press = Press(SlackForms.Prefix + "0000", null);
        press["response_url"] = slack.Slack.ResponseUrl().ToString();

        using var response = await slack.PostInteractionAsync(press);
        await slack.IdleAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(slack.Slack.CallsTo("views.open"));
        var told = Assert.Single(slack.Slack.CallsTo("response_url"));
        Assert.Equal("ephemeral", (string?)told.Body["response_type"]);
        Assert.Contains("expired", (string?)told.Body["text"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("payload=%7Bnot+json")]
    [InlineData("nothing=here")]
    [InlineData("payload=%5B%5D")]
    public async Task MalformedInteractions_Get400(string body)
    {
        await using var slack = await StartAsync();

        using var response = await slack.PostSignedAsync("/slack/interactions", body, "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task SlashCommand_AnswersThroughTheResponseUrl_InTheChannel()
    {
        await using var slack = await StartAsync();

        using var response = await slack.PostCommandAsync("programs");
        await slack.IdleAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = Assert.Single(slack.Slack.CallsTo("response_url"));
        Assert.Equal("in_channel", (string?)answer.Body["response_type"]);
        Assert.Contains("*Phoenix*", (string?)answer.Body["text"], StringComparison.Ordinal);
        Assert.Empty(slack.Slack.CallsTo("chat.postMessage"));
    }

    [Fact]
    public async Task SlashCommand_RequesterOnlyAnswers_AreEphemeral()
    {
        await using var slack = await StartAsync();

        await slack.PostCommandAsync("whisper");
        await slack.IdleAsync();

        Assert.Equal("ephemeral", (string?)Assert.Single(slack.Slack.CallsTo("response_url")).Body["response_type"]);
    }

    [Fact]
    public async Task SlashCommand_WithNoText_ShowsHelp_AndARetriedCommandRunsOnce()
    {
        await using var slack = await StartAsync();

        await Task.WhenAll(slack.PostCommandAsync(string.Empty, triggerId: "trig-1"), slack.PostCommandAsync(string.Empty, triggerId: "trig-1"));
        await slack.IdleAsync();

        var answer = Assert.Single(slack.Slack.CallsTo("response_url"));
        Assert.StartsWith("help:", (string?)answer.Body["blocks"]![0]!["text"]!["text"], StringComparison.Ordinal);
    }
}

public sealed class PrivateNoteHandler : ITurnHandler
{
    public Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Reply>>([Reply.Text("Only you can see this.") with { Audience = ReplyAudience.Requester }]);
}
