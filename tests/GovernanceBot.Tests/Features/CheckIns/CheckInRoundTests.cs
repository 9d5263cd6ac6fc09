using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Scheduling;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.Tests.Features.CheckIns;

public sealed class CheckInRoundTests
{
    private static readonly string[] Participants = ["adelev@example.com", "isaiahl@example.com", "pattif@example.com", "lynner@example.com", "diegos@example.com"];

    private static async Task<(BotHarness Bot, RecordingSender Sender)> StartAsync(StoreKind kind = StoreKind.Sqlite, DateTimeOffset? now = null)
    {
        var sender = new RecordingSender();
        var bot = await BotHarness.StartAsync(kind, configure: b => b.Services.AddSingleton<IChannelSender>(sender),
            now: now ?? new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        return (bot, sender);
    }

    private static async Task SweepAsync(BotHarness bot)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CheckInSweepJob>().RunAsync(CancellationToken.None);
    }

    private static Task<int> DrainAsync(BotHarness bot) => bot.Services.GetRequiredService<OutboxDispatcher>().DrainAllAsync(CancellationToken.None);

    private static async Task<Guid> OpenRoundIdAsync(BotHarness bot)
    {
        await using var db = await bot.Store.OpenAsync();
        return (await db.CheckInRounds.SingleAsync(r => r.Status == CheckInRoundStatus.Open)).Id;
    }

    private static JsonObject Answers(Guid roundId, string confidence = "4", string status = "On track", string? risks = null) => new()
    {
        ["roundId"] = roundId.ToString(),
        ["q_confidence"] = confidence,
        ["q_status"] = status,
        ["q_highlights"] = "Release 1 passed security testing.",
        ["q_risks"] = risks ?? string.Empty,
    };

