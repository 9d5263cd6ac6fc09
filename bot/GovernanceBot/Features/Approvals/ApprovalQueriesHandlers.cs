using System.Globalization;
using System.Text;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Approvals;

/// <summary>
/// <c>approvals</c>: the requests waiting for my vote, as approver or as someone's delegate, each as a
/// card I can vote on right here.
/// </summary>
internal sealed class MyApprovalsHandler(ReaderPolicy readers, ApprovalBook book) : ITurnHandler
{
    internal const int MaxCards = 5;

    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        if (await readers.RefusalHereAsync(context, Reading.OwnItems, cancellationToken) is { } refusal)
        {
            return [refusal];
        }

        var mine = (await readers.ReaderAsync(context, cancellationToken)).People;
        if (mine.Count == 0)
        {
            return [Reply.Text("You are not a stakeholder of any program here (I match people by e-mail), so no approvals wait for you.")];
        }

        var programIds = mine.Select(s => s.ProgramId).ToList();
        var waiting = new List<(ApprovalSnapshot Snapshot, Stakeholder Me)>();
        foreach (var snapshot in await book.PendingAsync(context.WorkspaceId, programIds, cancellationToken))
        {
            var me = mine.First(s => s.ProgramId == snapshot.Request.ProgramId);
            var voted = snapshot.Request.Votes.Select(v => v.ApproverId).ToHashSet();
            if (snapshot.VotesFor(me).Any(a => !voted.Contains(a.Id)))
            {
                waiting.Add((snapshot, me));
            }
        }

        if (waiting.Count == 0)
        {
            return [Reply.Text("Nothing is waiting for your vote. 🎉")];
        }

        var text = new StringBuilder($"**{(waiting.Count == 1 ? "1 approval waits" : $"{waiting.Count} approvals wait")} for your vote**\n");
        foreach (var (snapshot, me) in waiting)
        {
            var r = snapshot.Request;
            var delegated = snapshot.VotesFor(me).Where(a => a.Id != me.Id).Select(a => a.Name).ToList();
            text.Append(CultureInfo.InvariantCulture, $"- **{r.Title}** ({snapshot.Program.Name}, {r.Key}) — {ApprovalText.Deadline(r.Deadline, book.Now, ApprovalText.ZoneOf(me, snapshot.Zone), true, local: true)}");
            text.Append(delegated.Count > 0 ? $" — as delegate for {string.Join(", ", delegated)}\n" : "\n");
        }

        if (waiting.Count > MaxCards)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nThe {MaxCards} most urgent are below.");
        }

        var replies = new List<Reply> { Reply.Text(text.ToString()) with { Audience = ReplyAudience.Requester } };
        foreach (var (snapshot, me) in waiting.Take(MaxCards))
        {
            replies.Add(ApprovalCardFactory.Request(snapshot, me, [], book.Now) with { Audience = ReplyAudience.Requester });
        }

        return replies;
    }
}

/// <summary>
/// <c>approval.refresh</c> (requestId): the card as the person looking at it should see it (Teams
/// asks for this when an approval card with their id in <c>refresh.userIds</c> is displayed).
/// Changes nothing, so it is not audited; another workspace's request is simply not found. The card
/// is the approver's (or, once escalated, the decider's) own item; anyone else sees it as a reader of the program's status (a guest:
/// only where the program is linked, where the card is posted anyway).
/// </summary>
internal sealed class ApprovalRefreshHandler(ReaderPolicy readers, ApprovalBook book) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var requestId = context.Turn.Action?.Data["requestId"]?.ToString();
        var snapshot = string.IsNullOrWhiteSpace(requestId) ? null : await book.LoadAsync(context.WorkspaceId, requestId, cancellationToken);
        if (snapshot is null)
        {
            return [Reply.Text("I can't find that approval in this workspace. Type **approvals** to see yours.") with { Audience = ReplyAudience.Requester }];
        }

        var me = (await readers.ReaderAsync(context, cancellationToken)).In(snapshot.Request.ProgramId);
        if (snapshot.VotesFor(me).Count == 0 && !snapshot.Decides(me)
            && await readers.RefusalAsync(context, snapshot.Program, Reading.Status, cancellationToken) is { } refusal)
        {
            return [refusal];
        }

        if (snapshot.Request.Status is not (ApprovalStatus.Pending or ApprovalStatus.Escalated))
        {
            var decision = await book.DecisionOfAsync(snapshot, cancellationToken);
            return [ApprovalCardFactory.Decided(snapshot, decision) with { Audience = ReplyAudience.Requester }];
        }

        var refresh = ApprovalBook.RefreshFor(snapshot);
        return [ApprovalCardFactory.Request(snapshot, me, refresh, book.Now) with { Audience = ReplyAudience.Requester }];
    }
}
