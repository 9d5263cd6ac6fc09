using System.Globalization;
using GovernanceBot.Features.Health;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.Audit;
using GovernanceBot.Features.Benefits;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.LifeCycle;

/// <summary>A program with its life cycle and what a gate's evidence reads, loaded once.</summary>
public sealed record GateSet(GovernanceProgram Program, IReadOnlyList<StageGate> Gates, IReadOnlyDictionary<Guid, ApprovalRequest> Reviews, TimeZoneInfo Zone, DateOnly Today)
{
    public ApprovalRequest? ReviewOf(StageGate gate) =>
        gate.ApprovalRequestId is { } id && Reviews.TryGetValue(id, out var review) ? review : null;
}

/// <summary>
/// Another register's part of a gate's evidence (the RAID log's open items above its threshold):
/// a feature registers one and the gate card and the review request show its section. None is
/// registered until such a register exists.
/// </summary>
public interface IGateEvidenceSource
{
    Task<EvidenceSection?> SectionAsync(GovernanceProgram program, StageGate gate, CancellationToken cancellationToken);
}

/// <summary>Reads a program's life cycle and turns it into the gate cards and a gate's evidence.</summary>
public sealed class GateBook(GovernanceDb db, TimeProvider time, IEnumerable<IGateEvidenceSource> evidenceSources)
{
    internal const int MaxEvidenceLines = 8;

