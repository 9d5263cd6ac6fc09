using System.Globalization;
using GovernanceBot.Cards;
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
            .Include(p => p.Stakeholders)
            .Include(p => p.Kpis).ThenInclude(k => k.Measurements)
            .Include(p => p.Kpis).ThenInclude(k => k.Owner)
            .Include(p => p.Benefits).ThenInclude(b => b.Owner)
            .Include(p => p.Approvals).ThenInclude(a => a.Approvers)
            .Include(p => p.Approvals).ThenInclude(a => a.Votes)
            .FirstAsync(p => p.Id == programId, cancellationToken);
        var rounds = await db.CheckInRounds.AsNoTracking()
            .Include(r => r.CheckIn)
            .Include(r => r.Responses)
            .Where(r => r.ProgramId == programId)
            .ToListAsync(cancellationToken);
        var zone = FindZone(program.TimeZone);
        string Local(DateTimeOffset at, string format) =>
            TimeZoneInfo.ConvertTime(at, zone).ToString(format, CultureInfo.InvariantCulture);

        var kpis = program.Kpis
            .OrderBy(k => k.Name, StringComparer.OrdinalIgnoreCase)
            .Select(k =>
            {
                var latest = k.Measurements.MaxBy(m => m.Date);
                return (Kpi: k, Latest: latest, Rag: KpiRag.Of(k, latest?.Value));
            })
            .ToList();
        var kpiCounts = new RagCounts(
            kpis.Count(k => k.Rag == Rag.Green),
            kpis.Count(k => k.Rag == Rag.Amber),
            kpis.Count(k => k.Rag == Rag.Red),
            kpis.Count(k => k.Rag == Rag.NoData),
            kpis.Count);
        var benefitCounts = BenefitCountsOf(program.Benefits);

        // Off-target KPIs are the program's measurable risks, worst first; on-target ones are its highlights.
        var risks = kpis
            .Where(k => k.Rag is Rag.Red or Rag.Amber)
            .OrderBy(k => k.Rag == Rag.Red ? 0 : 1)
            .Select(k => new StatusRisk(
                $"{k.Kpi.Name} at {KpiRag.Format(k.Latest!.Value, k.Kpi.Unit)} (target {KpiRag.Format(k.Kpi.Target, k.Kpi.Unit)})",
                k.Kpi.Owner?.Name ?? "no owner",
                RagKey(k.Rag)))
            .Concat(program.Benefits.Where(b => b.Status == BenefitStatus.AtRisk).OrderBy(b => b.Name)
                .Select(b => new StatusRisk($"Benefit at risk: {b.Name}", b.Owner?.Name ?? "no owner", "red")))
            .ToList();
        var highlights = kpis
            .Where(k => k.Rag == Rag.Green)
            .Select(k => $"{k.Kpi.Name} on target at {KpiRag.Format(k.Latest!.Value, k.Kpi.Unit)}.")
            .ToList();

        var pending = program.Approvals
            .Where(a => a.Status == ApprovalStatus.Pending)
            .OrderBy(a => a.Deadline ?? DateTimeOffset.MaxValue)
            .ToList();
        var pendingApprovals = pending
            .Select(a => new PendingApproval(
                a.Key,
                a.Title,
                $"{a.Votes.Count} of {a.Approvers.Count} voted",
                a.Deadline is { } d ? Local(d, "ddd d MMM, HH:mm") : "no deadline"))
            .ToList();
        var gate = pending.FirstOrDefault(a => a.Kind == ApprovalKind.StageGate);
        var nextGate = gate is null
            ? new NextGate("None scheduled", "—")
            : new NextGate(gate.Title, gate.Deadline is { } gd ? Local(gd, "ddd d MMM yyyy") : "no date set");

        var latestRound = rounds.MaxBy(r => r.OpensAt);
        var checkin = latestRound is null
            ? new CheckInStatus("Check-in", "no rounds yet", "—")
            : new CheckInStatus(
                $"{latestRound.CheckIn?.Name ?? "Check-in"} of {latestRound.OccurrenceDate.ToString("d MMM", CultureInfo.InvariantCulture)}",
                $"{latestRound.Responses.Count} answered",
                "—");

        var (kpiRag, benefitRag, overall, summary) = Health(kpiCounts, benefitCounts);
        var overdue = pending.Count(a => a.Deadline < time.GetUtcNow());
        var dimensions = new List<StatusDimension>
        {
            new("KPIs", RagKey(kpiRag), $"{kpiCounts.Red} off target, {kpiCounts.Amber} to watch, {kpiCounts.Green} on target."),
            new("Benefits", RagKey(benefitRag), benefitCounts.AtRisk > 0 ? $"{benefitCounts.AtRisk} of {benefitCounts.Total} at risk." : $"{benefitCounts.Total} tracked, none at risk."),
            new("Decisions", overdue > 0 ? "amber" : "green", pending.Count == 0 ? "Nothing waiting for a decision." : $"{pending.Count} waiting, {overdue} past the deadline."),
        };

        string Person(string role) => program.Stakeholders.Where(s => s.HasRole(role)).Select(s => s.Name).Order().FirstOrDefault() ?? "not named";
        return new ProgramStatusCard(
            new ProgramSummary(program.Key, program.Name, PhaseWord(program.Phase), Person(StakeholderRoles.ProgramManager), Person(StakeholderRoles.Sponsor)),
            Local(time.GetUtcNow(), "ddd d MMM yyyy, HH:mm") + " " + ZoneLabel(zone),
            new OverallStatus(RagKey(overall), summary),
            kpiCounts,
            benefitCounts,
            checkin,
            nextGate,
            dimensions,
            highlights,
            risks,
            pendingApprovals);
    }

    /// <summary>
    /// A program's health from its KPIs' and benefits' counts: red when a KPI is off target or a
    /// benefit at risk, amber when a KPI needs watching, else as the KPIs are.
    /// </summary>
    public static (Rag Kpis, Rag Benefits, Rag Overall, string Summary) Health(RagCounts kpiCounts, BenefitCounts benefitCounts)
    {
        var kpiRag = kpiCounts.Red > 0 ? Rag.Red : kpiCounts.Amber > 0 ? Rag.Amber : kpiCounts.Green > 0 ? Rag.Green : Rag.NoData;
        var benefitRag = benefitCounts.AtRisk > 0 ? Rag.Red : benefitCounts.Total > 0 ? Rag.Green : Rag.NoData;
        var overall = kpiRag == Rag.Red || benefitRag == Rag.Red ? Rag.Red
            : kpiRag == Rag.Amber ? Rag.Amber
            : kpiRag;
        var summary = overall switch
        {
            Rag.Red => $"{kpiCounts.Red} KPI(s) off target and {benefitCounts.AtRisk} benefit(s) at risk need attention.",
            Rag.Amber => $"{kpiCounts.Amber} KPI(s) need watching; nothing is off target.",
            Rag.Green => "Every KPI is on target.",
            _ => "No KPI values have been recorded yet.",
        };
        return (kpiRag, benefitRag, overall, summary);
    }

    /// <summary>
    /// The health of many programs at once, reading only each KPI's latest value (a portfolio of 50
    /// programs holds hundreds of thousands of values; the status card's full load would read them all).
    /// </summary>
    public async Task<IReadOnlyList<ProgramHealth>> HealthOfAsync(IReadOnlyCollection<Guid> programIds, CancellationToken cancellationToken)
    {
        var programs = await db.Programs.AsNoTracking().AsSplitQuery()
            .Include(p => p.Kpis)
            .Include(p => p.Benefits)
            .Include(p => p.Stakeholders)
            .Where(p => programIds.Contains(p.Id))
            .ToListAsync(cancellationToken);
        var kpiIds = programs.SelectMany(p => p.Kpis).Select(k => k.Id).ToList();
        var latest = await db.KpiMeasurements.AsNoTracking()
            .Where(m => kpiIds.Contains(m.KpiId) && m.Date == db.KpiMeasurements.Where(x => x.KpiId == m.KpiId).Max(x => x.Date))
            .Select(m => new { m.KpiId, m.Value })
            .ToListAsync(cancellationToken);
        var latestByKpi = latest.ToDictionary(m => m.KpiId, m => m.Value);
        var pending = await db.Approvals.AsNoTracking()
            .Where(a => programIds.Contains(a.ProgramId) && a.Status == ApprovalStatus.Pending)
            .GroupBy(a => a.ProgramId)
            .Select(g => new { ProgramId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.ProgramId, g => g.Count, cancellationToken);
        return programs.Select(p =>
        {
            var rags = p.Kpis.Select(k => KpiRag.Of(k, latestByKpi.TryGetValue(k.Id, out var v) ? v : null)).ToList();
            var kpiCounts = KpiViews.Count(rags);
            var benefitCounts = BenefitCountsOf(p.Benefits);
            var health = Health(kpiCounts, benefitCounts);
            string Person(string role) => p.Stakeholders.Where(s => s.HasRole(role)).Select(s => s.Name).Order().FirstOrDefault() ?? "not named";
            return new ProgramHealth(p, health.Overall, health.Summary, kpiCounts, benefitCounts, pending.GetValueOrDefault(p.Id),
                Person(StakeholderRoles.ProgramManager), Person(StakeholderRoles.Sponsor));
        }).ToList();
    }

    public static BenefitCounts BenefitCountsOf(IReadOnlyCollection<Benefit> benefits) => new(
        benefits.Count(b => b.Status is BenefitStatus.Realised or BenefitStatus.Sustained),
        benefits.Count(b => b.Status == BenefitStatus.InDelivery),
        benefits.Count(b => b.Status == BenefitStatus.AtRisk),
        0,
        benefits.Count(b => b.Status is BenefitStatus.Identified or BenefitStatus.Planned),
        benefits.Count);

    /// <summary>The template's RAG key: green, amber, red or none.</summary>
    public static string RagKey(Rag rag) => rag switch
    {
        Rag.Green => "green",
        Rag.Amber => "amber",
        Rag.Red => "red",
        _ => "none",
    };

    private static TimeZoneInfo FindZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    private static string ZoneLabel(TimeZoneInfo zone) => zone == TimeZoneInfo.Utc ? "UTC" : zone.Id;

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

/// <summary>One program's health as the portfolio shows it.</summary>
public sealed record ProgramHealth(GovernanceProgram Program, Rag Overall, string Summary, RagCounts Kpis, BenefitCounts Benefits, int PendingApprovals,
    string ProgramManager, string Sponsor);
