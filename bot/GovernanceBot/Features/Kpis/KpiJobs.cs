using Cronos;
using GovernanceBot.Hosting;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Kpis;

/// <summary>
/// Nudges a KPI owner whose next value is overdue (one cadence after the latest, in the owner's own
/// time zone) with the <c>kpi.record</c> card — once per due date: the outbox key carries it, so
/// re-runs and other instances add nothing. Owners who are away are not nudged.
/// </summary>
internal sealed class KpiOverdueJob(GovernanceDb db, Outbox outbox, KpiCardBuilder cards, TimeProvider time, ILogger<KpiOverdueJob> logger) : IGovernanceJob
{
    public static string JobId => "kpis.overdue";

    public static string Cron => "*/15 * * * *";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var kpis = await db.Kpis.AsNoTracking().AsSplitQuery()
            .Include(k => k.Program)
            .Include(k => k.Owner)
            .Include(k => k.Measurements)
            .Where(k => k.Owner != null && k.Owner.Email != null)
            .ToListAsync(cancellationToken);
        foreach (var kpi in kpis)
        {
            var owner = kpi.Owner!;
            var zone = TimeZoneInfo.TryFindSystemTimeZoneById(owner.TimeZone, out var z) ? z : TimeZoneInfo.FindSystemTimeZoneById(kpi.Program!.TimeZone);
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
            var due = KpiViews.NextDue(kpi, kpi.Measurements.MaxBy(m => m.Date));
            if (due is not { } d || d >= today || owner.AwayUntil is { } away && away >= today)
            {
                continue;
            }

            var queued = await outbox.ToPersonAsync(db, kpi.Program!.WorkspaceId, owner.Email!, owner.Name, cards.Record(kpi),
                $"kpi:{kpi.Id}:nudge:{d:yyyy-MM-dd}", $"kpi.record:{kpi.Id}", cancellationToken: cancellationToken);
            if (queued)
            {
                await db.SaveChangesAsync(cancellationToken);
                Log.KpiNudged(logger, kpi.Id, d);
            }
        }
    }
}

/// <summary>
/// Posts <c>kpis.status</c> to each program's linked channels on its <c>StatusPostCron</c> (read in the
/// program's time zone). One post per occurrence, keyed in the outbox; after downtime only the most
/// recent missed occurrence (within a day) is posted.
/// </summary>
internal sealed class KpiStatusPostJob(GovernanceDb db, Outbox outbox, KpiCardBuilder cards, TimeProvider time, ILogger<KpiStatusPostJob> logger) : IGovernanceJob
{
    public static string JobId => "kpis.status-posts";

    public static string Cron => "* * * * *";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var programs = await db.Programs.AsNoTracking().Where(p => p.StatusPostCron != null).ToListAsync(cancellationToken);
        foreach (var program in programs)
        {
            if (program.StatusPostCron is not { } text || !CronExpression.TryParse(text, out var cron))
            {
                Log.BadStatusPostCron(logger, program.Id, program.StatusPostCron!);
                continue;
            }

            var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
            var occurrences = cron.GetOccurrences(now.AddDays(-1), now, zone, fromInclusive: false, toInclusive: true).ToList();
            if (occurrences.Count == 0)
            {
                continue;
            }

            var occurrence = occurrences[^1];
            var card = await cards.StatusAsync(program.Id, cancellationToken);
            if (await outbox.ToProgramChannelsAsync(db, program, card, $"kpis.status:{program.Id}:{occurrence.UtcDateTime:yyyyMMddHHmm}", cancellationToken: cancellationToken))
            {
                await db.SaveChangesAsync(cancellationToken);
                Log.KpiStatusPostQueued(logger, program.Id, occurrence);
            }
        }
    }
}
