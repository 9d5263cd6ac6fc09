using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Audit;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.CheckIns;

/// <summary>
/// <c>checkin answers [program]</c>, and the summary card's "Answers as CSV" button: every answer of the
/// latest round of each of the program's check-ins, one row per person, as a CSV file per round, handed
/// only to the person who asked the way <c>audit export</c> is (a Slack upload into their direct
/// messages, a Teams download link of their own). It names who said what, so only the program's
/// managers and PMO may have it, checked again when the file is made.
/// </summary>
internal sealed class CheckInAnswersHandler(GovernanceDb db, ReaderPolicy readers, TimeProvider time) : ITurnHandler
{
    public const string Verb = "checkin.answers";

    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var (program, refusal) = await readers.ResolveAsync(context, context.Arguments, "checkin answers Phoenix", Reading.AuditTrail, cancellationToken);
        if (program is null)
        {
            return [refusal!];
        }

        var rounds = await db.CheckInRounds.AsNoTracking().Include(r => r.CheckIn!)
            .Where(r => r.ProgramId == program.Id)
            .OrderByDescending(r => r.OccurrenceDate)
            .Take(20)
            .ToListAsync(cancellationToken);
        var latest = rounds.GroupBy(r => r.CheckInId).Select(g => g.First()).OrderBy(r => r.CheckIn!.Name, StringComparer.OrdinalIgnoreCase).ToList();
        if (latest.Count == 0)
        {
            return [Reply.Text($"No {program.Name} check-in round has run yet, so there are no answers to export.") with { Audience = ReaderPolicy.AudienceFor(Reading.AuditTrail) }];
        }

        var ids = latest.Select(r => r.Id).ToList();
        var counts = await db.CheckInResponses.AsNoTracking().Where(r => ids.Contains(r.RoundId))
            .GroupBy(r => r.RoundId).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var replies = new List<Reply>();
        foreach (var round in latest)
        {
            var checkIn = round.CheckIn!;
            var count = counts.GetValueOrDefault(round.Id);
            var state = round.Status == CheckInRoundStatus.Open ? "still open, so more answers may come" : "closed";
            var file = await readers.FileRequestAsync(context, program, CheckInAnswersFile.FileKind, CheckInAnswersFile.FileName(checkIn, round),
                new JsonObject { ["round"] = round.Id.ToString() }, cancellationToken);
            replies.Add(Reply.PrivateFile(file, $"{checkIn.Name} answers, {CheckInRounds.PeriodText(round.OccurrenceDate)}",
                $"**{checkIn.Name}**, {CheckInRounds.PeriodText(round.OccurrenceDate)} ({state}): {count} answer{(count == 1 ? "" : "s")}, one row per person, times in UTC."));
        }

        db.AppendAudit(time.GetUtcNow(), context.WorkspaceId, program.Id, Governance.Actor(context.Turn), context.Turn.Channel,
            "checkin.answers.exported", $"program:{program.Key}", after: $"{counts.Values.Sum()} answers of the latest rounds");
        await db.SaveChangesAsync(cancellationToken);
        return replies;
    }
}

/// <summary>Makes one round's answers as CSV when they are handed over, for a program manager or PMO only.</summary>
internal sealed class CheckInAnswersFile(GovernanceDb db, ReaderPolicy readers) : IFileSource
{
    public const string FileKind = "checkin-answers";

    /// <summary>The columns before one per question.</summary>
    private static readonly string[] Columns = ["name", "email", "answered_at"];

    public string Kind => FileKind;

    public async Task<FileMade> MakeAsync(FileRequest request, CancellationToken cancellationToken)
    {
        if (await readers.FileRefusalAsync(request, Reading.AuditTrail, "the check-in answers", cancellationToken) is { } refused)
        {
            return FileMade.Refused(refused);
        }

        var roundId = Guid.TryParse((string?)request.Arguments?["round"], out var id) ? id : Guid.Empty;
        var round = await db.CheckInRounds.AsNoTracking().Include(r => r.CheckIn!).ThenInclude(c => c.Questions)
            .FirstOrDefaultAsync(r => r.Id == roundId && r.ProgramId == request.ProgramId, cancellationToken);
        if (round is null)
        {
            return FileMade.Refused("That check-in round no longer exists, so there are no answers to export. Type **checkin answers** for the latest rounds.");
        }

        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == request.ProgramId).ToDictionaryAsync(s => s.Id, cancellationToken);
        var responses = await db.CheckInResponses.AsNoTracking().Where(r => r.RoundId == round.Id).ToListAsync(cancellationToken);
        var questions = CheckInRounds.QuestionsOf(round.CheckIn!, round);
        var csv = new StringBuilder(string.Join(',', Columns.Concat(questions.Select(q => AuditCsv.Cell(q.Text))))).Append('\n');
        foreach (var (person, response) in responses
            .Select(r => (Person: people.GetValueOrDefault(r.StakeholderId), Response: r))
            .OrderBy(x => x.Person?.Name ?? string.Empty, StringComparer.OrdinalIgnoreCase))
        {
            var answers = CheckInSummaries.Parse(response.AnswersJson);
            csv.Append(string.Join(',', new[]
            {
                AuditCsv.Cell(person?.Name ?? "someone no longer in the program"),
                AuditCsv.Cell(person?.Email),
                response.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            }.Concat(questions.Select(q => AuditCsv.Cell(answers.GetValueOrDefault(q.Key)))))).Append('\n');
        }

        return FileMade.Of(new FileContent(request.FileName, "text/csv; charset=utf-8", Encoding.UTF8.GetBytes(csv.ToString())));
    }

    /// <summary>"phoenix-weekly-check-in-2026-11-30.csv": the check-in and the round's date.</summary>
    internal static string FileName(CheckInDefinition checkIn, CheckInRound round)
    {
        var name = new string(checkIn.Name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        while (name.Contains("--", StringComparison.Ordinal))
        {
            name = name.Replace("--", "-", StringComparison.Ordinal);
        }

        return $"{name.Trim('-')}-{round.OccurrenceDate:yyyy-MM-dd}.csv";
    }
}
