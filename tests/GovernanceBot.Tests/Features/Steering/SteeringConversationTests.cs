using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Tests.Features.Steering;

/// <summary>The steering pack and meeting in conversation, on the Phoenix demo.</summary>
public sealed class SteeringConversationTests
{
    private const string Manager = "alexw@example.com";
    private const string Sponsor = "meganb@example.com";
    private const string Stakeholder = "adelev@example.com";

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task SteeringPack_ShowsEverySection_SendsTheHtmlFile_AndTheNextPackStartsWhereItEnded(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var replies = await bot.SendAsync("steering pack Phoenix", Sponsor);

        var card = replies[0].ShouldBeCard("steering.pack");
        Assert.Equal(ReplyAudience.Requester, card.Audience);
        Assert.Equal(["Phase and next gate", "KPI health", "Benefits", "Top RAID items", "Pending approvals", "Decisions since the last pack", "Check-in response rate"],
            card.Data["sections"]!.AsArray().Select(s => (string)s!["title"]!));
        Assert.Contains("First pack for Phoenix: decisions of the last 30 days", (string?)card.Data["sinceText"], StringComparison.Ordinal);
        // No check-in round has closed in the demo yet: the pack says there is nothing to summarise.
        Assert.Equal("No check-in round of the last 30 days has written answers, so there is nothing to summarise.", (string?)card.Data["narrative"]!["note"]);
        Assert.Empty(card.Data["narrative"]!["lines"]!.AsArray());
        var html = await bot.FileTextAsync(replies[1]);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<h1>Phoenix — steering pack</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\">Item</th>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);

        bot.Clock.Advance(TimeSpan.FromDays(7));
        var second = (await bot.SendAsync("steering pack Phoenix", Sponsor))[0].ShouldBeCard("steering.pack");
        Assert.StartsWith("Decisions since the last pack, produced", (string?)second.Data["sinceText"], StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(2, await db.Audit.CountAsync(a => a.Action == "steering.packed"));
    }

    [Fact]
    public async Task SteeringPack_ShowsAnApprovalsDeadlineAsADate_AndAnIssuesSeverityAsTheRaidLogDoes()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var card = (await bot.SendAsync("steering pack Phoenix", Sponsor))[0].ShouldBeCard("steering.pack");

        var sections = card.Data["sections"]!.AsArray();
        // A line's detail is escaped user text: a moment's marker in it was stripped, and "deadline 1796490000|Sat 5 Dec…" showed.
        // The deadline is a moment of its own, after the detail, which each reader sees in their own zone.
        var review = sections.Single(s => (string?)s!["id"] == "approvals")!["lines"]![0]!;
        Assert.DoesNotContain("deadline", (string)review["detail"]!, StringComparison.Ordinal);
        Assert.Equal("deadline Sat 5 Dec 2026, 17:00 (Europe/London)", LocalTime.Plain((string)review["whenText"]!));
        Assert.NotEqual(LocalTime.Plain((string)review["whenText"]!), (string)review["whenText"]!);
        // An issue's "score 20" (5 × severity) is not a number the RAID log shows; its severity is.
        var issue = (string)sections.Single(s => (string?)s!["id"] == "raid")!["lines"]!.AsArray().Single(l => ((string)l!["title"]!).StartsWith("I-1", StringComparison.Ordinal))!["detail"]!;
        Assert.Contains(UserText.Escape("severity high (4)"), issue, StringComparison.Ordinal);
        Assert.DoesNotContain("score", issue, StringComparison.Ordinal);
        // Not "Overall Red: Needs attention: …".
        Assert.Equal("Overall Red. Needs attention: 1 KPI Red, 2 KPIs Amber, 1 benefit at risk.", (string?)sections.Single(s => (string?)s!["id"] == "kpis")!["summary"]);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheMinutes_SayHowLongTheMeetingRanAndWhenInItTheRaidLogChanged_TheSameInEveryZone(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        await bot.SendAsync("meeting start Phoenix", Manager);
        bot.Clock.Advance(TimeSpan.FromMinutes(40));
        var id = await GovernanceBot.Tests.Features.Raid.RaidConversationTests.IdAsync(bot, "r-2");
        await bot.ActAsync("raid.update", new JsonObject { ["itemId"] = id, ["status"] = "mitigating", ["probability"] = "3", ["impact"] = "4", ["due"] = "2026-12-02" }, Manager);
        bot.Clock.Advance(TimeSpan.FromMinutes(25));

        var minutes = Assert.Single(await bot.SendAsync("meeting end Phoenix", Manager)).ShouldBeCard("steering.minutes");

        // The start is each reader's own time; an end "to 13:05" and a change "12:40" were London's, so a reader in Berlin saw a meeting
        // starting at 13:00 and ending five minutes later.
        var held = (string)minutes.Data["heldText"]!;
        Assert.Equal("Held Wed 25 Nov 2026, 12:00 (Europe/London) for 1 h 5 min · chaired by Alex Wilber", LocalTime.Plain(held));
        var change = minutes.Data["sections"]!.AsArray().Single(s => (string?)s!["id"] == "raid")!["lines"]![0]!;
        Assert.Equal("Alex Wilber, 40 min in", (string?)change["ragText"]);
    }

    [Fact]
    public async Task SteeringPack_ForAStakeholderWhoDoesNotReadTheDecisionLog_IsRefused()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync("steering pack Phoenix", Stakeholder));

