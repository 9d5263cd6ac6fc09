using System.Collections.Concurrent;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Scheduling;

/// <summary>A claimed row, as read when claimed, and the claim's stamp (a re-claim, after the lease ran out, changes the stamp).</summary>
internal readonly record struct OutboxClaim(OutboxMessage Row, string Stamp);

/// <summary>One attempt at a row: whether an earlier attempt's outcome was lost (and since when), so the platform is asked before sending again.</summary>
internal sealed class OutboxAttempt(OutboxMessage row, DateTimeOffset? inDoubtSince, DateTimeOffset started)
{
    public OutboxMessage Row { get; } = row;

    public DateTimeOffset? InDoubtSince { get; } = inDoubtSince;

    public DateTimeOffset Started { get; } = started;

    /// <summary>The send-started mark to leave when the outcome is recorded: null once the outcome is known.</summary>
    public DateTimeOffset? DoubtAfterwards { get; set; }

    /// <summary>True once a send to the platform has begun: from then on the attempt finishes and is recorded, even when shutting down.</summary>
    public bool Sending { get; set; }
}

/// <summary>
/// The outbox's claiming: due rows are reserved in batches with a lease (one conditional update
/// stamped per claim, so several instances sharing one store never claim the same row), a row is
/// marked "send started" (committed) before its send, and rows claimed but never dispatched are
/// given back on a stop. The dispatcher's own writes go through <see cref="WriteAsync"/>.
/// </summary>
internal sealed class OutboxClaims(IGovernanceDbFactory factory, IOptions<OutboxOptions> options, IOptions<StoreOptions> store, TimeProvider time) : IDisposable
{
    /// <summary>
    /// SQLite takes one writer at a time and makes the others sleep and retry; with many sends in
    /// flight that busy-waiting, not the writes, became the cost (2,000 sends: 16 s with 16 writers,
    /// 10.5 s with 4). On SQLite the dispatcher's own writes take turns here instead.
    /// </summary>
    private readonly SemaphoreSlim? sqliteWriter = string.Equals(store.Value.Provider, "sqlite", StringComparison.OrdinalIgnoreCase) ? new(1, 1) : null;

    private readonly string instance = $"{Environment.ProcessId}:{Guid.NewGuid():N}";

    public async Task<List<OutboxClaim>> ClaimAsync(int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = factory.Create();
        var candidates = await db.Outbox.AsNoTracking()
            .Where(o => o.Status == OutboxStatus.Pending && o.NextAttemptAt <= now && (o.LockedUntil == null || o.LockedUntil < now))
            .OrderBy(o => o.NextAttemptAt).ThenBy(o => o.Id)
            .Select(o => o.Id)
            .Take(limit)
            .ToListAsync(cancellationToken);
        if (candidates.Count == 0)
        {
            return [];
        }

        var leaseUntil = now + options.Value.Lease;
        // One conditional update claims the batch; rows another instance took meanwhile are skipped
        // by the condition, and the stamp tells this claim which rows are its own.
        // Not cancellable once begun: a claim stopped between its update and its read would leave
        // rows reserved that this instance never learnt of (and so could not give back on a stop).
        var stamp = $"{instance}:{Guid.NewGuid():N}";
        await WriteAsync(() => db.Outbox
            .Where(o => candidates.Contains(o.Id) && o.Status == OutboxStatus.Pending && (o.LockedUntil == null || o.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedBy, stamp).SetProperty(o => o.LockedUntil, leaseUntil), CancellationToken.None), CancellationToken.None);
        var claimed = await db.Outbox.AsNoTracking().Where(o => o.LockedBy == stamp).OrderBy(o => o.NextAttemptAt).ThenBy(o => o.Id).ToListAsync(CancellationToken.None);
        return claimed.ConvertAll(row => new OutboxClaim(row, stamp));
    }

    /// <summary>
    /// Marks the claimed row's send as started and renews its lease, if it is still this claim's (no
    /// other instance re-claimed it after a lapsed lease): the attempt, with the row attached to
    /// <paramref name="db"/>, or null when the row is no longer this claim's.
    /// </summary>
    public async Task<OutboxAttempt?> BeginAsync(GovernanceDb db, OutboxClaim claim, CancellationToken cancellationToken)
    {
        var row = claim.Row;
        // A mark left by an attempt that never recorded its outcome: that send is in doubt.
        var inDoubtSince = row.SendStartedAt;
        var started = time.GetUtcNow();
        var leaseUntil = started + options.Value.Lease;
        var marked = await MarkAsync(store => store.Outbox
            .Where(o => o.Id == row.Id && o.LockedBy == claim.Stamp && o.Status == OutboxStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.SendStartedAt, started).SetProperty(o => o.LockedUntil, leaseUntil), CancellationToken.None), cancellationToken);
        if (marked == 0)
        {
            return null;
        }

