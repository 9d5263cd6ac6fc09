using System.Globalization;
using GovernanceBot.Features.Health;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Narratives;

/// <summary>A program's KPIs with their latest value and RAG, cited as <c>K:&lt;key&gt;</c>.</summary>
internal sealed class KpiNarrativeSource : IProgramNarrativeSource
{
    private const int Most = 10;

    public async Task<IReadOnlyList<NarrativeSource>> SourcesAsync(GovernanceDb db, GovernanceProgram program, CancellationToken cancellationToken)
    {
        var kpis = await db.Kpis.AsNoTracking().Include(k => k.Measurements).Where(k => k.ProgramId == program.Id)
            .OrderBy(k => k.Name).Take(Most).ToListAsync(cancellationToken);
        return kpis.Select(k =>
        {
            var latest = k.Measurements.MaxBy(m => m.Date);
            var text = latest is null
                ? $"KPI {k.Name}: target {KpiRag.TargetText(k)}; no value recorded yet."
                : $"KPI {k.Name}: {KpiRag.Format(latest.Value, k.Unit)} on {latest.Date.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}, target {KpiRag.TargetText(k)}, {KpiRag.Of(k, latest.Value).ToString().ToLowerInvariant()}.";
            return new NarrativeSource($"K:{k.Key}", NarrativeSource.Kpi, text, $"KPI {k.Name}");
        }).ToList();
    }
}
