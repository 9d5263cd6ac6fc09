using System.Globalization;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Health;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Programs;

/// <summary>
/// A register's top items for the status card's "Top risks and issues" (the RAID log's open Red and
/// Amber risks and issues): registers build on programs, so they offer them here rather than being read.
/// </summary>
public interface IStatusRiskSource
{
    Task<IReadOnlyList<StatusRisk>> TopAsync(GovernanceProgram program, int max, CancellationToken cancellationToken);
}

/// <summary>Computes a program's status: KPI RAG counts, benefits, pending approvals, and the registers' top risks.</summary>
public sealed class ProgramStatusQuery(GovernanceDb db, TimeProvider time, IEnumerable<IStatusRiskSource> riskSources)
{
    /// <summary>How many items each register may put on the card, so KPIs off target still show.</summary>
    private const int RisksPerSource = 3;

    public async Task<ProgramStatusCard> GetAsync(Guid programId, CancellationToken cancellationToken)
    {
        var program = await db.Programs.AsNoTracking().AsSplitQuery()
            .Include(p => p.Stakeholders)
            .Include(p => p.Kpis).ThenInclude(k => k.Owner)
            .Include(p => p.Benefits).ThenInclude(b => b.Owner)
            .Include(p => p.Approvals).ThenInclude(a => a.Approvers)
            .Include(p => p.Approvals).ThenInclude(a => a.Votes)
            .FirstAsync(p => p.Id == programId, cancellationToken);
        // The card reads each KPI's latest value only: years of history stay in the store.
        await db.LoadLatestAsync(program.Kpis, 1, cancellationToken);
        var latestRound = await db.CheckInRounds.AsNoTracking()
            .Where(r => r.ProgramId == programId)
            .OrderByDescending(r => r.OpensAt).ThenByDescending(r => r.Id)
            .Select(r => new { CheckIn = r.CheckIn!.Name, r.OccurrenceDate, Answers = r.Responses.Count })
            .FirstOrDefaultAsync(cancellationToken);
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
        var benefitCounts = BenefitStatuses.Count(program.Benefits.Select(b => b.Status));

        // The registers' own risks and issues first (what the program manager logged), then off-target
        // KPIs, the program's measurable risks, worst first; on-target ones are its highlights.
        var logged = new List<StatusRisk>();
        foreach (var source in riskSources)
        {
            logged.AddRange(await source.TopAsync(program, RisksPerSource, cancellationToken));
        }

        var risks = logged.Concat(kpis
            .Where(k => k.Rag is Rag.Red or Rag.Amber)
            .OrderBy(k => k.Rag == Rag.Red ? 0 : 1)
            .Select(k => new StatusRisk(
                $"{k.Kpi.Name} at {KpiRag.Format(k.Latest!.Value, k.Kpi.Unit)} (target {KpiRag.Format(k.Kpi.Target, k.Kpi.Unit)})",
                k.Kpi.Owner?.Name ?? "no owner",
                RagKey(k.Rag)))
            .Concat(program.Benefits.Where(b => b.Status == BenefitStatus.AtRisk).OrderBy(b => b.Name)
                .Select(b => new StatusRisk($"Benefit at risk: {b.Name}", b.Owner?.Name ?? "no owner", RagKey(AtRiskRag)))))
            .ToList();
        // Green is health (inside the thresholds), not "on target": a KPI is on target only when its
        // value meets the target, and the line says which of the two it is.
        var highlights = kpis
            .Where(k => k.Rag == Rag.Green)
            .Select(k => MeetsTarget(k.Kpi, k.Latest!.Value)
                ? $"{k.Kpi.Name} on target at {KpiRag.Format(k.Latest.Value, k.Kpi.Unit)} (target {KpiRag.TargetText(k.Kpi)})."
                : $"{k.Kpi.Name} Green at {KpiRag.Format(k.Latest.Value, k.Kpi.Unit)}, short of its target {KpiRag.TargetText(k.Kpi)}.")
            .ToList();

        // An escalated request still waits for a decision (from whoever it was escalated to).
        var pending = program.Approvals
            .Where(a => a.Status is ApprovalStatus.Pending or ApprovalStatus.Escalated)
            .OrderBy(a => a.Deadline ?? DateTimeOffset.MaxValue)
            .ToList();
        var pendingApprovals = pending
            .Select(a => new PendingApproval(
                a.Key,
                a.Title,
                $"{a.Votes.Count} of {a.Approvers.Count} voted{(a.Status == ApprovalStatus.Escalated ? ", escalated" : "")}",
                a.Deadline is { } d ? LocalTime.Of(d, zone) : "no deadline"))
            .ToList();
        var gate = pending.FirstOrDefault(a => a.Kind == ApprovalKind.StageGate);
        var gates = await db.StageGates.AsNoTracking().Include(g => g.Criteria).Where(g => g.ProgramId == programId).ToListAsync(cancellationToken);
        // With a life cycle, the next gate is the one ahead of the program's phase (its review, if
        // one is waiting, is among the pending approvals); without one, the first gate request waiting.
        var nextGate = new NextGate(gates.Count > 0
            ? LifeCycleRules.NextGateText(program, gates, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime))
                + ReviewOf(LifeCycleRules.NextGate(program, gates), pending, Local)
            : gate is null
                ? "No stage gate waiting for a decision"
                : $"{gate.Title}{(gate.Status == ApprovalStatus.Escalated ? " (escalated)" : "")}, {(gate.Deadline is { } gd ? "deadline " + Local(gd, "ddd d MMM yyyy") : "no deadline set")}");

