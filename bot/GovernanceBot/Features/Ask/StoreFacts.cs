using System.Globalization;
using System.Text;
using GovernanceBot.Cards;
using GovernanceBot.Features.Benefits;
using GovernanceBot.Features.Health;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.LifeCycle;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Ask;

/// <summary>What a question asks of the store.</summary>
public enum StoreIntent { Owner, Approvers, Status, Risks, Overdue, Decisions, LifeCycle }

/// <summary>An answer from the asker's workspace: a short text citing numbered facts.</summary>
public sealed record StoreAnswer(StoreIntent Intent, string Answer, IReadOnlyList<Grounding> Facts, IReadOnlyList<string> Programs);

/// <summary>
/// Answers questions about the asker's own programs — who owns a KPI or benefit, who approves a
/// gate, how a KPI, benefit or approval is doing — by spotting a cue ("who owns", "who approves",
/// "how is") and an entity named in the question (a KPI, benefit or approval of a program in the
/// asker's workspace). Every read is scoped to that workspace: other workspaces are never loaded.
/// </summary>
internal sealed class StoreFacts(GovernanceDb db, TimeProvider time, IEnumerable<IStoreFactSource> registers)
{
    private static readonly string[] OwnerCues = ["own", "owner", "respons", "account"];
    private static readonly string[] ApproverCues = ["approv", "approver", "sign", "signoff", "decid", "vote", "voter"];
    private static readonly string[] LifeCycleCues = ["gate", "phase", "stage", "lifecycl", "cycl"];
    /// <summary>Word pairs that ask where a program stands ("the next gate"), not what a gate is ("when do you need a phase gate").</summary>
    private static readonly (string, string)[] NowCues =
        [("next", "gate"), ("upcoming", "gate"), ("next", "stage"), ("current", "phase"), ("which", "phase"), ("what", "phase"), ("phase", "are"), ("our", "phase"), ("our", "next"), ("gate", "date")];

    private static bool AsksAboutOurs(List<string> words) =>
        words.Zip(words.Skip(1)).Any(pair => NowCues.Contains((pair.First, pair.Second)));
    private static readonly string[] StatusCues = ["status", "track", "trend", "progress", "latest", "current", "valu", "how", "rag", "realis", "realiz", "approv"];

