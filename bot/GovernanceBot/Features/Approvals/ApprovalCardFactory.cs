using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Approvals;

/// <summary>Fills the approval cards from a request, for one viewer or for everyone.</summary>
public static class ApprovalCardFactory
{
    /// <summary>
    /// The <c>approval.request</c> card. With a <paramref name="viewer"/> it shows that person's
    /// buttons and vote; without one (a channel copy) it shows the state and who may vote. Its times
    /// are shown in each reader's own zone; where a platform cannot, in the viewer's (else the program's), named.
    /// </summary>
    public static CardReply Request(ApprovalSnapshot snapshot, Stakeholder? viewer, IReadOnlyList<string> refreshFor, DateTimeOffset now)
    {
        var request = snapshot.Request;
        var tally = Quorum.Count(request);
        var outcome = Quorum.Evaluate(request, tally);
        var zone = ApprovalText.ZoneOf(viewer, snapshot.Zone);
        var open = request.Status == ApprovalStatus.Pending;
        var escalated = request.Status == ApprovalStatus.Escalated;
        var votesFor = open ? snapshot.VotesFor(viewer) : [];
        var decides = snapshot.Decides(viewer);
        var own = votesFor.Count > 0 ? request.Votes.FirstOrDefault(v => v.ApproverId == votesFor[0].Id) : null;
        var deciders = escalated ? Governance.Names(snapshot.Deciders().Select(d => d.Name).ToList()) : string.Empty;
        var note = viewer is null || (votesFor.Count == 0 && !decides)
            ? open
                ? $"Only the approvers vote on this: {string.Join(", ", snapshot.Approvers.Select(a => a.Name))}. Approvers see their buttons in their own chat with me."
                : escalated
                    ? $"The deadline passed without a decision, so votes are closed. {deciders} ({snapshot.DeciderRole}) decides; they see their buttons in their own chat with me."
                    : $"This request is {ApprovalText.StatusWord(request.Status)}."
            : string.Empty;
        var onBehalf = votesFor.Count > 0 && votesFor[0].Id != viewer!.Id
            ? $" You vote on behalf of {string.Join(", ", votesFor.Select(v => v.Name))}."
            : string.Empty;
        var progress = escalated
            ? decides
                ? $"The deadline passed without a decision: it is escalated to you as {snapshot.DeciderRole} to decide. Approve, or reject with your reason."
                : $"The deadline passed without a decision: escalated to {deciders} ({snapshot.DeciderRole}) to decide."
            : Quorum.Progress(tally, outcome) + onBehalf;
        var evidence = ApprovalEvidence.Read(request.EvidenceJson);
        var card = new ApprovalRequestCard(
            ProgramOf(snapshot.Program),
            refreshFor,
            new ApprovalViewer(
                viewer?.Name ?? "everyone",
                viewer is null ? "everyone" : PersonReferences.FirstName(viewer.Name),
                votesFor.Count > 0 || decides,
                decides,
                own is null ? "pending" : ApprovalText.DecisionWord(own.Decision),
                note),
            new ApprovalRequestView(
                request.Id.ToString(),
                KindOf(request.Kind),
                request.Title,
                request.Description ?? string.Empty,
                RequesterOf(snapshot),
                ApprovalText.Local(request.CreatedAt, zone),
                ApprovalText.Deadline(request.Deadline, now, zone, open, local: true),
                Quorum.Describe(request, tally),
                progress,
                open ? "open" : escalated ? "escalated" : "decided",
                TallyOf(tally),
                VotesOf(snapshot, zone),
                evidence?.AsOfText ?? string.Empty,
                evidence?.Sections ?? []));
        var summary = $"{request.Title}: {tally.Approve} approve, {tally.Reject} reject, {tally.Abstain} abstain, {tally.Pending} waiting. {progress}";
        return Reply.Card("approval.request", card, ApprovalsJson.Default.ApprovalRequestCard, summary);
    }

    /// <summary>The <c>approval.decided</c> card: the same for everyone, its times in each reader's own zone (the program's, named, where a platform cannot localise).</summary>
    public static CardReply Decided(ApprovalSnapshot snapshot, DecisionLogEntry decision)
    {
        var request = snapshot.Request;
        var tally = Quorum.Count(request);
        var zone = snapshot.Zone;
        var outcome = request.Status switch
        {
            ApprovalStatus.Approved => "approved",
            ApprovalStatus.Rejected => "rejected",
            ApprovalStatus.Cancelled => "withdrawn",
            _ => "expired",
        };
        var card = new ApprovalDecidedCard(
            ProgramOf(snapshot.Program),
            new ApprovalDecidedView(
                request.Id.ToString(),
                KindOf(request.Kind),
                request.Title,
                request.Description ?? string.Empty,
                RequesterOf(snapshot),
                ApprovalText.Local(request.CreatedAt, zone),
                ApprovalText.Deadline(request.Deadline, decision.DecidedAt, zone, open: false, local: true),
                Quorum.Describe(request, tally),
                "decided",
                outcome,
                decision.Summary ?? string.Empty,
                ApprovalText.Local(decision.DecidedAt, zone),
                DecisionLogId(request),
                TallyOf(tally),
                VotesOf(snapshot, zone)));
        return Reply.Card("approval.decided", card, ApprovalsJson.Default.ApprovalDecidedCard,
            $"{request.Title}: {ApprovalText.StatusWord(request.Status)}. {decision.Summary}");
    }

    public static string DecisionLogId(ApprovalRequest request) => $"DL-{request.Key.ToUpperInvariant()}";

    private static CardProgram ProgramOf(GovernanceProgram program) => new(program.Key, program.Name);

    private static string KindOf(ApprovalKind kind) => kind == ApprovalKind.StageGate ? "stageGate" : "changeRequest";

    private static string RequesterOf(ApprovalSnapshot snapshot) =>
        snapshot.Request.RequesterId is { } id && snapshot.People.TryGetValue(id, out var who) ? who.Name : "the program team";

    private static ApprovalTally TallyOf(Tally t) => new(t.Approve, t.Reject, t.Abstain, t.Pending, t.Required, t.Total);

    private static List<ApprovalVoteView> VotesOf(ApprovalSnapshot snapshot, TimeZoneInfo zone)
    {
        var lines = new List<ApprovalVoteView>();
        foreach (var approver in snapshot.Approvers.OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase))
        {
            var vote = snapshot.Request.Votes.FirstOrDefault(v => v.ApproverId == approver.Id);
            if (vote is null)
            {
                lines.Add(new ApprovalVoteView(approver.Name, "pending", string.Empty, string.Empty, string.Empty));
                continue;
            }

            var castBy = vote.CastById != vote.ApproverId && snapshot.People.TryGetValue(vote.CastById, out var by) ? by : null;
            lines.Add(new ApprovalVoteView(
                castBy?.Name ?? approver.Name,
                ApprovalText.DecisionWord(vote.Decision),
                ApprovalText.Local(vote.CastAt, zone),
                vote.Comment ?? string.Empty,
                castBy is null ? string.Empty : approver.Name));
        }

        // Votes first, in the order they came; then who is still to vote.
        return lines.OrderBy(l => l.Decision == "pending" ? 1 : 0).ToList();
    }
}
