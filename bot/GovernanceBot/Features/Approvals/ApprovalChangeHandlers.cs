using System.Globalization;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Approvals;

/// <summary>
/// What the commands that change a request after it was raised share: finding it by key in this
/// workspace, who is asking (as a stakeholder of its program), and saving when another turn may have
/// changed it at the same moment.
/// </summary>
internal sealed class ApprovalCommands(GovernanceDb db, ApprovalBook book, ProgramDirectory directory)
{
    /// <summary>The request named by <paramref name="key"/> and the asker's stakeholder in its program; a reply when there is no such request.</summary>
    public async Task<(ApprovalSnapshot? Snapshot, Stakeholder? Me, Reply? NotFound)> FindAsync(TurnContext context, string key, string example, CancellationToken cancellationToken)
    {
        var snapshot = await book.LoadAsync(context.WorkspaceId, key, cancellationToken);
        if (snapshot is null)
        {
            return (null, null, Reply.Text($"I can't find an approval \"{(key.Length > 40 ? key[..40] + "…" : key)}\" here. Name it by its key, for example **{example}**; **approvals** lists those waiting for your vote, **status <program>** a program's open ones.")
                with { Audience = ReplyAudience.Requester });
        }

        var mine = await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken);
        return (snapshot, snapshot.People.Values.FirstOrDefault(p => mine.Any(m => m.Id == p.Id)), null);
    }

    /// <summary>Saves; false when someone else changed the request first (the Version token), with nothing saved.</summary>
    public async Task<bool> TrySaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    public static Reply ChangedMeanwhile(ApprovalRequest request) =>
        Reply.Text($"**{request.Title}** changed while I was recording this (a vote or a decision came in at the same moment). Nothing was recorded: look at the card and try again if it still applies.")
            with { Audience = ReplyAudience.Requester };

    /// <summary>The refusal for a request that is no longer open, with when it closed, in the asker's (<paramref name="me"/>) own time.</summary>
    public static Reply Closed(ApprovalSnapshot snapshot, Stakeholder? me, string what) =>
        Reply.Text($"**{snapshot.Request.Title}** is already {ApprovalText.StatusWord(snapshot.Request.Status)}{(snapshot.Request.DecidedAt is { } at ? $" ({ApprovalText.Local(at, ApprovalText.ZoneOf(me, snapshot.Zone))})" : "")}, so there is nothing to {what}. To ask again, raise a new request with **approval request**.")
            with { Audience = ReplyAudience.Requester };

    public static bool IsOpen(ApprovalRequest request) => request.Status is ApprovalStatus.Pending or ApprovalStatus.Escalated;

    /// <summary>Requesters change their own requests; program managers and the PMO any of their program's.</summary>
    public static bool MayChange(ApprovalSnapshot snapshot, Stakeholder? me) =>
        me is not null && (me.Id == snapshot.Request.RequesterId || Governance.IsManager(me));

    public static string Reason(IReadOnlyList<string> words, int from) => string.Join(' ', words.Skip(from)).Trim();
}

/// <summary>
/// <c>approval decide KEY approve|reject [reason]</c>: a request escalated at its deadline is decided
/// by its sponsor (or, without one, a program manager), as from the card; a rejection needs a reason.
/// </summary>
internal sealed class DecideApprovalHandler(ApprovalCommands commands, ApprovalBook book, Governance governance) : ITurnHandler
{
    private const string Example = "approval decide gate-3 reject Budget is not approved yet";

    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var words = context.Words;
        if (words.Count < 2 || words[1].ToLowerInvariant() is not ("approve" or "reject"))
        {
            return [Reply.Text($"Name the request and say **approve** or **reject** (with your reason), for example **approval decide gate-3 approve** or **{Example}**.") with { Audience = ReplyAudience.Requester }];
        }

        var (snapshot, me, notFound) = await commands.FindAsync(context, words[0], Example, cancellationToken);
        if (snapshot is null)
        {
            return [notFound!];
        }

        var request = snapshot.Request;
        if (request.Status == ApprovalStatus.Pending)
        {
            return [Reply.Text($"**{request.Title}** is still open for votes{(request.Deadline is null ? string.Empty : " until " + ApprovalText.Deadline(request.Deadline, book.Now, ApprovalText.ZoneOf(me, snapshot.Zone), true, local: true))}. **approval decide** is for requests escalated at their deadline; until then its approvers decide on the card.")
                with { Audience = ReplyAudience.Requester }];
        }

        if (request.Status != ApprovalStatus.Escalated)
        {
            return [ApprovalCommands.Closed(snapshot, me, "decide")];
        }

