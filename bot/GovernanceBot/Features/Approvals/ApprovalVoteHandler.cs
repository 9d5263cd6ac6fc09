using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Hosting;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Approvals;

/// <summary>
/// <c>approval.vote</c> (requestId, decision, comment): records an approver's vote, or a delegate's on
/// their behalf, and decides the request when the rule says so. Who votes comes only from the turn's
/// user, never from the card data. Concurrency: the request's Version token makes concurrent votes
/// serialise (the loser reads again and retries), the unique (request, approver) index makes a double
/// click one vote, and the decision log's unique index makes the decision happen once.
/// </summary>
internal sealed class ApprovalVoteHandler(
    GovernanceDb db,
    ApprovalBook book,
    ProgramDirectory directory,
    Governance governance,
    Outbox outbox,
    ILogger<ApprovalVoteHandler> logger) : ITurnHandler
{
    internal const int MaxAttempts = 25;
    internal const int MaxCommentLength = 1000;

    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var data = context.Turn.Action?.Data ?? [];
        var requestId = data["requestId"]?.ToString()?.Trim();
        if (string.IsNullOrEmpty(requestId) || requestId.Length > 100)
        {
            return [Reply.Text("This button does not say which approval it is for, so I have not recorded a vote. Type **approvals** to see yours.")];
        }

        var decision = (data["decision"]?.ToString()?.Trim().ToLowerInvariant()) switch
        {
            "approve" => VoteDecision.Approve,
            "reject" => VoteDecision.Reject,
            "abstain" => VoteDecision.Abstain,
            _ => (VoteDecision?)null,
        };
        if (decision is null)
        {
            return [Reply.Text("A vote is **approve**, **reject** or **abstain**; this button sent something else, so nothing was recorded.")];
        }

        // A rejection's reason has its own required field (the card's "Reject…" form); cards posted
        // before it existed send the reason as the comment.
        var reason = decision == VoteDecision.Reject ? data["reason"]?.ToString()?.Trim() ?? string.Empty : string.Empty;
        var comment = reason.Length > 0 ? reason : data["comment"]?.ToString()?.Trim() ?? string.Empty;
        if (comment.Length > MaxCommentLength)
        {
            return [Reply.Text($"Your comment is {comment.Length:N0} characters; keep it under {MaxCommentLength:N0} and press the button again. Nothing was recorded.")
                with { Audience = ReplyAudience.Requester }];
        }

        // Who the user is does not change between attempts: looked up once, matched against each fresh snapshot.
        List<Guid>? mine = null;
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            var snapshot = await book.LoadAsync(context.WorkspaceId, requestId, cancellationToken);
            if (snapshot is null)
            {
                return await governance.RefuseAsync(context, null, "approval.vote", $"approval:{requestId}", "no such approval in this workspace",
                    "I can't find that approval in this workspace, so I have not recorded a vote. If the card came from another team or organisation, vote there; type **approvals** to see yours here.",
                    cancellationToken);
            }

            var request = snapshot.Request;
            mine ??= (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).Select(s => s.Id).ToList();
            var me = snapshot.People.Values.FirstOrDefault(p => mine.Contains(p.Id));
            var votesFor = snapshot.VotesFor(me);
            var subject = $"approval:{request.Key}";
            if (snapshot.IsBarredRequester(me))
            {
                var others = snapshot.Approvers.Where(a => a.Id != me!.Id).Select(a => a.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
                return await governance.RefuseAsync(context, request.ProgramId, "approval.vote", subject, "the requester may not approve their own request",
                    $"You requested **{request.Title}**, so you can't vote on it: in {snapshot.Program.Name}, {ApprovalText.KindWord(request.Kind)} requests are decided by people other than the requester ({Governance.Names(others)}). I have not recorded anything.",
                    cancellationToken);
            }

            if (request.Status == ApprovalStatus.Escalated)
            {
                if (!snapshot.Decides(me))
                {
                    var deciders = snapshot.Deciders().Select(d => d.Name).ToList();
                    return await governance.RefuseAsync(context, request.ProgramId, "approval.vote", subject, "escalated: only its deciders decide it",
                        $"**{request.Title}** passed its deadline without a decision, so votes are closed: it is escalated to {Governance.Names(deciders)} ({snapshot.DeciderRole}) to decide. I have not recorded anything.",
                        cancellationToken);
                }

                var escalatedAnswer = await DecideEscalatedAsync(context, snapshot, me!, decision.Value, comment, attempt, cancellationToken);
                if (escalatedAnswer is null)
                {
                    continue;
                }

                return escalatedAnswer;
            }

            if (votesFor.Count == 0)
            {
                var approvers = snapshot.Approvers.Select(a => a.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
                return await governance.RefuseAsync(context, request.ProgramId, "approval.vote", subject, "not an approver or a delegate of one",
                    $"Only the approvers of **{request.Title}** can vote on it: {Governance.Names(approvers)} (or someone they delegated to). I have not recorded anything.",
                    cancellationToken);
            }

            if (request.Status != ApprovalStatus.Pending)
            {
                var refusal = await governance.RefuseAsync(context, request.ProgramId, "approval.vote", subject, $"already {ApprovalText.StatusWord(request.Status)}",
                    $"**{request.Title}** is already {ApprovalText.StatusWord(request.Status)}{(request.DecidedAt is { } at ? $" ({ApprovalText.Local(at, ApprovalText.ZoneOf(me, snapshot.Zone))})" : "")}; votes after the decision are not recorded.",
                    cancellationToken);
                return refusal;
            }

            if (request.Deadline is { } deadline && book.Now >= deadline)
            {
                return await governance.RefuseAsync(context, request.ProgramId, "approval.vote", subject, "after the deadline",
                    $"The deadline for **{request.Title}** passed ({ApprovalText.Local(deadline, ApprovalText.ZoneOf(me, snapshot.Zone))}), so votes are closed. The program managers decide what happens next.",
                    cancellationToken);
            }

            if (decision == VoteDecision.Reject && comment.Length == 0)
            {
                return [ReasonNeeded(request)];
            }

            var now = book.Now;
            var actor = Governance.Actor(context.Turn, me);
            var changed = false;
            foreach (var approver in votesFor)
            {
                var vote = request.Votes.FirstOrDefault(v => v.ApproverId == approver.Id);
                if (vote is not null && vote.Decision == decision && (vote.Comment ?? string.Empty) == comment && vote.CastById == me!.Id)
                {
                    continue;
                }

                var before = vote is null ? null : $"{ApprovalText.DecisionWord(vote.Decision)}{(vote.Comment is { Length: > 0 } c ? $": {c}" : "")}";
                if (vote is null)
                {
                    vote = new Vote { RequestId = request.Id, ApproverId = approver.Id };
                    request.Votes.Add(vote);
                    db.Votes.Add(vote);
                }

                vote.Decision = decision.Value;
                vote.Comment = comment.Length == 0 ? null : comment;
                vote.CastById = me!.Id;
                vote.CastAt = now;
                changed = true;
                var onBehalf = approver.Id == me.Id ? string.Empty : $" on behalf of {approver.Key}";
                db.AppendAudit(now, context.WorkspaceId, request.ProgramId, actor, context.Turn.Channel,
                    $"approval.vote.{ApprovalText.DecisionWord(decision.Value)}",
                    subject, before, $"{ApprovalText.DecisionWord(decision.Value)}{onBehalf}{(comment.Length > 0 ? $": {comment}" : "")}");
                if (approver.Id != me.Id && approver.Email is { } email)
                {
                    await outbox.ToPersonAsync(db, context.WorkspaceId, email, approver.Name,
                        Reply.Text($"{me.Name} voted **{ApprovalText.DecisionLabel(decision.Value)}** on your behalf on **{request.Title}** ({snapshot.Program.Name}){(comment.Length > 0 ? $": “{UserText.Escape(comment)}”" : ".")} You delegated your approvals to them; your own vote, if you cast one, replaces theirs."),
                        $"approval:{request.Id}:v{request.Version + 1}:told:{approver.Key}", cancellationToken: cancellationToken);
                }
            }

            if (!changed)
            {
                return [CardFor(snapshot, me, context, ApprovalBook.RefreshFor(snapshot))];
            }

            request.Version++;
            var tally = Quorum.Count(request);
            var outcome = Quorum.Evaluate(request, tally);
            DecisionLogEntry? decided = null;
            IReadOnlyList<string> refresh = [];
            if (outcome != QuorumOutcome.Open)
            {
                decided = await book.DecideAsync(snapshot, outcome == QuorumOutcome.Approved ? ApprovalStatus.Approved : ApprovalStatus.Rejected,
                    actor, context.Turn.Channel, cancellationToken, by: me);
            }
            else
            {
                refresh = await book.QueueCardUpdatesAsync(snapshot, null, cancellationToken);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException) when (attempt < MaxAttempts)
            {
                Log.VoteRetried(logger, request.Id, attempt);
                continue;
            }

            if (decided is not null)
            {
                Log.ApprovalDecided(logger, request.Id, decided.Outcome);
                return [ApprovalCardFactory.Decided(snapshot, decided) with { ReplacesSourceCard = true }];
            }

            return [CardFor(snapshot, me, context, refresh)];
        }
    }

    /// <summary>
    /// A decider's approve or reject on an escalated request decides it. Returns null when another
    /// turn changed the request first (the caller reads it again).
    /// </summary>
    private async Task<IReadOnlyList<Reply>?> DecideEscalatedAsync(TurnContext context, ApprovalSnapshot snapshot, Stakeholder me, VoteDecision decision,
        string reason, int attempt, CancellationToken cancellationToken)
    {
        var request = snapshot.Request;
        if (decision == VoteDecision.Abstain)
        {
            return [Reply.Text($"**{request.Title}** is escalated to you to decide, so abstaining would leave it undecided: press **Approve**, or **Reject…** with your reason. Nothing was recorded.")
                with { Audience = ReplyAudience.Requester }];
        }

        if (decision == VoteDecision.Reject && reason.Length == 0)
        {
            return [ReasonNeeded(request)];
        }

        var decided = await book.DecideEscalatedAsync(snapshot, me, decision == VoteDecision.Approve, reason,
            Governance.Actor(context.Turn, me), context.Turn.Channel, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (attempt < MaxAttempts)
        {
            Log.VoteRetried(logger, request.Id, attempt);
            return null;
        }

        Log.ApprovalDecided(logger, request.Id, decided.Outcome);
        return [ApprovalCardFactory.Decided(snapshot, decided) with { ReplacesSourceCard = true }];
    }

    /// <summary>
    /// A rejection without a reason: Slack keeps the form open with the message under the reason
    /// field; Teams shows the message and leaves the card as it was.
    /// </summary>
    internal static Reply ReasonNeeded(ApprovalRequest request) => Reply.InvalidInput(
        $"Please say why you reject **{request.Title}**: write it under **Reason for rejecting**, then press **Reject** again. Nothing was recorded yet.",
        new Dictionary<string, string>(StringComparer.Ordinal) { ["reason"] = "Say why you reject it, so the requester knows what to change." });

    /// <summary>
    /// The card that replaces the one pressed: the voter's own view in their 1:1 chat, the
    /// everyone-view in a shared conversation (the replacement is seen by everyone there).
    /// </summary>
    private CardReply CardFor(ApprovalSnapshot snapshot, Stakeholder? me, TurnContext context, IReadOnlyList<string> refresh)
    {
        var viewer = context.Turn.Conversation.Kind == ConversationKind.Personal ? me : null;
        return ApprovalCardFactory.Request(snapshot, viewer, refresh, book.Now) with { ReplacesSourceCard = true };
    }
}
