using System.Globalization;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Programs;

/// <summary>Computes a program's status: KPI RAG counts, benefits, pending approvals.</summary>
public sealed class ProgramStatusQuery(GovernanceDb db, TimeProvider time)
{
    public async Task<ProgramStatusCard> GetAsync(Guid programId, CancellationToken cancellationToken)
    {
        var program = await db.Programs.AsNoTracking().AsSplitQuery()
            .Include(p => p.Kpis).ThenInclude(k => k.Measurements)
            .Include(p => p.Benefits)
            .Include(p => p.Approvals).ThenInclude(a => a.Approvers)
            .Include(p => p.Approvals).ThenInclude(a => a.Votes)
            .FirstAsync(p => p.Id == programId, cancellationToken);

        var kpis = program.Kpis
            .OrderBy(k => k.Name, StringComparer.OrdinalIgnoreCase)
            .Select(k =>
            {
                var latest = k.Measurements.MaxBy(m => m.Date);
                return (Kpi: k, Latest: latest, Rag: KpiRag.Of(k, latest?.Value));
            })
            .ToList();
        var counts = new KpiCounts(
            kpis.Count,
            kpis.Count(k => k.Rag == Rag.Green),
            kpis.Count(k => k.Rag == Rag.Amber),
            kpis.Count(k => k.Rag == Rag.Red),
            kpis.Count(k => k.Rag == Rag.NoData));
        var highlights = kpis
            .Where(k => k.Rag is Rag.Red or Rag.Amber)
            .OrderBy(k => k.Rag == Rag.Red ? 0 : 1)
            .Select(k => new KpiHighlight(
                k.Kpi.Name,
                KpiRag.Format(k.Latest!.Value, k.Kpi.Unit),
                KpiRag.Format(k.Kpi.Target, k.Kpi.Unit),
                RagWord(k.Rag),
                RagColor(k.Rag)))
            .ToList();

        var benefits = new BenefitSummary(
            program.Benefits.Count,
            program.Benefits.GroupBy(b => b.Status).OrderBy(g => g.Key)
                .Select(g => new BenefitStatusCount(BenefitStatusWord(g.Key), g.Count())).ToList(),
            program.Benefits.Where(b => b.Status == BenefitStatus.AtRisk).Select(b => b.Name).Order().ToList());

        var pending = program.Approvals
            .Where(a => a.Status == ApprovalStatus.Pending)
            .OrderBy(a => a.Deadline ?? DateTimeOffset.MaxValue)
            .Select(a => new PendingApproval(
                a.Key,
                a.Title,
                KindWord(a.Kind),
                a.Deadline is { } d ? d.ToString("ddd d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture) : "no deadline",
                $"{a.Votes.Count} of {a.Approvers.Count} voted"))
            .ToList();

        var overall = counts.Red > 0 || benefits.AtRisk.Count > 0 ? "Red"
            : counts.Amber > 0 ? "Amber"
            : counts.Green > 0 ? "Green"
            : "No data";

        return new ProgramStatusCard(
            program.Name,
            program.Key,
            PhaseWord(program.Phase),
            program.Stage,
            program.Description,
            time.GetUtcNow().ToString("d MMM yyyy", CultureInfo.InvariantCulture),
            counts,
            highlights,
            benefits,
            pending,
            overall);
    }

    public static string RagWord(Rag rag) => rag switch
    {
        Rag.Green => "Green",
        Rag.Amber => "Amber",
        Rag.Red => "Red",
        _ => "No data",
    };

    /// <summary>The Adaptive Card text colour for a RAG status.</summary>
    public static string RagColor(Rag rag) => rag switch
    {
        Rag.Green => "Good",
        Rag.Amber => "Warning",
        Rag.Red => "Attention",
        _ => "Default",
    };

    public static string PhaseWord(ProgramPhase phase) => phase switch
    {
        ProgramPhase.Definition => "Definition",
        ProgramPhase.Delivery => "Delivery",
        ProgramPhase.Closure => "Closure",
        _ => "Closed",
    };

    public static string BenefitStatusWord(BenefitStatus status) => status switch
    {
        BenefitStatus.Identified => "Identified",
        BenefitStatus.Planned => "Planned",
        BenefitStatus.InDelivery => "In delivery",
        BenefitStatus.Realised => "Realised",
        BenefitStatus.Sustained => "Sustained",
        _ => "At risk",
    };

    public static string KindWord(ApprovalKind kind) => kind switch
    {
        ApprovalKind.StageGate => "Stage gate",
        ApprovalKind.ChangeRequest => "Change request",
        ApprovalKind.ScopeChange => "Scope change",
        _ => "Budget change",
    };
}