    [Fact]
    public async Task EachParticipant_IsPromptedAtNineInTheirOwnTimeZone_AcrossADaylightSavingChange()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite, loadDemo: false, now: new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero));
        var yaml = """
            version: 1
            workspace: { key: demo, name: Demo }
            program: { key: atlas, name: Atlas, timeZone: Europe/London }
            stakeholders:
              - { key: nyc, name: New Yorker, email: nyc@example.com, roles: [project-manager], timeZone: America/New_York }
              - { key: syd, name: Sydneysider, email: syd@example.com, roles: [project-manager], timeZone: Australia/Sydney }
            checkIns:
              - key: weekly
                name: Atlas weekly
                schedule: "0 9 * * MON"
                window: 1d
                participants: { roles: [project-manager] }
                questions: [ { key: progress, text: How is it going?, kind: scale, required: true } ]
            """;
        var imported = await bot.Services.GetRequiredService<GovernanceImporter>().ImportAsync("atlas.yaml", yaml, false, CancellationToken.None);
        Assert.True(imported.Succeeded, string.Join("\n", imported.Errors));

        // Monday 26 October: New York still on daylight time (UTC-4), Sydney on daylight time (UTC+11).
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 10, 26, 0, 0, 0, TimeSpan.Zero));
        await SweepAsync(bot);
        // Monday 2 November: New York back on standard time (UTC-5) since 1 November.
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero));
        await SweepAsync(bot);

        await using var db = await bot.Store.OpenAsync();
        var prompts = await db.Outbox.Where(o => o.IdempotencyKey.EndsWith(":prompt")).ToListAsync();
        var times = prompts.Select(o => (o.Destination, o.NextAttemptAt)).OrderBy(p => p.NextAttemptAt).ToList();
        Assert.Equal(
        [
            ("person:syd@example.com", new DateTimeOffset(2026, 10, 25, 22, 0, 0, TimeSpan.Zero)),
            ("person:nyc@example.com", new DateTimeOffset(2026, 10, 26, 13, 0, 0, TimeSpan.Zero)),
            ("person:syd@example.com", new DateTimeOffset(2026, 11, 1, 22, 0, 0, TimeSpan.Zero)),
            ("person:nyc@example.com", new DateTimeOffset(2026, 11, 2, 14, 0, 0, TimeSpan.Zero)),
        ], times);
        Assert.Equal(2, await db.CheckInRounds.CountAsync());
    }

    [Fact]
    public async Task ARound_PromptsEachParticipantOnce_AtTheirLocalTime_ThenRemindsOnlyNonRespondersAndPostsTheSummary()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;
        foreach (var email in Participants.Append("alexw@example.com"))
        {
            await bot.SendAsync("help", email);
        }

        await bot.SendAsync("link Phoenix", "alexw@example.com", BotHarness.ChannelChat("phoenix-team"));

        // 08:00 UTC Monday: Sydney (19:00) and Berlin (09:00) are due; London, Chicago and LA are not yet.
        await SweepAsync(bot);
        await SweepAsync(bot);
        await DrainAsync(bot);
        Assert.Equal(["checkin.prompt"], sender.SentTo("lynner@example.com"));
        Assert.Equal(["checkin.prompt"], sender.SentTo("isaiahl@example.com"));
        Assert.Empty(sender.SentTo("pattif@example.com"));

        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 18, 0, 0, TimeSpan.Zero));
        await SweepAsync(bot);
        await DrainAsync(bot);
        Assert.All(Participants, email => Assert.Equal(["checkin.prompt"], sender.SentTo(email)));
        Assert.Empty(sender.SentTo("alexw@example.com"));

        var roundId = await OpenRoundIdAsync(bot);
        var thanks = Assert.Single(await bot.ActAsync("checkin.submit", Answers(roundId, risks: "Vendor sandbox is down most afternoons."), "adelev@example.com"));
        Assert.True(thanks.ReplacesSourceCard);
        thanks.ShouldBeCard("checkin.thanks");
        await bot.ActAsync("checkin.submit", Answers(roundId, confidence: "3", status: "Some risk", risks: "Vendor sandbox is down most afternoons."), "pattif@example.com");

        // Reminders go 2 h before close (close = LA's 09:00 + 1d8h = Tue 1 Dec 17:00 + 8h).
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 23, 30, 0, TimeSpan.Zero));
        await SweepAsync(bot);
        await SweepAsync(bot);
        await DrainAsync(bot);
        Assert.Single(sender.SentTo("adelev@example.com"));
        Assert.Single(sender.SentTo("pattif@example.com"));
        Assert.Equal(2, sender.SentTo("isaiahl@example.com").Count);
        Assert.Equal(2, sender.SentTo("lynner@example.com").Count);

        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 2, 1, 0, 0, TimeSpan.Zero));
        await SweepAsync(bot);
        await SweepAsync(bot);
        await DrainAsync(bot);

        var summary = Assert.Single(sender.Sent, s => s.Conversation.ConversationId == "phoenix-team");
        var data = summary.Reply.ShouldBeCard("checkin.summary").Data;
        Assert.Equal(5, (int)data["responses"]!["invited"]!);
        Assert.Equal(2, (int)data["responses"]!["received"]!);
        Assert.Equal("40 %", (string?)data["responses"]!["rateText"]);
        Assert.Equal("3.5", (string?)data["scaleQuestions"]![0]!["averageText"]);
        Assert.Equal(2, data["quotes"]!.AsArray().Count);
        Assert.Equal(["Diego Siciliani", "Isaiah Langer", "Lynne Robbins"], data["nonResponders"]!.AsArray().Select(n => (string)n!).ToArray());
        // The first round has nothing to compare with: no "vs last round … no earlier round".
        var shown = bot.Services.GetRequiredService<GovernanceBot.Cards.ICardRenderer>().Render("checkin.summary", data).ToJsonString();
        Assert.DoesNotContain("no earlier round", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("vs last round", shown, StringComparison.Ordinal);
        Assert.Contains("first round", shown, StringComparison.Ordinal);
        // No model configured: the written answers are summarised by the themes they share, and the card says so.
        Assert.Equal("extractive", (string?)data["narrative"]!["kind"]);
        // The line quotes what people typed, so it is escaped as user text (Teams shows "\(" as "(").
        Assert.Equal(@"• Release 1 passed security \(2 of 2 answers\): “Release 1 passed security testing.” — Adele Vance", TextOf(shown, "• Release"));
        Assert.Contains("Extractive summary: themes most answers share", shown, StringComparison.Ordinal);

        var late = Assert.Single(await bot.ActAsync("checkin.submit", Answers(roundId), "lynner@example.com")).ShouldBeText();
        Assert.Contains("closed", late, StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(2, await db.CheckInResponses.CountAsync());
    }

    /// <summary>The text of the card's first text block that starts with <paramref name="start"/>.</summary>
    private static string? TextOf(string card, string start) =>
        Texts(JsonNode.Parse(card)).FirstOrDefault(t => t.StartsWith(start, StringComparison.Ordinal));

    private static IEnumerable<string> Texts(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Texts(p.Value)),
        JsonArray a => a.SelectMany(Texts),
        JsonValue v when v.TryGetValue<string>(out var text) => [text],
        _ => [],
    };

    [Fact]
    public async Task InvalidAnswers_AreExplained_AndNothingIsStored()
    {
        var (bot, _) = await StartAsync();
        await using var _b = bot;
        await SweepAsync(bot);
        var roundId = await OpenRoundIdAsync(bot);
        var bad = Answers(roundId, confidence: "7", status: "Mostly fine", risks: new string('x', 10_240));
        bad["q_status"] = "Mostly fine";

        var text = Assert.Single(await bot.ActAsync("checkin.submit", bad, "adelev@example.com")).ShouldBeText();
        var missing = Assert.Single(await bot.ActAsync("checkin.submit", new JsonObject { ["roundId"] = roundId.ToString() }, "adelev@example.com")).ShouldBeText();

        Assert.Contains("pick a score from 1 to 5 (got \"7\")", text, StringComparison.Ordinal);
        Assert.Contains("choose one of \"On track\", \"Some risk\", \"Off track\"", text, StringComparison.Ordinal);
        Assert.Contains("keep it under 1000 characters (this one has 10240)", text, StringComparison.Ordinal);
        Assert.Contains("needs an answer", missing, StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.False(await db.CheckInResponses.AnyAsync());
    }

    [Fact]
    public async Task MarkupInAnswers_IsStoredAsText_NotInterpreted()
    {
        var (bot, _) = await StartAsync();
        await using var _b = bot;
        await SweepAsync(bot);
        var roundId = await OpenRoundIdAsync(bot);

        var reply = Assert.Single(await bot.ActAsync("checkin.submit", Answers(roundId, risks: "<!channel> *urgent* \"quoted\" </script>"), "adelev@example.com"));

        var answers = reply.ShouldBeCard("checkin.thanks").Data["answers"]!.AsArray();
        // In card data Markdown is escaped (issue 14); Slack's own syntax is escaped when translated.
        Assert.Equal(@"<!channel> \*urgent\* ""quoted"" </script>", (string?)answers.Last()!["answerText"]);
    }

    [Fact]
    public async Task ASubmissionFromSomeoneOutsideTheCheckIn_IsRefusedAndAudited()
    {
        var (bot, _) = await StartAsync();
        await using var _b = bot;
        await SweepAsync(bot);
        var roundId = await OpenRoundIdAsync(bot);

        var reply = Assert.Single(await bot.ActAsync("checkin.submit", Answers(roundId), "alexw@example.com"));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        Assert.Contains("sent to someone else", reply.ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.False(await db.CheckInResponses.AnyAsync());
        Assert.Equal("alexw@example.com", (await db.Audit.SingleAsync(a => a.Action == "checkin.refused")).Actor);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ConcurrentSubmissionsByOnePerson_KeepOneResponse_AndAuditEach(StoreKind kind)
    {
        var (bot, _) = await StartAsync(kind);
        await using var _b = bot;
        await SweepAsync(bot);
        var roundId = await OpenRoundIdAsync(bot);

        await Task.WhenAll(Enumerable.Range(1, 12).Select(i =>
            bot.ActAsync("checkin.submit", Answers(roundId, confidence: ((i % 5) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)), "adelev@example.com")));

        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(1, await db.CheckInResponses.CountAsync());
        Assert.Equal(12, await db.Audit.CountAsync(a => a.Action.StartsWith("checkin.answer.")));
    }

    [Fact]
    public async Task Edit_ShowsThePromptFilledWithMyAnswers_WhileTheRoundIsOpen()
    {
        var (bot, _) = await StartAsync();
        await using var _b = bot;
        await SweepAsync(bot);
        var roundId = await OpenRoundIdAsync(bot);
        await bot.ActAsync("checkin.submit", Answers(roundId, confidence: "2"), "adelev@example.com");

        var card = Assert.Single(await bot.ActAsync("checkin.edit", new JsonObject { ["roundId"] = roundId.ToString() }, "adelev@example.com")).ShouldBeCard("checkin.prompt");

        Assert.Equal("2", (string?)card.Data["questions"]![0]!["value"]);
    }

    [Fact]
    public async Task SomeoneWhoNeverTalkedToTheBot_IsRecordedAsUnreachable_AndShownInCheckinStatus()
    {
        var (bot, _) = await StartAsync();
        await using var _b = bot;
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 18, 0, 0, TimeSpan.Zero));
        await bot.SendAsync("help", "adelev@example.com");
        await SweepAsync(bot);
        await DrainAsync(bot);

        var status = Assert.Single(await bot.SendAsync("checkin status Phoenix")).ShouldBeText();

        Assert.True(status.Contains("0 of 5 answered", StringComparison.Ordinal), status);
        Assert.Contains("Could not reach Isaiah Langer: Isaiah Langer (isaiahl@example.com) has not talked to GovernanceBot in Teams or Slack yet", status, StringComparison.Ordinal);
        Assert.DoesNotContain("Could not reach Adele Vance", status, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task CheckinStatus_OfAClosedRound_SaysWhoDidNotAnswer_AndNamesEachUnreachablePersonOnceWithWhatToDo(StoreKind kind)
    {
        var (bot, _) = await StartAsync(kind);
        await using var _b = bot;
        await bot.SendAsync("help", "adelev@example.com");
        // Prompted, reminded, closed: each unreachable person's prompt and reminder both fail.
        foreach (var at in new[] { new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero), new(2026, 11, 30, 18, 0, 0, TimeSpan.Zero), new(2026, 12, 1, 23, 30, 0, TimeSpan.Zero), new(2026, 12, 2, 1, 0, 0, TimeSpan.Zero) })
        {
            bot.Clock.SetUtcNow(at);
            await SweepAsync(bot);
            await DrainAsync(bot);
        }

        var status = Assert.Single(await bot.SendAsync("checkin status Phoenix")).ShouldBeText();

        Assert.True(status.Contains("closed: 0 of 5 answered.", StringComparison.Ordinal), status);
        Assert.Contains("- Did not answer: Adele Vance, Diego Siciliani, Isaiah Langer, Lynne Robbins, Patti Fernandez", status, StringComparison.Ordinal);
        Assert.DoesNotContain("Waiting for", status, StringComparison.Ordinal);
        Assert.Single(status.Split('\n'), line => line.StartsWith("- Could not reach Isaiah Langer:", StringComparison.Ordinal));
        Assert.Equal(4, status.Split('\n').Count(line => line.StartsWith("- Could not reach", StringComparison.Ordinal)));
        Assert.Contains("What to do before the next round: ask them to add GovernanceBot in Teams", status, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task CheckinAnswers_GivesTheProgramManagerTheRoundsAnswersAsACsvFile_AndRefusesAParticipant(StoreKind kind)
    {
        var (bot, _) = await StartAsync(kind);
        await using var _b = bot;
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 18, 0, 0, TimeSpan.Zero));
        await SweepAsync(bot);
        var roundId = await OpenRoundIdAsync(bot);
        await bot.ActAsync("checkin.submit", Answers(roundId, risks: "=HYPERLINK(\"x\"), and a comma"), "adelev@example.com");

        var file = Assert.Single(await bot.SendAsync("checkin answers Phoenix")).ShouldBeFile();
        var csv = await bot.FileTextAsync(file);
        var refused = Assert.Single(await bot.SendAsync("checkin answers Phoenix", "pattif@example.com")).ShouldBeText();

        Assert.Equal("**Phoenix weekly check-in**, Week 49, 30 Nov 2026 (still open, so more answers may come): 1 answer, one row per person, times in UTC.", file.Comment);
        Assert.Equal("phoenix-weekly-check-in-2026-11-30.csv", file.File.FileName);
        var lines = csv.Split('\n');
        Assert.Single(lines, l => l.StartsWith("name,email,answered_at,", StringComparison.Ordinal));
        var row = Assert.Single(lines, l => l.StartsWith("Adele Vance,adelev@example.com,2026-11-30T18:00:00Z,4,On track,Release 1 passed security testing.,", StringComparison.Ordinal));
        // A formula stays text in a spreadsheet, and the comma stays inside its cell.
        Assert.EndsWith(",\"'=HYPERLINK(\"\"x\"\"), and a comma\"", row, StringComparison.Ordinal);
        Assert.DoesNotContain("Adele Vance", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckinRun_ByTheProgramManagerOpensARoundNow_ByOthersIsRefused()
    {
        var (bot, sender) = await StartAsync(now: new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));
        await using var _b = bot;
        await bot.SendAsync("help", "pattif@example.com");

        var refused = Assert.Single(await bot.SendAsync("checkin run Phoenix", "adelev@example.com")).ShouldBeText();
        var opened = Assert.Single(await bot.SendAsync("checkin run Phoenix", "alexw@example.com")).ShouldBeText();
        var again = Assert.Single(await bot.SendAsync("checkin run Phoenix", "alexw@example.com")).ShouldBeText();
        await DrainAsync(bot);

        Assert.Contains("Only Phoenix's program managers or PMO", refused, StringComparison.Ordinal);
        Assert.Contains("Opened Phoenix weekly check-in", opened, StringComparison.Ordinal);
        Assert.Contains("already open", again, StringComparison.Ordinal);
        Assert.Equal(["checkin.prompt"], sender.SentTo("pattif@example.com"));
        var mine = Assert.Single(await bot.SendAsync("checkin", "pattif@example.com"));
        mine.ShouldBeCard("checkin.prompt");
    }

    [Fact]
    public async Task AwayUntil_SkipsMyPromptsUntilThen_AndBackResumesThem()
    {
        var (bot, sender) = await StartAsync(now: new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        await using var _b = bot;
        await bot.SendAsync("help", "pattif@example.com");
        await bot.SendAsync("help", "adelev@example.com");

        var bad = Assert.Single(await bot.SendAsync("away until next week", "pattif@example.com")).ShouldBeText();
        var ok = Assert.Single(await bot.SendAsync("away until 2026-12-04", "pattif@example.com")).ShouldBeText();
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 18, 0, 0, TimeSpan.Zero));
        await SweepAsync(bot);
        await DrainAsync(bot);

        Assert.Contains("away until 2026-12-04", bad, StringComparison.Ordinal);
        Assert.Contains("until the end of Fri 4 Dec 2026", ok, StringComparison.Ordinal);
        Assert.Empty(sender.SentTo("pattif@example.com"));
        Assert.Single(sender.SentTo("adelev@example.com"));
        Assert.Contains("Away: Patti Fernandez", Assert.Single(await bot.SendAsync("checkin status")).ShouldBeText(), StringComparison.Ordinal);

        await bot.SendAsync("back", "pattif@example.com");
        await using var db = await bot.Store.OpenAsync();
        Assert.Null((await db.Stakeholders.SingleAsync(s => s.Key == "pattif")).AwayUntil);
    }

    [Fact]
    public async Task ARoundMissedDuringDowntime_OpensOnce_AndOlderMissedRoundsDoNot()
    {
        // Set up on a Friday; the bot is then down until the Wednesday two and a half weeks later (three Mondays missed).
        var (bot, _) = await StartAsync(now: new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        await using var _b = bot;
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 16, 12, 0, 0, TimeSpan.Zero));

        await SweepAsync(bot);
        await SweepAsync(bot);

        await using var db = await bot.Store.OpenAsync();
        var round = await db.CheckInRounds.SingleAsync();
        Assert.Equal(new DateOnly(2026, 12, 14), round.OccurrenceDate);
        Assert.True(round.ClosesAt > bot.Clock.GetUtcNow(), "a late round still gives people the full window");
    }

    [Fact]
    public async Task ACheckInSetUpAfterItsTime_FirstRunsAtItsNextOccurrence_NotForTheOnePast()
    {
        // Set up on a Wednesday: last Monday's 09:00 was before the check-in existed.
        var (bot, _) = await StartAsync(now: new DateTimeOffset(2026, 12, 16, 12, 0, 0, TimeSpan.Zero));
        await using var _b = bot;

        await SweepAsync(bot);
        await using (var db = await bot.Store.OpenAsync())
        {
            Assert.False(await db.CheckInRounds.AnyAsync());
        }

        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 21, 9, 0, 0, TimeSpan.Zero));
        await SweepAsync(bot);
        await using var check = await bot.Store.OpenAsync();
        Assert.Equal(new DateOnly(2026, 12, 21), (await check.CheckInRounds.SingleAsync()).OccurrenceDate);
    }

    [Fact]
    public async Task ACheckInResumedAfterItsTime_DoesNotCatchUpOnWhatFellDueWhilePaused()
    {
        var (bot, _) = await StartAsync(now: new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        await using var _b = bot;
        Assert.Contains("paused", (await bot.SendAsync("checkin pause Phoenix weekly", "alexw@example.com")).Single().ShouldBeText(), StringComparison.OrdinalIgnoreCase);

        // Paused over Monday 30 November; resumed on the Tuesday.
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        await bot.SendAsync("checkin resume Phoenix weekly", "alexw@example.com");
        await SweepAsync(bot);

        await using var db = await bot.Store.OpenAsync();
        Assert.False(await db.CheckInRounds.AnyAsync());
    }
}
