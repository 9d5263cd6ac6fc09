using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Health;
using GovernanceBot.Features.Narratives;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.CheckIns;

/// <summary>The <c>checkin.summary</c> card: response rate, score distribution, trend, a narrative of the written answers, risks, non-responders.</summary>
public sealed partial class CheckInSummaries(GovernanceDb db, INarrativeWriter narratives, IEnumerable<IProgramNarrativeSource> registers)
{
    /// <summary>
    /// The round's narrative, written before the summary is: a model may take seconds, and the round
    /// closes in a transaction that, on SQLite, holds the write lock meanwhile.
    /// </summary>
    public async Task<PreparedNarrative> PrepareNarrativeAsync(CheckInRound round, CancellationToken cancellationToken)
    {
        var checkIn = await LoadAsync(round, cancellationToken);
        var responses = await db.CheckInResponses.AsNoTracking().Where(r => r.RoundId == round.Id).ToListAsync(cancellationToken);
        return new PreparedNarrative(Fingerprint(responses), await NarrativeAsync(checkIn, round, responses, cancellationToken));
    }

    /// <param name="prepared">A narrative written ahead; used only if the answers have not changed since.</param>
    public async Task<CardReply> BuildAsync(CheckInRound round, CancellationToken cancellationToken, PreparedNarrative? prepared = null)
    {
        var checkIn = await LoadAsync(round, cancellationToken);
        var program = checkIn.Program!;
        var questions = CheckInRounds.QuestionsOf(checkIn, round);
        var responses = await db.CheckInResponses.AsNoTracking().Where(r => r.RoundId == round.Id).ToListAsync(cancellationToken);
        var narrative = prepared is not null && prepared.Fingerprint == Fingerprint(responses)
            ? prepared.Narrative
            : await NarrativeAsync(checkIn, round, responses, cancellationToken);
        var previous = await db.CheckInRounds.AsNoTracking()
            .Where(r => r.CheckInId == checkIn.Id && r.OccurrenceDate < round.OccurrenceDate)
            .OrderByDescending(r => r.OccurrenceDate)
            .FirstOrDefaultAsync(cancellationToken);
        var previousResponses = previous is null ? [] : await db.CheckInResponses.AsNoTracking().Where(r => r.RoundId == previous.Id).ToListAsync(cancellationToken);

        var invited = CheckInRounds.Participants(checkIn, program.Stakeholders).Where(p => !CheckInRounds.IsAway(p, round.OccurrenceDate)).ToList();
        var answered = responses.Select(r => r.StakeholderId).ToHashSet();
        var answers = responses.Select(r => (r.StakeholderId, Answers: Parse(r.AnswersJson), ResponseId: r.Id)).ToList();
        var previousAnswers = previousResponses.Select(r => Parse(r.AnswersJson)).ToList();
        var previousInvited = previous is null ? 0 : CheckInRounds.Participants(checkIn, program.Stakeholders).Count(p => !CheckInRounds.IsAway(p, previous.OccurrenceDate));

        var rate = invited.Count == 0 ? 0 : (double)responses.Count / invited.Count;
        double? previousRate = previous is null || previousInvited == 0 ? null : (double)previousResponses.Count / previousInvited;
        var stats = new ResponseStats(invited.Count, responses.Count, Math.Round(rate, 3), Percent(rate),
            // Empty when there is no earlier round: the card then leaves the comparison out.
            previousRate is { } pr ? Percent(pr) : string.Empty,
            Trend(rate, previousRate), Movement(rate, previousRate, higherIsBetter: true), Delta(rate * 100, previousRate * 100, " pts"));

        var scale = questions.Where(q => q.Kind == CheckInQuestionKind.Scale).Select(q =>
        {
            var scores = Scores(answers.Select(a => a.Answers), q.Key);
            var before = Scores(previousAnswers, q.Key);
            double average = scores.Count == 0 ? 0 : scores.Average();
            double? previousAverage = before.Count == 0 ? null : before.Average();
            var distribution = Enumerable.Range(1, 5).Select(score =>
            {
                var count = scores.Count(s => s == score);
                return Bar(q.Options.Count == 5 ? $"{score} – {q.Options[score - 1]}" : score.ToString(CultureInfo.InvariantCulture), count, scores.Count);
            }).ToList();
            return new ScaleSummary(q.Key, q.Text, Math.Round(average, 2), scores.Count == 0 ? "no answers" : average.ToString("0.0", CultureInfo.InvariantCulture),
                "5", previousAverage is { } p ? p.ToString("0.0", CultureInfo.InvariantCulture) : string.Empty,
                Trend(average, previousAverage), Movement(average, previousAverage, higherIsBetter: true), Delta(average, previousAverage, ""), distribution);
        }).ToList();

        var choice = questions.Where(q => q.Kind == CheckInQuestionKind.Choice).Select(q =>
        {
            var values = answers.Select(a => a.Answers.GetValueOrDefault(q.Key)).Where(v => !string.IsNullOrEmpty(v)).ToList();
            return new ChoiceSummary(q.Key, q.Text, q.Options.Select(o => Bar(o, values.Count(v => v == o), values.Count)).ToList());
        }).ToList();

        var names = program.Stakeholders.ToDictionary(s => s.Id, s => s.Name);
        var quotes = questions.Where(q => q.FlagsRisks)
            .SelectMany(q => answers
                .Where(a => a.Answers.TryGetValue(q.Key, out var text) && !string.IsNullOrWhiteSpace(text))
                .Select(a => new Quote(IsBlocker(a.Answers) ? "blocker" : "risk", a.Answers[q.Key], names.GetValueOrDefault(a.StakeholderId, "someone"), $"{a.ResponseId}:{q.Key}")))
            .ToList();
        // Written answers that raise no risk are still what people took the time to say: all of them, collapsed under the numbers.
        var written = questions.Where(q => q.Kind == CheckInQuestionKind.Text && !q.FlagsRisks)
            .Select(q => new WrittenAnswers(q.Key, q.Text, answers
                .Where(a => a.Answers.TryGetValue(q.Key, out var text) && !string.IsNullOrWhiteSpace(text))
                .Select(a => new Quote("answer", a.Answers[q.Key], names.GetValueOrDefault(a.StakeholderId, "someone")))
                .OrderBy(a => a.Author, StringComparer.OrdinalIgnoreCase)
                .ToList()))
            .Where(q => q.Answers.Count > 0)
            .ToList();
        var missing = invited.Where(p => !answered.Contains(p.Id)).ToList();

        var data = new CheckInSummaryCard(
            new CardProgram(program.Key, program.Name),
            CheckInRounds.Info(checkIn, round, TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone)),
            stats, scale, choice, narrative, quotes, written, missing.Select(p => p.Name).ToList());
        var card = Reply.Card("checkin.summary", data, CheckInJson.Default.CheckInSummaryCard,
            $"{checkIn.Name} ({CheckInRounds.PeriodText(round.OccurrenceDate)}): {responses.Count} of {invited.Count} answered, {(quotes.Count == 1 ? "1 risk or blocker" : $"{quotes.Count} risks or blockers")} raised.");
        // Each channel turns the names into real mentions of the people it knows, so they are notified.
        return checkIn.MentionNonResponders
            ? card with { Mentions = missing.Where(p => p.Email is not null).Select(p => new MentionedPerson(UserText.Escape(p.Name), p.Email!)).ToList() }
            : card;
    }

    private Task<CheckInDefinition> LoadAsync(CheckInRound round, CancellationToken cancellationToken) =>
        db.CheckIns.AsNoTracking().Include(c => c.Questions).Include(c => c.Program!).ThenInclude(p => p.Stakeholders)
            .FirstAsync(c => c.Id == round.CheckInId, cancellationToken);

    private static string Fingerprint(IEnumerable<CheckInResponse> responses) =>
        string.Join(',', responses.OrderBy(r => r.Id).Select(r => $"{r.Id}:{r.Version}"));

    /// <summary>
    /// The written answers as sources (anonymous rounds: without names), with the program's open RAID
    /// items and KPIs as context when a model writes.
    /// </summary>
    private async Task<Narrative> NarrativeAsync(CheckInDefinition checkIn, CheckInRound round, List<CheckInResponse> responses, CancellationToken cancellationToken)
    {
        var program = checkIn.Program!;
        var sources = AnswerSources(CheckInRounds.QuestionsOf(checkIn, round), responses, program.Stakeholders.ToDictionary(s => s.Id, s => s.Name), IsAnonymous(checkIn, round));
        return await WriteAsync(program, $"{checkIn.Name} of {program.Name}, {CheckInRounds.PeriodText(round.OccurrenceDate)}", sources, cancellationToken);
    }

    private async Task<Narrative> WriteAsync(GovernanceProgram program, string subject, List<NarrativeSource> sources, CancellationToken cancellationToken)
    {
        if (narratives.UsesModel && sources.Count > 0)
        {
            foreach (var register in registers)
            {
                sources.AddRange(await register.SourcesAsync(db, program, cancellationToken));
            }
        }

        return await narratives.WriteAsync(new NarrativeRequest(subject, sources), cancellationToken);
    }

    private static bool IsAnonymous(CheckInDefinition checkIn, CheckInRound round) =>
        CheckInRounds.Info(checkIn, round, TimeZoneInfo.FindSystemTimeZoneById(checkIn.Program!.TimeZone)).Anonymous;

    /// <summary>
    /// The narrative of what the program's people last wrote, for its steering pack: the answers of
    /// each check-in's latest round closed by <paramref name="at"/>, within <paramref name="recentDays"/>.
    /// Every check-in, not only the one that closed last: a committee wants each audience the program
    /// asks (the team's weekly round, the sponsors' monthly one). Recent only: a paused check-in's last
    /// round from months ago is not the program's state now. Registers are added as for a round.
    /// </summary>
    public async Task<RoundsNarrative> LatestRoundsNarrativeAsync(GovernanceProgram program, DateTimeOffset at, int recentDays, CancellationToken cancellationToken)
    {
        var checkIns = await db.CheckIns.AsNoTracking().Include(c => c.Questions).Include(c => c.Program!).ThenInclude(p => p.Stakeholders)
            .Where(c => c.ProgramId == program.Id && c.ArchivedAt == null).ToListAsync(cancellationToken);
        var from = at.AddDays(-recentDays);
        var sources = new List<NarrativeSource>();
        var rounds = new List<string>();
        foreach (var checkIn in checkIns.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase))
        {
            var round = await db.CheckInRounds.AsNoTracking()
                .Where(r => r.CheckInId == checkIn.Id && r.Status == CheckInRoundStatus.Closed && r.ClosesAt <= at && r.ClosesAt >= from)
                .OrderByDescending(r => r.OccurrenceDate).FirstOrDefaultAsync(cancellationToken);
            if (round is null)
            {
                continue;
            }

            var responses = await db.CheckInResponses.AsNoTracking().Where(r => r.RoundId == round.Id).ToListAsync(cancellationToken);
            var answers = AnswerSources(CheckInRounds.QuestionsOf(checkIn, round), responses, checkIn.Program!.Stakeholders.ToDictionary(s => s.Id, s => s.Name),
                IsAnonymous(checkIn, round), sources.Count + 1);
            if (answers.Count > 0)
            {
                sources.AddRange(answers);
                rounds.Add($"{checkIn.Name}, {CheckInRounds.PeriodText(round.OccurrenceDate)} ({(answers.Count == 1 ? "1 written answer" : $"{answers.Count} written answers")})");
            }
        }

        if (rounds.Count == 0)
        {
            return new RoundsNarrative(new Narrative(Narrative.Extractive, $"No check-in round of the last {recentDays} days has written answers, so there is nothing to summarise.", []), string.Empty);
        }

        var narrative = await WriteAsync(program, $"{program.Name}'s latest check-in rounds: {string.Join("; ", rounds)}", sources, cancellationToken);
        return new RoundsNarrative(narrative, $"From the latest check-in {(rounds.Count == 1 ? "round" : "rounds")}: {string.Join("; ", rounds)}.");
    }

    /// <summary>
    /// One source per response that wrote something (A1, A2 … in the order they came in): its written
    /// answers, risks included. "None", "n/a" and the like are no answer. In an anonymous round a
    /// source carries no name, so none reaches a model or a quote.
    /// </summary>
    /// <param name="first">The number of the first answer: a pack numbers the answers of several rounds on, so each id is one answer.</param>
    internal static List<NarrativeSource> AnswerSources(IReadOnlyList<CheckInQuestion> questions, IEnumerable<CheckInResponse> responses, IReadOnlyDictionary<Guid, string> names, bool anonymous,
        int first = 1)
    {
        var written = questions.Where(q => q.Kind == CheckInQuestionKind.Text).ToList();
        var sources = new List<NarrativeSource>();
        foreach (var response in responses.OrderBy(r => r.SubmittedAt).ThenBy(r => r.Id))
        {
            var answers = Parse(response.AnswersJson);
            var text = string.Join('\n', written.Select(q => answers.GetValueOrDefault(q.Key)?.Trim() ?? string.Empty).Where(t => t.Length > 0 && !NoAnswer().IsMatch(t)));
            if (text.Length == 0)
            {
                continue;
            }

            var number = first + sources.Count;
            var name = names.GetValueOrDefault(response.StakeholderId, "someone");
            sources.Add(anonymous
                ? new NarrativeSource($"A{number}", NarrativeSource.Answer, text, $"answer {number}")
                : new NarrativeSource($"A{number}", NarrativeSource.Answer, text, name, name));
        }

        return sources;
    }

    [GeneratedRegex(@"^(none|nothing|nothing to report|nothing new|no|nil|n/?a|-+|—)[.!]?$", RegexOptions.IgnoreCase)]
    private static partial Regex NoAnswer();

    /// <summary>
    /// One round as a point of the check-in's trend: who was asked (not away that day), how many
    /// answered, and the mean of every scale answer (1–5), as the summary card counts them.
    /// </summary>
    public static RoundPoint PointOf(CheckInDefinition checkIn, CheckInRound round, IReadOnlyCollection<Stakeholder> stakeholders)
    {
        var invited = CheckInRounds.Participants(checkIn, stakeholders).Count(p => !CheckInRounds.IsAway(p, round.OccurrenceDate));
        var answers = round.Responses.Select(r => Parse(r.AnswersJson)).ToList();
        var scores = CheckInRounds.QuestionsOf(checkIn, round).Where(q => q.Kind == CheckInQuestionKind.Scale)
            .SelectMany(q => Scores(answers, q.Key)).ToList();
        return new RoundPoint(round.OccurrenceDate, invited, round.Responses.Count, scores.Count == 0 ? null : scores.Average());
    }

    internal static bool IsBlocker(Dictionary<string, string> answers) =>
        answers.Values.Any(v => v.Contains("block", StringComparison.OrdinalIgnoreCase) || v.Contains("off track", StringComparison.OrdinalIgnoreCase));

    private static List<int> Scores(IEnumerable<Dictionary<string, string>> answers, string key) =>
        answers.Select(a => a.TryGetValue(key, out var v) && int.TryParse(v, CultureInfo.InvariantCulture, out var s) ? s : 0).Where(s => s is >= 1 and <= 5).ToList();

    private static DistributionBar Bar(string label, int count, int total)
    {
        var share = total == 0 ? 0 : (double)count / total;
        return new DistributionBar(label, count, Percent(share), new string('█', (int)Math.Round(share * 10)) + new string('░', 10 - (int)Math.Round(share * 10)));
    }

    private static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + " %";

    private static string Trend(double now, double? before) => before is not { } b ? "flat" : now > b + 1e-9 ? "up" : now < b - 1e-9 ? "down" : "flat";

    private static string Movement(double now, double? before, bool higherIsBetter) => before is not { } b ? "same"
        : Math.Abs(now - b) < 1e-9 ? "same"
        : (now > b) == higherIsBetter ? "better" : "worse";

    private static string Delta(double now, double? before, string unit) => before is not { } b ? string.Empty
        : (now - b).ToString("+0.0;-0.0;±0.0", CultureInfo.InvariantCulture) + unit;

    internal static Dictionary<string, string> Parse(string json) =>
        JsonSerializer.Deserialize(json, CheckInJson.Default.DictionaryStringString) ?? [];
}

/// <summary>The narrative of a program's latest check-in rounds, and which rounds it read (empty when none had written answers).</summary>
public sealed record RoundsNarrative(Narrative Narrative, string RoundsText);

/// <summary>A round's narrative written ahead of its summary, with the answers it was written from (ids and versions).</summary>
public sealed record PreparedNarrative(string Fingerprint, Narrative Narrative);

/// <summary>A check-in round in a trend: its date, how many were asked and answered, the mean scale score (none without scale answers).</summary>
public sealed record RoundPoint(DateOnly Date, int Invited, int Answered, double? MeanScore);