    public async Task<StoreAnswer?> AnswerAsync(Guid workspaceId, string question, string? programHint, CancellationToken cancellationToken)
    {
        var words = TextAnalyzer.Words(question);
        var stems = words.Where(w => !TextAnalyzer.IsStopWord(w)).Select(TextAnalyzer.Stem).ToHashSet(StringComparer.Ordinal);
        var asksWho = words.Contains("who") || words.Contains("whose") || words.Contains("whom");
        var ownerCue = asksWho && OwnerCues.Any(stems.Contains);
        var approverCue = (asksWho && ApproverCues.Any(stems.Contains)) || stems.Contains("approver");
        if (await RegistersAsync(workspaceId, words, stems, asksWho, programHint, cancellationToken) is { } fromRegister)
        {
            return fromRegister;
        }

        // "When is the next gate?", "what phase is Phoenix in?": about this program's life cycle, not
        // what a phase gate is (that is the knowledge base's), so a program or "next"/"when" must be said too.
        var lifeCycleCue = LifeCycleCues.Any(stems.Contains) && !asksWho;
        if (!ownerCue && !approverCue && !lifeCycleCue && !StatusCues.Any(stems.Contains) && words.Count > 6)
        {
            // Long questions with no cue at all are for the knowledge base.
            return null;
        }

        var programs = await db.ProgramsOf(workspaceId).AsNoTracking().AsSplitQuery()
            .Include(p => p.Stakeholders)
            .Include(p => p.Kpis).ThenInclude(k => k.Measurements)
            .Include(p => p.Benefits).ThenInclude(b => b.Actuals)
            .Include(p => p.ApproverGroups)
            .Include(p => p.Approvals).ThenInclude(a => a.Approvers)
            .Include(p => p.Approvals).ThenInclude(a => a.Votes)
            .ToListAsync(cancellationToken);
        if (programs.Count == 0)
        {
            return null;
        }

        var named = programs.Where(p => words.Contains(p.Key.ToLowerInvariant()) || ContainsPhrase(words, p.Name)).ToList();
        var scope = named.Count > 0 ? named
            : programHint is not null ? programs.Where(p => string.Equals(p.Key, programHint, StringComparison.OrdinalIgnoreCase) || string.Equals(p.Name, programHint, StringComparison.OrdinalIgnoreCase)).ToList()
            : programs;

        var kpis = scope.SelectMany(p => p.Kpis.Select(k => (Program: p, Kpi: k))).Where(x => Mentions(words, stems, x.Kpi.Name, x.Kpi.Key)).ToList();
        var benefits = scope.SelectMany(p => p.Benefits.Select(b => (Program: p, Benefit: b))).Where(x => Mentions(words, stems, x.Benefit.Name, x.Benefit.Key)).ToList();
        var approvals = scope.SelectMany(p => p.Approvals.Select(a => (Program: p, Approval: a))).Where(x => MentionsApproval(words, stems, x.Approval)).ToList();

        // "the cost-savings benefit" names a benefit and a KPI with the same key: the noun decides.
        if (stems.Contains("benefit") && benefits.Count > 0)
        {
            kpis.Clear();
        }
        else if ((stems.Contains("kpi") || stems.Contains("metric")) && kpis.Count > 0)
        {
            benefits.Clear();
        }

        var facts = new List<Grounding>();
        var answer = new StringBuilder();
        StoreIntent intent;
        if (lifeCycleCue && (named.Count > 0 || AsksAboutOurs(words)) && kpis.Count == 0 && benefits.Count == 0)
        {
            var ids = scope.Select(p => p.Id).ToList();
            var gates = (await db.StageGates.AsNoTracking().Include(g => g.Criteria).ThenInclude(c => c.Owner)
                .Where(g => ids.Contains(g.ProgramId)).ToListAsync(cancellationToken)).ToLookup(g => g.ProgramId);
            var withGates = scope.Where(p => gates[p.Id].Any()).ToList();
            if (withGates.Count == 0)
            {
                return null;
            }

            intent = StoreIntent.LifeCycle;
            foreach (var program in withGates)
            {
                var fact = Add(facts, LifeCycleFact(program, gates[program.Id].ToList(), time.GetUtcNow()), program, "life cycle", "phases and gates");
                var next = LifeCycleRules.NextGate(program, gates[program.Id]);
                var zone = TimeZoneInfo.TryFindSystemTimeZoneById(program.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
                var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
                answer.Append(next is null
                    ? $"**{program.Name}** is in {LifeCyclePhases.Name(program.Phase)}; every stage gate is passed [{fact}]. "
                    : $"**{program.Name}** is in **{LifeCyclePhases.Name(program.Phase)}**. Its next gate is **{LifeCycleRules.NextGateText(program, gates[program.Id].ToList(), today)}** [{fact}]. ");
            }
        }
        else if (approverCue && (approvals.Count > 0 || (named.Count > 0 && kpis.Count == 0 && benefits.Count == 0)))
        {
            intent = StoreIntent.Approvers;
            var pending = approvals.Count > 0 ? approvals
                : scope.SelectMany(p => p.Approvals.Where(a => a.Status == ApprovalStatus.Pending).Select(a => (Program: p, Approval: a))).ToList();
            foreach (var program in named.Count > 0 && approvals.Count == 0 ? named : [])
            {
                foreach (var group in program.ApproverGroups)
                {
                    var fact = Add(facts, GroupFact(program, group), program, "approver group", group.Name);
                    answer.Append(CultureInfo.InvariantCulture, $"{program.Name}'s gates and changes are decided by the **{group.Name}**: {Names(program, group.MemberKeys)}, {QuorumWord(group.Quorum, group.QuorumCount)} [{fact}]. ");
                }
            }

            foreach (var (program, approval) in pending)
            {
                var fact = Add(facts, ApprovalFact(program, approval), program, ProgramStatusQuery.KindWord(approval.Kind).ToLowerInvariant(), approval.Title);
                answer.Append(CultureInfo.InvariantCulture, $"**{approval.Title}** ({StatusWord(approval.Status)}) is decided by {Join(approval.Approvers.Select(a => PersonName(program, a.StakeholderId)))}, {QuorumWord(approval.Quorum, approval.QuorumCount)}; {approval.Votes.Count} of {approval.Approvers.Count} have voted [{fact}]. ");
            }
        }
        else if (ownerCue && (kpis.Count > 0 || benefits.Count > 0))
        {
            intent = StoreIntent.Owner;
            foreach (var (program, benefit) in benefits)
            {
                var fact = Add(facts, BenefitFact(program, benefit), program, "benefit", benefit.Name);
                answer.Append(CultureInfo.InvariantCulture, $"**{Person(program, benefit.OwnerId)}** owns the benefit **{benefit.Name}** in {program.Name} [{fact}]. ");
            }

            foreach (var (program, kpi) in kpis)
            {
                var fact = Add(facts, KpiFact(program, kpi), program, "KPI", kpi.Name);
                answer.Append(CultureInfo.InvariantCulture, $"**{Person(program, kpi.OwnerId)}** owns the KPI **{kpi.Name}** in {program.Name} [{fact}]. ");
            }
        }
        else if (kpis.Count > 0 || benefits.Count > 0 || approvals.Count > 0)
        {
            intent = StoreIntent.Status;
            foreach (var (program, kpi) in kpis)
            {
                var fact = Add(facts, KpiFact(program, kpi), program, "KPI", kpi.Name);
                var ordered = kpi.Measurements.OrderBy(m => m.Date).ToList();
                var rag = KpiRag.Of(kpi, ordered.LastOrDefault()?.Value);
                answer.Append(ordered.Count == 0
                    ? $"**{kpi.Name}** ({program.Name}) has no measurements yet [{fact}]. "
                    : $"**{kpi.Name}** ({program.Name}) is **{ProgramStatusQuery.RagWord(rag)}**: {KpiRag.Format(ordered[^1].Value, kpi.Unit)} on {Day(ordered[^1].Date)} against a target of {KpiRag.Format(kpi.Target, kpi.Unit)}, {TrendWord(KpiRag.TrendOf(kpi, ordered))} [{fact}]. ");
            }

            foreach (var (program, benefit) in benefits)
            {
                var fact = Add(facts, BenefitFact(program, benefit), program, "benefit", benefit.Name);
                answer.Append(CultureInfo.InvariantCulture, $"The benefit **{benefit.Name}** ({program.Name}) is **{BenefitStatuses.Word(benefit.Status).ToLowerInvariant()}**{(benefit.RealisationDate is { } d ? $", due to be realised by {Day(d)}" : "")} [{fact}]. ");
            }

            foreach (var (program, approval) in approvals)
            {
                var fact = Add(facts, ApprovalFact(program, approval), program, ProgramStatusQuery.KindWord(approval.Kind).ToLowerInvariant(), approval.Title);
                answer.Append(CultureInfo.InvariantCulture, $"**{approval.Title}** ({program.Name}) is **{StatusWord(approval.Status)}**: {approval.Votes.Count} of {approval.Approvers.Count} approvers have voted{(approval.Deadline is { } due && approval.Status == ApprovalStatus.Pending ? $", due {Day(DateOnly.FromDateTime(due.UtcDateTime))}" : "")} [{fact}]. ");
            }
        }
        else
        {
            return null;
        }

        return facts.Count == 0 ? null : new StoreAnswer(intent, answer.ToString().Trim(), facts, scope.Select(p => p.Name).ToList());
    }

    /// <summary>The registers (<see cref="IStoreFactSource"/>) answer first: their cues ("risks", "overdue", "decide") are their own.</summary>
    private async Task<StoreAnswer?> RegistersAsync(Guid workspaceId, List<string> words, HashSet<string> stems, bool asksWho, string? programHint, CancellationToken cancellationToken)
    {
        var sources = registers.ToList();
        if (sources.Count == 0)
        {
            return null;
        }

        var programs = await db.ProgramsOf(workspaceId).AsNoTracking().Include(p => p.Stakeholders).ToListAsync(cancellationToken);
        var named = programs.Where(p => words.Contains(p.Key.ToLowerInvariant()) || ContainsPhrase(words, p.Name)).ToList();
        var scope = named.Count > 0 ? named
            : programHint is not null ? programs.Where(p => string.Equals(p.Key, programHint, StringComparison.OrdinalIgnoreCase) || string.Equals(p.Name, programHint, StringComparison.OrdinalIgnoreCase)).ToList()
            : programs;
        var question = new StoreQuestion(workspaceId, words, stems, asksWho, scope, named.Count > 0);
        foreach (var source in sources)
        {
            if (await source.AnswerAsync(question, cancellationToken) is { } answer)
            {
                return answer;
            }
        }

        return null;
    }

    private int Add(List<Grounding> facts, string text, GovernanceProgram program, string kind, string name)
    {
        var number = facts.Count + 1;
        var asOf = time.GetUtcNow().ToString("d MMM yyyy", CultureInfo.InvariantCulture);
        facts.Add(new Grounding(number, text, new CardSource($"{program.Name} {kind}: {name}", $"{program.Name} governance record in this workspace, as of {asOf}", string.Empty), FromStore: true));
        return number;
    }

    private static string KpiFact(GovernanceProgram program, Kpi kpi)
    {
        var ordered = kpi.Measurements.OrderBy(m => m.Date).ToList();
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"KPI {kpi.Name} ({program.Name}): owner {Person(program, kpi.OwnerId)}; target {KpiRag.Format(kpi.Target, kpi.Unit)}, ");
        text.Append(kpi.Direction == KpiDirection.HigherIsBetter ? "higher is better" : "lower is better");
        text.Append(CultureInfo.InvariantCulture, $", Amber past {KpiRag.Format(kpi.Amber, kpi.Unit)}, Red past {KpiRag.Format(kpi.Red, kpi.Unit)}; measured {kpi.Cadence.ToString().ToLowerInvariant()}. ");
        if (ordered.Count == 0)
        {
            return text.Append("No measurements yet.").ToString();
        }

        var latest = ordered[^1];
        text.Append(CultureInfo.InvariantCulture, $"Latest {KpiRag.Format(latest.Value, kpi.Unit)} on {Day(latest.Date)}: {ProgramStatusQuery.RagWord(KpiRag.Of(kpi, latest.Value))}, {TrendWord(KpiRag.TrendOf(kpi, ordered))}");
        if (ordered.Count > 1)
        {
            text.Append(CultureInfo.InvariantCulture, $" (previous {KpiRag.Format(ordered[^2].Value, kpi.Unit)} on {Day(ordered[^2].Date)})");
        }

        return text.Append('.').ToString();
    }

