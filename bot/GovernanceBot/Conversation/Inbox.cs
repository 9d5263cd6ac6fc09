using System.Diagnostics;
using System.Threading.Channels;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Conversation;

public sealed class InboxOptions
{
    public const string Section = "Inbox";

    /// <summary>How long an instance holds an item it took; renewed while it lives, so only a dead instance's items lapse.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Turns running at once (of different conversations): a slow one (a model call) holds one slot,
    /// not the inbox. More is not faster on two cores and SQLite's one writer: measured with the
    /// inbound benchmark, 32 turns at once cut the acknowledgements to a quarter of what 4 allow.
    /// </summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>
    /// Turns started at once during a burst (see <see cref="Inbox.Receiving"/>): the
    /// acknowledgements come first. A turn that has run for <see cref="SlowTurn"/> waits on something
    /// else (a model, a platform) and no longer counts, so a slow handler never holds up the rest.
    /// Measured with the inbound benchmark on two cores: one turn working beside a stream of requests
    /// cut the acknowledgements from about 5,400 a second to about 700 (a turn costs some twenty times
    /// an acknowledgement, and competes with it for the cores and SQLite's one writer).
    /// </summary>
    public int TurnsWhileReceiving { get; set; }

    /// <summary>
    /// During a burst, an item that has waited this long runs anyway, so a stream that never pauses
    /// is still answered: one such turn working at a time (or <see cref="TurnsWhileReceiving"/>, if
    /// more), so the acknowledgements go on beside it.
    /// </summary>
    public TimeSpan MaxAnswerDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// During a burst, the share of the time the overdue turns (<see cref="MaxAnswerDelay"/>) may
    /// take: after one has worked for a time <c>t</c>, the next waits <c>t × (1 − share) / share</c>.
    /// Run back to back, one at a time took a core of their own, and the acknowledgements of a
    /// stream that went on past <see cref="MaxAnswerDelay"/> fell from about 7,000 a second to about
    /// 2,300 (inbound benchmark, 2 cores). 1 runs them back to back.
    /// </summary>
    public double OverdueShare { get; set; } = 0.25;

    /// <summary>
    /// Requests arriving faster than this, a second, over the last <see cref="ReceivingWindow"/> are a
    /// burst (<see cref="Inbox.Receiving"/>). Below it they are answered as they come: this project's
    /// 2-core test machine answers some 300 a second on SQLite while acknowledging thousands.
    /// </summary>
    public double BurstRate { get; set; } = 200;