        db.Outbox.Attach(row);
        Settle(db, row, o => o.SendStartedAt, started);
        Settle(db, row, o => o.LockedUntil, leaseUntil);
        return new OutboxAttempt(row, inDoubtSince, started);
    }

    /// <summary>
    /// Records a send's outcome when the row is all that changed (the common case: sent, or to be
    /// tried again): committed together with the other sends' marks, and returned once committed, so
    /// a crash after the send and before this commit leaves the row in doubt exactly as before.
    /// </summary>
    public Task RecordAsync(OutboxMessage row) => MarkAsync(store => store.Outbox
        .Where(o => o.Id == row.Id)
        .ExecuteUpdateAsync(s => s
            .SetProperty(o => o.Status, row.Status)
            .SetProperty(o => o.Attempts, row.Attempts)
            .SetProperty(o => o.NextAttemptAt, row.NextAttemptAt)
            .SetProperty(o => o.LockedBy, row.LockedBy)
            .SetProperty(o => o.LockedUntil, row.LockedUntil)
            .SetProperty(o => o.SendStartedAt, row.SendStartedAt)
            .SetProperty(o => o.SentAt, row.SentAt)
            .SetProperty(o => o.PlatformMessageId, row.PlatformMessageId)
            .SetProperty(o => o.LastError, row.LastError), CancellationToken.None), CancellationToken.None);

    /// <summary>
    /// A mark (a send started, a send's outcome) committed with the marks of the other sends in
    /// flight. Each send used to commit its two marks alone, and on SQLite's one writer those commits,
    /// not the sends, set the pace.
    /// </summary>
    private Task<int> MarkAsync(Func<GovernanceDb, Task<int>> write, CancellationToken cancellationToken) =>
        Marks.RunAsync(write, cancellationToken);

    private GroupCommit Marks
    {
        get
        {
            lock (marksStart)
            {
                return marks ??= new GroupCommit(factory, WritePriority.Send, commit => WriteAsync(commit, CancellationToken.None));
            }
        }
    }

    private readonly Lock marksStart = new();
    private GroupCommit? marks;

    /// <summary>Stopping before anything was sent: gives the row back as it was, for the next instance or start.</summary>
    public async Task GiveBackAsync(GovernanceDb db, OutboxAttempt attempt)
    {
        attempt.Row.SendStartedAt = attempt.InDoubtSince;
        attempt.Row.LockedBy = null;
        attempt.Row.LockedUntil = null;
        await WriteAsync(() => db.SaveChangesAsync(CancellationToken.None), CancellationToken.None);
    }

    /// <summary>Gives claimed rows that were never dispatched back to the pool (their send-started mark, if any, stays).</summary>
    public async Task ReleaseAsync(ConcurrentDictionary<long, string> outstanding)
    {
        if (outstanding.IsEmpty)
        {
            return;
        }

        var ids = outstanding.Keys.ToList();
        var stamps = outstanding.Values.Distinct().ToList();
        await using var db = factory.Create();
        await WriteAsync(() => db.Outbox
            .Where(o => ids.Contains(o.Id) && o.LockedBy != null && stamps.Contains(o.LockedBy))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedBy, (string?)null).SetProperty(o => o.LockedUntil, (DateTimeOffset?)null), CancellationToken.None),
            CancellationToken.None);
    }

    public async Task<int> WriteAsync(Func<Task<int>> write, CancellationToken cancellationToken)
    {
        if (sqliteWriter is null)
        {
            return await write();
        }

        await sqliteWriter.WaitAsync(cancellationToken);
        try
        {
            return await write();
        }
        finally
        {
            sqliteWriter.Release();
        }
    }

    /// <summary>Tells the tracked row a value the store already has (written by a conditional update), so saving it later writes only what changed.</summary>
    private static void Settle<T>(GovernanceDb db, OutboxMessage row, System.Linq.Expressions.Expression<Func<OutboxMessage, T>> property, T value)
    {
        var entry = db.Entry(row).Property(property);
        entry.CurrentValue = value;
        entry.OriginalValue = value;
    }

    public void Dispose()
    {
        if (marks is null)
        {
            sqliteWriter?.Dispose();
            return;
        }

        // Marks still queued are committed after this; the writer they take turns on stays for them.
        marks.Dispose();
    }
}
