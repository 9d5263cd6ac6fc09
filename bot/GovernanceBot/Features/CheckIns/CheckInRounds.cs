using System.Globalization;
using System.Text.Json;
using Cronos;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.CheckIns;

/// <summary>
/// The check-in rhythm: which round is due, who takes part, when each person is prompted (the
/// schedule's time of day in their own time zone), and the cards of a round.
/// </summary>
public sealed class CheckInRounds(Outbox outbox, TimeProvider time)
{
    public const int MaxTextLength = 1000;

    /// <summary>Everyone the check-in asks: stakeholders with one of its roles, plus the named ones.</summary>
    public static IReadOnlyList<Stakeholder> Participants(CheckInDefinition checkIn, IEnumerable<Stakeholder> stakeholders) =>
        stakeholders
            .Where(s => checkIn.ParticipantKeys.Contains(s.Key) || s.Roles.Any(r => checkIn.ParticipantRoles.Contains(r, StringComparer.OrdinalIgnoreCase)))
            .OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();

    public static bool IsAway(Stakeholder stakeholder, DateOnly date) => stakeholder.AwayUntil is { } until && until >= date;

    /// <summary>When the schedule fires on <paramref name="date"/> in the person's own time zone; null when it does not fire that day.</summary>
    public static DateTimeOffset? PromptTime(CheckInDefinition checkIn, string timeZone, DateOnly date)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var cron = CronExpression.Parse(checkIn.Cron, CronFormat.Standard);
        var localMidnight = date.ToDateTime(TimeOnly.MinValue);
        var start = TimeZoneInfo.ConvertTimeToUtc(localMidnight, zone.IsInvalidTime(localMidnight) ? TimeZoneInfo.Utc : zone);
        var next = cron.GetNextOccurrence(DateTime.SpecifyKind(start, DateTimeKind.Utc), zone, inclusive: true);
        if (next is not { } utc)
        {
            return null;
        }

        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
        return DateOnly.FromDateTime(local) == date ? new DateTimeOffset(utc, TimeSpan.Zero) : null;
    }

    /// <summary>
    /// The latest date on which the schedule has already fired for at least one participant, in that
    /// participant's own time zone, looking back at most five weeks (older missed rounds are not opened),
    /// or from <paramref name="since"/> when given.
    /// </summary>
    public static DateOnly? LatestDueDate(CheckInDefinition checkIn, IReadOnlyList<Stakeholder> participants, DateTimeOffset now, DateTimeOffset? since = null)
    {
        var cron = CronExpression.Parse(checkIn.Cron, CronFormat.Standard);
        // Caught up on: occurrences in the last five weeks, and none from before the schedule began.
        var from = since ?? (now.AddDays(-35) > checkIn.ScheduledFrom ? now.AddDays(-35) : checkIn.ScheduledFrom);
        DateOnly? latest = null;
        foreach (var zoneId in participants.Select(p => p.TimeZone).Distinct(StringComparer.Ordinal))
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
            var last = cron.GetOccurrences(from.UtcDateTime, now.UtcDateTime, zone, fromInclusive: true, toInclusive: true).LastOrDefault();
            if (last == default)
            {
                continue;
            }

            var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(last, zone));
            if (latest is null || date > latest)
            {
                latest = date;
            }
        }

        return latest;
    }

    /// <summary>
    /// Opens the round for <paramref name="date"/> and queues every participant's prompt for their own
    /// local time, in one unit of work. Null when the date is a holiday, nobody takes part, or the round exists.
    /// </summary>
    public Task<CheckInRound?> OpenAsync(GovernanceDb db, GovernanceProgram program, CheckInDefinition checkIn, IReadOnlyList<Stakeholder> stakeholders,
        DateOnly date, CancellationToken cancellationToken) =>
        OpenAsync(db, program, checkIn, stakeholders, date, promptNow: false, "scheduler", cancellationToken);

    /// <summary>A round opened by hand (<c>checkin run</c>): everyone is prompted at once.</summary>
    public Task<CheckInRound?> OpenNowAsync(GovernanceDb db, GovernanceProgram program, CheckInDefinition checkIn, IReadOnlyList<Stakeholder> stakeholders,
        DateOnly date, string actor, CancellationToken cancellationToken) =>
        OpenAsync(db, program, checkIn, stakeholders, date, promptNow: true, actor, cancellationToken);

    private async Task<CheckInRound?> OpenAsync(GovernanceDb db, GovernanceProgram program, CheckInDefinition checkIn, IReadOnlyList<Stakeholder> stakeholders,
        DateOnly date, bool promptNow, string actor, CancellationToken cancellationToken)
    {
        if (checkIn.Holidays.Contains(date)
            || await db.CheckInRounds.AnyAsync(r => r.CheckInId == checkIn.Id && r.OccurrenceDate == date, cancellationToken))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var invited = Participants(checkIn, stakeholders).Where(p => !IsAway(p, date)).ToList();
        var times = invited.Select(p => (Person: p, At: promptNow ? now : PromptTime(checkIn, p.TimeZone, date) ?? now)).ToList();
        if (times.Count == 0)
        {
            return null;
        }

        var opensAt = times.Min(t => t.At);
        var naturalClose = times.Max(t => t.At) + checkIn.Window;
        var round = new CheckInRound
        {
            CheckInId = checkIn.Id,
            ProgramId = program.Id,
            OccurrenceDate = date,
            OpensAt = opensAt,
            // A round opened late (after downtime, or by hand) still gives everyone the full window.
            ClosesAt = naturalClose > now + checkIn.Window ? naturalClose : now + checkIn.Window,
            Status = CheckInRoundStatus.Open,
            QuestionsJson = JsonSerializer.Serialize(
                checkIn.Questions.OrderBy(q => q.Order).Select(q => new RoundQuestion(q.Key, q.Kind, q.Text, q.Required, q.Options, q.FlagsRisks)).ToList(),
                CheckInJson.Default.ListRoundQuestion),
        };
        db.CheckInRounds.Add(round);
        foreach (var (person, at) in times)
        {
            var card = Prompt(program, checkIn, round, person, null);
            await outbox.ToPersonAsync(db, program.WorkspaceId, person.Email ?? string.Empty, person.Name, card,
                PromptKey(round, person), subject: PromptSubject(round, person), notBefore: at, cancellationToken: cancellationToken);
        }

        db.AppendAudit(now, program.WorkspaceId, program.Id, actor, "system", "checkin.round.opened", $"checkin:{checkIn.Key}:{date:yyyy-MM-dd}",
            after: $"{times.Count} invited, closes {round.ClosesAt:yyyy-MM-dd HH:mm} UTC");
        return round;
    }

    /// <summary>
    /// For each running check-in of the program whose schedule fired in the last seven days, opens that
    /// occurrence's round with everyone prompted now (as <c>checkin run</c> does) and saves. The demo
    /// uses it at first start, so a program loaded mid-week is mid-flight: a round is open to answer.
    /// </summary>
    /// <returns>The names of the check-ins whose round was opened.</returns>
    public async Task<IReadOnlyList<string>> OpenLatestAsync(GovernanceDb db, Guid programId, string actor, CancellationToken cancellationToken)
    {
        var program = await db.Programs.Include(p => p.Stakeholders).Include(p => p.CheckIns).ThenInclude(c => c.Questions)
            .FirstAsync(p => p.Id == programId, cancellationToken);
        var now = time.GetUtcNow();
        var opened = new List<string>();
        foreach (var checkIn in program.CheckIns.Where(c => c.Enabled && c.ArchivedAt is null))
        {
            if (LatestDueDate(checkIn, Participants(checkIn, program.Stakeholders), now, since: now.AddDays(-7)) is { } date
                && await OpenAsync(db, program, checkIn, program.Stakeholders, date, promptNow: true, actor, cancellationToken) is not null)
            {
                opened.Add(checkIn.Name);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return opened;
    }

    /// <summary>
    /// The questions of a round, in order: those its prompts showed when it opened, so an edit of
    /// the check-in changes the next round and never the one people are answering.
    /// </summary>
    public static IReadOnlyList<CheckInQuestion> QuestionsOf(CheckInDefinition checkIn, CheckInRound round)
    {
        if (round.QuestionsJson is null)
        {
            return checkIn.Questions.OrderBy(q => q.Order).ToList();
        }

        var kept = JsonSerializer.Deserialize(round.QuestionsJson, CheckInJson.Default.ListRoundQuestion) ?? [];
        return kept.Select((q, i) => new CheckInQuestion
        {
            CheckInId = checkIn.Id,
            Key = q.Key,
            Order = i,
            Kind = q.Kind,
            Text = q.Text,
            Required = q.Required,
            Options = q.Options,
            FlagsRisks = q.FlagsRisks,
        }).ToList();
    }

    public static string PromptKey(CheckInRound round, Stakeholder person) => $"checkin:{round.Id}:{person.Id}:prompt";

    public static string KeyPrefix(CheckInRound round) => $"checkin:{round.Id}:";

    /// <summary>What a person's prompt and reminders are posted under, so they can be updated when the round closes.</summary>
    public static string PromptSubject(CheckInRound round, Stakeholder person) => $"checkin:{round.Id}:{person.Id}";

    /// <summary>
    /// A reminder for someone who has not answered: the prompt's form, saying it is a reminder and when
    /// the round closes (in the card and in the notification).
    /// </summary>
    public CardReply Reminder(GovernanceProgram program, CheckInDefinition checkIn, CheckInRound round, Stakeholder person)
    {
        var closes = ClosesText(round.ClosesAt, TimeZoneInfo.FindSystemTimeZoneById(person.TimeZone));
        return Prompt(program, checkIn, round, person, null, reminder: true)
            with { Summary = $"Reminder: {checkIn.Name} closes {closes} and you haven't answered yet." };
    }

    public CardReply Prompt(GovernanceProgram program, CheckInDefinition checkIn, CheckInRound round, Stakeholder person, IReadOnlyDictionary<string, string>? answers,
        bool reminder = false)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(person.TimeZone);
        var questions = QuestionsOf(checkIn, round).Select(q => new PromptQuestion(
            q.Key,
            Word(q.Kind),
            q.Text,
            q.Required,
            q.Kind switch
            {
                CheckInQuestionKind.Scale => "Pick a score from 1 to 5.",
                CheckInQuestionKind.Choice => "Choose one option.",
                _ => q.Required ? "Please write a short answer." : string.Empty,
            },
            q.Kind switch
            {
                CheckInQuestionKind.Scale => "expanded",
                CheckInQuestionKind.Choice => "expanded",
                _ => string.Empty,
            },
            q.Kind switch
            {
                CheckInQuestionKind.Scale => "Choose a score",
                CheckInQuestionKind.Choice => "Choose one",
                _ => "Type your answer",
            },
            q.Kind == CheckInQuestionKind.Text,
            q.Kind == CheckInQuestionKind.Text ? MaxTextLength : 0,
            answers is not null && answers.TryGetValue(q.Key, out var value) ? value : string.Empty,
            Choices(q))).ToList();
        var data = new CheckInPromptCard(
            new CardProgram(program.Key, program.Name),
            new Respondent(person.Name, FirstName(person.Name)),
            new PromptRound(round.Id.ToString(), checkIn.Name, PeriodText(round.OccurrenceDate), ClosesText(round.ClosesAt, zone),
                $"{questions.Count} quick question{(questions.Count == 1 ? "" : "s")} about your part of {program.Name}.", false, round.Status == CheckInRoundStatus.Open, reminder),
            questions);
        return Reply.Card("checkin.prompt", data, CheckInJson.Default.CheckInPromptCard, round.Status == CheckInRoundStatus.Open
            ? $"{checkIn.Name}: {questions.Count} questions, open until {ClosesText(round.ClosesAt, zone)}."
            : $"{checkIn.Name} closed {ClosesText(round.ClosesAt, zone)}; answers are no longer recorded.");
    }

    public CardReply Thanks(GovernanceProgram program, CheckInDefinition checkIn, CheckInRound round, Stakeholder person, CheckInResponse response)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(person.TimeZone);
        var answers = JsonSerializer.Deserialize(response.AnswersJson, CheckInJson.Default.DictionaryStringString) ?? [];
        var lines = QuestionsOf(checkIn, round)
            .Select(q => new AnswerLine(q.Key, q.Text, answers.TryGetValue(q.Key, out var a) && a.Length > 0 ? AnswerText(q, a) : "—"))
            .ToList();
        var data = new CheckInThanksCard(
            new CardProgram(program.Key, program.Name),
            new Respondent(person.Name, FirstName(person.Name)),
            Info(checkIn, round, zone),
            LocalTime.Of(response.UpdatedAt, zone),
            lines);
        return Reply.Card("checkin.thanks", data, CheckInJson.Default.CheckInThanksCard, $"Thanks, {FirstName(person.Name)}: your check-in is recorded.");
    }

    public static RoundInfo Info(CheckInDefinition checkIn, CheckInRound round, TimeZoneInfo zone) =>
        new(round.Id.ToString(), checkIn.Name, PeriodText(round.OccurrenceDate), ClosesText(round.ClosesAt, zone), false, round.Status == CheckInRoundStatus.Open);

    public static string AnswerText(CheckInQuestion question, string value) =>
        question.Kind == CheckInQuestionKind.Scale && int.TryParse(value, CultureInfo.InvariantCulture, out var score) && question.Options.Count == 5
            ? $"{score} – {question.Options[score - 1]}"
            : value;

    private static List<PromptChoice> Choices(CheckInQuestion question) => question.Kind switch
    {
        CheckInQuestionKind.Scale => Enumerable.Range(1, 5)
            .Select(i => new PromptChoice(question.Options.Count == 5 ? $"{i} – {question.Options[i - 1]}" : i.ToString(CultureInfo.InvariantCulture), i.ToString(CultureInfo.InvariantCulture)))
            .ToList(),
        CheckInQuestionKind.Choice => question.Options.Select(o => new PromptChoice(o, o)).ToList(),
        _ => [],
    };

    public static string PeriodText(DateOnly date) =>
        $"Week {ISOWeek.GetWeekOfYear(date.ToDateTime(TimeOnly.MinValue))}, {date.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}";

    /// <summary>
    /// When the round closes, as a moment each reader sees in their own zone (<see cref="LocalTime"/>);
    /// <paramref name="zone"/>, named, where a platform cannot localise it. Not "… your time": the same
    /// card is read on several devices, and a round spans many zones.
    /// </summary>
    public static string ClosesText(DateTimeOffset closesAt, TimeZoneInfo zone) => LocalTime.Of(closesAt, zone);

    public static string FirstName(string name) => name.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? name;

    public static string Word(CheckInQuestionKind kind) => kind switch
    {
        CheckInQuestionKind.Scale => "scale",
        CheckInQuestionKind.Choice => "choice",
        _ => "text",
    };
}