        if (!snapshot.Decides(me))
        {
            var deciders = snapshot.Deciders().Select(d => d.Name).ToList();
            return await governance.RefuseAsync(context, request.ProgramId, "approval.decide", $"approval:{request.Key}", "not a decider of the escalated request",
                $"**{request.Title}** is escalated to {Governance.Names(deciders)} ({snapshot.DeciderRole}) to decide; only they can. I have not recorded anything.",
                cancellationToken);
        }

        var approve = words[1].Equals("approve", StringComparison.OrdinalIgnoreCase);
        var reason = ApprovalCommands.Reason(words, 2);
        if (!approve && reason.Length == 0)
        {
            return [Reply.Text($"Please say why you reject **{request.Title}**, after **reject**: for example **approval decide {request.Key} reject Budget is not approved yet**. Nothing was recorded yet.")
                with { Audience = ReplyAudience.Requester }];
        }

        if (reason.Length > ApprovalVoteHandler.MaxCommentLength)
        {
            return [Reply.Text($"Your reason is {reason.Length:N0} characters; keep it under {ApprovalVoteHandler.MaxCommentLength:N0}. Nothing was recorded.") with { Audience = ReplyAudience.Requester }];
        }

        var decided = await book.DecideEscalatedAsync(snapshot, me!, approve, reason, Governance.Actor(context.Turn, me), context.Turn.Channel, cancellationToken);
        if (!await commands.TrySaveAsync(cancellationToken))
        {
            return [ApprovalCommands.ChangedMeanwhile(request)];
        }

        return [Reply.Text($"{ApprovalText.OutcomeIcon(request.Status)} Decided: **{request.Title}** ({request.Key}) is {decided.Outcome}. I've told the requester and the approvers, and every copy of the card shows the decision.")];
    }
}

/// <summary>
/// <c>approval cancel KEY [reason]</c>: the requester or a program manager withdraws an open (or
/// escalated) request. It is logged as withdrawn, audited, every copy of its card shows it, and the
/// approvers are told.
/// </summary>
internal sealed class CancelApprovalHandler(ApprovalCommands commands, ApprovalBook book, Governance governance) : ITurnHandler
{
    private const string Example = "approval cancel cr-16 superseded by CR-18";

    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var words = context.Words;
        if (words.Count == 0)
        {
            return [Reply.Text($"Which request? For example **{Example}** (the reason is optional).") with { Audience = ReplyAudience.Requester }];
        }

        var (snapshot, me, notFound) = await commands.FindAsync(context, words[0], Example, cancellationToken);
        if (snapshot is null)
        {
            return [notFound!];
        }

        var request = snapshot.Request;
        if (!ApprovalCommands.MayChange(snapshot, me))
        {
            return await governance.RefuseAsync(context, request.ProgramId, "approval.cancel", $"approval:{request.Key}", "not the requester or a program manager",
                $"Only the requester of **{request.Title}** or {snapshot.Program.Name}'s program managers can withdraw it ({Governance.Names(await governance.ManagerNamesAsync(request.ProgramId, cancellationToken))}). I have not changed anything.",
                cancellationToken);
        }

        if (!ApprovalCommands.IsOpen(request))
        {
            return [ApprovalCommands.Closed(snapshot, me, "withdraw")];
        }

        var reason = ApprovalCommands.Reason(words, 1);
        if (reason.Length > ApprovalVoteHandler.MaxCommentLength)
        {
            return [Reply.Text($"Your reason is {reason.Length:N0} characters; keep it under {ApprovalVoteHandler.MaxCommentLength:N0}. Nothing was changed.") with { Audience = ReplyAudience.Requester }];
        }

        request.Version++;
        await book.DecideAsync(snapshot, ApprovalStatus.Cancelled, Governance.Actor(context.Turn, me), context.Turn.Channel, cancellationToken,
            by: me, summary: $"Withdrawn by {me!.Name}{(reason.Length > 0 ? $": “{reason}”" : ".")}", auditAction: "approval.cancelled");
        if (!await commands.TrySaveAsync(cancellationToken))
        {
            return [ApprovalCommands.ChangedMeanwhile(request)];
        }

        return [Reply.Text($"↩️ Withdrawn: **{request.Title}** ({request.Key}). I've told the approvers, and every copy of the card shows it withdrawn.")];
    }
}