        Assert.IsType<TextReply>(reply);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(0, await db.Audit.CountAsync(a => a.Action == "steering.packed"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Meeting_RecordsDecisionsAndActionsFromTheCard_AndTheMinutesListThem(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var started = await bot.SendAsync("meeting start Phoenix", Manager);
        var agenda = started[1].ShouldBeCard("steering.meeting");
        var meetingId = (string)agenda.Data["meetingId"]!;
        Assert.Equal("Phase and next gate", (string?)agenda.Data["agenda"]![0]!["title"]);
        // The agenda's summaries are escaped user text: the bot's own Markdown in one showed its asterisks, "(**actions Phoenix**)".
        Assert.All(agenda.Data["agenda"]!.AsArray(), a => Assert.DoesNotContain("*", (string)a!["summary"]!, StringComparison.Ordinal));
        Assert.Contains("“actions Phoenix” lists them", (string)agenda.Data["agenda"]![3]!["summary"]!, StringComparison.Ordinal);

        var decided = await bot.ActAsync("meeting.decision", new JsonObject { ["meetingId"] = meetingId, ["decisionTitle"] = "Keep the 12 January pilot start", ["rationale"] = "The provider confirmed its API date" }, Manager);
        Assert.True(decided[0].ShouldBeCard("steering.meeting").ReplacesSourceCard);
        Assert.Contains("Recorded **DEC-4**", decided[1].ShouldBeText(), StringComparison.Ordinal);
        var acted = await bot.ActAsync("meeting.action", new JsonObject { ["meetingId"] = meetingId, ["actionTitle"] = "Send the revised pilot plan to the board", ["owner"] = "adelev", ["due"] = "2026-12-18" }, Manager);
        Assert.Contains("Recorded action **ACT-4** for Adele Vance, due Fri 18 Dec 2026", acted[1].ShouldBeText(), StringComparison.Ordinal);

        var actions = Assert.Single(await bot.SendAsync("actions Phoenix", Manager)).ShouldBeCard("steering.actions");
        Assert.Equal(["ACT-1", "ACT-2", "ACT-4"], actions.Data["actions"]!.AsArray().Select(a => (string)a!["key"]!));

        var minutes = Assert.Single(await bot.SendAsync("meeting end Phoenix", Manager)).ShouldBeCard("steering.minutes");
        Assert.Equal("1 decision, 1 action, 0 RAID changes.", (string?)minutes.Data["summaryText"]);
        Assert.StartsWith("DEC-4", (string?)minutes.Data["sections"]![0]!["lines"]![0]!["title"], StringComparison.Ordinal);
        // "The RAID log did not change during the meeting." was followed by "None.".
        var unchanged = minutes.Data["sections"]![2]!;
        Assert.Equal(("The RAID log did not change during the meeting.", ""), ((string?)unchanged["summary"], (string?)unchanged["empty"]));
        await using var db = await bot.Store.OpenAsync();
        var decision = await db.DecisionLog.SingleAsync(d => d.Key == "dec-4");
        Assert.Equal(["meeting:2026-11-25"], decision.Links);
        var action = await db.RaidItems.SingleAsync(r => r.Key == "act-4");
        Assert.Equal((RaidType.Action, RaidStatus.Open, new DateOnly(2026, 12, 18)), (action.Type, action.Status, action.DueDate!.Value));
        Assert.Equal(1, await db.Audit.CountAsync(a => a.Action == "meeting.started"));
        Assert.Equal(1, await db.Audit.CountAsync(a => a.Action == "meeting.ended"));
        Assert.NotNull((await db.SteeringMeetings.SingleAsync()).EndedAt);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task MeetingStartedTwice_SaysOneIsOpen_AndEndWithoutStart_SaysNoneIs(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var none = Assert.Single(await bot.SendAsync("meeting end Phoenix", Manager)).ShouldBeText();
        await bot.SendAsync("meeting start Phoenix", Manager);
        var twice = Assert.Single(await bot.SendAsync("meeting start Phoenix", Manager));

        Assert.StartsWith("No steering meeting is open for Phoenix", none, StringComparison.Ordinal);
        Assert.Equal(ReplyAudience.Requester, twice.Audience);
        Assert.Contains("Phoenix's steering meeting is already open: Alex Wilber started it", twice.ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(1, await db.SteeringMeetings.CountAsync());
    }

    [Theory]
    [InlineData("adelev", "2026-11-20", "is before today")]
    [InlineData("nobody", "2026-12-18", "I don't know \"nobody\" in Phoenix")]
    [InlineData("adelev", "", "Pick the date it is due.")]
    public async Task MeetingAction_WithBadInput_SaysWhatWasWrong_AndRecordsNothing(string owner, string due, string expected)
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var meetingId = (string)(await bot.SendAsync("meeting start Phoenix", Manager))[1].ShouldBeCard("steering.meeting").Data["meetingId"]!;

        var reply = Assert.Single(await bot.ActAsync("meeting.action", new JsonObject { ["meetingId"] = meetingId, ["actionTitle"] = "Chase the vendor", ["owner"] = owner, ["due"] = due }, Manager));

        Assert.Contains(expected, reply.ShouldBeText(), StringComparison.Ordinal);
        Assert.NotNull(reply.InputErrors);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(3, await db.RaidItems.CountAsync(r => r.Type == RaidType.Action));
    }

    [Theory]
    [InlineData("meeting start Phoenix", Stakeholder, "Only Phoenix's program managers and PMO")]
    [InlineData("meeting start Atlantis", Manager, "Atlantis")]
    [InlineData("actions Atlantis", Manager, "Atlantis")]
    public async Task MeetingCommands_FromSomeoneNotAllowed_OrForAnUnknownProgram_AreRefused(string command, string who, string expected)
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync(command, who));

        Assert.Contains(expected, reply.ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(0, await db.SteeringMeetings.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task MeetingEnd_SendsEachActionOwnerOneMessage_ListingTheirActionsWithDueDates_AndNothingTwice(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        var meetingId = (string)(await bot.SendAsync("meeting start Phoenix", Manager))[1].ShouldBeCard("steering.meeting").Data["meetingId"]!;
        async Task<string> ActAsync(string title, string owner, string due) =>
            (await bot.ActAsync("meeting.action", new JsonObject { ["meetingId"] = meetingId, ["actionTitle"] = title, ["owner"] = owner, ["due"] = due }, Manager))[1].ShouldBeText();

        var recorded = await ActAsync("Send the revised pilot plan to the board", "adelev", "2026-12-18");
        await ActAsync("Confirm the provider's API date in writing", "adelev", "2026-12-04");
        await ActAsync("Book the board slot", "alexw", "2026-12-07");
        var typed = (await bot.SendAsync("action add Phoenix \"Brief the call centre leads\" owner @isaiahl due 2026-12-09", Manager))[0].ShouldBeText();
        await using (var during = await bot.Store.OpenAsync())
        {
            Assert.False(await during.Outbox.AnyAsync(o => o.IdempotencyKey.StartsWith("raid:") || o.IdempotencyKey.StartsWith("meeting:")), "nobody is told before the meeting ends");
        }

        await bot.SendAsync("meeting end Phoenix", Manager);
        await bot.SendAsync("meeting end Phoenix", Manager);

        Assert.Contains("Adele Vance is sent it with the meeting's other actions when the meeting ends.", recorded, StringComparison.Ordinal);
        Assert.Contains("Isaiah Langer gets it with the meeting's other actions when the meeting ends.", typed, StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        var told = await db.Outbox.Where(o => o.IdempotencyKey.StartsWith("meeting:")).ToListAsync();
        Assert.Equal(["person:adelev@example.com", "person:alexw@example.com", "person:isaiahl@example.com"], told.Select(o => o.Destination).Order(StringComparer.Ordinal));
        var toAdele = JsonNode.Parse(told.Single(o => o.Destination == "person:adelev@example.com").PayloadJson)!.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Contains("Adele, 2 actions are yours from Phoenix's steering meeting of Wed 25 Nov 2026:", toAdele, StringComparison.Ordinal);
        Assert.Contains("- **ACT-5** Confirm the provider's API date in writing — Due Fri 4 Dec 2026\\n- **ACT-4** Send the revised pilot plan to the board — Due Fri 18 Dec 2026", toAdele, StringComparison.Ordinal);
        Assert.False(await db.Outbox.AnyAsync(o => o.IdempotencyKey.StartsWith("raid:")), "the action added by text during the meeting is told with the others, not apart");
    }

    [Fact]
    public async Task MeetingEnd_StillTellsAnOwnerWhoSharesANameWithOneTheBotCannotReach()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await bot.SendAsync("help", Stakeholder);
        // Two people called Adele Vance (Isaiah's record renamed), and the first of them has blocked the bot.
        await Namesakes.BlockedAndNamesakeAsync(bot, blocked: Stakeholder, renamed: "isaiahl@example.com");

        await bot.SendAsync("meeting start Phoenix", Manager);
        await bot.SendAsync("action add Phoenix \"Send the revised pilot plan to the board\" owner @adelev due 2026-12-18", Manager);
        await bot.SendAsync("action add Phoenix \"Brief the call centre leads\" owner @isaiahl due 2026-12-09", Manager);
        var replies = await bot.SendAsync("meeting end Phoenix", Manager);

        Assert.Contains("I couldn't send Adele Vance their actions: Adele Vance, they blocked GovernanceBot.", replies[^1].ShouldBeText(), StringComparison.Ordinal);
        await using var after = await bot.Store.OpenAsync();
        var told = await after.Outbox.Where(o => o.IdempotencyKey.StartsWith("meeting:")).Select(o => o.Destination).ToListAsync();
        Assert.Equal(["person:isaiahl@example.com"], told);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ActionAdd_OutsideAMeeting_TellsItsOwnerDirectly_WithTheDueDate_ButNotSomeoneWhoGaveItThemselves(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var toIsaiah = (await bot.SendAsync("action add Phoenix \"Book the go-live rehearsal\" owner @isaiahl due 2026-12-04", Manager))[0].ShouldBeText();
        await bot.SendAsync("action add Phoenix \"Draft the board paper\" owner @alexw due 2026-12-04", Manager);

        Assert.Contains("I've told Isaiah Langer.", toIsaiah, StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        var told = Assert.Single(await db.Outbox.Where(o => o.IdempotencyKey.StartsWith("raid:")).ToListAsync());
        Assert.Equal("person:isaiahl@example.com", told.Destination);
        var text = JsonNode.Parse(told.PayloadJson)!.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Contains("Alex Wilber gave you an action in Phoenix:\\n- **ACT-4** Book the go-live rehearsal — Due Fri 4 Dec 2026\\nClose it from its card when it is done: **raid ACT-4**.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActionAdd_ByText_IsAnActionInTheRaidLogButNotOnTheRaidCard()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var replies = await bot.SendAsync("action add Phoenix \"Book the go-live rehearsal\" owner @isaiahl due 2026-12-04", Manager);

        Assert.Contains("Added **ACT-4**", replies[0].ShouldBeText(), StringComparison.Ordinal);
        var log = Assert.Single(await bot.SendAsync("raid Phoenix", Manager)).ShouldBeCard("raid.log");
        Assert.DoesNotContain(log.Data["items"]!.AsArray(), i => (string?)i!["type"] == "action");
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task PhoenixsOpenActions_AreAnsweredFromTheStore_OverdueFirst_EachCited(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        bot.Clock.Advance(TimeSpan.FromDays(8));

        var card = Assert.Single(await bot.SendAsync("what are Phoenix's open actions?", Manager)).ShouldBeCard("answer");

        var answer = (string)card.Data["answer"]!;
        Assert.StartsWith("Phoenix's open actions, overdue first (2 open): **ACT-1** Get the payment provider's certification date in writing (Adele Vance; overdue by 1 day: due Wed 2 Dec 2026) [1]", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("ACT-3", answer, StringComparison.Ordinal);
        Assert.EndsWith("See them all with **actions <program>**.", answer, StringComparison.Ordinal);
    }
}
