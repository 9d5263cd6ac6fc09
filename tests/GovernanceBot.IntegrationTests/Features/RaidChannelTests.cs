using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Cards.BlockKit;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Hosting;
using GovernanceBot.IntegrationTests.Channels.Teams;
using GovernanceBot.Scheduling;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Features;

/// <summary>
/// The RAID log and the decision log on both channels, with the real card renderer (and, on Slack,
/// the real Block Kit translator): the commands, the cards' buttons (Teams Action.Execute, Slack
/// block_actions and modals), and a risk added from a check-in summary's quoted answer.
/// </summary>
public sealed class RaidChannelTests
{
    private const string AlexsChat = "DUALEX";

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task OnTeams_TheRaidLogAndARiskAdded_AreAnsweredWithTheirCards(StoreKind kind)
    {
        await using var teams = await StartTeamsAsync(kind);

        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "raid Phoenix", "m-1"), teams.ValidToken());
        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl,
            "risk add Phoenix \"Call centre not trained before go-live\" owner @isaiahl probability high impact medium review 2026-12-10", "m-2"), teams.ValidToken());
        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "decisions Phoenix", "m-3"), teams.ValidToken());

        var sent = teams.Framework.Sent("POST").Where(r => r.Path.StartsWith("/v3/conversations/a:conv-1/activities", StringComparison.Ordinal))
            .Select(r => Plain(r.Body!)).ToList();
        Assert.Contains(sent, b => b.Contains("Phoenix — RAID log", StringComparison.Ordinal) && b.Contains("Open risks by probability and impact", StringComparison.Ordinal)
            && b.Contains("\"verb\":\"raid.show\"", StringComparison.Ordinal));
        Assert.Contains(sent, b => b.Contains("Added **R-6** to Phoenix", StringComparison.Ordinal) || b.Contains("Added R-6 to Phoenix", StringComparison.Ordinal));
        Assert.Contains(sent, b => b.Contains("R-6 · Call centre not trained before go-live", StringComparison.Ordinal) && b.Contains("\"verb\":\"raid.update\"", StringComparison.Ordinal));
        Assert.Contains(sent, b => b.Contains("Phoenix — decision log", StringComparison.Ordinal) && b.Contains("Move the pilot start date to 12 January", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task OnTeams_TheOwnerClosesAnItemWithActionExecute_AndTheInvokeAnswerIsTheClosedCard(StoreKind kind)
    {
        await using var teams = await StartTeamsAsync(kind);
        var id = await IdAsync(teams.Bot, "r-3");

        using var answer = await teams.PostAsync(TestActivities.Invoke(teams.Framework.ServiceUrl, "raid.close",
            new JsonObject { ["itemId"] = id, ["note"] = "Holiday cover confirmed" }, id: "close-1"), teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var invoke = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)invoke["type"]);
        Assert.Contains("Closed", Plain(invoke["value"]!), StringComparison.Ordinal);
        await using var db = await teams.DbAsync();
        Assert.Equal(RaidStatus.Closed, (await db.RaidItems.SingleAsync(r => r.Key == "r-3")).Status);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task OnTeams_AProgramManagerAddsAQuotedBlockerToTheRaidLog_FromTheCheckInSummary(StoreKind kind)
    {
        await using var teams = await StartTeamsAsync(kind);
        var summary = await SummaryWithABlockerAsync(teams.Bot);
        var answerId = (string)summary.Data["quotes"]![0]!["answerId"]!;

        using var pressed = await teams.PostAsync(TestActivities.Invoke(teams.Framework.ServiceUrl, "raid.fromcheckin",
            new JsonObject { ["answerId"] = answerId }, id: "add-1"), teams.ValidToken());
        await teams.Bot.Services.GetRequiredService<OutboxDispatcher>().DrainAllAsync(CancellationToken.None);
        var form = teams.Framework.Sent("POST").Select(r => Plain(r.Body!))
            .Single(b => b.Contains("Add to Phoenix's RAID log", StringComparison.Ordinal) && b.Contains("\"verb\":\"raid.create\"", StringComparison.Ordinal));
        Assert.Contains("Test environment blocked by the firewall change", form, StringComparison.Ordinal);
        Assert.Contains("\"value\":\"issue\"", form, StringComparison.Ordinal);
        // The scale as the item's own update form offers it (it said "very low (1)" here and "Very low (1)" there).
        Assert.Contains("\"title\":\"Very low (1)\"", form, StringComparison.Ordinal);

        using var saved = await teams.PostAsync(TestActivities.Invoke(teams.Framework.ServiceUrl, "raid.create", new JsonObject
        {
            ["answerId"] = answerId, ["type"] = "issue", ["title"] = "Test environment blocked by the firewall change", ["owner"] = "isaiahl",
            ["impact"] = "4", ["due"] = "2026-12-02",
        }, id: "add-2"), teams.ValidToken());

        var invoke = JsonNode.Parse(await saved.Content.ReadAsStringAsync())!;
        Assert.Contains("I-3 · Test environment blocked by the firewall change", Plain(invoke["value"]!), StringComparison.Ordinal);
        await using var db = await teams.DbAsync();
        var issue = await db.RaidItems.SingleAsync(r => r.Key == "i-3");
        Assert.Equal((RaidType.Issue, 4), (issue.Type, issue.Impact!.Value));
        Assert.Equal(Guid.Parse(answerId.Split(':')[0]), issue.SourceResponseId);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task OnSlack_ARiskAddedByCommand_AndTheLog_AreAnswered(StoreKind kind)
    {
        await using var slack = await StartSlackAsync(kind);

        await slack.PostCommandAsync("issue add Phoenix \"Build agents out of disk\" owner @isaiahl severity medium due 2026-12-01", channel: AlexsChat);
        await slack.IdleAsync();
        await slack.PostCommandAsync("raid Phoenix", channel: AlexsChat);
        await slack.IdleAsync();

        var answers = slack.Slack.Calls.Where(c => c.Method is "response_url" or "chat.postMessage").Select(c => Plain(c.Body)).ToList();
        Assert.Contains(answers, a => a.Contains("Added *I-3* to Phoenix", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.Contains("Phoenix — RAID log", StringComparison.Ordinal) && a.Contains("I-3", StringComparison.Ordinal));
        await using var db = await slack.Bot.Store.OpenAsync();
        Assert.Equal(3, (await db.RaidItems.SingleAsync(r => r.Key == "i-3")).Impact);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task OnSlack_AProgramManagerAddsAQuotedBlockerToTheRaidLog_ThroughTheModal(StoreKind kind)
    {
        await using var slack = await StartSlackAsync(kind);
        var summary = await SummaryWithABlockerAsync(slack.Bot);
        var answerId = (string)summary.Data["quotes"]![0]!["answerId"]!;

        // The summary's button, pressed in Alex's chat: the pre-filled form comes back with a button that opens it.
        await slack.PostInteractionAsync(Press(AlexsChat, "1764072100.000001", "raid.fromcheckin", new JsonObject { ["answerId"] = answerId }.ToJsonString()));
        await slack.IdleAsync();
        var formPost = slack.Slack.Calls.Last(c => c.Body["blocks"] is JsonArray b && Plain(b).Contains("Add to Phoenix's RAID log", StringComparison.Ordinal));
        var button = formPost.Body["blocks"]!.AsArray().Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray())
            .First(e => ((string?)e!["text"]!["text"])!.Contains("Add to RAID log", StringComparison.Ordinal))!;
        var ts = slack.Slack.Posted.Where(p => p.Channel == AlexsChat).Select(p => p.Ts).LastOrDefault() ?? "1764072100.000002";

        await slack.PostInteractionAsync(Press(AlexsChat, ts, (string)button["action_id"]!, (string?)button["value"]));
        var view = Assert.Single(slack.Slack.CallsTo("views.open")).Body["view"]!.AsObject();
        Assert.Contains("Test environment blocked by the firewall change", Plain(view), StringComparison.Ordinal);
        using (var accepted = await slack.PostInteractionAsync(Submit(view, new Dictionary<string, string>
        {
            ["type"] = "issue", ["title"] = "Test environment blocked by the firewall change", ["owner"] = "isaiahl", ["impact"] = "4", ["due"] = "2026-12-02",
        })))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        await slack.IdleAsync();
        await using var db = await slack.Bot.Store.OpenAsync();
        var issue = await db.RaidItems.SingleAsync(r => r.Key == "i-3");
        Assert.Equal(Guid.Parse(answerId.Split(':')[0]), issue.SourceResponseId);
        Assert.Equal("isaiahl", (await db.Stakeholders.SingleAsync(s => s.Id == issue.OwnerId)).Key);
    }

    [Fact]
    public async Task OnSlack_SomeoneElsePressingUpdate_IsRefusedInAnEphemeral_AndAudited()
    {
        await using var slack = await StartSlackAsync();
        slack.Slack.Emails["UADELE"] = "adelev@example.com";
        var id = await IdAsync(slack.Bot, "r-2");

        await slack.PostInteractionAsync(Press("C0PROGRAM", "1764072100.000009", "raid.close", new JsonObject { ["itemId"] = id }.ToJsonString(), user: "UADELE"));
        await slack.IdleAsync();

        Assert.Contains(slack.Slack.Calls, c => Plain(c.Body).Contains("can change *R-2*. Nothing was changed.", StringComparison.Ordinal));
        await using var db = await slack.Bot.Store.OpenAsync();
        Assert.Equal(RaidStatus.Open, (await db.RaidItems.SingleAsync(r => r.Key == "r-2")).Status);
        Assert.Single(await db.Audit.Where(a => a.Action == "raid.close.refused" && a.Actor == "adelev").ToListAsync());
    }

    /// <summary>Isaiah's answer in last week's round: a blocker, quoted on the summary card with "Add to RAID log".</summary>
    private static async Task<GovernanceBot.Conversation.CardReply> SummaryWithABlockerAsync(BotHarness bot)
    {
        CheckInRound round;
        await using (var db = await bot.Store.OpenAsync())
        {
            var checkIn = await db.CheckIns.SingleAsync(c => c.Key == "weekly");
            var isaiah = await db.Stakeholders.SingleAsync(s => s.Key == "isaiahl");
            round = new CheckInRound
            {
                CheckInId = checkIn.Id, ProgramId = checkIn.ProgramId, OccurrenceDate = new DateOnly(2026, 11, 23),
                OpensAt = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero), ClosesAt = new DateTimeOffset(2026, 11, 24, 17, 0, 0, TimeSpan.Zero),
                Status = CheckInRoundStatus.Closed,
            };
            round.Responses.Add(new CheckInResponse
            {
                RoundId = round.Id, StakeholderId = isaiah.Id, SubmittedAt = round.OpensAt, UpdatedAt = round.OpensAt,
                AnswersJson = "{\"confidence\":\"2\",\"status\":\"Off track\",\"risks\":\"Test environment blocked by the firewall change\"}",
            });
            db.CheckInRounds.Add(round);
            await db.SaveChangesAsync();
        }

        await using var scope = bot.Services.CreateAsyncScope();
        var summary = await scope.ServiceProvider.GetRequiredService<CheckInSummaries>().BuildAsync(round, CancellationToken.None);
        Assert.Equal("blocker", (string?)summary.Data["quotes"]![0]!["kind"]);
        return summary;
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task OnTeams_AnEscalatedRisksCard_SaysWhenItWasEscalated_WithTeamsDateAndTimeFunctions(StoreKind kind)
    {
        await using var teams = await StartTeamsAsync(kind);
        await EscalateAsync(await teams.DbAsync());

        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "raid R-2", "m-1"), teams.ValidToken());

        // A line of its own, not a fact: Teams localises only a TextBlock, and a fact's value is escaped user text.
        var card = Plain(teams.Framework.Sent("POST")[^1].Body!);
        Assert.Contains("Escalated to the sponsor {{DATE(2026-11-20T10:00:00Z, SHORT)}} at {{TIME(2026-11-20T10:00:00Z)}}.", card, StringComparison.Ordinal);
        Assert.DoesNotContain("to the sponsor on", card, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d{9,}\|", card);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task OnSlack_AnEscalatedRisksCard_SaysWhenItWasEscalated_AsADateToken(StoreKind kind)
    {
        await using var slack = await StartSlackAsync(kind);
        await EscalateAsync(await slack.Bot.Store.OpenAsync());

        await slack.PostCommandAsync("raid R-2", channel: AlexsChat);
        await slack.IdleAsync();

        var card = Plain(slack.Slack.Calls.Last(c => c.Method is "response_url" or "chat.postMessage").Body);
        Assert.Contains($"Escalated to the sponsor <!date^{Escalated.ToUnixTimeSeconds()}^{{date_short_pretty}} at {{time}}|Fri 20 Nov 2026, 10:00 (Europe/London)>.", card, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d{9,}\|F", card);
    }

    private static readonly DateTimeOffset Escalated = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    private static async Task EscalateAsync(GovernanceBot.Store.GovernanceDb db)
    {
        await using (db)
        {
            await db.RaidItems.Where(r => r.Key == "r-2").ExecuteUpdateAsync(s => s.SetProperty(r => r.EscalatedAt, Escalated));
        }
    }

    internal static async Task<TeamsBot> StartTeamsAsync(StoreKind kind = StoreKind.Sqlite)
    {
        var teams = await TeamsBot.StartAsync(kind, extra: new() { ["Conversation:BindUnknownWorkspacesTo"] = "demo" },
            configure: b => b.Services.AddSingleton<ICardRenderer>(sp => sp.GetRequiredService<TemplateCardRenderer>()));
        var demo = StoreInitializer.DemoPath(AppContext.BaseDirectory)!;
        Assert.True((await teams.Bot.Services.GetRequiredService<GovernanceImporter>().ImportAsync(demo, await File.ReadAllTextAsync(demo), false, CancellationToken.None)).Succeeded);
        teams.Framework.MemberEmails[TestActivities.UserId] = "alexw@example.com";
        return teams;
    }

    internal static Task<SlackTestBot> StartSlackAsync(StoreKind kind = StoreKind.Sqlite) => SlackTestBot.StartAsync(kind, configure: b =>
    {
        b.Services.AddSingleton<ICardRenderer>(sp => sp.GetRequiredService<TemplateCardRenderer>());
        b.Services.AddSingleton<IBlockKitTranslator, BlockKitTranslator>();
    });

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A payload as JSON that keeps apostrophes, dashes and emoji as they are, so assertions read like the card.</summary>
    internal static string Plain(JsonNode node) => node.ToJsonString(Relaxed);

    private static async Task<string> IdAsync(BotHarness bot, string key)
    {
        await using var db = await bot.Store.OpenAsync();
        return (await db.RaidItems.SingleAsync(r => r.Key == key)).Id.ToString();
    }

    internal static JsonObject Press(string channel, string messageTs, string actionId, string? value, string user = SlackTestBot.Alex) => new()
    {
        ["type"] = "block_actions",
        ["team"] = new JsonObject { ["id"] = SlackTestBot.Team },
        ["user"] = new JsonObject { ["id"] = user, ["team_id"] = SlackTestBot.Team },
        ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = messageTs, ["channel_id"] = channel, ["is_ephemeral"] = false },
        ["channel"] = new JsonObject { ["id"] = channel },
        ["trigger_id"] = $"trigger-{Guid.NewGuid():N}",
        ["message"] = new JsonObject { ["ts"] = messageTs, ["text"] = "card" },
        ["actions"] = new JsonArray(new JsonObject
        {
            ["action_id"] = actionId,
            ["block_id"] = "b1",
            ["type"] = "button",
            ["value"] = value,
            ["action_ts"] = "1764072105.000001",
        }),
    };

    /// <summary>A modal submitted with these values: each input's block and action are its id (as the translator builds them).</summary>
    internal static JsonObject Submit(JsonObject openedView, Dictionary<string, string> values)
    {
        var state = new JsonObject();
        foreach (var block in openedView["blocks"]!.AsArray().OfType<JsonObject>().Where(b => (string?)b["type"] == "input"))
        {
            var blockId = (string)block["block_id"]!;
            var element = block["element"]!.AsObject();
            var actionId = (string)element["action_id"]!;
            if (!values.TryGetValue(actionId, out var value) && !values.TryGetValue(blockId, out value))
            {
                continue;
            }

            var type = (string)element["type"]!;
            state[blockId] = new JsonObject
            {
                [actionId] = type switch
                {
                    "static_select" or "radio_buttons" => new JsonObject { ["type"] = type, ["selected_option"] = new JsonObject { ["value"] = value } },
                    "datepicker" => new JsonObject { ["type"] = type, ["selected_date"] = value },
                    _ => new JsonObject { ["type"] = type, ["value"] = value },
                },
            };
        }

        return new JsonObject
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
                ["state"] = new JsonObject { ["values"] = state },
            },
        };
    }
}