    /// <summary>The window the arrival rate is measured over (<see cref="BurstRate"/>); long enough that a pause of the sender (a garbage collection) does not end a burst.</summary>
    public TimeSpan ReceivingWindow { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a turn runs before it counts as waiting rather than working (<see cref="TurnsWhileReceiving"/>).</summary>
    public TimeSpan SlowTurn { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The most items this instance holds, queued or running. Beyond it (a long burst) new items are
    /// stored for any instance to take, unleased, and the runner takes them from the store as it makes
    /// room. Every held item's lease is renewed every <see cref="Lease"/>/3, and memory holds their
    /// payloads: with 70,000 held, a renewal took the store for some three seconds, during which the
    /// acknowledgements fell from thousands a second to 500 (inbound benchmark, 2 cores).
    /// </summary>
    public int MaxHeld { get; set; } = 5000;

    /// <summary>Runs of a turn that throws before it is recorded as failed.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>How often the store is asked for items nobody holds (a crashed instance's, retries that came due).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Inbound items stored in one commit at most.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Done items are kept this long for dedupe: past every platform's redelivery (Slack retries for an hour).</summary>
    public TimeSpan DoneRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Failed items are kept this long for an operator to look at (<c>inbox failed</c>).</summary>
    public TimeSpan FailedRetention { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>What a channel hands over once a request is verified: enough to store it and, later, to run it.</summary>
/// <param name="Channel">The platform (<see cref="ChannelNames"/>).</param>
/// <param name="DedupeKey">Same key, same request: a redelivery has no second effect.</param>
/// <param name="Kind">How the channel will read <paramref name="Payload"/> back.</param>
/// <param name="ConversationKey">Items with the same key run one at a time, in arrival order.</param>
/// <param name="Payload">The request as the channel needs it again (stored verbatim).</param>
/// <param name="AnswersInRequest">Its run answers the request (a Teams invoke, a Slack modal): it is handed to this instance however many it holds.</param>
public sealed record InboundItem(string Channel, string DedupeKey, string Kind, string ConversationKey, string Payload, bool AnswersInRequest = false);

/// <summary>An item taken to run: stored, and leased to this instance.</summary>
public sealed record InboxWork(long Id, string Channel, string Kind, string ConversationKey, string? Payload, int Attempts);

public enum AdmissionKind
{
    /// <summary>First delivery: stored, this instance runs it.</summary>
    New,
    /// <summary>A redelivery of an item that was not done (its instance died, or it failed): this instance runs it again.</summary>
    Again,
    /// <summary>A redelivery of an item another run holds right now: nothing to do.</summary>
    Running,
    /// <summary>A redelivery of an item already done: answer as it was answered.</summary>
    Done,
}

/// <summary>The outcome of handing an item over: stored (or already known), and whether this caller runs it.</summary>
public sealed record Admission(AdmissionKind Kind, InboxWork? Work, string? Response)
{
    public bool ToRun => Work is not null;
}

/// <summary>The store could not take the item: the request must fail (5xx) so the platform sends it again.</summary>
public sealed class InboxUnavailableException(Exception inner) : Exception("The inbox could not store the request.", inner);

/// <summary>
/// The way in: every verified request is stored here before it is acknowledged. Requests arriving
/// together are committed together (one transaction for many — SQLite has one writer, and a commit,
/// not a row, is what costs), each caller waiting only for the commit that holds its item. A known
/// key is not stored twice: its redelivery is answered from what is known (done, running), or taken
/// to run again when nobody holds it.
/// </summary>
public sealed class Inbox : IAsyncDisposable
{
    private readonly IGovernanceDbFactory factory;
    private readonly IOptions<InboxOptions> options;
    private readonly TimeProvider time;
    private readonly ILogger<Inbox> logger;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task writer;
    private volatile bool draining;

    public Inbox(IGovernanceDbFactory factory, IOptions<InboxOptions> options, TimeProvider time, InboxInstance instance, ILogger<Inbox> logger)
    {
        this.factory = factory;
        this.options = options;
        this.time = time;
        this.logger = logger;
        arrivals = new ArrivalRate(options.Value.ReceivingWindow);
        Instance = instance.Id;
        writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Who holds the leases this instance takes.</summary>
    public string Instance { get; }

    /// <summary>
    /// Called when the instance stops running turns: items stored from now on are left unleased, for
    /// the next instance (or this one after a restart) to take at once.
    /// </summary>
    public void StopLeasing() => draining = true;

    /// <summary>
    /// Set by the runner while it holds <see cref="InboxOptions.MaxHeld"/> items: new items (but those
    /// that answer their request) are then stored unleased, for the runner to take from the store
    /// once it has room, or for another instance.
    /// </summary>
    public bool Full
    {
        get => Volatile.Read(ref full);
        set => Volatile.Write(ref full, value);
    }

    private bool full;

    /// <summary>
    /// Requests are arriving in a burst: faster than <see cref="InboxOptions.BurstRate"/> over the last
    /// <see cref="InboxOptions.ReceivingWindow"/>. A steady stream below it is not one, so its answers
    /// are not held back (a 9 o'clock check-in round's answers come in tens a second, for minutes).
    /// </summary>
    public bool Receiving => arrivals.PerSecond(Stopwatch.GetTimestamp()) > options.Value.BurstRate;

    private readonly ArrivalRate arrivals;

    /// <summary>Stores the item (or finds it known) and says what to do; throws <see cref="InboxUnavailableException"/> when the store cannot take it.</summary>
    public async Task<Admission> AdmitAsync(InboundItem item, CancellationToken cancellationToken)
    {
        arrivals.Count(Stopwatch.GetTimestamp());
        var pending = new Pending(item);
        if (!queue.Writer.TryWrite(pending))
        {
            throw new InboxUnavailableException(new ObjectDisposedException(nameof(Inbox)));
        }

        // Not cancelled with the request: once handed over, the item is committed or refused as a
        // whole, and a committed item leased to this instance must reach the runner even if the
        // client has gone (a commit takes milliseconds).
        _ = cancellationToken;
        return await pending.Result.Task;
    }

    private async Task WriteLoopAsync()
    {
        // Acknowledgements wait for these commits: on SQLite they take the write lock before turns do.
        SqliteWriteGate.Prioritise(WritePriority.Receive);
        var batch = new List<Pending>();
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < Math.Max(1, options.Value.BatchSize) && queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                await CommitAsync(batch);
            }
            catch (Exception ex)
            {
                Log.InboxCommitFailed(logger, ex, batch.Count);
                var failure = new InboxUnavailableException(ex);
                foreach (var pending in batch)
                {
                    pending.Result.TrySetException(failure);
                }
            }
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        List<Pending> known;
        try
        {
            known = await InsertNewAsync(batch);
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            // One request the store refuses (a key past its column's length) must not refuse the
            // requests stored with it: one by one, so only that one gets the 5xx. (A store that is
            // away refuses each of them again, as it refused the batch.)
            Log.InboxCommitFailed(logger, ex, batch.Count);
            foreach (var pending in batch)
            {
                try
                {
                    await CommitAsync([pending]);
                }
                catch (Exception one)
                {
                    Log.InboxCommitFailed(logger, one, 1);
                    pending.Result.TrySetException(new InboxUnavailableException(one));
                }
            }

            return;
        }

        if (known.Count > 0)
        {
            await CommitKnownAsync(known);
        }
    }

    /// <summary>
    /// The common case, cheaply: every item whose key is new is inserted (one transaction for the
    /// batch) and answered; those whose key is known are returned, for <see cref="CommitKnownAsync"/>.
    /// </summary>
    private async Task<List<Pending>> InsertNewAsync(List<Pending> batch)
    {
        var now = time.GetUtcNow();
        var lease = now + options.Value.Lease;
        var spill = Full;
        var known = new List<Pending>();
        var added = new List<(Pending Pending, InboundEvent Row)>(batch.Count);
        try
        {
            insert ??= await InboxInsert.OpenAsync(factory, CancellationToken.None);
            await using (var transaction = await insert.BeginAsync(CancellationToken.None))
            {
                foreach (var pending in batch)
                {
                    var leased = !draining && (!spill || pending.Item.AnswersInRequest);
                    var row = NewRow(pending.Item, now, leased ? Instance : null, leased ? lease : null);
                    if (await insert.InsertAsync(row, CancellationToken.None) is { } id)
                    {
                        row.Id = id;
                        added.Add((pending, row));
                    }
                    else
                    {
                        known.Add(pending);
                    }
                }

                await transaction.CommitAsync();
            }
        }
        catch
        {
            // The connection may be broken (the store restarted): the next batch opens a new one.
            var broken = insert;
            insert = null;
            if (broken is not null)
            {
                await broken.DisposeAsync();
            }

            throw;
        }

        foreach (var (pending, row) in added)
        {
            pending.Result.TrySetResult(new Admission(AdmissionKind.New,
                row.LeaseOwner is null ? null : new InboxWork(row.Id, row.Channel, row.Kind, row.ConversationKey, row.PayloadJson, row.Attempts),
                null));
        }

        return known;
    }

    /// <summary>The writer's open statement (<see cref="InboxInsert"/>); only the write loop touches it.</summary>
    private InboxInsert? insert;

    /// <summary>Items whose key the store knows (redeliveries): each is answered from what is known, or taken to run again.</summary>
    private async Task CommitKnownAsync(List<Pending> batch)
    {
        try
        {
            await CommitTogetherAsync(batch);
        }
        catch (DbUpdateException) when (batch.Count > 1)
        {
            // Another instance stored one of these keys between our read and our insert: one by one,
            // so only that item is answered as the redelivery it now is.
            foreach (var pending in batch)
            {
                await CommitTogetherAsync([pending]);
            }
        }
    }

    private async Task CommitTogetherAsync(List<Pending> batch)
    {
        var now = time.GetUtcNow();
        var lease = draining ? (DateTimeOffset?)null : now + options.Value.Lease;
        var owner = draining ? null : Instance;
        await using var db = factory.Create();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var known = new Dictionary<(string, string), InboundEvent>();
        foreach (var channel in batch.Select(p => p.Item.Channel).Distinct())
        {
            var keys = batch.Where(p => p.Item.Channel == channel).Select(p => p.Item.DedupeKey).Distinct().ToList();
            foreach (var row in await db.InboundEvents.Where(e => e.Channel == channel && keys.Contains(e.DedupeKey)).ToListAsync())
            {
                known[(row.Channel, row.DedupeKey)] = row;
            }
        }

        var outcomes = new List<(Pending Pending, AdmissionKind Kind, InboundEvent Row)>(batch.Count);
        var addedNow = new HashSet<(string, string)>();
        foreach (var pending in batch)
        {
            var item = pending.Item;
            var key = (item.Channel, item.DedupeKey);
            if (!known.TryGetValue(key, out var row))
            {
                row = NewRow(item, now, owner, lease);
                db.InboundEvents.Add(row);
                known[key] = row;
                addedNow.Add(key);
                outcomes.Add((pending, AdmissionKind.New, row));
                continue;
            }

            outcomes.Add((pending, Redelivered(row, item, now, owner, lease, addedNow.Contains(key)), row));
        }

        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        foreach (var (pending, kind, row) in outcomes)
        {
            var runs = kind is AdmissionKind.New or AdmissionKind.Again && owner is not null;
            pending.Result.TrySetResult(new Admission(kind,
                runs ? new InboxWork(row.Id, row.Channel, row.Kind, row.ConversationKey, row.PayloadJson, row.Attempts) : null,
                row.ResponseJson));
        }
    }

    /// <summary>A new item's row: received now, leased to <paramref name="owner"/> (none while draining, or while the runner is full).</summary>
    private static InboundEvent NewRow(InboundItem item, DateTimeOffset now, string? owner, DateTimeOffset? lease) => new()
    {
        Channel = item.Channel,
        DedupeKey = item.DedupeKey,
        Kind = item.Kind,
        ConversationKey = item.ConversationKey,
        PayloadJson = item.Payload,
        ReceivedAt = now,
        NextAttemptAt = now,
        Status = InboundStatus.Received,
        LeaseOwner = owner,
        LeaseUntil = lease,
    };

    /// <summary>A key seen before: done, held by a run, or taken again (failed, or its holder's lease lapsed).</summary>
    private static AdmissionKind Redelivered(InboundEvent row, InboundItem item, DateTimeOffset now, string? owner, DateTimeOffset? lease, bool storedInThisBatch)
    {
        if (storedInThisBatch)
        {
            return AdmissionKind.Running;
        }

        switch (row.Status)
        {
            case InboundStatus.Processed:
                return AdmissionKind.Done;
            case InboundStatus.Received when row.LeaseUntil is { } until && until > now:
                return AdmissionKind.Running;
            default:
                // Failed, or left by an instance that died: this delivery runs it again, from a clean slate.
                if (row.Status == InboundStatus.Failed)
                {
                    row.Attempts = 0;
                    row.Error = null;
                }

                row.Status = InboundStatus.Received;
                row.PayloadJson ??= item.Payload;
                row.NextAttemptAt = now;
                row.LeaseOwner = owner;
                row.LeaseUntil = lease;
                return AdmissionKind.Again;
        }
    }

    /// <summary>Forgets done items past <see cref="InboxOptions.DoneRetention"/> and failed ones past <see cref="InboxOptions.FailedRetention"/>.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var done = now - options.Value.DoneRetention;
        var failed = now - options.Value.FailedRetention;
        await using var db = factory.Create();
        return await db.InboundEvents
            .Where(e => (e.Status == InboundStatus.Processed && e.ReceivedAt < done) || (e.Status == InboundStatus.Failed && e.ReceivedAt < failed))
            .ExecuteDeleteAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer;
        if (insert is not null)
        {
            await insert.DisposeAsync();
        }
    }

    private sealed class Pending(InboundItem item)
    {
        public InboundItem Item { get; } = item;

        public TaskCompletionSource<Admission> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>This process's name in leases: unique per start, so a restarted instance never mistakes its predecessor's leases for its own.</summary>
public sealed class InboxInstance
{
    public string Id { get; } = $"{Environment.ProcessId}:{Guid.NewGuid():N}";
}
