using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
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

    /// <summary>
    /// Who decides the request once it is escalated at its deadline: the program's sponsors, or
    /// without one its program managers and PMO; never a requester the program bars from approving
    /// their own request.
    /// </summary>
    public IReadOnlyList<Stakeholder> Deciders()
    {
        var eligible = People.Values.Where(p => !IsBarredRequester(p)).OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var sponsors = eligible.Where(p => p.HasRole(StakeholderRoles.Sponsor)).ToList();
        return sponsors.Count > 0 ? sponsors : eligible.Where(Governance.IsManager).ToList();
    }

    /// <summary>"sponsor" when the sponsors decide an escalated request, else "program manager".</summary>
    public string DeciderRole => People.Values.Any(p => p.HasRole(StakeholderRoles.Sponsor) && !IsBarredRequester(p)) ? "sponsor" : "program manager";

    /// <summary>True for a person who may decide this request now: it is escalated and they are one of its deciders.</summary>
    public bool Decides(Stakeholder? person) =>
        person is not null && Request.Status == ApprovalStatus.Escalated && Deciders().Any(d => d.Id == person.Id);

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
internal static class ApprovalSubjects
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
public sealed class ApprovalBook(GovernanceDb db, Outbox outbox, TimeProvider time, IEnumerable<IApprovalOutcome> outcomes)
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

    /// <summary>
    /// The people (by e-mail) who still have a vote to cast (or, once escalated, a decision to take),
    /// for the card's auto-refresh: each channel maps them to its own ids.
    /// </summary>
    public static IReadOnlyList<string> RefreshFor(ApprovalSnapshot snapshot)
    {
        if (snapshot.Request.Status is not (ApprovalStatus.Pending or ApprovalStatus.Escalated))
        {
            return [];
        }

        var voted = snapshot.Request.Votes.Select(v => v.ApproverId).ToHashSet();
        var actors = snapshot.Request.Status == ApprovalStatus.Escalated
            ? snapshot.Deciders()
            : snapshot.Approvers.Where(a => !voted.Contains(a.Id)).SelectMany(a => new[] { a, snapshot.DelegateOf(a.Id) });
        return actors
            .Where(p => p?.Email is not null)
            .Select(p => p!.Email!.ToLowerInvariant())
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Queues the new version of every posted copy of the request's card: the channel copy shows the
    /// state, each DM shows its owner's buttons (or the decided card once decided). Returns the
    /// people the cards ask to refresh for, so the caller's own card need not read them again.
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
        var refresh = RefreshFor(snapshot);
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
    /// unique index if someone else decided first): status, decision log, audit, decided cards, and a
    /// message to the requester and the approvers (and, for an escalated request, its deciders) saying
    /// how it ended — except to <paramref name="by"/>, who sees the decided card where they acted.
    /// </summary>
    /// <param name="summary">Why it ended this way; by default what the rule says about the votes.</param>
    /// <param name="auditAction">The audit action; <c>approval.decided</c> unless the request was, say, withdrawn.</param>
    public async Task<DecisionLogEntry> DecideAsync(ApprovalSnapshot snapshot, ApprovalStatus status, string actor, string channel, CancellationToken cancellationToken,
        Stakeholder? by = null, string? summary = null, string auditAction = "approval.decided")
    {
        var request = snapshot.Request;
        var now = time.GetUtcNow();
        var tally = Quorum.Count(request);
        var before = request.Status;
        var deciders = before == ApprovalStatus.Escalated ? snapshot.Deciders() : [];
        request.Status = status;
        request.DecidedAt = now;
        // Requests escalated before escalation stopped counting as a decision have an "escalated" entry: it becomes the decision.
        var entry = before == ApprovalStatus.Escalated
            ? await db.DecisionLog.FirstOrDefaultAsync(d => d.ApprovalRequestId == request.Id, cancellationToken)
            : null;
        if (entry is null)
        {
            entry = new DecisionLogEntry { ProgramId = request.ProgramId, ApprovalRequestId = request.Id, Title = request.Title, Outcome = string.Empty };
            db.DecisionLog.Add(entry);
        }

        entry.Title = request.Title;
        entry.Outcome = ApprovalText.StatusWord(status);
        entry.Summary = summary ?? Quorum.Explain(request, tally, status);
        entry.DecidedAt = now;
        db.AppendAudit(now, snapshot.Program.WorkspaceId, request.ProgramId, actor, channel, auditAction, $"approval:{request.Key}",
            ApprovalText.StatusWord(before), $"{ApprovalText.StatusWord(status)}: {entry.Summary}");
        await QueueCardUpdatesAsync(snapshot, entry, cancellationToken);
        foreach (var outcome in outcomes)
        {
            await outcome.OnDecidedAsync(snapshot, entry, actor, channel, cancellationToken);
        }

        var told = snapshot.Approvers.Concat(deciders);
        if (request.RequesterId is { } requesterId && snapshot.People.TryGetValue(requesterId, out var requester))
        {
            told = told.Prepend(requester);
        }

        var text = $"{ApprovalText.OutcomeIcon(status)} **{request.Title}** ({snapshot.Program.Name}, {request.Key}) is {ApprovalText.StatusWord(status)}. {Cards.UserText.Escape(entry.Summary)}";
        await TellAsync(snapshot, told.Where(p => p.Id != by?.Id), Reply.Text(text), "decided", cancellationToken);
        return entry;
    }

    /// <summary>
    /// A decider's decision on an escalated request (the caller checked <see cref="ApprovalSnapshot.Decides"/>
    /// and that a rejection has a reason): the decision log says who decided, in what role, on what votes, and why.
    /// </summary>
    public Task<DecisionLogEntry> DecideEscalatedAsync(ApprovalSnapshot snapshot, Stakeholder decider, bool approve, string reason, string actor, string channel,
        CancellationToken cancellationToken)
    {
        snapshot.Request.Version++;
        var summary = $"Decided by {decider.Name} ({snapshot.DeciderRole}) after the deadline passed without a decision ({Quorum.Counts(Quorum.Count(snapshot.Request))}){(reason.Length > 0 ? $": “{reason}”" : ".")}";
        return DecideAsync(snapshot, approve ? ApprovalStatus.Approved : ApprovalStatus.Rejected, actor, channel, cancellationToken, by: decider, summary: summary);
    }

    /// <summary>The moment a deadline given as a date falls: 17:00 program time that day.</summary>
    public static DateTimeOffset DeadlineOn(DateOnly due, TimeZoneInfo zone)
    {
        var local = due.ToDateTime(new TimeOnly(17, 0));
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>
    /// The deadline passed without a decision and the request says to escalate: votes close, and its
    /// deciders (<see cref="ApprovalSnapshot.Deciders"/>) get the card with their buttons. Not a
    /// decision: nothing enters the decision log until a decider decides (or the request is withdrawn
    /// or extended). The requester and the approvers are told.
    /// </summary>
    public async Task<IReadOnlyList<Stakeholder>> EscalateAsync(ApprovalSnapshot snapshot, string actor, string channel, CancellationToken cancellationToken)
    {
        var request = snapshot.Request;
        var now = time.GetUtcNow();
        var tally = Quorum.Count(request);
        request.Status = ApprovalStatus.Escalated;
        var deciders = snapshot.Deciders();
        var role = snapshot.DeciderRole;
        db.AppendAudit(now, snapshot.Program.WorkspaceId, request.ProgramId, actor, channel, "approval.escalated", $"approval:{request.Key}",
            ApprovalText.StatusWord(ApprovalStatus.Pending), deciders.Count == 0
                ? "escalated, but nobody may decide it: the program has no sponsor, program manager or PMO member other than the requester"
                : $"escalated to {string.Join(", ", deciders.Select(d => d.Key))} ({role}) to decide; {Quorum.Counts(tally)}");
        var refresh = await QueueCardUpdatesAsync(snapshot, null, cancellationToken);

        var counts = $"{tally.Approve} approve, {tally.Reject} reject, {tally.Abstain} abstain, {tally.Pending} no vote; {tally.Required} approvals were needed";
        foreach (var person in deciders.Where(p => p.Email is not null))
        {
            await outbox.ToPersonAsync(db, snapshot.Program.WorkspaceId, person.Email!, person.Name,
                Reply.Text($"⚠️ **{request.Title}** ({snapshot.Program.Name}, {request.Key}) reached its deadline without a decision ({counts}). It is escalated to you as {role} to decide: press **Approve** or **Reject** on the card below, or type **approval decide {request.Key} approve** (or **reject** followed by your reason)."),
                $"approval:{request.Id}:v{request.Version}:escalated:{person.Key}:text", cancellationToken: cancellationToken);
            await outbox.ToPersonAsync(db, snapshot.Program.WorkspaceId, person.Email!, person.Name, ApprovalCardFactory.Request(snapshot, person, refresh, now),
                $"approval:{request.Id}:v{request.Version}:escalated:{person.Key}:card", ApprovalSubjects.Direct(request.Id, person.Key), cancellationToken: cancellationToken);
        }

        var others = snapshot.Approvers.Where(a => deciders.All(d => d.Id != a.Id));
        if (request.RequesterId is { } requesterId && snapshot.People.TryGetValue(requesterId, out var requester) && deciders.All(d => d.Id != requesterId))
        {
            others = others.Prepend(requester);
        }

        var who = deciders.Count == 0
            ? $"Nobody can decide it: {snapshot.Program.Name} has no sponsor or program manager other than the requester. A program manager can extend it (**approval extend {request.Key} due YYYY-MM-DD**) or withdraw it (**approval cancel {request.Key}**)."
            : $"It is escalated to {Governance.Names(deciders.Select(d => d.Name).ToList())} ({role}) to decide; votes are closed.";
        await TellAsync(snapshot, others, Reply.Text($"⚠️ **{request.Title}** ({snapshot.Program.Name}, {request.Key}) reached its deadline without a decision ({counts}). {who}"),
            $"v{request.Version}:escalated", cancellationToken);
        return deciders;
    }

    /// <summary>One message to each of these people who has an e-mail, once per request and occasion.</summary>
    private async Task TellAsync(ApprovalSnapshot snapshot, IEnumerable<Stakeholder> people, Reply message, string occasion, CancellationToken cancellationToken)
    {
        foreach (var person in people.DistinctBy(p => p.Id).Where(p => p.Email is not null))
        {
            await outbox.ToPersonAsync(db, snapshot.Program.WorkspaceId, person.Email!, person.Name, message,
                $"approval:{snapshot.Request.Id}:{occasion}:told:{person.Key}", cancellationToken: cancellationToken);
        }
    }
}