    public async Task<GateSet> LoadAsync(Guid programId, CancellationToken cancellationToken)
    {
        var program = await db.Programs.AsSplitQuery()
            .Include(p => p.Stakeholders)
            .Include(p => p.Kpis).ThenInclude(k => k.Measurements)
            .Include(p => p.Benefits).ThenInclude(b => b.Actuals)
            .Include(p => p.Benefits).ThenInclude(b => b.Owner)
            .Include(p => p.ApproverGroups)
            .FirstAsync(p => p.Id == programId, cancellationToken);
        var gates = await db.StageGates.Include(g => g.Criteria).ThenInclude(c => c.Owner)
            .Where(g => g.ProgramId == programId).ToListAsync(cancellationToken);
        var reviewIds = gates.Where(g => g.ApprovalRequestId is not null).Select(g => g.ApprovalRequestId!.Value).ToList();
        var reviews = await db.Approvals.AsSplitQuery().Include(a => a.Votes).Include(a => a.Approvers)
            .Where(a => reviewIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
        return new GateSet(program, LifeCycleRules.Ordered(program, gates), reviews, zone, today);
    }

    /// <summary>A gate by key ("gate-3"), number ("3") or name, or null.</summary>
    public static StageGate? Find(GateSet set, string typed)
    {
        var text = typed.Trim().Trim('"', '“', '”');
        return set.Gates.FirstOrDefault(g => string.Equals(g.Key, text, StringComparison.OrdinalIgnoreCase))
            ?? set.Gates.FirstOrDefault(g => string.Equals(g.Key, $"gate-{text}", StringComparison.OrdinalIgnoreCase))
            ?? set.Gates.FirstOrDefault(g => string.Equals(g.Key, text.Replace(' ', '-'), StringComparison.OrdinalIgnoreCase))
            ?? set.Gates.FirstOrDefault(g => string.Equals(g.Name, text, StringComparison.OrdinalIgnoreCase)
                || string.Equals(LifeCycleRules.ReviewTitle(g), text, StringComparison.OrdinalIgnoreCase));
    }

    public string AsOfText(GateSet set) => AsOf(time.GetUtcNow(), set.Zone);

    /// <summary>
    /// When the evidence was taken: a moment each reader sees in their own zone, as the review's
    /// deadline on the same card is (program time with the zone named read as a second clock).
    /// </summary>
    internal static string AsOf(DateTimeOffset now, TimeZoneInfo zone) => LocalTime.Of(now, zone);

    public CardReply GatesCard(GateSet set)
    {
        var program = set.Program;
        var here = LifeCycleRules.IndexOf(program, program.Phase);
        var phases = program.Phases.Select((p, i) => new PhaseView(LifeCyclePhases.Name(p), i < here ? "done" : i == here ? "current" : "ahead")).ToList();
        var next = LifeCycleRules.NextGate(program, set.Gates);
        var rows = set.Gates.Select(g =>
        {
            var (state, stateText) = StateOf(set, g, next);
            return new GateRow(g.Key, LifeCycleRules.Label(g), g.Name, LifeCycleRules.Between(program, g), LifeCycleRules.DateText(g.Date), state, stateText,
                CriteriaText(g), ReviewText(set, g));
        }).ToList();
        var phaseText = program.Phase == LifeCycleRules.Closed
            ? "Closed: every phase is done"
            : $"{LifeCyclePhases.Name(program.Phase)} (phase {here + 1} of {program.Phases.Count})";
        var nextText = LifeCycleRules.NextGateText(program, set.Gates, set.Today);
        var card = new GatesStatusCard(KpiViews.ProgramOf(program), AsOfText(set), phaseText, nextText, phases, rows);
        return Reply.Card("gates.status", card, LifeCycleJson.Default.GatesStatusCard,
            $"{program.Name} is in {phaseText}. Next gate: {nextText}.");
    }

    public async Task<CardReply> GateCardAsync(GateSet set, StageGate gate, Stakeholder? viewer, ConversationKind where, CancellationToken cancellationToken)
    {
        var program = set.Program;
        var next = LifeCycleRules.NextGate(program, set.Gates);
        var (state, stateText) = StateOf(set, gate, next);
        var review = set.ReviewOf(gate);
        var reviewStatus = review is null ? "none" : ReviewStatus(review.Status);
        var group = program.ApproverGroups.FirstOrDefault(g => g.Key == gate.ApproverGroupKey);
        var approvers = group is null
            ? "No approver group named for this gate: add one to the governance file (lifeCycle.gates[].approverGroup)."
            : $"{group.Name}: {string.Join(", ", group.MemberKeys.Select(k => program.Stakeholders.FirstOrDefault(s => s.Key == k)?.Name ?? k))} ({QuorumRule(group)})";
        var open = review is { Status: ApprovalStatus.Pending or ApprovalStatus.Escalated };
        var canRequest = Governance.IsManager(viewer) && LifeCycleRules.IsCurrent(program, gate) && !open && group is not null;
        var note = gate.PassedAt is not null ? $"Passed {Day(gate.PassedAt.Value, set.Zone)}."
            : open ? $"The review is with the approvers: they vote on the {review!.Key} card (**approvals** lists yours)."
            : !LifeCycleRules.IsCurrent(program, gate) ? $"{program.Name} is in {LifeCyclePhases.Name(program.Phase)}: this gate is reviewed when the program reaches {LifeCyclePhases.Name(gate.AfterPhase)}'s end."
            : canRequest ? "When the criteria are confirmed, request the review: the approvers get the evidence below, frozen as it is now."
            : group is null ? "The gate has no approver group yet, so no review can be requested."
            : "A program manager requests the review when the criteria are confirmed.";
        var criteria = gate.Criteria.OrderBy(c => c.Order).Select(c => new CriterionView(
            c.Key, c.Text, c.Owner?.Name ?? "no owner", c.ConfirmedAt is not null,
            c.ConfirmedAt is { } at ? $"Confirmed by {NameOf(program, c.ConfirmedById) ?? c.Owner?.Name ?? "its owner"}, {Day(at, set.Zone)}" : string.Empty,
            c.ConfirmedAt is null && gate.PassedAt is null && c.OwnerId is not null && (where != ConversationKind.Personal || c.OwnerId == viewer?.Id)))
            .ToList();
        var evidence = await EvidenceAsync(set, gate, cancellationToken);
        var view = new GateView(gate.Key, LifeCycleRules.Label(gate), gate.Name, LifeCycleRules.Between(program, gate), LifeCycleRules.DateText(gate.Date),
            state, stateText, approvers, reviewStatus, ReviewText(set, gate), review?.Key ?? string.Empty, CriteriaText(gate));
        var card = new GateDetailCard(KpiViews.ProgramOf(program), new GateViewer(canRequest, note), view, criteria, evidence.AsOfText, evidence.Sections);
        return Reply.Card("gate.detail", card, LifeCycleJson.Default.GateDetailCard,
            $"{LifeCycleRules.ReviewTitle(gate)} ({program.Name}): {stateText}; {CriteriaText(gate)}.");
    }

    /// <summary>
    /// The evidence for a gate as it stands now: its entry criteria, the KPI snapshot, the benefits,
    /// and each registered source's section (<see cref="IGateEvidenceSource"/>).
    /// </summary>
    public async Task<ApprovalEvidence> EvidenceAsync(GateSet set, StageGate gate, CancellationToken cancellationToken)
    {
        var sections = Evidence(set.Program, gate, set.Zone);
        foreach (var source in evidenceSources)
        {
            if (await source.SectionAsync(set.Program, gate, cancellationToken) is { } section)
            {
                sections.Add(section with { Lines = Cap(section.Lines.ToList()) });
            }
        }

        return new ApprovalEvidence(AsOfText(set), sections);
    }

    /// <summary>
    /// The evidence the life cycle itself holds: the gate's entry criteria, the KPI snapshot and the
    /// benefits (an import attaches it to a review the file creates).
    /// </summary>
    public static List<EvidenceSection> Evidence(GovernanceProgram program, StageGate gate, TimeZoneInfo zone)
    {
        string Owner(GateCriterion c) => program.Stakeholders.FirstOrDefault(s => s.Id == c.OwnerId)?.Name ?? "no owner";
        var sections = new List<EvidenceSection>();
        var unmet = gate.Criteria.Where(c => c.ConfirmedAt is null).OrderBy(c => c.Order).ToList();
        if (gate.Criteria.Count > 0)
        {
            var lines = unmet.Select(c => new EvidenceLine($"Not confirmed: {c.Text} ({Owner(c)})", "red"))
                .Concat(gate.Criteria.Where(c => c.ConfirmedAt is not null).OrderBy(c => c.Order)
                    .Select(c => new EvidenceLine($"{c.Text} ({Owner(c)}, confirmed {Day(c.ConfirmedAt!.Value, zone)})", "green")));
            sections.Add(new EvidenceSection($"Entry criteria: {CriteriaText(gate)}", Cap(lines.ToList())));
        }

        var kpis = program.Kpis.Select(k => (Kpi: k, Latest: k.Measurements.MaxBy(m => m.Date))).Select(x => (x.Kpi, x.Latest, Rag: KpiRag.Of(x.Kpi, x.Latest?.Value))).ToList();
        if (kpis.Count > 0)
        {
            var counts = KpiRag.Count(kpis.Select(k => k.Rag));
            var off = kpis.Where(k => k.Rag is Rag.Red or Rag.Amber).OrderBy(k => k.Rag == Rag.Red ? 0 : 1).ThenBy(k => k.Kpi.Name, StringComparer.OrdinalIgnoreCase)
                .Select(k => new EvidenceLine($"{k.Kpi.Name} {KpiRag.Format(k.Latest!.Value, k.Kpi.Unit)} (target {KpiRag.TargetText(k.Kpi)})", KpiViews.RagWord(k.Rag)))
                .ToList();
            if (counts.Green > 0)
            {
                off.Add(new EvidenceLine($"{ProgramStatusQuery.Plural(counts.Green, "KPI")} Green: {string.Join(", ", kpis.Where(k => k.Rag == Rag.Green).Select(k => k.Kpi.Name).Order(StringComparer.OrdinalIgnoreCase))}", "green"));
            }

            if (counts.None > 0)
            {
                off.Add(new EvidenceLine($"{ProgramStatusQuery.Plural(counts.None, "KPI")} without a value yet", "none"));
            }

            sections.Add(new EvidenceSection($"KPIs: {counts.Red} Red, {counts.Amber} Amber, {counts.Green} Green", Cap(off)));
        }

        if (program.Benefits.Count > 0)
        {
            var lines = program.Benefits.OrderBy(b => b.RealisationDate ?? DateOnly.MaxValue).ThenBy(b => b.Name, StringComparer.OrdinalIgnoreCase).Select(b =>
            {
                var realisation = BenefitRealisation.Of(b);
                var rag = b.Status == BenefitStatus.AtRisk && realisation.Rag is Rag.Green or Rag.NoData ? Rag.Amber : realisation.Rag;
                var kind = b.IsDisBenefit ? "dis-benefit, " : string.Empty;
                return new EvidenceLine($"{b.Name} ({kind}{BenefitStatuses.Word(b.Status).ToLowerInvariant()}): {BenefitRealisation.Describe(b, realisation)}", KpiViews.RagWord(rag));
            }).ToList();
            // "6 benefits, 1 at risk" over three red lines read as a miscount: the status an owner set is one thing, the curve another.
            var atRisk = program.Benefits.Count(b => b.Status == BenefitStatus.AtRisk);
            var behind = lines.Count(l => l.Rag is "red" or "amber");
            sections.Add(new EvidenceSection(
                $"Benefits: {ProgramStatusQuery.Plural(program.Benefits.Count, "benefit")}, {behind} behind plan{(atRisk > 0 ? $" ({atRisk} marked at risk)" : string.Empty)}",
                Cap(lines)));
        }

        return sections;
    }

    public static string CriteriaText(StageGate gate) => gate.Criteria.Count == 0
        ? "no entry criteria"
        : $"{gate.Criteria.Count(c => c.ConfirmedAt is not null)} of {gate.Criteria.Count} entry criteria confirmed";

    private static (string State, string Text) StateOf(GateSet set, StageGate gate, StageGate? next)
    {
        if (gate.PassedAt is { } passed)
        {
            return ("passed", $"✅ Passed {Day(passed, set.Zone)}");
        }

        if (next?.Id != gate.Id)
        {
            return ("ahead", "⚪ Ahead");
        }

        var late = gate.Date is { } d && d < set.Today;
        return ("next", late ? "🟠 Next gate: its date has passed" : "🚦 Next gate");
    }

    private static string ReviewText(GateSet set, StageGate gate)
    {
        if (set.ReviewOf(gate) is not { } review)
        {
            return gate.PassedAt is not null ? "Passed without a review in the bot (recorded in the governance file)." : "No review requested yet.";
        }

        var tally = Quorum.Count(review);
        return review.Status switch
        {
            ApprovalStatus.Pending => $"Review {review.Key} waiting: {tally.Approve} approve, {tally.Reject} reject, {tally.Pending} still to vote{(review.Deadline is { } dl ? $"; deadline {LocalTime.Of(dl, set.Zone)}" : string.Empty)}.",
            ApprovalStatus.Escalated => $"Review {review.Key} escalated: its deadline passed without a decision.",
            ApprovalStatus.Approved => $"Review {review.Key} approved{(review.DecidedAt is { } at ? $" {Day(at, set.Zone)}" : string.Empty)}.",
            _ => $"Review {review.Key} {ApprovalText.StatusWord(review.Status)}{(review.DecidedAt is { } at2 ? $" {Day(at2, set.Zone)}" : string.Empty)}: a program manager can request a new review.",
        };
    }

    private static string QuorumRule(ApproverGroup group) => group.Quorum switch
    {
        Store.Entities.QuorumRule.Any => "any one approves",
        Store.Entities.QuorumRule.All => "all must approve",
        Store.Entities.QuorumRule.Majority => "by majority",
        _ => $"{group.QuorumCount} must approve",
    };

    private static string ReviewStatus(ApprovalStatus status) => status switch
    {
        ApprovalStatus.Pending => "pending",
        ApprovalStatus.Escalated => "escalated",
        ApprovalStatus.Approved => "approved",
        ApprovalStatus.Rejected => "rejected",
        ApprovalStatus.Expired => "expired",
        _ => "withdrawn",
    };

    private static string? NameOf(GovernanceProgram program, Guid? id) =>
        id is { } v ? program.Stakeholders.FirstOrDefault(s => s.Id == v)?.Name : null;

    internal static string Day(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);

    private static List<EvidenceLine> Cap(List<EvidenceLine> lines) =>
        lines.Count <= MaxEvidenceLines ? lines : [.. lines.Take(MaxEvidenceLines - 1), new EvidenceLine($"… and {lines.Count - MaxEvidenceLines + 1} more", "none")];
}