        var checkin = new CheckInStatus(latestRound is null
            ? "No round has run yet"
            : $"{latestRound.CheckIn} of {latestRound.OccurrenceDate.ToString("d MMM", CultureInfo.InvariantCulture)}: {Plural(latestRound.Answers, "answer")} so far");

        var overdue = pending.Count(a => a.Deadline < time.GetUtcNow());
        var escalated = pending.Count(a => a.Status == ApprovalStatus.Escalated);
        var (kpiRag, benefitRag, decisionRag, overall, summary) = Health(kpiCounts, benefitCounts, escalated, overdue);
        var dimensions = new List<StatusDimension>
        {
            new("KPIs", RagKey(kpiRag), kpiCounts.Total == kpiCounts.None
                ? "No values recorded yet."
                : $"{kpiCounts.Red} Red, {kpiCounts.Amber} Amber, {kpiCounts.Green} Green{(kpiCounts.None > 0 ? $", {kpiCounts.None} without a value" : "")}."),
            new("Benefits", RagKey(benefitRag), benefitCounts.AtRisk > 0
                ? $"{benefitCounts.AtRisk} of {Plural(benefitCounts.Total, "benefit")} at risk."
                : program.Benefits.Count > 0 ? $"{Plural(benefitCounts.Total, "benefit")} tracked, none at risk." : "No benefits registered yet."),
            new("Decisions", RagKey(decisionRag), pending.Count == 0
                ? "Nothing waiting for a decision."
                : $"{pending.Count} waiting{(escalated > 0 ? $", {escalated} escalated" : "")}{(overdue > 0 ? $", {overdue} past the deadline" : "")}."),
        };

