using GovernanceBot.Features.Narratives;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Raid;

/// <summary>A program's open RAID items, most pressing first (overdue, then by score), cited as <c>R-3</c>.</summary>
internal sealed class RaidNarrativeSource(TimeProvider time) : IProgramNarrativeSource
{
    private const int Most = 8;

    public async Task<IReadOnlyList<NarrativeSource>> SourcesAsync(GovernanceDb db, GovernanceProgram program, CancellationToken cancellationToken)
    {
        var today = RaidRules.Today(time.GetUtcNow(), program.TimeZone);
        var items = await db.RaidItems.AsNoTracking().Where(r => r.ProgramId == program.Id && RaidRules.OpenStatuses.Contains(r.Status)).ToListAsync(cancellationToken);
        return RaidViews.Ordered(items, today).Take(Most)
            .Select(i => new NarrativeSource(RaidRules.Display(i.Key), NarrativeSource.Raid,
                $"{RaidItems.Describe(i)} Status {RaidRules.StatusLabel(i.Status).ToLowerInvariant()}, {RaidRules.Rag(i, today)}{(RaidRules.IsOverdue(i, today) ? ", overdue" : string.Empty)}.",
                RaidRules.Display(i.Key)))
            .ToList();
    }
}
