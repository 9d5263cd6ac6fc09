using System.Globalization;
using System.Text;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Audit;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.CheckIns;

/// <summary>
/// <c>checkin answers [program]</c>, and the summary card's "Answers as CSV" button: every answer of the
/// latest round of each of the program's check-ins, one row per person, as CSV (the way the bot hands
/// over tables, like <c>audit export</c>: a code block to paste into a spreadsheet), sent only to the
/// person who asked. It names who said what, so only the program's managers and PMO may have it.
/// </summary>
public sealed class CheckInAnswersHandler(GovernanceDb db, ReaderPolicy readers, TimeProvider time) : ITurnHandler
{
    public const string Verb = "checkin.answers";

    /// <summary>The columns before one per question.</summary>
    private static readonly string[] Columns = ["name", "email", "answered_at"];

    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var (program, refusal) = await readers.ResolveAsync(context, context.Arguments, "checkin answers Phoenix", Reading.AuditTrail, cancellationToken);
        if (program is null)
        {
            return [refusal!];
        }

        var rounds = await db.CheckInRounds.AsNoTracking().Include(r => r.CheckIn!).ThenInclude(c => c.Questions)
            .Where(r => r.ProgramId == program.Id)
            .OrderByDescending(r => r.OccurrenceDate)
            .Take(20)
            .ToListAsync(cancellationToken);
        var latest = rounds.GroupBy(r => r.CheckInId).Select(g => g.First()).OrderBy(r => r.CheckIn!.Name, StringComparer.OrdinalIgnoreCase).ToList();
        if (latest.Count == 0)
        {
            return [Reply.Text($"No {program.Name} check-in round has run yet, so there are no answers to export.") with { Audience = ReaderPolicy.AudienceFor(Reading.AuditTrail) }];
        }

        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).ToDictionaryAsync(s => s.Id, cancellationToken);
        var ids = latest.Select(r => r.Id).ToList();
        var responses = await db.CheckInResponses.AsNoTracking().Where(r => ids.Contains(r.RoundId)).ToListAsync(cancellationToken);
        var text = new StringBuilder();
        var count = 0;
        foreach (var round in latest)
        {
            var checkIn = round.CheckIn!;
            var questions = CheckInRounds.QuestionsOf(checkIn, round);
            var theirs = responses.Where(r => r.RoundId == round.Id)
                .Select(r => (Person: people.GetValueOrDefault(r.StakeholderId), Response: r))
                .OrderBy(x => x.Person?.Name ?? string.Empty, StringComparer.OrdinalIgnoreCase)
                .ToList();
            var csv = new StringBuilder(string.Join(',', Columns.Concat(questions.Select(q => AuditCsv.Cell(q.Text))))).Append('\n');
            foreach (var (person, response) in theirs)
            {
                var answers = CheckInSummaries.Parse(response.AnswersJson);
                csv.Append(string.Join(',', new[]
                {
                    AuditCsv.Cell(person?.Name ?? "someone no longer in the program"),
                    AuditCsv.Cell(person?.Email),
                    response.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                }.Concat(questions.Select(q => AuditCsv.Cell(answers.GetValueOrDefault(q.Key)))))).Append('\n');
            }

            count += theirs.Count;
            var state = round.Status == CheckInRoundStatus.Open ? "still open" : "closed";
            text.Append(CultureInfo.InvariantCulture, $"**{checkIn.Name}**, {CheckInRounds.PeriodText(round.OccurrenceDate)} ({state}): {theirs.Count} answer{(theirs.Count == 1 ? "" : "s")} (times in UTC).\n```\n{csv}```\n");
        }

        db.AppendAudit(time.GetUtcNow(), context.WorkspaceId, program.Id, Governance.Actor(context.Turn), context.Turn.Channel,
            "checkin.answers.exported", $"program:{program.Key}", after: $"{count} answers of the latest rounds");
        await db.SaveChangesAsync(cancellationToken);
        return [Reply.Text(text.ToString().TrimEnd()) with { Audience = ReaderPolicy.AudienceFor(Reading.AuditTrail) }];
    }
}
