using GovernanceBot.Conversation;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Approvals;

/// <summary>An approval request with everything its cards and rules need, read in one go.</summary>
public sealed record ApprovalSnapshot(
    ApprovalRequest Request,
    GovernanceProgram Program,
    IReadOnlyDictionary<Guid, Stakeholder> People,
    IReadOnlyList<Delegation> Delegations,
    TimeZoneInfo Zone)
{
    public IEnumerable<Stakeholder> Approvers => Request.Approvers.Select(a => People[a.StakeholderId]);

    /// <summary>
    /// The approvers this person may vote for: themselves if they are one, else whoever delegated to
    /// them; nobody for a requester whose program does not allow self-approval of this kind.
    /// </summary>
    public IReadOnlyList<Stakeholder> VotesFor(Stakeholder? person)
    {
        if (person is null || IsBarredRequester(person))
        {
            return [];
        }

        if (Request.Approvers.Any(a => a.StakeholderId == person.Id))
        {
            return [person];
        }

        return Delegations
            .Where(d => d.ToId == person.Id && Request.Approvers.Any(a => a.StakeholderId == d.FromId))
            .Select(d => People[d.FromId])
            .DistinctBy(p => p.Id)
            .ToList();
    }

    /// <summary>
    /// True for the person who raised the request when the program does not let requesters approve
    /// this kind: they may not vote, neither for themselves nor as anyone's delegate.
    /// </summary>
    public bool IsBarredRequester(Stakeholder? person) =>
        person is not null && person.Id == Request.RequesterId && !SelfApproval.Allowed(Program, Request.Kind);

    /// <summary>The active delegate of an approver, if any.</summary>
    public Stakeholder? DelegateOf(Guid approverId) =>
        Delegations.Where(d => d.FromId == approverId).OrderByDescending(d => d.CreatedAt).Select(d => People[d.ToId]).FirstOrDefault();
}

/// <summary>
/// Self-approval (issue 14): by default the requester of an approval is not one of its approvers; a
/// program lists in its governance file (<c>program.selfApproval</c>) the kinds for which they may be.
/// </summary>
public static class SelfApproval
{
    public static bool Allowed(GovernanceProgram program, ApprovalKind kind) =>
        program.SelfApprovalKinds.Contains(ApprovalText.KindWord(kind), StringComparer.Ordinal);
}

/// <summary>Subjects under which approval cards are posted, so every copy can be updated later.</summary>
public static class ApprovalSubjects
{
    /// <summary>The viewer-neutral copy in the program's channel(s).</summary>
    public static string Channel(Guid requestId) => $"approval:{requestId}";

    /// <summary>
    /// One person's copy in their 1:1 chat, which shows their own buttons. A separate subject per
    /// person because an update must keep each DM personal; a prefix other than <c>approval:</c>
    /// keeps it apart from the channel subject.
    /// </summary>
    public static string Direct(Guid requestId, string stakeholderKey) => $"{DirectPrefix(requestId)}{stakeholderKey}";

    public static string DirectPrefix(Guid requestId) => $"approval-dm:{requestId}:";
}

/// <summary>Reads approval requests (always inside one workspace) and takes decisions on them.</summary>
public sealed class ApprovalBook(GovernanceDb db, Outbox outbox, TimeProvider time)
{
    /// <summary>A request by id (or key) in this workspace, tracked so it can be changed; null when there is none.</summary>
    public async Task<ApprovalSnapshot?> LoadAsync(Guid workspaceId, string idOrKey, CancellationToken cancellationToken)
    {
        var query = db.Approvals.AsSplitQuery()
            .Include(a => a.Program)
            .Include(a => a.Approvers)
            .Include(a => a.Votes)
            .Where(a => a.Program!.WorkspaceId == workspaceId);
        var key = idOrKey.Trim().ToLowerInvariant();
        var request = Guid.TryParse(idOrKey, out var id)
            ? await query.FirstOrDefaultAsync(a => a.Id == id, cancellationToken)
            : await query.Where(a => a.Key == key).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        return request is null ? null : await SnapshotAsync(request, cancellationToken);
    }