    private static string BenefitFact(GovernanceProgram program, Benefit benefit)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Benefit {benefit.Name} ({program.Name}): owner {Person(program, benefit.OwnerId)}; status {BenefitStatuses.Word(benefit.Status)}");
        if (benefit.Target is { } target)
        {
            text.Append(CultureInfo.InvariantCulture, $"; target {KpiRag.Format(target, benefit.Unit)}");
            if (benefit.Baseline is { } baseline)
            {
                text.Append(CultureInfo.InvariantCulture, $" from a baseline of {KpiRag.Format(baseline, benefit.Unit)}");
            }
        }

        if (benefit.RealisationDate is { } date)
        {
            text.Append(CultureInfo.InvariantCulture, $"; realisation date {Day(date)}");
        }

        if (benefit.IsDisBenefit)
        {
            text.Append("; a dis-benefit (lower is better, the target is the limit)");
        }

        var realisation = BenefitRealisation.Of(benefit);
        if (realisation.Latest is not null)
        {
            var verdict = realisation.Rag switch { Rag.Green => "on plan", Rag.Amber => "slightly behind plan", Rag.Red => "behind plan", _ => "no plan to compare with" };
            text.Append(CultureInfo.InvariantCulture, $"; latest actual {BenefitRealisation.Describe(benefit, realisation)}: {verdict}");
        }