/// <summary>
/// <c>approval extend KEY due YYYY-MM-DD</c>: the requester or a program manager moves an open
/// request's deadline later (17:00 program time). An escalated request opens for votes again. Audited;
/// every copy of the card shows the new deadline; approvers yet to vote are told and reminded again.
/// </summary>
internal sealed class ExtendApprovalHandler(ApprovalCommands commands, ApprovalBook book, Governance governance, GovernanceDb db, Outbox outbox) : ITurnHandler
{
    private const string Example = "approval extend gate-3 due 2026-12-12";

    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var words = context.Words.ToList();
        if (words.Count == 3 && words[1].Equals("due", StringComparison.OrdinalIgnoreCase))
        {
            words.RemoveAt(1);
        }

        if (words.Count != 2 || !DateOnly.TryParseExact(words[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var due))
        {
            return [Reply.Text($"Name the request and its new deadline as yyyy-MM-dd, for example **{Example}** (it closes at 17:00 program time).") with { Audience = ReplyAudience.Requester }];
        }

        var (snapshot, me, notFound) = await commands.FindAsync(context, words[0], Example, cancellationToken);
        if (snapshot is null)
        {
            return [notFound!];
        }

        var request = snapshot.Request;
        if (!ApprovalCommands.MayChange(snapshot, me))
        {
            return await governance.RefuseAsync(context, request.ProgramId, "approval.extend", $"approval:{request.Key}", "not the requester or a program manager",
                $"Only the requester of **{request.Title}** or {snapshot.Program.Name}'s program managers can move its deadline ({Governance.Names(await governance.ManagerNamesAsync(request.ProgramId, cancellationToken))}). I have not changed anything.",
                cancellationToken);
        }

        if (!ApprovalCommands.IsOpen(request))
        {
            return [ApprovalCommands.Closed(snapshot, me, "extend")];
        }

        var now = book.Now;
        var deadline = ApprovalBook.DeadlineOn(due, snapshot.Zone);
        if (deadline <= now)
        {
            return [Reply.Text($"A deadline of {ApprovalText.Local(deadline, ApprovalText.ZoneOf(me, snapshot.Zone))} has already passed. Pick a later date, for example **approval extend {request.Key} due {book.Today(snapshot.Zone).AddDays(7):yyyy-MM-dd}**.")
                with { Audience = ReplyAudience.Requester }];
        }

        if (request.Deadline is { } current && deadline <= current)
        {
            return [Reply.Text($"The deadline of **{request.Title}** is already {ApprovalText.Local(current, ApprovalText.ZoneOf(me, snapshot.Zone))}; **extend** moves it later. Pick a date after {TimeZoneInfo.ConvertTime(current, snapshot.Zone):yyyy-MM-dd}.")
                with { Audience = ReplyAudience.Requester }];
        }

        var reopened = request.Status == ApprovalStatus.Escalated;
        var before = $"deadline {(request.Deadline is { } old ? old.ToString("u", CultureInfo.InvariantCulture) : "none")}; {ApprovalText.StatusWord(request.Status)}";
        request.Deadline = deadline;
        request.RemindedAt = null;
        request.Status = ApprovalStatus.Pending;
        request.Version++;
        db.AppendAudit(now, snapshot.Program.WorkspaceId, request.ProgramId, Governance.Actor(context.Turn, me), context.Turn.Channel, "approval.extended",
            $"approval:{request.Key}", before, $"deadline {deadline.ToString("u", CultureInfo.InvariantCulture)}; pending{(reopened ? " (votes reopened after escalation)" : "")}");
        await book.QueueCardUpdatesAsync(snapshot, null, cancellationToken);

        var voted = request.Votes.Select(v => v.ApproverId).ToHashSet();
        foreach (var approver in snapshot.Approvers.Where(a => !voted.Contains(a.Id) && a.Email is not null && a.Id != me!.Id))
        {
            await outbox.ToPersonAsync(db, snapshot.Program.WorkspaceId, approver.Email!, approver.Name,
                Reply.Text($"⏰ {me!.Name} moved the deadline of **{request.Title}** ({snapshot.Program.Name}) to {ApprovalText.Local(deadline, ApprovalText.ZoneOf(approver, snapshot.Zone))}{(reopened ? "; votes are open again" : "")}. Your vote is still needed: it's on the card I sent you."),
                $"approval:{request.Id}:v{request.Version}:extended:told:{approver.Key}", cancellationToken: cancellationToken);
        }

        if (!await commands.TrySaveAsync(cancellationToken))
        {
            return [ApprovalCommands.ChangedMeanwhile(request)];
        }

        return [Reply.Text($"⏰ Extended: **{request.Title}** ({request.Key}) now closes {ApprovalText.Local(deadline, ApprovalText.ReplyZone(context, me, snapshot.Zone))}{(reopened ? ", and its approvers can vote again" : "")}. Every copy of the card shows the new deadline, and approvers yet to vote are told.")];
    }
}
