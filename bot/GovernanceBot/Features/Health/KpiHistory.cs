using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Health;

/// <summary>The latest values of many KPIs, read without reading the rest of their history.</summary>
public static class KpiHistory
{
    /// <summary>
    /// Fills each KPI's <see cref="Kpi.Measurements"/> with its <paramref name="count"/> latest values,
    /// in one query: a value is kept when its date is on or after its KPI's count-th latest date (an
    /// index seek on (KpiId, Date) for each value of these KPIs). EF's filtered Include would number
    /// every value in the store instead (its window function is not limited to these KPIs).
    /// The KPIs must be read without tracking: their measurement lists are replaced.
    /// </summary>
    public static async Task LoadLatestAsync(this GovernanceDb db, IReadOnlyCollection<Kpi> kpis, int count, CancellationToken cancellationToken)
    {
        var ids = kpis.Select(k => k.Id).ToList();
        var skip = Math.Max(count, 1) - 1;
        var latest = (await db.KpiMeasurements.AsNoTracking()
            .Where(m => ids.Contains(m.KpiId) && m.Date >= (db.KpiMeasurements
                .Where(x => x.KpiId == m.KpiId)
                .OrderByDescending(x => x.Date)
                .Select(x => (DateOnly?)x.Date)
                .Skip(skip)
                .FirstOrDefault() ?? DateOnly.MinValue))
            .ToListAsync(cancellationToken))
            .ToLookup(m => m.KpiId);
        foreach (var kpi in kpis)
        {
            kpi.Measurements = latest[kpi.Id].OrderBy(m => m.Date).ToList();
        }
    }
}
