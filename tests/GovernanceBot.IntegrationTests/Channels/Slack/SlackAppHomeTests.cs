using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.Features.Dashboard;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Channels.Slack;

/// <summary>
/// Slack's App Home end to end: a signed <c>app_home_opened</c> event through the inbox, the home
/// built from the store, <c>views.publish</c> through the outbox to the fake Web API; published again
/// only when what it shows changes; its buttons come back as card actions.
/// </summary>
public sealed class SlackAppHomeTests
{
    private const string Megan = "UMEGAN";

    private static JsonObject HomeOpened(string eventId, string user = Megan, string tab = "home") =>
        SlackTestBot.Envelope(eventId, new JsonObject
        {
            ["type"] = "app_home_opened",
            ["user"] = user,
            ["channel"] = "D0" + user,
            ["tab"] = tab,
            ["event_ts"] = "1764072000.000200",
        });

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task OpeningTheHome_PublishesWhatWaitsForThePersonAndTheirPrograms_ThenOnlyWhenSomethingChanges(StoreKind kind)
    {
        await using var slack = await SlackTestBot.StartAsync(kind);

        using (var opened = await slack.PostEventAsync(HomeOpened("Ev1")))
        {
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        }

        await slack.IdleAsync();
        var first = Assert.Single(slack.Slack.CallsTo("views.publish"));
        Assert.Equal(Megan, (string?)first.Body["user_id"]);
        Assert.Equal("xoxb-config-token", first.Token);
        var view = first.Body["view"]!.AsObject();
        Assert.Equal("home", (string?)view["type"]);
        var text = view.ToJsonString();
        Assert.Contains("Gate 3: release to pilot customers", text, StringComparison.Ordinal);
        Assert.Contains("\"action_id\":\"home.approvals#", text, StringComparison.Ordinal);
        Assert.Contains("*Phoenix*", text, StringComparison.Ordinal);
        Assert.Contains("dashboard.open#", text, StringComparison.Ordinal);
        // The gate's deadline is a date token Megan's client shows in her own zone; where it cannot, hers (London), named.
        var relaxed = view.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Matches(@"Gate 3: release to pilot customers\*\\n[^""]*<!date\^\d+\^\{date_short_pretty\} at \{time\}\|[^>]*\(Europe/London\)>", relaxed);
        Assert.DoesNotContain("London time", text, StringComparison.Ordinal);

        // Slack's retry of the same event, the Messages tab, and opening again with nothing changed: no new publish.
        (await slack.PostEventAsync(HomeOpened("Ev1"))).Dispose();
        (await slack.PostEventAsync(HomeOpened("Ev2", tab: "messages"))).Dispose();
        (await slack.PostEventAsync(HomeOpened("Ev3"))).Dispose();
        await slack.IdleAsync();
        Assert.Single(slack.Slack.CallsTo("views.publish"));

        // Megan's vote is cast (here straight into the store): the refresh publishes a home without it, once.
        await using (var db = await slack.Bot.Store.OpenAsync())
        {
            var gate = await db.Approvals.Include(a => a.Approvers).SingleAsync(a => a.Key == "gate-3");
            var megan = await db.Stakeholders.SingleAsync(s => s.Email == "meganb@example.com" && s.ProgramId == gate.ProgramId);
            db.Votes.Add(new Vote { RequestId = gate.Id, ApproverId = megan.Id, CastById = megan.Id, Decision = VoteDecision.Approve, CastAt = slack.Bot.Clock.GetUtcNow() });
            await db.SaveChangesAsync();
        }

        await RefreshAsync(slack);
        await RefreshAsync(slack);
        Assert.Equal(2, slack.Slack.CallsTo("views.publish").Count);
        var second = slack.Slack.CallsTo("views.publish")[1].Body["view"]!.ToJsonString();
        Assert.DoesNotContain("Gate 3: release to pilot customers", second, StringComparison.Ordinal);
        Assert.Contains("*Phoenix*", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheHomesVoteButton_ComesBackAsACardAction_AndAnswersInTheAppsMessages()
    {
        await using var slack = await SlackTestBot.StartAsync();
        (await slack.PostEventAsync(HomeOpened("Ev1"))).Dispose();
        await slack.IdleAsync();
        var button = slack.Slack.CallsTo("views.publish")[0].Body["view"]!["blocks"]!.AsArray()
            .Select(b => b!["accessory"]).OfType<JsonObject>()
            .First(b => ((string)b["action_id"]!).StartsWith(HomeTabs.VoteVerb, StringComparison.Ordinal));

        using var pressed = await slack.PostInteractionAsync(new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = SlackTestBot.Team },
            ["user"] = new JsonObject { ["id"] = Megan, ["team_id"] = SlackTestBot.Team, ["name"] = "meganb" },
            ["trigger_id"] = "trig-home",
            ["container"] = new JsonObject { ["type"] = "view", ["view_id"] = "VHOME1" },
            ["view"] = new JsonObject { ["id"] = "VHOME1", ["type"] = "home", ["team_id"] = SlackTestBot.Team },
            ["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = "button",
                ["action_id"] = (string)button["action_id"]!,
                ["value"] = (string)button["value"]!,
                ["action_ts"] = "1764072000.000300",
            }),
        });
        Assert.Equal(HttpStatusCode.OK, pressed.StatusCode);
        await slack.IdleAsync();

        // The answer to "approvals", in the app's Messages tab: what waits for Megan's vote.
        var answers = slack.Slack.Posted.Where(p => p.Channel == Megan).Select(p => p.Body.ToJsonString()).ToList();
        Assert.NotEmpty(answers);
        Assert.Contains(answers, a => a.Contains("Gate 3", StringComparison.Ordinal));
        Assert.DoesNotContain(answers, a => a.Contains("not a stakeholder", StringComparison.Ordinal));
    }

    private static async Task RefreshAsync(SlackTestBot slack)
    {
        await using (var scope = slack.Bot.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<HomeRefreshJob>().RunAsync(CancellationToken.None);
        }

        await slack.IdleAsync();
    }
}
