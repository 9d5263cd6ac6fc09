using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Cards.BlockKit;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Scheduling;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Features;

/// <summary>
/// Approvals on Slack as people meet them, with the real card renderer and Block Kit translator: the
/// card in the linked channel, the vote forms (modals) on an approver's card, and the sponsor's
/// decision on an escalated gate.
/// </summary>
public sealed class SlackApprovalTests
{
    private const string MegansChat = "DUMEGAN";

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ARequestTypedInTheLinkedChannel_PutsOneCardThere_AndTheVoteUpdatesThatCard(StoreKind kind)
    {
        await using var slack = await StartAsync(kind);
        await slack.PostCommandAsync("link Phoenix");
        await slack.IdleAsync();

        await slack.PostCommandAsync("approval request \"Gate 4: go live\" approvers meganb leeg quorum all due 2026-12-10");
        await slack.IdleAsync();

        // Every card that reached the channel, whichever way it went (posted, or the command's answer).
        var cards = slack.Slack.Calls.Where(c => (c.Method == "chat.postMessage" && (string?)c.Body["channel"] == "C0PROGRAM" || c.Method == "response_url")
            && c.Body["blocks"] is JsonArray blocks && blocks.ToJsonString().Contains("Requester", StringComparison.Ordinal)).ToList();
        var card = Assert.Single(cards);
        Assert.Equal("chat.postMessage", card.Method);
        var answer = slack.Slack.CallsTo("response_url")[^1];
        Assert.Contains("I've posted it here", (string?)answer.Body["text"], StringComparison.Ordinal);
        var ts = slack.Slack.Posted.Single(p => p.Channel == "C0PROGRAM" && p.Body["blocks"]!.ToJsonString().Contains("Requester", StringComparison.Ordinal)).Ts;

        await slack.PostInteractionAsync(Press("UMEGAN", MegansChat, "1764072100.000001", "approval.vote",
            new JsonObject { ["requestId"] = (await RequestAsync(slack, "gate-4")).Id.ToString(), ["decision"] = "approve" }.ToJsonString()));
        await slack.IdleAsync();

        var update = Assert.Single(slack.Slack.CallsTo("chat.update"), u => (string?)u.Body["channel"] == "C0PROGRAM");
        Assert.Equal(ts, (string?)update.Body["ts"]);
        Assert.StartsWith("Gate 4: go live: 1 approve, 0 reject, 0 abstain, 1 waiting", (string?)update.Body["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectingOnTheCardWithoutAReason_KeepsTheModalOpenWithTheErrorUnderTheReason()
    {
        await using var slack = await StartAsync();
        await slack.PostCommandAsync("approval request \"Gate 4: go live\" approvers meganb leeg quorum all due 2026-12-10", channel: "D0ALEX");
        await slack.IdleAsync();
        var (ts, blocks) = LastCardIn(slack, MegansChat);

        await slack.PostInteractionAsync(Press("UMEGAN", MegansChat, ts, ButtonId(blocks, "Reject…"), null));
        var view = Assert.Single(slack.Slack.CallsTo("views.open")).Body["view"]!.AsObject();

        var reason = view["blocks"]!.AsArray().Single(b => (string?)b!["block_id"] == "reason")!;
        Assert.False((bool)reason["optional"]!);
        Assert.DoesNotContain("optional", (string?)reason["label"]!["text"], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(view["blocks"]!.AsArray(), b => (string?)b!["block_id"] == "comment");

        using (var refused = await slack.PostInteractionAsync(Submit("UMEGAN", view, "reason", "   ")))
        {
            var errors = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
            Assert.Equal("errors", (string?)errors["response_action"]);
            Assert.Contains("Say why you reject it", (string?)errors["errors"]!["reason"], StringComparison.Ordinal);
        }

        await slack.IdleAsync();
        var request = await RequestAsync(slack, "gate-4");
        Assert.Empty(request.Votes);
        Assert.DoesNotContain(slack.Slack.Calls, c => c.Body.ToJsonString().Contains("comment box", StringComparison.Ordinal));

        using (var accepted = await slack.PostInteractionAsync(Submit("UMEGAN", view, "reason", "Budget is not approved yet")))
        {
            Assert.Equal(string.Empty, await accepted.Content.ReadAsStringAsync());
        }

        await slack.IdleAsync();
        var vote = Assert.Single((await RequestAsync(slack, "gate-4")).Votes);
        Assert.Equal(VoteDecision.Reject, vote.Decision);
        Assert.Equal("Budget is not approved yet", vote.Comment);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AnEscalatedGate_IsDecidedFromTheSponsorsCard_AndTheRequesterIsTold(StoreKind kind)
    {
        await using var slack = await StartAsync(kind);
        // Megan has used the bot in this workspace before, so it can reach her.
        await slack.PostCommandAsync("help", user: "UMEGAN", channel: MegansChat);
        await slack.IdleAsync();
        slack.Bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
        await using (var scope = slack.Bot.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ApprovalDeadlineJob>().RunAsync(CancellationToken.None);
        }

        await slack.IdleAsync();
        Assert.Contains(slack.Slack.Posted, p => p.Channel == MegansChat && ((string?)p.Body["text"])?.Contains("escalated to you as sponsor to decide", StringComparison.Ordinal) == true);
        var (ts, blocks) = LastCardIn(slack, MegansChat);
        Assert.Contains("Your decision, Megan", blocks.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Abstain", blocks.ToJsonString(), StringComparison.Ordinal);

        await slack.PostInteractionAsync(Press("UMEGAN", MegansChat, ts, ButtonId(blocks, "Approve"), null));
        var view = Assert.Single(slack.Slack.CallsTo("views.open")).Body["view"]!.AsObject();
        using (var accepted = await slack.PostInteractionAsync(Submit("UMEGAN", view, "comment", "Pilot customers are ready")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        await slack.IdleAsync();
        var request = await RequestAsync(slack, "gate-3");
        Assert.Equal(ApprovalStatus.Approved, request.Status);
        Assert.Contains(slack.Slack.CallsTo("chat.update"), u => (string?)u.Body["channel"] == MegansChat && (string?)u.Body["ts"] == ts
            && u.Body["blocks"]!.ToJsonString().Contains("Approved", StringComparison.Ordinal));
        Assert.Contains(slack.Slack.Posted, p => p.Channel == "DUALEX"
            && ((string?)p.Body["text"])?.Contains("Gate 3: release to pilot customers", StringComparison.Ordinal) == true
            && ((string?)p.Body["text"])!.Contains("is approved", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ApprovalCards_ShowTheDeadlineRequestVoteAndDecisionTimes_AsDateTokensEachReaderSeesInTheirOwnZone(StoreKind kind)
    {
        await using var slack = await StartAsync(kind);
        await slack.PostCommandAsync("approval request \"Gate 4: go live\" approvers meganb quorum all due 2026-12-10", channel: "D0ALEX");
        await slack.IdleAsync();
        var request = await RequestAsync(slack, "gate-4");

        var (ts, blocks) = LastCardIn(slack, MegansChat);
        var pending = blocks.ToJsonString(Relaxed);
        await slack.PostInteractionAsync(Press("UMEGAN", MegansChat, ts, "approval.vote",
            new JsonObject { ["requestId"] = request.Id.ToString(), ["decision"] = "approve" }.ToJsonString()));
        await slack.IdleAsync();
        var decidedAt = (await RequestAsync(slack, "gate-4")).DecidedAt!.Value;
        // The card Megan pressed is replaced for her, and every copy is updated: the last is the decided card.
        var decided = slack.Slack.CallsTo("chat.update").Last(u => (string?)u.Body["channel"] == MegansChat).Body["blocks"]!.ToJsonString(Relaxed);

        // Where a client cannot localise, the fallback is Megan's own zone, named.
        Assert.Contains($"*Deadline:* {Token(request.Deadline!.Value)}Thu 10 Dec 2026, 17:00 (Europe/London)> (15 days left)", pending, StringComparison.Ordinal);
        Assert.Contains($"*Requester:* Alex Wilber, {Token(request.CreatedAt)}", pending, StringComparison.Ordinal);
        Assert.Contains($"Decided {Token(decidedAt)}", decided, StringComparison.Ordinal);
        Assert.Contains(Token(Assert.Single((await RequestAsync(slack, "gate-4")).Votes).CastAt), decided, StringComparison.Ordinal);
        foreach (var card in new[] { pending, decided })
        {
            Assert.DoesNotContain("London time", card, StringComparison.Ordinal);
            Assert.DoesNotContain('\uF8F0', card);
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ExtendingARequest_ConfirmsTheNewDeadlineAsADateToken_WithTheAskersOwnZoneAsItsFallback(StoreKind kind)
    {
        await using var slack = await StartAsync(kind);
        await slack.PostCommandAsync("approval request \"Gate 4: go live\" approvers meganb quorum all due 2026-12-10", channel: "D0ALEX");
        await slack.IdleAsync();

        await slack.PostCommandAsync("approval extend gate-4 due 2026-12-12", channel: "D0ALEX");
        await slack.IdleAsync();

        // 17:00 in London (the program's zone) is noon for Alex in New York.
        var text = (string?)slack.Slack.Calls.Last(c => ((string?)c.Body["text"])?.Contains("Extended:", StringComparison.Ordinal) == true).Body["text"];
        Assert.Contains($"now closes {Token((await RequestAsync(slack, "gate-4")).Deadline!.Value)}Sat 12 Dec 2026, 12:00 (America/New_York)>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("London time", text, StringComparison.Ordinal);
    }

    /// <summary>Relaxed escaping: the default encoder writes '<' as \u003C, which would hide the tokens.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The start of Slack's date token for a moment (its fallback follows, in the zone the bot chose).</summary>
    private static string Token(DateTimeOffset at) =>
        $"<!date^{at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)}^{{date_short_pretty}} at {{time}}|";

    internal static Task<SlackTestBot> StartAsync(StoreKind kind = StoreKind.Sqlite) => SlackTestBot.StartAsync(kind, configure: b =>
    {
        b.Services.AddSingleton<ICardRenderer>(sp => sp.GetRequiredService<TemplateCardRenderer>());
        b.Services.AddSingleton<IBlockKitTranslator, BlockKitTranslator>();
    });

    private static async Task<ApprovalRequest> RequestAsync(SlackTestBot slack, string key)
    {
        await using var db = await slack.Bot.Store.OpenAsync();
        return await db.Approvals.AsNoTracking().Include(a => a.Votes).SingleAsync(a => a.Key == key);
    }

    /// <summary>The latest card posted into a conversation: its ts and blocks.</summary>
    private static (string Ts, JsonArray Blocks) LastCardIn(SlackTestBot slack, string channel)
    {
        var post = slack.Slack.Posted.Last(p => p.Channel == channel && p.Body["blocks"] is JsonArray b && b.ToJsonString().Contains("Requester", StringComparison.Ordinal));
        return (post.Ts, post.Body["blocks"]!.AsArray());
    }

    internal static string ButtonId(JsonArray blocks, string text) =>
        (string)blocks.Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray())
            .Single(e => (string?)e!["text"]!["text"] == text)!["action_id"]!;

    internal static JsonObject Press(string user, string channel, string messageTs, string actionId, string? value) => new()
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

    internal static JsonObject Submit(string user, JsonObject openedView, string input, string value) => new()
    {
        ["type"] = "view_submission",
        ["team"] = new JsonObject { ["id"] = SlackTestBot.Team },
        ["user"] = new JsonObject { ["id"] = user, ["team_id"] = SlackTestBot.Team },
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
                    [input] = new JsonObject { [input] = new JsonObject { ["type"] = "plain_text_input", ["value"] = value } },
                },
            },
        },
    };
}