        string Person(string role) => program.Stakeholders.Where(s => s.HasRole(role)).Select(s => s.Name).Order().FirstOrDefault() ?? "not named";
        return new ProgramStatusCard(
            new ProgramSummary(program.Key, program.Name, PhaseWord(program.Phase), Person(StakeholderRoles.ProgramManager), Person(StakeholderRoles.Sponsor)),
            LocalTime.Of(time.GetUtcNow(), zone),
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
    /// A program's health from its KPIs' and benefits' counts and its decisions waiting: red when a
    /// KPI is Red or a decision escalated, amber when a KPI is Amber, a benefit at risk or a decision
    /// past its deadline, else as the KPIs are. The status card and the dashboard read it alike.
    /// </summary>
    public static (Rag Kpis, Rag Benefits, Rag Decisions, Rag Overall, string Summary) Health(RagCounts kpiCounts, BenefitCounts benefitCounts, int escalated, int overdue)
    {
        var kpiRag = kpiCounts.Red > 0 ? Rag.Red : kpiCounts.Amber > 0 ? Rag.Amber : kpiCounts.Green > 0 ? Rag.Green : Rag.NoData;
        var benefitRag = benefitCounts.AtRisk > 0 ? AtRiskRag : benefitCounts.Total > 0 ? Rag.Green : Rag.NoData;
        var decisionRag = escalated > 0 ? Rag.Red : overdue > 0 ? Rag.Amber : Rag.Green;
        var overall = kpiRag == Rag.Red || benefitRag == Rag.Red || decisionRag == Rag.Red ? Rag.Red
            : kpiRag == Rag.Amber || benefitRag == Rag.Amber || decisionRag == Rag.Amber ? Rag.Amber
            : kpiRag;
        var attention = new List<string>();
        if (kpiCounts.Red > 0)
        {
            attention.Add($"{Plural(kpiCounts.Red, "KPI")} Red");
        }

        if (kpiCounts.Amber > 0)
        {
            attention.Add($"{Plural(kpiCounts.Amber, "KPI")} Amber");
        }

        if (benefitCounts.AtRisk > 0)
        {
            attention.Add($"{Plural(benefitCounts.AtRisk, "benefit")} at risk");
        }

        if (escalated > 0)
        {
            attention.Add($"{Plural(escalated, "decision")} escalated");
        }
        else if (overdue > 0)
        {
            attention.Add($"{Plural(overdue, "decision")} past the deadline");
        }

        var summary = overall switch
        {
            Rag.Red or Rag.Amber => $"Needs attention: {string.Join(", ", attention)}.",
            Rag.Green => "Every KPI with a value is Green.",
            _ => "No KPI values have been recorded yet.",
        };
        return (kpiRag, benefitRag, decisionRag, overall, summary);
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
        // One query, one index seek per KPI on (KpiId, Date): the latest value of each, on SQLite and
        // PostgreSQL alike. (Matching each value against its KPI's maximum date instead reads every value.)
        var latestByKpi = await db.Kpis.AsNoTracking()
            .Where(k => programIds.Contains(k.ProgramId))
            .Select(k => new { k.Id, Value = k.Measurements.OrderByDescending(m => m.Date).Select(m => (double?)m.Value).FirstOrDefault() })
            .ToDictionaryAsync(k => k.Id, k => k.Value, cancellationToken);
        var now = time.GetUtcNow();
        var waiting = (await db.Approvals.AsNoTracking()
            .Where(a => programIds.Contains(a.ProgramId) && (a.Status == ApprovalStatus.Pending || a.Status == ApprovalStatus.Escalated))
            .Select(a => new { a.ProgramId, a.Status, a.Deadline })
            .ToListAsync(cancellationToken))
            .ToLookup(a => a.ProgramId);
        return programs.Select(p =>
        {
            var rags = p.Kpis.Select(k => KpiRag.Of(k, latestByKpi.GetValueOrDefault(k.Id))).ToList();
            var kpiCounts = KpiRag.Count(rags);
            var benefitCounts = BenefitStatuses.Count(p.Benefits.Select(b => b.Status));
            var pending = waiting[p.Id].ToList();
            var health = Health(kpiCounts, benefitCounts, pending.Count(a => a.Status == ApprovalStatus.Escalated), pending.Count(a => a.Deadline < now));
            string Person(string role) => p.Stakeholders.Where(s => s.HasRole(role)).Select(s => s.Name).Order().FirstOrDefault() ?? "not named";
            return new ProgramHealth(p, health.Overall, health.Summary, kpiCounts, benefitCounts, pending.Count,
                Person(StakeholderRoles.ProgramManager), Person(StakeholderRoles.Sponsor));
        }).ToList();
    }

    /// <summary>"; review gate-3 waiting, deadline Fri 5 Dec 2026" (or "escalated"): the next gate's review, while it waits for a decision.</summary>
    private static string ReviewOf(StageGate? gate, IReadOnlyList<ApprovalRequest> pending, Func<DateTimeOffset, string, string> local) =>
        pending.FirstOrDefault(a => a.Id == gate?.ApprovalRequestId) is not { } review ? string.Empty
            : review.Status == ApprovalStatus.Escalated ? $"; review {review.Key} escalated (its deadline passed)"
            : $"; review {review.Key} waiting{(review.Deadline is { } d ? ", deadline " + local(d, "ddd d MMM yyyy") : string.Empty)}";

    /// <summary>At risk is amber, in the counts and in the health alike (<see cref="BenefitStatuses.Color"/>).</summary>
    private const Rag AtRiskRag = Rag.Amber;

    private static bool MeetsTarget(Kpi kpi, double value) =>
        kpi.Direction == KpiDirection.HigherIsBetter ? value >= kpi.Target : value <= kpi.Target;

    /// <summary>"1 KPI", "3 KPIs": a count with its noun.</summary>
    public static string Plural(int count, string noun) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? noun : noun + "s");

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

    /// <summary>How a phase key reads: "delivery" → "Delivery".</summary>
    public static string PhaseWord(string phase) => LifeCyclePhases.Name(phase);

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