    /// <summary>For sweeps, which act on every workspace: a request by id, tracked.</summary>
    public async Task<ApprovalSnapshot?> LoadForSweepAsync(Guid id, CancellationToken cancellationToken)
    {
        var request = await db.Approvals.AsSplitQuery()
            .Include(a => a.Program)
            .Include(a => a.Approvers)
            .Include(a => a.Votes)
            .FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        return request is null ? null : await SnapshotAsync(request, cancellationToken);
    }

    /// <summary>
    /// The pending requests of these programs in this workspace, most urgent first, read-only. People
    /// and delegations are read once per program, not once per request.
    /// </summary>
    public async Task<IReadOnlyList<ApprovalSnapshot>> PendingAsync(Guid workspaceId, IReadOnlyCollection<Guid> programIds, CancellationToken cancellationToken)
    {
        var requests = await db.Approvals.AsNoTracking().AsSplitQuery()
            .Include(a => a.Program)
            .Include(a => a.Approvers)
            .Include(a => a.Votes)
            .Where(a => a.Program!.WorkspaceId == workspaceId && programIds.Contains(a.ProgramId) && a.Status == ApprovalStatus.Pending)
            .OrderBy(a => a.Deadline ?? DateTimeOffset.MaxValue)
            .ToListAsync(cancellationToken);
        if (requests.Count == 0)
        {
            return [];
        }

        var inUse = requests.Select(r => r.ProgramId).Distinct().ToList();
        var people = (await db.Stakeholders.AsNoTracking().Where(s => inUse.Contains(s.ProgramId)).ToListAsync(cancellationToken))
            .GroupBy(s => s.ProgramId)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<Guid, Stakeholder>)g.ToDictionary(s => s.Id));
        var context = new Dictionary<Guid, (TimeZoneInfo Zone, IReadOnlyList<Delegation> Delegations)>();
        foreach (var program in requests.Select(r => r.Program!).DistinctBy(p => p.Id))
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
            context[program.Id] = (zone, await ActiveDelegationsAsync(program.Id, Today(zone), cancellationToken));
        }

        return requests
            .Select(r => new ApprovalSnapshot(r, r.Program!, people[r.ProgramId], context[r.ProgramId].Delegations, context[r.ProgramId].Zone))
            .ToList();
    }

    public async Task<ApprovalSnapshot> SnapshotAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        var program = request.Program ?? await db.Programs.FirstAsync(p => p.Id == request.ProgramId, cancellationToken);
        var people = await db.Stakeholders.Where(s => s.ProgramId == request.ProgramId).ToDictionaryAsync(s => s.Id, cancellationToken);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var today = Today(zone);
        var delegations = await ActiveDelegationsAsync(request.ProgramId, today, cancellationToken);
        return new ApprovalSnapshot(request, program, people, delegations, zone);
    }

    public DateTimeOffset Now => time.GetUtcNow();

    public DateOnly Today(TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);

    public Task<List<Delegation>> ActiveDelegationsAsync(Guid programId, DateOnly today, CancellationToken cancellationToken) =>
        db.Delegations.AsNoTracking()
            .Where(d => d.ProgramId == programId && d.RevokedAt == null && d.Until >= today)
            .ToListAsync(cancellationToken);

    /// <summary>The Teams user ids of the people who still have a vote to cast, for the card's auto-refresh.</summary>
    public async Task<IReadOnlyList<string>> RefreshUserIdsAsync(ApprovalSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (snapshot.Request.Status != ApprovalStatus.Pending)
        {
            return [];
        }

        var voted = snapshot.Request.Votes.Select(v => v.ApproverId).ToHashSet();
        var emails = snapshot.Approvers.Where(a => !voted.Contains(a.Id))
            .SelectMany(a => new[] { a, snapshot.DelegateOf(a.Id) })
            .Where(p => p?.Email is not null)
            .Select(p => p!.Email!.ToLowerInvariant())
            .Distinct()
            .ToList();
        if (emails.Count == 0)
        {
            return [];
        }

        return await db.ChatUsers.AsNoTracking()
            .Where(u => u.WorkspaceId == snapshot.Program.WorkspaceId && u.Channel == ChannelNames.Teams && u.Email != null && emails.Contains(u.Email))
            .OrderBy(u => u.ExternalUserId)
            .Select(u => u.ExternalUserId)
            .Take(60)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Queues the new version of every posted copy of the request's card: the channel copy shows the
    /// state, each DM shows its owner's buttons (or the decided card once decided). Returns the
    /// auto-refresh user ids the cards carry, so the caller's own card need not read them again.
    /// </summary>
    public async Task<IReadOnlyList<string>> QueueCardUpdatesAsync(ApprovalSnapshot snapshot, DecisionLogEntry? decision, CancellationToken cancellationToken)
    {
        var request = snapshot.Request;
        var channelSubject = ApprovalSubjects.Channel(request.Id);
        var prefix = ApprovalSubjects.DirectPrefix(request.Id);
        var subjects = await db.Outbox.AsNoTracking()
            .Where(o => o.Subject == channelSubject || o.Subject!.StartsWith(prefix))
            .Select(o => o.Subject!)
            .Union(db.CardMessages.AsNoTracking()
                .Where(c => c.WorkspaceId == snapshot.Program.WorkspaceId && (c.Subject == channelSubject || c.Subject.StartsWith(prefix)))
                .Select(c => c.Subject))
            .Distinct()
            .ToListAsync(cancellationToken);
        var version = decision is null ? $"v{request.Version}" : "decided";
        var refresh = await RefreshUserIdsAsync(snapshot, cancellationToken);
        foreach (var subject in subjects.Order(StringComparer.Ordinal))
        {
            Reply card;
            if (decision is not null)
            {
                card = ApprovalCardFactory.Decided(snapshot, decision);
            }
            else if (subject.StartsWith(prefix, StringComparison.Ordinal)
                && snapshot.People.Values.FirstOrDefault(p => p.Key == subject[prefix.Length..]) is { } owner)
            {
                card = ApprovalCardFactory.Request(snapshot, owner, refresh, time.GetUtcNow());
            }
            else
            {
                card = ApprovalCardFactory.Request(snapshot, null, refresh, time.GetUtcNow());
            }

            await outbox.UpdateCardsAsync(db, snapshot.Program.WorkspaceId, subject, card, $"{subject}:{version}", cancellationToken);
        }

        return refresh;
    }

    /// <summary>The decision log entry of a decided request; one in memory for requests decided by an import.</summary>
    public async Task<DecisionLogEntry> DecisionOfAsync(ApprovalSnapshot snapshot, CancellationToken cancellationToken)
    {
        var request = snapshot.Request;
        return await db.DecisionLog.AsNoTracking().FirstOrDefaultAsync(d => d.ApprovalRequestId == request.Id, cancellationToken)
            ?? new DecisionLogEntry
            {
                ProgramId = request.ProgramId,
                ApprovalRequestId = request.Id,
                Title = request.Title,
                Outcome = ApprovalText.StatusWord(request.Status),
                Summary = Quorum.Explain(request, Quorum.Count(request), request.Status),
                DecidedAt = request.DecidedAt ?? request.CreatedAt,
            };
    }

    /// <summary>
    /// Decides the request (once: the caller's save fails on the Version token or the decision log's
    /// unique index if someone else decided first): status, decision log, audit, decided cards.
    /// </summary>
    public async Task<DecisionLogEntry> DecideAsync(ApprovalSnapshot snapshot, ApprovalStatus status, string actor, string channel, CancellationToken cancellationToken)
    {
        var request = snapshot.Request;
        var now = time.GetUtcNow();
        var tally = Quorum.Count(request);
        var before = request.Status;
        request.Status = status;
        request.DecidedAt = now;
        var entry = new DecisionLogEntry
        {
            ProgramId = request.ProgramId,
            ApprovalRequestId = request.Id,
            Title = request.Title,
            Outcome = ApprovalText.StatusWord(status),
            Summary = Quorum.Explain(request, tally, status),
            DecidedAt = now,
        };
        db.DecisionLog.Add(entry);
        db.AppendAudit(now, snapshot.Program.WorkspaceId, request.ProgramId, actor, channel, "approval.decided", $"approval:{request.Key}",
            ApprovalText.StatusWord(before), $"{ApprovalText.StatusWord(status)}: {entry.Summary}");
        await QueueCardUpdatesAsync(snapshot, entry, cancellationToken);
        return entry;
    }
}
