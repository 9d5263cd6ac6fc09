using System.Globalization;
using System.Text.RegularExpressions;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Approvals;

/// <summary>Where a request stands: the counts, and whether the rule has decided it.</summary>
public sealed record Tally(int Approve, int Reject, int Abstain, int Pending, int Required, int Total);

public enum QuorumOutcome { Open, Approved, Rejected }

/// <summary>A quorum rule as people write it: the rule, N of "N of M" (or of a bare "N"), and M when written.</summary>
public readonly record struct WrittenQuorum(QuorumRule Rule, int? Count, int? Of);

/// <summary>
/// Evaluates a quorum rule. A request is approved as soon as enough approvals are in; rejected as
/// soon as the rejections reach the maximum, or when approval has become impossible (too few
/// approvers are left to reach the number needed). Abstentions count as "not an approval".
/// </summary>
public static partial class Quorum
{
    /// <summary>
    /// Reads a rule as written in a governance file or a chat command: <c>any</c>, <c>all</c>,
    /// <c>majority</c>, <c>N of M</c> or <c>N</c> (case and spaces as people type them). The one
    /// reader of quorum text: whether a count fits the approvers is for the caller to say, in its medium's words.
    /// </summary>
    public static bool TryParse(string text, out WrittenQuorum quorum)
    {
        var trimmed = text.Trim().ToLowerInvariant();
        quorum = trimmed switch
        {
            "any" => new WrittenQuorum(QuorumRule.Any, null, null),
            "all" => new WrittenQuorum(QuorumRule.All, null, null),
            "majority" => new WrittenQuorum(QuorumRule.Majority, null, null),
            _ => default,
        };
        if (trimmed is "any" or "all" or "majority")
        {
            return true;
        }

        var match = WrittenCount().Match(trimmed);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
        {
            return false;
        }

        int? of = match.Groups[2].Success && int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : null;
        quorum = new WrittenQuorum(QuorumRule.NOfM, count, of);
        return true;
    }

    /// <summary>The rule as <see cref="TryParse"/> reads it back (what export writes).</summary>
    public static string Write(QuorumRule rule, int? count, int members) => rule switch
    {
        QuorumRule.Any => "any",
        QuorumRule.All => "all",
        QuorumRule.Majority => "majority",
        _ => $"{count} of {members}",
    };

    [GeneratedRegex(@"^(\d+)(?:\s*of\s*(\d+))?$")]
    private static partial Regex WrittenCount();

    public static int Required(QuorumRule rule, int? count, int total) => rule switch
    {
        QuorumRule.Any => Math.Min(1, total),
        QuorumRule.All => total,
        QuorumRule.Majority => total / 2 + 1,
        _ => Math.Clamp(count ?? total, 1, Math.Max(total, 1)),
    };

    public static Tally Count(ApprovalRequest request)
    {
        var approvers = request.Approvers.Select(a => a.StakeholderId).ToHashSet();
        var votes = request.Votes.Where(v => approvers.Contains(v.ApproverId)).ToList();
        var approve = votes.Count(v => v.Decision == VoteDecision.Approve);
        var reject = votes.Count(v => v.Decision == VoteDecision.Reject);
        var abstain = votes.Count(v => v.Decision == VoteDecision.Abstain);
        var total = approvers.Count;
        return new Tally(approve, reject, abstain, total - votes.Count, Required(request.Quorum, request.QuorumCount, total), total);
    }

    public static QuorumOutcome Evaluate(ApprovalRequest request, Tally tally)
    {
        if (tally.Total > 0 && tally.Approve >= tally.Required)
        {
            return QuorumOutcome.Approved;
        }

        if (request.MaxRejections is { } max && max > 0 && tally.Reject >= max)
        {
            return QuorumOutcome.Rejected;
        }

        return tally.Approve + tally.Pending < tally.Required ? QuorumOutcome.Rejected : QuorumOutcome.Open;
    }

    /// <summary>The rule in words, e.g. "Majority of 3 approvers (2 must approve); 2 rejections reject it."</summary>
    public static string Describe(ApprovalRequest request, Tally tally)
    {
        var rule = request.Quorum switch
        {
            QuorumRule.Any => $"Any one of the {tally.Total} approvers can approve",
            QuorumRule.All => $"All {tally.Total} approvers must approve",
            QuorumRule.Majority => $"Majority of the {tally.Total} approvers ({tally.Required} must approve)",
            _ => $"{tally.Required} of the {tally.Total} approvers must approve",
        };
        var early = request.MaxRejections is { } max && max > 0
            ? max == 1 ? "; any rejection rejects it." : $"; {max} rejections reject it."
            : ".";
        return rule + early;
    }

    public static string Progress(Tally tally, QuorumOutcome outcome)
    {
        if (outcome != QuorumOutcome.Open)
        {
            return outcome == QuorumOutcome.Approved ? "Quorum reached." : "Quorum can no longer be reached.";
        }

        var missing = tally.Required - tally.Approve;
        return missing == 1 ? "Needs 1 more approval to pass." : $"Needs {missing} more approvals to pass.";
    }

    /// <summary>Why the request was decided, e.g. "Quorum reached: 2 approvals, 1 abstention, no rejections."</summary>
    public static string Explain(ApprovalRequest request, Tally tally, ApprovalStatus status)
    {
        var counts = Counts(tally);
        return status switch
        {
            ApprovalStatus.Approved => $"Quorum reached: {counts}.",
            ApprovalStatus.Rejected when request.MaxRejections is { } max && max > 0 && tally.Reject >= max =>
                $"Rejected early: {Plural(tally.Reject, "rejection")} reached the limit of {max}.",
            ApprovalStatus.Rejected => $"Quorum can no longer be reached ({tally.Required} approvals needed): {counts}.",
            ApprovalStatus.Expired => $"The deadline passed without a decision: {counts}.",
            ApprovalStatus.Escalated => $"The deadline passed without a decision ({counts}); escalated to be decided.",
            _ => $"Withdrawn: {counts}.",
        };
    }

    /// <summary>"2 approvals, 1 abstention, no rejections".</summary>
    public static string Counts(Tally tally) =>
        $"{Plural(tally.Approve, "approval")}, {Plural(tally.Abstain, "abstention")}, {(tally.Reject == 0 ? "no rejections" : Plural(tally.Reject, "rejection"))}";

    private static string Plural(int n, string word) => n == 1 ? $"1 {word}" : $"{n} {word}s";
}
