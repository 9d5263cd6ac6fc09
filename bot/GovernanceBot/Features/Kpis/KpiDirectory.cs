using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Kpis;

/// <summary>Finds KPIs by card id (<c>program.kpi</c>), key or name, inside one workspace.</summary>
internal sealed class KpiDirectory(GovernanceDb db, ProgramDirectory programs)
{
    /// <summary>The KPI (tracked, with program, owner and measurements), or null with a helpful message.</summary>
    public async Task<(Kpi? Kpi, string? Error)> FindAsync(TurnContext context, string nameOrId, CancellationToken cancellationToken)
    {
        var wanted = nameOrId.Trim();
        // Every KPI of the workspace is a candidate, but only the one found needs its measurements.
        var all = await db.Kpis
            .Include(k => k.Program)
            .Include(k => k.Owner)
            .Where(k => k.Program!.WorkspaceId == context.WorkspaceId)
            .ToListAsync(cancellationToken);
        var matches = all.Where(k => string.Equals(KpiViews.IdOf(k.Program!, k), wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 0)
        {
            matches = all.Where(k => string.Equals(k.Key, wanted, StringComparison.OrdinalIgnoreCase) || string.Equals(k.Name, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        if (matches.Count == 0)
        {
            matches = all.Where(k => k.Name.Contains(wanted, StringComparison.OrdinalIgnoreCase) && wanted.Length >= 3).ToList();
        }

        if (matches.Count > 1)
        {
            var here = await programs.DefaultAsync(context.WorkspaceId, context.Turn.Conversation, cancellationToken);
            var inHere = matches.Where(k => k.ProgramId == here?.Id).ToList();
            if (inHere.Count == 1)
            {
                return (await WithMeasurementsAsync(inHere[0], cancellationToken), null);
            }

            return (null, $"\"{wanted}\" matches several KPIs: {string.Join(", ", matches.Select(k => $"**{k.Name}** ({k.Program!.Name})"))}. Use the full name.");
        }

        if (matches.Count == 0)
        {
            var names = all.Select(k => k.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
            return (null, names.Count == 0
                ? "No KPIs are set up in this workspace yet."
                : $"There is no KPI called \"{(wanted.Length > 60 ? wanted[..60] + "…" : wanted)}\". KPIs here: {string.Join(", ", names.Select(n => $"**{n}**"))}.");
        }

        return (await WithMeasurementsAsync(matches[0], cancellationToken), null);
    }

    private async Task<Kpi> WithMeasurementsAsync(Kpi kpi, CancellationToken cancellationToken)
    {
        await db.Entry(kpi).Collection(k => k.Measurements).LoadAsync(cancellationToken);
        return kpi;
    }
}
