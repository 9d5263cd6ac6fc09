using GovernanceBot.Conversation;
using GovernanceBot.Features.Narratives;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.CheckIns;

/// <summary>
/// Every minute: opens rounds that are due (the latest one only, so a round missed during downtime
/// opens once), reminds non-responders before close, and closes rounds with a summary to the
/// program's channel. Safe to run on several instances at once: unique indexes, conditional
/// updates and outbox idempotency keys make every effect happen once.
/// </summary>
internal sealed class CheckInSweepJob(IGovernanceDbFactory factory, CheckInRounds rounds, Outbox outbox, INarrativeWriter narratives, IEnumerable<IProgramNarrativeSource> registers, TimeProvider time) : IGovernanceJob
{
    public static string JobId => "checkins-sweep";

    public static string Cron => "* * * * *";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await OpenDueRoundsAsync(cancellationToken);
        await RemindAsync(cancellationToken);
        await CloseAsync(cancellationToken);
    }

    private async Task OpenDueRoundsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = factory.Create();
        var checkIns = await db.CheckIns.AsNoTracking().Where(c => c.Enabled && c.ArchivedAt == null).Select(c => c.Id).ToListAsync(cancellationToken);
        foreach (var id in checkIns)
        {
            await using var unit = factory.Create();
            var checkIn = await unit.CheckIns.Include(c => c.Questions).Include(c => c.Program!).ThenInclude(p => p.Stakeholders)
                .FirstAsync(c => c.Id == id, cancellationToken);
            var participants = CheckInRounds.Participants(checkIn, checkIn.Program!.Stakeholders);
            if (CheckInRounds.LatestDueDate(checkIn, participants, now) is not { } date)
            {
                continue;
            }

            if (await rounds.OpenAsync(unit, checkIn.Program!, checkIn, checkIn.Program!.Stakeholders, date, cancellationToken) is null)
            {
                continue;
            }

            try
            {
                await unit.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another instance opened the same round first; its prompts are queued.
            }
        }
    }

    private async Task RemindAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = factory.Create();
        var open = await db.CheckInRounds
            .Include(r => r.CheckIn!).ThenInclude(c => c.Questions)
            .Include(r => r.CheckIn!).ThenInclude(c => c.Program!).ThenInclude(p => p.Stakeholders)
            .Where(r => r.Status == CheckInRoundStatus.Open && r.ClosesAt > now)
            .ToListAsync(cancellationToken);
        foreach (var round in open)
        {
            var checkIn = round.CheckIn!;
            var due = checkIn.Reminders.Where(lead => now >= round.ClosesAt - lead).ToList();
            if (due.Count == 0)
            {
                continue;
            }

            var answered = (await db.CheckInResponses.Where(r => r.RoundId == round.Id).Select(r => r.StakeholderId).ToListAsync(cancellationToken)).ToHashSet();
            // The sweep runs every minute until the round closes: reminders already queued are skipped
            // here, in one query, rather than built and refused by the outbox one by one each minute.
            var prefix = CheckInRounds.KeyPrefix(round);
            var queued = (await db.Outbox.Where(o => o.IdempotencyKey.StartsWith(prefix) && o.IdempotencyKey.Contains(":remind:"))
                .Select(o => o.IdempotencyKey).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            foreach (var person in CheckInRounds.Participants(checkIn, checkIn.Program!.Stakeholders))
            {
                var promptedAt = CheckInRounds.PromptTime(checkIn, person.TimeZone, round.OccurrenceDate) ?? round.OpensAt;
                if (answered.Contains(person.Id) || CheckInRounds.IsAway(person, round.OccurrenceDate) || promptedAt > now)
                {
                    continue;
                }

                foreach (var key in due.Select(lead => $"{prefix}{person.Id}:remind:{(int)lead.TotalMinutes}").Where(k => !queued.Contains(k)))
                {
                    // Under the prompt's subject: when the round closes, the reminder shows it is closed too.
                    await outbox.ToPersonAsync(db, checkIn.Program!.WorkspaceId, person.Email ?? string.Empty, person.Name,
                        rounds.Reminder(checkIn.Program!, checkIn, round, person), key, subject: CheckInRounds.PromptSubject(round, person), cancellationToken: cancellationToken);
                }
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task CloseAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = factory.Create();
        var due = await db.CheckInRounds.AsNoTracking().Where(r => r.Status == CheckInRoundStatus.Open && r.ClosesAt <= now).ToListAsync(cancellationToken);
        foreach (var round in due)
        {
            round.Status = CheckInRoundStatus.Closed;
            PreparedNarrative narrative;
            await using (var read = factory.Create())
            {
                narrative = await new CheckInSummaries(read, narratives, registers).PrepareNarrativeAsync(round, cancellationToken);
            }

            await using var unit = factory.Create();
            await using var transaction = await unit.Database.BeginTransactionAsync(cancellationToken);
            // Only the instance whose update flips the status posts the summary.
            var closed = await unit.CheckInRounds.Where(r => r.Id == round.Id && r.Status == CheckInRoundStatus.Open)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, CheckInRoundStatus.Closed).SetProperty(r => r.SummarisedAt, now), cancellationToken);
            if (closed != 1)
            {
                continue;
            }

            var summary = await new CheckInSummaries(unit, narratives, registers).BuildAsync(round, cancellationToken, narrative);
            var program = await unit.Programs.AsNoTracking().FirstAsync(p => p.Id == round.ProgramId, cancellationToken);
            var posted = await outbox.ToProgramChannelsAsync(unit, program, summary, $"{CheckInRounds.KeyPrefix(round)}summary", cancellationToken: cancellationToken);
            await CloseCardsAsync(unit, round, cancellationToken);
            unit.AppendAudit(now, program.WorkspaceId, program.Id, "scheduler", "system", "checkin.round.closed", $"checkin-round:{round.Id}",
                after: posted ? summary.Summary : $"{summary.Summary} (not posted: {program.Name} is not linked to a channel; a program manager can type 'link {program.Name}')");
            await unit.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Every prompt and reminder of the round shows it is closed: the form goes (answers are no longer
    /// recorded), and the cards of those who answered keep their answers without the Edit button.
    /// </summary>
    private async Task CloseCardsAsync(GovernanceDb db, CheckInRound round, CancellationToken cancellationToken)
    {
        var checkIn = await db.CheckIns.AsNoTracking().Include(c => c.Questions).Include(c => c.Program!).ThenInclude(p => p.Stakeholders)
            .FirstAsync(c => c.Id == round.CheckInId, cancellationToken);
        var program = checkIn.Program!;
        var responses = await db.CheckInResponses.AsNoTracking().Where(r => r.RoundId == round.Id).ToListAsync(cancellationToken);
        foreach (var person in CheckInRounds.Participants(checkIn, program.Stakeholders))
        {
            var response = responses.FirstOrDefault(r => r.StakeholderId == person.Id);
            var card = response is null
                ? rounds.Prompt(program, checkIn, round, person, null)
                : rounds.Thanks(program, checkIn, round, person, response);
            await outbox.UpdateCardsAsync(db, program.WorkspaceId, CheckInRounds.PromptSubject(round, person), card,
                $"{CheckInRounds.KeyPrefix(round)}{person.Id}:closed", cancellationToken);
        }
    }
}
