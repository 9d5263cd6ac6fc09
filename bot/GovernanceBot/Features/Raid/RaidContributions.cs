using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.LifeCycle;
using GovernanceBot.Features.Portfolio;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Raid;

/// <summary>The portfolio's "overdue RAID items" per program: open items past their date, in each program's own today.</summary>
internal sealed class RaidPortfolioCounter(GovernanceDb db, TimeProvider time) : IPortfolioCounter
{
    public string Label => "Overdue RAID items";

    public async Task<IReadOnlyDictionary<Guid, int>> CountAsync(IReadOnlyCollection<Guid> programIds, CancellationToken cancellationToken)
    {
        var zones = await db.Programs.AsNoTracking().Where(p => programIds.Contains(p.Id)).Select(p => new { p.Id, p.TimeZone }).ToListAsync(cancellationToken);
        var items = await db.RaidItems.AsNoTracking().Where(i => programIds.Contains(i.ProgramId) && i.DueDate != null && RaidRules.OpenStatuses.Contains(i.Status)).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return zones.ToDictionary(p => p.Id, p =>
        {
            var today = RaidRules.Today(now, p.TimeZone);
            return items.Count(i => i.ProgramId == p.Id && RaidRules.IsOverdue(i, today));
        });
    }
}

/// <summary>
/// A gate review's RAID evidence: the open Red and Amber items (risks and issues by score, assumptions
/// and dependencies by date), overdue first, as the RAID card orders them.
/// </summary>
internal sealed class RaidGateEvidence(GovernanceDb db, TimeProvider time) : IGateEvidenceSource
{
    public async Task<EvidenceSection?> SectionAsync(GovernanceProgram program, StageGate gate, CancellationToken cancellationToken)
    {
        // Meeting actions live in the same table but are not on the RAID log card: counted here they made "RAID log: 12 open" beside
        // a RAID log of 10 (the steering pack counts them apart too).
        var open = await db.RaidItems.AsNoTracking().Include(i => i.Owner)
            .Where(i => i.ProgramId == program.Id && i.Type != RaidType.Action && RaidRules.OpenStatuses.Contains(i.Status)).ToListAsync(cancellationToken);
        var today = RaidRules.Today(time.GetUtcNow(), program.TimeZone);
        if (open.Count == 0)
        {
            return null;
        }

        var above = RaidViews.Ordered(open.Where(i => RaidRules.Rag(i, today) is "red" or "amber"), today).ToList();
        var lines = above.Take(GateBook.MaxEvidenceLines)
            .Select(i => new EvidenceLine(
                $"{RaidRules.Display(i.Key)} {i.Title} ({i.Owner?.Name ?? "no owner"}{(RaidRules.IsOverdue(i, today) ? $", overdue since {RaidRules.Day(i.DueDate!.Value)}" : "")})",
                RaidRules.Rag(i, today)))
            .ToList();
        if (above.Count > lines.Count)
        {
            lines.Add(new EvidenceLine($"and {above.Count - lines.Count} more: raid {program.Key}", "none"));
        }

        var overdue = open.Count(i => RaidRules.IsOverdue(i, today));
        return new EvidenceSection(
            $"RAID log: {open.Count} open, {above.Count} Red or Amber{(overdue > 0 ? $", {overdue} overdue" : "")}",
            lines.Count > 0 ? lines : [new EvidenceLine("No open item is Red or Amber.", "green")]);
    }
}

/// <summary>The status card's logged risks: the open Red and Amber risks and issues, highest score first.</summary>
internal sealed class RaidStatusRisks(GovernanceDb db, TimeProvider time) : IStatusRiskSource
{
    public async Task<IReadOnlyList<StatusRisk>> TopAsync(GovernanceProgram program, int max, CancellationToken cancellationToken)
    {
        var items = await db.RaidItems.AsNoTracking().Include(i => i.Owner)
            .Where(i => i.ProgramId == program.Id && (i.Type == RaidType.Risk || i.Type == RaidType.Issue) && RaidRules.OpenStatuses.Contains(i.Status)).ToListAsync(cancellationToken);
        var today = RaidRules.Today(time.GetUtcNow(), program.TimeZone);
        return RaidViews.Ordered(items.Where(i => RaidRules.Rag(i, today) is "red" or "amber"), today)
            .Take(max)
            .Select(i => new StatusRisk($"{RaidRules.Display(i.Key)} {i.Title}", i.Owner?.Name ?? "no owner", RaidRules.Rag(i, today)))
            .ToList();
    }
}
