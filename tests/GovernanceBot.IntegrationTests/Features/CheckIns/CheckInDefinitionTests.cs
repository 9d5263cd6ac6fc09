using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Features.CheckIns;

/// <summary>
/// Program managers define check-ins by chat, through the whole app on a real store: the form, its
/// validation, editing during an open round, pause/resume against the sweep, removal, and the
/// governance-as-code round trip. The demo's Phoenix has the "weekly" check-in; now is Wed 25 Nov 2026, 12:00 UTC.
/// </summary>
public sealed class CheckInDefinitionTests
{
    private static JsonObject Form(Action<JsonObject>? change = null)
    {
        var form = new JsonObject
        {
            ["program"] = "phoenix",
            ["checkIn"] = "",
            ["name"] = "Design review",
            ["days"] = "THU",
            ["time"] = "10:30",
            ["cron"] = "",
            ["window"] = "4h",
            ["reminders"] = "1h",
            ["roles"] = "project-manager",
            ["people"] = "pattif",
            ["questions"] = "How confident are you in the design? | scale: Very low, Low, Medium, High, Very high | required\n[ready] Ready for review? | choice: Yes, Almost, No | required\nOpen questions for the architects? | risks",
            ["holidays"] = "2026-12-24",
            ["mentionNonResponders"] = "true",
        };
        change?.Invoke(form);
        return form;
    }

    /// <summary>The edit form's inputs as Teams would send them back unchanged (the card's values plus its action data).</summary>
    private static JsonObject Submitted(CardReply card)
    {
        var form = card.Data["form"]!.AsObject();
        var data = new JsonObject { ["program"] = card.Data["program"]!["id"]!.DeepClone(), ["checkIn"] = form["checkInKey"]!.DeepClone() };
        foreach (var (key, value) in form.Where(p => p.Key != "checkInKey"))
        {
            data[key] = value!.DeepClone();
        }

        return data;
    }