        var linked = program.Kpis.Where(k => benefit.KpiKeys.Contains(k.Key, StringComparer.OrdinalIgnoreCase))
            .Select(k => $"{k.Name} ({ProgramStatusQuery.RagWord(KpiRag.Of(k, k.Measurements.MaxBy(m => m.Date)?.Value))})")
            .ToList();
        if (linked.Count > 0)
        {
            text.Append("; measured by ").Append(string.Join(", ", linked));
        }

        return text.Append('.').ToString();
    }

    private static string LifeCycleFact(GovernanceProgram program, List<StageGate> gates, DateTimeOffset now)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(program.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"Life cycle of {program.Name}: phases {string.Join(" → ", program.Phases.Select(LifeCyclePhases.Name))}; now in {LifeCyclePhases.Name(program.Phase)}.");
        foreach (var gate in LifeCycleRules.Ordered(program, gates))
        {
            text.Append(CultureInfo.InvariantCulture, $" {LifeCycleRules.ReviewTitle(gate)} ({LifeCycleRules.Between(program, gate)}), {LifeCycleRules.DateText(gate.Date)}: ");
            if (gate.PassedAt is { } passed)
            {
                text.Append(CultureInfo.InvariantCulture, $"passed {Day(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(passed, zone).DateTime))}.");
                continue;
            }

            var unmet = gate.Criteria.Where(c => c.ConfirmedAt is null).OrderBy(c => c.Order).Select(c => $"{c.Text} ({c.Owner?.Name ?? "no owner"})").ToList();
            text.Append(CultureInfo.InvariantCulture, $"{gate.Criteria.Count - unmet.Count} of {gate.Criteria.Count} entry criteria confirmed{(unmet.Count > 0 ? "; not yet: " + string.Join("; ", unmet) : string.Empty)}");
            var review = program.Approvals.FirstOrDefault(a => a.Id == gate.ApprovalRequestId);
            text.Append(review is null ? "; no review requested." : $"; review {review.Key} {StatusWord(review.Status)}.");
        }

        return text.ToString();
    }

    private static string ApprovalFact(GovernanceProgram program, ApprovalRequest approval)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"{ProgramStatusQuery.KindWord(approval.Kind)} {approval.Title} ({program.Name}, key {approval.Key}): {StatusWord(approval.Status)}; approvers {Join(approval.Approvers.Select(a => PersonName(program, a.StakeholderId)))}; rule {QuorumWord(approval.Quorum, approval.QuorumCount)}");
        if (approval.MaxRejections is { } max)
        {
            text.Append(CultureInfo.InvariantCulture, $", rejected early at {max} rejections");
        }

        var votes = approval.Votes.OrderBy(v => v.CastAt)
            .Select(v => $"{PersonName(program, v.ApproverId)} {DecisionWord(v.Decision)} on {Day(DateOnly.FromDateTime(v.CastAt.UtcDateTime))}")
            .ToList();
        text.Append(CultureInfo.InvariantCulture, $"; votes {approval.Votes.Count} of {approval.Approvers.Count}{(votes.Count > 0 ? ": " + string.Join(", ", votes) : "")}");
        if (approval.Deadline is { } due)
        {
            text.Append(CultureInfo.InvariantCulture, $"; due {Day(DateOnly.FromDateTime(due.UtcDateTime))}");
        }

        if (approval.DecidedAt is { } decided)
        {
            text.Append(CultureInfo.InvariantCulture, $"; decided {Day(DateOnly.FromDateTime(decided.UtcDateTime))}");
        }

        return text.Append('.').ToString();
    }

    private static string GroupFact(GovernanceProgram program, ApproverGroup group) =>
        $"Approver group {group.Name} ({program.Name}): members {Names(program, group.MemberKeys)}; rule {QuorumWord(group.Quorum, group.QuorumCount)}" +
        (group.MaxRejections is { } max ? $", rejected early at {max} rejections." : ".");

    /// <summary>An entity is named when all its name's words appear, or at least two and half of them, or its key does.</summary>
    private static bool Mentions(List<string> words, HashSet<string> stems, string name, string key)
    {
        var nameStems = TextAnalyzer.Words(name).Where(w => !TextAnalyzer.IsStopWord(w)).Select(TextAnalyzer.Stem).Distinct().ToList();
        var matched = nameStems.Count(stems.Contains);
        if (nameStems.Count > 0 && (matched == nameStems.Count || (matched >= 2 && matched * 2 >= nameStems.Count)))
        {
            return true;
        }

        var keyWords = TextAnalyzer.Words(key);
        return ContainsPhrase(words, key) || (keyWords.Count > 1 && keyWords.Select(TextAnalyzer.Stem).All(stems.Contains));
    }

    /// <summary>"gate 3" names <c>gate-3</c>; a number in a key must be there, so "gate 2" does not.</summary>
    private static bool MentionsApproval(List<string> words, HashSet<string> stems, ApprovalRequest approval)
    {
        var keyWords = TextAnalyzer.Words(approval.Key);
        if (keyWords.Count > 0 && ContainsPhrase(words, approval.Key))
        {
            return true;
        }

        var title = TextAnalyzer.Words(approval.Title.Split(':')[0]);
        return title.Count > 1 && ContainsPhrase(words, string.Join(' ', title));
    }

    private static bool ContainsPhrase(List<string> words, string phrase)
    {
        var wanted = TextAnalyzer.Words(phrase);
        if (wanted.Count == 0)
        {
            return false;
        }

        for (var i = 0; i + wanted.Count <= words.Count; i++)
        {
            if (words.Skip(i).Take(wanted.Count).Select(TextAnalyzer.Stem).SequenceEqual(wanted.Select(TextAnalyzer.Stem)))
            {
                return true;
            }
        }

        return false;
    }

    private static string Person(GovernanceProgram program, Guid? id)
    {
        var person = program.Stakeholders.FirstOrDefault(s => s.Id == id);
        return person is null ? "nobody (no owner set)" : person.Title is null ? person.Name : $"{person.Name}, {person.Title}";
    }

    private static string PersonName(GovernanceProgram program, Guid id) =>
        program.Stakeholders.FirstOrDefault(s => s.Id == id)?.Name ?? "a former stakeholder";

    private static string Names(GovernanceProgram program, IEnumerable<string> keys) =>
        Join(keys.Select(k => program.Stakeholders.FirstOrDefault(s => string.Equals(s.Key, k, StringComparison.OrdinalIgnoreCase))?.Name ?? k));

    private static string Join(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count switch
        {
            0 => "nobody",
            1 => list[0],
            _ => string.Join(", ", list[..^1]) + " and " + list[^1],
        };
    }

    private static string QuorumWord(QuorumRule rule, int? count) => rule switch
    {
        QuorumRule.Any => "any one approval is enough",
        QuorumRule.All => "all must approve",
        QuorumRule.Majority => "by majority",
        _ => $"{count} approvals needed",
    };

    private static string StatusWord(ApprovalStatus status) => status.ToString().ToLowerInvariant();

    private static string DecisionWord(VoteDecision decision) => decision switch
    {
        VoteDecision.Approve => "approved",
        VoteDecision.Reject => "rejected",
        _ => "abstained",
    };

    private static string TrendWord(Trend trend) => trend switch
    {
        Trend.Improving => "improving",
        Trend.Worsening => "worsening",
        Trend.Steady => "steady",
        _ => "no trend yet",
    };

    private static string Day(DateOnly date) => date.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}
