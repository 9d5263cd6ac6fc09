using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Hosting;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Approvals;

/// <summary>
/// At the deadline an undecided request expires, or (when it says so) is escalated: votes close and
/// the sponsor (or, without one, the program managers) is asked to decide on the card or by command.
/// Guarded by the request's status and Version token, so a second run or instance does nothing.
/// </summary>
internal sealed class ApprovalDeadlineJob(GovernanceDb db, ApprovalBook book, ILogger<ApprovalDeadlineJob> logger) : IGovernanceJob
{
    public static string JobId => "approvals.deadlines";

    public static string Cron => "* * * * *";

    internal const string Actor = "governancebot";
    internal const string SweepChannel = "scheduler";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = book.Now;
        var due = await db.Approvals.AsNoTracking()
            .Where(a => a.Status == ApprovalStatus.Pending && a.Deadline != null && a.Deadline <= now)
            .Select(a => a.Id)
            .ToListAsync(cancellationToken);
        foreach (var id in due)
        {
            db.ChangeTracker.Clear();
            var snapshot = await book.LoadForSweepAsync(id, cancellationToken);
            if (snapshot is null || snapshot.Request.Status != ApprovalStatus.Pending)
            {
                continue;
            }

            var request = snapshot.Request;
            request.Version++;
            string outcome;
            if (request.OnDeadline == DeadlineAction.Escalate)
            {
                await book.EscalateAsync(snapshot, Actor, SweepChannel, cancellationToken);
                outcome = ApprovalText.StatusWord(ApprovalStatus.Escalated);
            }
            else
            {
                outcome = (await book.DecideAsync(snapshot, ApprovalStatus.Expired, Actor, SweepChannel, cancellationToken)).Outcome;
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                Log.ApprovalDeadlinePassed(logger, request.Id, outcome);
            }
            catch (DbUpdateException)
            {
                Log.SweepRaceLost(logger, request.Id);
            }
        }
    }
}

/// <summary>
/// Once per request, <see cref="ApprovalRequest.ReminderLead"/> before the deadline (24 h unless
/// set), reminds each approver who has not voted — and their delegate, if they have one. Approvers
/// away (<see cref="Stakeholder.AwayUntil"/>) are reminded through their delegate only.
/// </summary>
internal sealed class ApprovalReminderJob(GovernanceDb db, ApprovalBook book, Outbox outbox, ILogger<ApprovalReminderJob> logger) : IGovernanceJob
{
    public static string JobId => "approvals.reminders";

    public static string Cron => "* * * * *";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = book.Now;
        // The lead differs per request: "deadline − lead ≤ now" is checked here, on the few still ahead of their deadline.
        var candidates = await db.Approvals.AsNoTracking()
            .Where(a => a.Status == ApprovalStatus.Pending && a.Deadline != null && a.Deadline > now && a.RemindedAt == null)
            .Select(a => new { a.Id, a.Deadline, a.ReminderLead })
            .ToListAsync(cancellationToken);
        foreach (var item in candidates.Where(a => a.Deadline > now && a.Deadline - a.ReminderLead <= now))
        {
            db.ChangeTracker.Clear();
            var snapshot = await book.LoadForSweepAsync(item.Id, cancellationToken);
            if (snapshot is null || snapshot.Request.Status != ApprovalStatus.Pending || snapshot.Request.RemindedAt is not null)
            {
                continue;
            }

            var request = snapshot.Request;
            var today = book.Today(snapshot.Zone);
            var voted = request.Votes.Select(v => v.ApproverId).ToHashSet();
            var recipients = new List<Stakeholder>();
            foreach (var approver in snapshot.Approvers.Where(a => !voted.Contains(a.Id)))
            {
                if (approver.AwayUntil is not { } away || away < today)
                {
                    recipients.Add(approver);
                }

                if (snapshot.DelegateOf(approver.Id) is { } stand)
                {
                    recipients.Add(stand);
                }
            }

            var refresh = ApprovalBook.RefreshFor(snapshot);
            foreach (var person in recipients.DistinctBy(p => p.Id).Where(p => p.Email is not null))
            {
                await outbox.ToPersonAsync(db, snapshot.Program.WorkspaceId, person.Email!, person.Name,
                    Reply.Text($"⏰ Reminder: **{request.Title}** ({snapshot.Program.Name}) needs your vote by {ApprovalText.Deadline(request.Deadline, now, ApprovalText.ZoneOf(person, snapshot.Zone), true, local: true)}."),
                    $"approval:{request.Id}:reminder:{person.Key}:text", cancellationToken: cancellationToken);
                await outbox.ToPersonAsync(db, snapshot.Program.WorkspaceId, person.Email!, person.Name,
                    ApprovalCardFactory.Request(snapshot, person, refresh, now),
                    $"approval:{request.Id}:reminder:{person.Key}:card", ApprovalSubjects.Direct(request.Id, person.Key), cancellationToken: cancellationToken);
            }

            request.RemindedAt = now;
            request.Version++;
            db.AppendAudit(now, snapshot.Program.WorkspaceId, request.ProgramId, ApprovalDeadlineJob.Actor, ApprovalDeadlineJob.SweepChannel,
                "approval.reminded", $"approval:{request.Key}", null,
                recipients.Count == 0 ? "nobody left to remind" : $"reminded {string.Join(", ", recipients.DistinctBy(p => p.Id).Select(p => p.Key))}");
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                Log.ApprovalReminded(logger, request.Id, recipients.Count);
            }
            catch (DbUpdateException)
            {
                Log.SweepRaceLost(logger, request.Id);
            }
        }
    }
}