    private static async Task SweepAsync(BotHarness bot)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CheckInSweepJob>().RunAsync(CancellationToken.None);
    }

    private static async Task<List<AuditEntry>> AuditAsync(BotHarness bot, string prefix)
    {
        await using var db = await bot.Store.OpenAsync();
        return await db.Audit.Where(a => a.Action.StartsWith(prefix)).OrderBy(a => a.Id).ToListAsync();
    }

    private static JsonObject Answers(Guid roundId) => new()
    {
        ["roundId"] = roundId.ToString(),
        ["q_confidence"] = "4",
        ["q_status"] = "On track",
        ["q_highlights"] = "Release 1 passed security testing.",
    };

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AProgramManager_CreatesACheckInOnTheForm_AndItIsListedWithItsNextRound(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var card = Assert.Single(await bot.SendAsync("checkin new Phoenix")).ShouldBeCard("checkin.define");
        Assert.Equal("", (string)card.Data["form"]!["checkInKey"]!);
        Assert.Contains(card.Data["people"]!.AsArray(), p => (string)p!["value"]! == "pattif");
        // As a reader whose client cannot localise times sees it (LocalTime's fallback, the program's zone).
        var saved = LocalTime.Plain(Assert.Single(await bot.ActAsync(CheckInForm.Verb, Form())).ShouldBeText());

        // Sydney's Thursday 10:30 is Wednesday 23:30 UTC: the earliest participant opens the round.
        Assert.StartsWith("Created **Design review** for Phoenix: Thursdays at 10:30 in each person's time zone, open for 4h, 3 participants, 3 questions. The next round opens Wed 25 Nov 2026, 23:30 (Europe/London).", saved, StringComparison.Ordinal);
        Assert.Contains("governancebot export --program phoenix", saved, StringComparison.Ordinal);
        await using (var db = await bot.Store.OpenAsync())
        {
            var c = await db.CheckIns.Include(x => x.Questions).SingleAsync(x => x.Key == "design-review");
            Assert.Equal(("Design review", "30 10 * * THU", TimeSpan.FromHours(4)), (c.Name, c.Cron, c.Window));
            Assert.Equal([TimeSpan.FromHours(1)], c.Reminders);
            Assert.Equal(["project-manager"], c.ParticipantRoles);
            Assert.Equal(["pattif"], c.ParticipantKeys);
            Assert.Equal([new DateOnly(2026, 12, 24)], c.Holidays);
            Assert.True(c.MentionNonResponders && c.Enabled && c.ArchivedAt is null);
            var questions = c.Questions.OrderBy(q => q.Order).Select(q => (q.Key, q.Kind, q.Required, q.FlagsRisks, q.Options.Count)).ToList();
            Assert.Equal(
            [
                ("how-confident-are-you", CheckInQuestionKind.Scale, true, false, 5),
                ("ready", CheckInQuestionKind.Choice, true, false, 3),
                ("open-questions-for-the", CheckInQuestionKind.Text, false, true, 0),
            ], questions);
        }

        var audit = Assert.Single(await AuditAsync(bot, "checkin.created"));
        Assert.Equal(("alexw", "checkin:design-review"), (audit.Actor, audit.Subject));

        var list = LocalTime.Plain(Assert.Single(await bot.SendAsync("checkins Phoenix", "adelev@example.com")).ShouldBeText());
        Assert.Contains("**Design review** — Thursdays at 10:30 in each person's time zone, open 4h, 3 participants, 3 questions; next round's first prompts go out Wed 25 Nov 2026, 23:30 (Europe/London)", list, StringComparison.Ordinal);
        Assert.Contains("**Phoenix weekly check-in** — Mondays at 09:00 in each person's time zone, open 1d8h, 5 participants, 4 questions; next round's first prompts go out Sun 29 Nov 2026, 22:00 (Europe/London)", list, StringComparison.Ordinal);
        Assert.Equal(list, LocalTime.Plain(Assert.Single(await bot.SendAsync("checkin list Phoenix", "adelev@example.com")).ShouldBeText()));
    }

    public static TheoryData<string, string, string, string> InvalidInputs() => new()
    {
        { "cron", "0 25 * * MON", "cron", "'0 25 * * MON' is not a valid cron expression" },
        { "reminders", "5h", "reminders", "A reminder 5h before close would go out before the round opens (window 4h)" },
        { "questions", "", "questions", "The check-in 'design-review' has no questions" },
        { "questions", "Mood? | scale: Bad, OK, Good | required", "questions", "Line 1: Question 'mood': a scale question has 5 labels (for 1 to 5) or none" },
        { "questions", "Status? | choice: On track", "questions", "Line 1: Question 'status': a choice question needs at least 2 options" },
        { "questions", "Fine?\nMood? | scael", "questions", "line 2: 'scael' is not part of a question — did you mean 'scale'?" },
        { "roles", "aprover", "roles", "Unknown role 'aprover'" },
        { "people", "nobody", "people", "Unknown stakeholder 'nobody' in 'stakeholders'" },
        { "window", "a while", "window", "'a while' is not a duration" },
        { "holidays", "24/12/2026", "holidays", "'24/12/2026' is not a date" },
        { "time", "25:00", "time", "'25:00' is not a time of day" },
        { "name", new string('x', 10_240), "name", "this field holds 10,240 characters; keep it under 1,000." },
        { "questions", new string('q', 10_240), "questions", "this field holds 10,240 characters; keep it under 4,000." },
        { "name", "<script>alert(1)</script>", "name", "The check-in name can't contain '<' or '>'" },
        { "questions", "Is <at>everyone</at> ready?", "questions", "Line 1: Question 'is-at-everyone-at': the text can't contain '<' or '>'" },
        { "name", "Phoenix weekly check-in", "name", "Phoenix already has a check-in called \"Phoenix weekly check-in\"" },
    };

    [Theory]
    [MemberData(nameof(InvalidInputs))]
    public async Task AnInvalidForm_IsRefusedWithAMessageUnderTheInput_AndNothingIsStored(string field, string value, string input, string message)
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var form = Form(f =>
        {
            f[field] = value;
            if (field == "cron")
            {
                f["days"] = "";
            }
        });

        var reply = Assert.IsType<TextReply>(Assert.Single(await bot.ActAsync(CheckInForm.Verb, form)));

        Assert.StartsWith("The check-in was not saved:", reply.Body, StringComparison.Ordinal);
        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        Assert.NotNull(reply.InputErrors);
        Assert.Contains(message, reply.InputErrors[input], StringComparison.Ordinal);
        Assert.Contains(message, reply.Body, StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(["weekly"], await db.CheckIns.Select(c => c.Key).ToListAsync());
        Assert.Empty(await AuditAsync(bot, "checkin."));
    }

    [Fact]
    public async Task EveryInvalidInput_IsRefusedOnPostgreSqlToo()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Postgres);
        foreach (var row in InvalidInputs())
        {
            var (field, value, input) = ((string)row[0], (string)row[1], (string)row[2]);
            var reply = Assert.IsType<TextReply>(Assert.Single(await bot.ActAsync(CheckInForm.Verb, Form(f => f[field] = value))));
            Assert.True(reply.InputErrors?.ContainsKey(input), $"{field}={value}: {reply.Body}");
        }

        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(1, await db.CheckIns.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task SomeoneWhoIsNotAProgramManager_IsRefusedPolitely_AndTheAttemptIsAudited(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var refused = Assert.Single(await bot.SendAsync("checkin new Phoenix", "adelev@example.com"));
        var submitted = Assert.Single(await bot.ActAsync(CheckInForm.Verb, Form(), "adelev@example.com"));
        var pause = Assert.Single(await bot.SendAsync("checkin pause Phoenix weekly", "adelev@example.com"));

        Assert.Equal(ReplyAudience.Requester, refused.Audience);
        Assert.StartsWith("Sorry — only Phoenix's program managers or PMO can define check-ins (Alex Wilber or Nestor Wilke).", refused.ShouldBeText(), StringComparison.Ordinal);
        Assert.Contains("Nothing was saved.", submitted.ShouldBeText(), StringComparison.Ordinal);
        Assert.StartsWith("Sorry", pause.ShouldBeText(), StringComparison.Ordinal);
        var audit = await AuditAsync(bot, "checkin.");
        Assert.Equal(["checkin.new.refused", "checkin.define.refused", "checkin.pause.refused"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(("adelev", "not a program manager or PMO member"), (a.Actor, a.After)));
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(["weekly"], await db.CheckIns.Select(c => c.Key).ToListAsync());
        Assert.True((await db.CheckIns.SingleAsync()).Enabled);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task EditingQuestions_WhileARoundIsOpen_LeavesThatRoundsQuestions_AndChangesTheNextRound(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        await bot.SendAsync("checkin run Phoenix");
        Guid roundId;
        await using (var db = await bot.Store.OpenAsync())
        {
            roundId = (await db.CheckInRounds.SingleAsync()).Id;
        }

        var edit = Assert.Single(await bot.SendAsync("checkin edit Phoenix weekly")).ShouldBeCard("checkin.define");
        Assert.Equal(("weekly", "MON", "09:00", "1d8h"), ((string)edit.Data["form"]!["checkInKey"]!, (string)edit.Data["form"]!["days"]!, (string)edit.Data["form"]!["time"]!, (string)edit.Data["form"]!["window"]!));
        var data = Submitted(edit);
        var lines = ((string)data["questions"]!).Split('\n').Where(l => !l.StartsWith("[status]", StringComparison.Ordinal)).ToList();
        data["questions"] = string.Join('\n', lines.Append("[morale] How is team morale? | scale | required"));
        var saved = Assert.Single(await bot.ActAsync(CheckInForm.Verb, data)).ShouldBeText();
        Assert.Contains("The round open now keeps the questions it was sent with; your changes to the questions apply from the next round.", saved, StringComparison.Ordinal);

        // The open round: the same four questions its prompts showed, and an answer to them is recorded.
        var prompt = Assert.Single(await bot.SendAsync("checkin", "adelev@example.com")).ShouldBeCard("checkin.prompt");
        Assert.Equal(["confidence", "status", "highlights", "risks"], prompt.Data["questions"]!.AsArray().Select(q => (string)q!["id"]!));
        Assert.Single(await bot.ActAsync("checkin.submit", Answers(roundId), "adelev@example.com")).ShouldBeCard("checkin.thanks");

        // The next round (Monday 30 November, swept on Tuesday after the first round closed) asks the new questions.
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        await SweepAsync(bot);
        var next = Assert.Single(await bot.SendAsync("checkin", "adelev@example.com")).ShouldBeCard("checkin.prompt");
        Assert.Equal(["confidence", "highlights", "risks", "morale"], next.Data["questions"]!.AsArray().Select(q => (string)q!["id"]!));
        await using (var db = await bot.Store.OpenAsync())
        {
            var first = await db.CheckInRounds.SingleAsync(r => r.Id == roundId);
            Assert.Equal(CheckInRoundStatus.Closed, first.Status);
            var response = await db.CheckInResponses.SingleAsync(r => r.RoundId == roundId);
            Assert.Contains("\"status\":\"On track\"", response.AnswersJson, StringComparison.Ordinal);
            var c = await db.CheckIns.SingleAsync(x => x.Key == "weekly");
            Assert.Equal("0 9 * * MON", c.Cron);
        }

        var audit = Assert.Single(await AuditAsync(bot, "checkin.updated"));
        Assert.Contains("status (choice)", audit.Before, StringComparison.Ordinal);
        Assert.DoesNotContain("status (choice)", audit.After, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task APausedCheckIn_OpensNoRoundsInTheSweep_UntilItIsResumed(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        Assert.StartsWith("Paused **Phoenix weekly check-in**", Assert.Single(await bot.SendAsync("checkin pause Phoenix weekly")).ShouldBeText(), StringComparison.Ordinal);
        Assert.Contains("Phoenix weekly check-in is already paused", Assert.Single(await bot.SendAsync("checkin pause Phoenix weekly")).ShouldBeText(), StringComparison.Ordinal);
        Assert.Contains("; paused", Assert.Single(await bot.SendAsync("checkins Phoenix")).ShouldBeText(), StringComparison.Ordinal);
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        await SweepAsync(bot);
        await using (var db = await bot.Store.OpenAsync())
        {
            Assert.Equal(0, await db.CheckInRounds.CountAsync());
        }

        var resumed = LocalTime.Plain(Assert.Single(await bot.SendAsync("checkin resume Phoenix \"Phoenix weekly check-in\"")).ShouldBeText());
        Assert.True(resumed.StartsWith("Resumed **Phoenix weekly check-in**. The next round opens Mon 30 Nov 2026, 15:00 (Europe/London).", StringComparison.Ordinal), resumed);
        // The Monday that fell due while it was paused is not caught up on: the next round is the one the reply named.
        await SweepAsync(bot);
        await using (var db = await bot.Store.OpenAsync())
        {
            Assert.Equal(0, await db.CheckInRounds.CountAsync());
        }

        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        await SweepAsync(bot);
        await using (var db = await bot.Store.OpenAsync())
        {
            Assert.Equal([new DateOnly(2026, 12, 7)], await db.CheckInRounds.Select(r => r.OccurrenceDate).ToListAsync());
        }

        Assert.Equal(["checkin.paused", "checkin.resumed", "checkin.round.opened"], (await AuditAsync(bot, "checkin.")).Select(a => a.Action));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Removing_DeletesACheckInThatNeverRan_AndArchivesOneWithHistory(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        await bot.ActAsync(CheckInForm.Verb, Form());
        Assert.StartsWith("Removed **Design review** from Phoenix; it had never run.", Assert.Single(await bot.SendAsync("checkin remove Phoenix design review")).ShouldBeText(), StringComparison.Ordinal);

        await bot.SendAsync("checkin run Phoenix");
        Guid roundId;
        await using (var db = await bot.Store.OpenAsync())
        {
            roundId = (await db.CheckInRounds.SingleAsync()).Id;
        }

        await bot.ActAsync("checkin.submit", Answers(roundId), "adelev@example.com");
        var removed = Assert.Single(await bot.SendAsync("checkin remove Phoenix weekly")).ShouldBeText();

        Assert.StartsWith("**Phoenix weekly check-in** has 1 recorded round, so I archived it", removed, StringComparison.Ordinal);
        Assert.Contains("The round open now still runs to its close", removed, StringComparison.Ordinal);
        await using (var db = await bot.Store.OpenAsync())
        {
            var c = await db.CheckIns.SingleAsync();
            Assert.Equal("weekly", c.Key);
            Assert.NotNull(c.ArchivedAt);
            Assert.Equal(1, await db.CheckInRounds.CountAsync(r => r.CheckInId == c.Id));
            Assert.Equal(1, await db.CheckInResponses.CountAsync(r => r.RoundId == roundId));
        }

        Assert.Contains("Phoenix has no check-ins", Assert.Single(await bot.SendAsync("checkins Phoenix")).ShouldBeText(), StringComparison.Ordinal);
        Assert.Contains("was removed", Assert.Single(await bot.SendAsync("checkin edit Phoenix weekly")).ShouldBeText(), StringComparison.Ordinal);
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 12, 0, 0, TimeSpan.Zero));
        await SweepAsync(bot);
        await using (var db = await bot.Store.OpenAsync())
        {
            Assert.Equal(1, await db.CheckInRounds.CountAsync());
            Assert.Equal(CheckInRoundStatus.Closed, (await db.CheckInRounds.SingleAsync()).Status);
        }

        string[] definitionChanges = ["checkin.created", "checkin.updated", "checkin.removed", "checkin.archived"];
        Assert.Equal(["checkin.created", "checkin.removed", "checkin.archived"], (await AuditAsync(bot, "checkin.")).Select(a => a.Action).Where(definitionChanges.Contains));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ACheckInMadeByChat_IsExported_AndReimportsIdentically(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        await bot.ActAsync(CheckInForm.Verb, Form(f =>
        {
            f["days"] = "";
            f["cron"] = "0 8 1-7 * MON";
        }));
        await bot.SendAsync("checkin run Phoenix");
        await bot.SendAsync("checkin remove Phoenix weekly");
        var exporter = bot.Services.GetRequiredService<GovernanceExporter>();
        var (yaml, error) = await exporter.ExportAsync(null, "phoenix", CancellationToken.None);
        Assert.Null(error);
        Assert.Contains("key: design-review", yaml, StringComparison.Ordinal);
        Assert.Contains("schedule: 0 8 1-7 * MON", yaml, StringComparison.Ordinal);
        Assert.Contains("archived: true", yaml, StringComparison.Ordinal);

        // Importing the export changes nothing here, and builds the same program in an empty store.
        var importer = bot.Services.GetRequiredService<GovernanceImporter>();
        var again = await importer.ImportAsync("phoenix.yaml", yaml!, false, CancellationToken.None);
        Assert.True(again.Succeeded, string.Join("\n", again.Errors));
        Assert.False(again.Changed, string.Join("\n", again.Changes));
        await using var empty = await BotHarness.StartAsync(kind, loadDemo: false);
        var imported = await empty.Services.GetRequiredService<GovernanceImporter>().ImportAsync("phoenix.yaml", yaml!, false, CancellationToken.None);
        Assert.True(imported.Succeeded, string.Join("\n", imported.Errors));
        var (copy, _) = await empty.Services.GetRequiredService<GovernanceExporter>().ExportAsync(null, "phoenix", CancellationToken.None);
        Assert.Equal(yaml, copy);

        // The edit form of the imported check-in shows the advanced schedule as it was written.
        var edit = Assert.Single(await empty.SendAsync("checkin edit Phoenix design review")).ShouldBeCard("checkin.define");
        Assert.Equal(("", "0 8 1-7 * MON"), ((string)edit.Data["form"]!["days"]!, (string)edit.Data["form"]!["cron"]!));
        Assert.Contains("[ready] Ready for review? | choice: Yes, Almost, No | required", (string)edit.Data["form"]!["questions"]!, StringComparison.Ordinal);
        _ = JsonSerializer.Serialize(edit.Data);
    }
}
