using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.IntegrationTests.Channels.Teams;
using GovernanceBot.Scheduling;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Features;

/// <summary>
/// Passing a stage gate end to end, with real JWTs, signatures and the real card renderer: the
/// deciding vote on the gate's review pressed on Teams (an Action.Execute invoke) and on Slack (a
/// block_actions press and its modal) moves the program to its next phase and tells its channel;
/// an entry criterion confirmed from the gate card by its owner.
/// </summary>
public sealed class GateEndToEndTests
{
    private const string Channel = "19:phoenix@thread.tacv2";

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task OnTeams_TheDecidingVoteOnTheGateReview_PassesTheGateAndTheChannelIsTold(StoreKind kind)
    {
        await using var teams = await TeamsApprovalEndToEndTests.StartAsync(kind);
        var dispatcher = teams.Bot.Services.GetRequiredService<OutboxDispatcher>();
        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "link Phoenix", "m-1", "channel", Channel), teams.ValidToken());
        await dispatcher.DrainAllAsync(CancellationToken.None);

        // Lee approved gate-3 already; Megan's approval makes the majority.
        using var answer = await teams.PostAsync(TeamsApprovalEndToEndTests.AsMegan(TestActivities.Invoke(teams.Framework.ServiceUrl, "approval.vote",
            new JsonObject { ["requestId"] = await ReviewIdAsync(teams.Bot), ["decision"] = "approve" }, id: "vote-1", replyToId: "dm-card")), teams.ValidToken());
        await dispatcher.DrainAllAsync(CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var invoke = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)invoke["type"]);
        Assert.Contains("Quorum reached", invoke.ToJsonString(), StringComparison.Ordinal);
        var told = Assert.Single(teams.Framework.Sent("POST"), r => r.Path.StartsWith($"/v3/conversations/{Channel}/activities", StringComparison.Ordinal)
            && r.Body!.ToJsonString().Contains("passed Gate 3", StringComparison.Ordinal));
        Assert.Contains("Phoenix is now in **Pilot**", told.Body!.ToJsonString(), StringComparison.Ordinal);
        await using var db = await teams.DbAsync();
        Assert.Equal("pilot", (await db.Programs.SingleAsync()).Phase);
    }

    [Fact]
    public async Task OnTeams_ACriterionConfirmedFromTheGateCardByItsOwner_IsTheInvokeAnswer()
    {
        await using var teams = await TeamsApprovalEndToEndTests.StartAsync();
        teams.Framework.MemberEmails["29:user-adele"] = "adelev@example.com";

        var press = TestActivities.Invoke(teams.Framework.ServiceUrl, "gate.confirm",
            new JsonObject { ["program"] = "phoenix", ["gate"] = "gate-3", ["criterion"] = "pilot-support" }, id: "confirm-1", replyToId: "gate-card");
        press["from"] = new JsonObject { ["id"] = "29:user-adele", ["name"] = "Adele Vance", ["aadObjectId"] = "aad-adele" };
        press["conversation"] = new JsonObject { ["id"] = "a:conv-adele", ["conversationType"] = "personal", ["tenantId"] = FakeBotFramework.Tenant };
        using var answer = await teams.PostAsync(press, teams.ValidToken());

        var invoke = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)invoke["type"]);
        Assert.Contains("3 of 4 entry criteria confirmed", invoke.ToJsonString(), StringComparison.Ordinal);
        await using var db = await teams.DbAsync();
        Assert.NotNull((await db.GateCriteria.SingleAsync(c => c.Key == "pilot-support")).ConfirmedAt);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task OnSlack_TheDecidingVoteFromTheApproversCard_PassesTheGateRequestedInChat(StoreKind kind)
    {
        await using var slack = await SlackApprovalTests.StartAsync(kind);
        await slack.PostCommandAsync("help", user: "UMEGAN", channel: "DUMEGAN");
        await slack.PostCommandAsync("link Phoenix");
        await slack.PostCommandAsync("approval cancel gate-3 the pilot date moved", channel: "D0ALEX");
        await slack.IdleAsync();

        await slack.PostCommandAsync("gate review Phoenix gate-3 due 2026-12-11", channel: "D0ALEX");
        await slack.IdleAsync();
        var review = await ReviewIdAsync(slack.Bot);
        await slack.Bot.ActAsync("approval.vote", new JsonObject { ["requestId"] = review, ["decision"] = "approve" }, "leeg@example.com");
        var card = slack.Slack.Posted.Last(p => p.Channel == "DUMEGAN" && p.Body["blocks"] is JsonArray b && b.ToJsonString().Contains("Requester", StringComparison.Ordinal));
        var blocks = card.Body["blocks"]!.AsArray();
        Assert.Contains("Evidence, as of", blocks.ToJsonString(), StringComparison.Ordinal);

        await slack.PostInteractionAsync(SlackApprovalTests.Press("UMEGAN", "DUMEGAN", card.Ts, SlackApprovalTests.ButtonId(blocks, "Approve"), null));
        var view = Assert.Single(slack.Slack.CallsTo("views.open")).Body["view"]!.AsObject();
        using (var accepted = await slack.PostInteractionAsync(SlackApprovalTests.Submit("UMEGAN", view, "comment", "Pilot customers are ready")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        await slack.IdleAsync();
        await using var db = await slack.Bot.Store.OpenAsync();
        Assert.Equal("pilot", (await db.Programs.SingleAsync()).Phase);
        Assert.Contains(slack.Slack.Posted, p => p.Channel == "C0PROGRAM" && ((string?)p.Body["text"])?.Contains("Phoenix passed Gate 3", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task OnSlack_ACriterionConfirmedFromTheGateCardByItsOwner_IsRecorded()
    {
        await using var slack = await SlackApprovalTests.StartAsync();
        slack.Slack.Emails["UADELE"] = "adelev@example.com";
        await slack.PostCommandAsync("gate Phoenix gate-3", user: "UADELE", channel: "DUADELE");
        await slack.IdleAsync();
        var answer = slack.Slack.CallsTo("response_url").Last(c => c.Body["blocks"] is JsonArray b && b.ToJsonString().Contains("Entry criteria", StringComparison.Ordinal));
        var blocks = answer.Body["blocks"]!.AsArray();

        var confirm = blocks.Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray()).Single(e => (string?)e!["text"]!["text"] == "Confirm")!;
        using (var pressed = await slack.PostInteractionAsync(SlackApprovalTests.Press("UADELE", "DUADELE", "1764072100.000009", (string)confirm["action_id"]!, (string?)confirm["value"])))
        {
            Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        }

        await slack.IdleAsync();

        await using var db = await slack.Bot.Store.OpenAsync();
        Assert.NotNull((await db.GateCriteria.SingleAsync(c => c.Key == "pilot-support")).ConfirmedAt);
        Assert.Single(await db.Audit.Where(a => a.Action == "gate.criterion.confirmed" && a.Actor == "adelev").ToListAsync());
    }

    private static async Task<string> ReviewIdAsync(BotHarness bot)
    {
        await using var db = await bot.Store.OpenAsync();
        var gate = await db.StageGates.SingleAsync(g => g.Key == "gate-3");
        return gate.ApprovalRequestId!.Value.ToString();
    }
}
