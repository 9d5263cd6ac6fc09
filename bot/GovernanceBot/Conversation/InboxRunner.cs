using System.Diagnostics;
using GovernanceBot.Hosting;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Conversation;

/// <summary>
/// Works off the inbox: turns of one conversation one at a time in arrival order, conversations in
/// parallel up to <see cref="InboxOptions.Concurrency"/>. A run reads the item back through its
/// channel, routes and handles it, and commits its replies (to the outbox, keyed by item and
/// position, so a re-run never sends twice) together with the item's "done" mark. A run that throws
/// is retried with back-off, then recorded as failed with its reason — and the person is told.
/// <para>
/// Items arrive two ways: straight from <see cref="Inbox"/> once committed (the fast path), and from
/// the store every <see cref="InboxOptions.PollInterval"/>: items nobody holds (a crashed instance's
/// after its lease lapsed, retries that came due). Leases are renewed while this instance lives.
/// </para>
/// </summary>
public sealed class InboxRunner(
    Inbox inbox,
    ConversationEngine engine,
    Outbox outbox,
    IServiceProvider services,
    IGovernanceDbFactory factory,
    IOptions<InboxOptions> options,
    BotMetrics metrics,
    TimeProvider time,
    ILogger<InboxRunner> logger) : BackgroundService
{
    // Read on first use: the channels hand items to this runner, so they cannot be built before it.
    private readonly Lazy<Dictionary<string, IInboundChannel>> byChannel = new(() =>
        services.GetServices<IInboundChannel>().ToDictionary(c => c.Channel, StringComparer.OrdinalIgnoreCase));
    private readonly Lock gate = new();
    /// <summary>Conversations with work queued or running: the queue of each (its head is running).</summary>
    private readonly Dictionary<string, Queue<InboxWork>> lanes = new(StringComparer.Ordinal);
    /// <summary>Items this instance knows it holds (queued or running), so the poller does not take them twice.</summary>
    private readonly HashSet<long> held = [];
    private readonly SemaphoreSlim slots = new(Math.Max(1, options.Value.Concurrency));
    private readonly SemaphoreSlim wake = new(0);
    private readonly CancellationTokenSource abandon = new();
    private int running;
    private TaskCompletionSource idle = Completed();

    /// <summary>Queues an item this instance took (see <see cref="Admission.Work"/>).</summary>
    public void Enqueue(InboxWork work)
    {
        bool start;
        lock (gate)
        {
            if (!held.Add(work.Id))
            {
                return;
            }

            queuedSince[work.Id] = Stopwatch.GetTimestamp();
            TellInboxIfFull();
            if (running++ == 0)
            {
                idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            start = !lanes.TryGetValue(work.ConversationKey, out var lane);
            if (start)
            {
                lanes[work.ConversationKey] = lane = new Queue<InboxWork>();
            }

            lane!.Enqueue(work);
        }

        if (start)
        {
            _ = Task.Run(() => RunLaneAsync(work.ConversationKey));
        }
    }

    /// <summary>
    /// Runs an item now, in the caller's request, and returns its answer (a Teams invoke, a Slack
    /// modal). Not cancelled with the request: a client that gave up does not leave a turn half-run,
    /// and its redelivery gets the stored answer.
    /// </summary>
    public async Task<string?> RunNowAsync(InboxWork work)
    {
        lock (gate)
        {
            held.Add(work.Id);
            TellInboxIfFull();
            if (running++ == 0)
            {
                idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        try
        {
            return await RunOneAsync(work, abandon.Token);
        }
        finally
        {
            Finished(work.Id);
        }
    }

    /// <summary>Completes when nothing is queued or running here (tests, the benchmark).</summary>
    public Task WhenIdleAsync()
    {
        lock (gate)
        {
            return idle.Task;
        }
    }

    /// <summary>Asks the runner to look in the store now rather than at its next poll.</summary>
    public void Wake() => wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastRenewal = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (time.GetUtcNow() - lastRenewal >= options.Value.Lease / 3)
                {
                    lastRenewal = time.GetUtcNow();
                    await RenewAsync(stoppingToken);
                }

                // Full batches one after another while there is room: after a long burst the items stored
                // beyond Inbox:MaxHeld wait in the store, and answering them must not wait a poll per batch.
                bool more;
                do
                {
                    var (claimed, limit) = await ClaimAsync(stoppingToken);
                    foreach (var work in claimed)
                    {
                        Enqueue(work);
                    }

                    more = limit > 0 && claimed.Count == limit;
                }
                while (more && !stoppingToken.IsCancellationRequested);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store is away for a moment: what is stored waits, and nothing new is acknowledged meanwhile.
                Log.InboxPollFailed(logger, ex);
            }

            try
            {
                await wake.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>
    /// A graceful stop: runs in flight get the host's shutdown time to finish; what is queued but not
    /// started is given back (unleased) for the next instance or start, and items stored from now on are
    /// left unleased too.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        inbox.StopLeasing();
        await base.StopAsync(cancellationToken);
        var queued = new List<long>();
        lock (gate)
        {
            foreach (var lane in lanes.Values)
            {
                // The head has begun (or is about to): it finishes. The rest of the lane is given back.
                var head = lane.Dequeue();
                queued.AddRange(lane.Select(w => w.Id));
                lane.Clear();
                lane.Enqueue(head);
            }
        }

        foreach (var id in queued)
        {
            Finished(id);
        }

        await ReleaseAsync(queued);
        try
        {
            await WhenIdleAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Out of time: what still runs keeps its lease, which lapses; another instance runs it again.
            await abandon.CancelAsync();
        }
    }

    private async Task RunLaneAsync(string conversationKey)
    {
        while (true)
        {
            InboxWork work;
            lock (gate)
            {
                var lane = lanes[conversationKey];
                if (lane.Count == 0)
                {
                    lanes.Remove(conversationKey);
                    return;
                }

                work = lane.Peek();
            }

            await slots.WaitAsync();
            var (started, overdue) = (0L, false);
            try
            {
                (started, overdue) = await AcknowledgementsFirstAsync(work.Id);
                await RunOneAsync(work, abandon.Token);
            }
            catch (Exception ex)
            {
                Log.InboxRunFailed(logger, ex, work.Id, work.Channel, work.Kind);
            }
            finally
            {
                lock (gate)
                {
                    startedAt.Remove(started);
                    if (overdue)
                    {
                        overdueNotBefore = Math.Max(overdueNotBefore, OverdueRest(started, Stopwatch.GetTimestamp()));
                    }
                }

                slots.Release();
                lock (gate)
                {
                    lanes[conversationKey].Dequeue();
                }

                Finished(work.Id);
            }
        }
    }

    /// <summary>
    /// During a burst, waits until fewer than <see cref="InboxOptions.TurnsWhileReceiving"/> turns are
    /// working (those running longer than <see cref="InboxOptions.SlowTurn"/> wait on something else
    /// and do not count): storing and acknowledging what arrives comes before answering it, and what
    /// is stored is answered once the burst is over. An item that has waited
    /// <see cref="InboxOptions.MaxAnswerDelay"/> runs anyway, one such at a time (or as many as
    /// <see cref="InboxOptions.TurnsWhileReceiving"/>), so a stream that never pauses still gets answers
    /// and its acknowledgements go on: with every overdue turn at once they fell from thousands a
    /// second to a few hundred (inbound benchmark, 2 cores). Even one at a time, back to back, they took
    /// a core: so they also rest between them, to keep to <see cref="InboxOptions.OverdueShare"/> of
    /// the time. Returns when this turn started (its key in the running set), and whether it started
    /// because it was overdue.
    /// </summary>
    private async Task<(long Started, bool Overdue)> AcknowledgementsFirstAsync(long id)
    {
        while (true)
        {
            lock (gate)
            {
                var now = Stopwatch.GetTimestamp();
                var receiving = inbox.Receiving;
                var working = receiving ? startedAt.Count(s => Stopwatch.GetElapsedTime(s, now) < options.Value.SlowTurn) : 0;
                var free = !receiving || working < options.Value.TurnsWhileReceiving;
                var overdue = !free
                    && now >= overdueNotBefore
                    && working < Math.Max(1, options.Value.TurnsWhileReceiving)
                    && queuedSince.TryGetValue(id, out var since) && Stopwatch.GetElapsedTime(since, now) >= options.Value.MaxAnswerDelay;
                if (free || overdue)
                {
                    // Unique keys: two turns starting in the same tick are told apart.
                    while (!startedAt.Add(now))
                    {
                        now++;
                    }

                    // While an overdue turn works no other starts (it counts as working); its end sets the rest.
                    return (now, overdue);
                }
            }

            await Task.Delay(AcknowledgementsFirstPause);
        }
    }

    private static readonly TimeSpan AcknowledgementsFirstPause = TimeSpan.FromMilliseconds(5);

    /// <summary>When the next overdue turn may start during a burst (a <see cref="Stopwatch"/> timestamp); guarded by the gate.</summary>
    private long overdueNotBefore;

    /// <summary>
    /// When the next overdue turn may start, after one that started and ended at these timestamps:
    /// its rest keeps overdue turns to <see cref="InboxOptions.OverdueShare"/> of the time. A turn
    /// counts as working for at most <see cref="InboxOptions.SlowTurn"/> (beyond it, it was waiting on
    /// something else), so one slow platform call does not hold the next answers back for long.
    /// </summary>
    private long OverdueRest(long started, long ended)
    {
        var worked = Math.Min(ended - started, (long)(options.Value.SlowTurn.TotalSeconds * Stopwatch.Frequency));
        // Above 0 and at most 1: checked when the host starts (ConversationSetup).
        var share = options.Value.OverdueShare;
        return ended + (long)(worked * ((1 - share) / share));
    }

    /// <summary>Called under the gate whenever <see cref="held"/> changes: the inbox stores new items unleased while this holds <see cref="InboxOptions.MaxHeld"/>.</summary>
    private void TellInboxIfFull() => inbox.Full = held.Count >= options.Value.MaxHeld;

    /// <summary>When each item queued here was handed over (<see cref="Stopwatch"/> timestamps).</summary>
    private readonly Dictionary<long, long> queuedSince = [];

    /// <summary>When each running lane turn started (<see cref="Stopwatch"/> timestamps).</summary>
    private readonly HashSet<long> startedAt = [];

    /// <summary>One run of one item: read back, route and handle, commit replies with the done mark (or retry, or fail).</summary>
    private async Task<string?> RunOneAsync(InboxWork work, CancellationToken cancellationToken)
    {
        if (!byChannel.Value.TryGetValue(work.Channel, out var channel) || work.Payload is null)
        {
            await FailAsync(work, work.Payload is null ? "stored without a payload" : $"{work.Channel} is not configured", null, null, cancellationToken);
            return null;
        }

        TurnWork? turn = null;
        try
        {
            var inbound = await channel.TranslateAsync(work, cancellationToken);
            switch (inbound)
            {
                case TurnWork t:
                    turn = t;
                    var outcome = await engine.RunAsync(t.Turn, t.BeforeQuestion, cancellationToken);
                    var answer = t.Answer is null ? new TurnAnswer(null, outcome.Replies) : await t.Answer(outcome.Replies, cancellationToken);
                    await CompleteAsync(work, outcome.WorkspaceId, t.Route, answer.ToSend, answer.ResponseJson, cancellationToken);
                    return answer.ResponseJson;
                case EffectWork e:
                    await e.RunAsync(cancellationToken);
                    await CompleteAsync(work, null, null, [], null, cancellationToken);
                    return null;
                default:
                    await CompleteAsync(work, null, null, [], null, cancellationToken);
                    return null;
            }
        }
        catch (Exception ex) when (!abandon.IsCancellationRequested)
        {
            await RetryOrFailAsync(work, ex, turn, cancellationToken);
            return null;
        }
    }

    /// <summary>
    /// The replies and the done mark in one commit, only while the item is still this instance's. The
    /// turns finishing together share that commit (<see cref="GroupCommit"/>): one commit per turn was
    /// most of a turn's cost on SQLite's one writer. Each turn's part is all or nothing: its done mark
    /// first, and its replies only if the mark took.
    /// </summary>
    private async Task CompleteAsync(InboxWork work, Guid? workspaceId, ReplyRoute? route, IReadOnlyList<Reply> replies, string? response, CancellationToken cancellationToken)
    {
        var marked = await completions.RunAsync(async db =>
        {
            var marked = await db.InboundEvents
                .Where(e => e.Id == work.Id && e.LeaseOwner == inbox.Instance && e.Status == InboundStatus.Received)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.Status, InboundStatus.Processed)
                    .SetProperty(e => e.ProcessedAt, time.GetUtcNow())
                    .SetProperty(e => e.ResponseJson, response)
                    .SetProperty(e => e.Attempts, work.Attempts + 1)
                    .SetProperty(e => e.LeaseOwner, (string?)null)
                    .SetProperty(e => e.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None);
            if (marked == 1 && workspaceId is { } workspace && route is not null)
            {
                for (var i = 0; i < replies.Count; i++)
                {
                    await outbox.ReplyAsync(db, workspace, route, replies[i], $"inbox:{work.Id}:{i}", CancellationToken.None);
                }

                await db.SaveChangesAsync(CancellationToken.None);
            }

            return marked;
        }, cancellationToken);
        if (marked == 0)
        {
            // Another instance took it after our lease lapsed: its run is the one that counts.
            Log.InboxLeaseLost(logger, work.Id);
            return;
        }

        if (replies.Count > 0)
        {
            services.GetService<OutboxDispatcher>()?.Wake();
        }
    }

    /// <summary>Turns' completions, committed together (<see cref="CompleteAsync"/>).</summary>
    private readonly GroupCommit completions = new(factory, WritePriority.Turn);

    private async Task RetryOrFailAsync(InboxWork work, Exception ex, TurnWork? turn, CancellationToken cancellationToken)
    {
        var attempts = work.Attempts + 1;
        var reason = ex is TurnFailedException failed ? failed.Message : $"{ex.GetType().Name}: {ex.Message}";
        if (attempts >= Math.Max(1, options.Value.MaxAttempts))
        {
            var workspace = (ex as TurnFailedException)?.WorkspaceId;
            var reply = (ex as TurnFailedException)?.Reply;
            await FailAsync(work, reason, turn?.Route is { } route && workspace is { } id && reply is not null ? (id, route, reply) : null, attempts, cancellationToken);
            return;
        }

        var next = time.GetUtcNow() + Backoff(attempts);
        Log.InboxRetry(logger, work.Id, attempts, reason);
        await using var db = factory.Create();
        // Given back to the store: the poller (of any instance) takes it when it comes due.
        await db.InboundEvents
            .Where(e => e.Id == work.Id && e.LeaseOwner == inbox.Instance && e.Status == InboundStatus.Received)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Attempts, attempts)
                .SetProperty(e => e.NextAttemptAt, next)
                .SetProperty(e => e.Error, Truncate(reason))
                .SetProperty(e => e.LeaseOwner, (string?)null)
                .SetProperty(e => e.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None);
    }

    /// <summary>Recorded as failed with its reason, for an operator (<c>inbox failed</c>); the person gets the apology.</summary>
    private async Task FailAsync(InboxWork work, string reason, (Guid Workspace, ReplyRoute Route, Reply Reply)? tell, int? attempts, CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        if (tell is { } t)
        {
            await outbox.ReplyAsync(db, t.Workspace, t.Route, t.Reply, $"inbox:{work.Id}:failed", CancellationToken.None);
            await db.SaveChangesAsync(CancellationToken.None);
        }

        var marked = await db.InboundEvents
            .Where(e => e.Id == work.Id && e.LeaseOwner == inbox.Instance && e.Status == InboundStatus.Received)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, InboundStatus.Failed)
                .SetProperty(e => e.ProcessedAt, time.GetUtcNow())
                .SetProperty(e => e.Attempts, attempts ?? work.Attempts)
                .SetProperty(e => e.Error, Truncate(reason))
                .SetProperty(e => e.LeaseOwner, (string?)null)
                .SetProperty(e => e.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None);
        if (marked == 0)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return;
        }

        await transaction.CommitAsync(CancellationToken.None);
        metrics.InboxFailed(work.Channel, work.Kind);
        Log.InboxFailed(logger, work.Id, work.Channel, work.Kind, reason);
        services.GetService<OutboxDispatcher>()?.Wake();
    }

    /// <summary>
    /// Takes due items nobody holds, as many as this instance has room for (<see cref="InboxOptions.MaxHeld"/>)
    /// up to a batch: one conditional update, so two instances never take the same item. Returns them
    /// and how many it looked for.
    /// </summary>
    private async Task<(List<InboxWork> Claimed, int Limit)> ClaimAsync(CancellationToken cancellationToken)
    {
        int limit;
        lock (gate)
        {
            limit = Math.Min(Math.Max(1, options.Value.BatchSize), options.Value.MaxHeld - held.Count);
        }

        if (limit <= 0)
        {
            return ([], 0);
        }

        var now = time.GetUtcNow();
        var until = now + options.Value.Lease;
        await using var db = factory.Create();
        // Never leased, or the lease lapsed: two ranges of one index (Status, LeaseUntil), so a poll
        // reads what it may take, not every item waiting under a live lease. As one condition with OR,
        // SQLite read all of them: after a burst of 100,000 it scanned them every poll, and acknowledged
        // about a tenth less meanwhile (inbound benchmark).
        var due = db.InboundEvents.AsNoTracking().Where(e => e.Status == InboundStatus.Received && e.NextAttemptAt <= now);
        var candidates = await due.Where(e => e.LeaseUntil == null).Select(e => e.Id)
            .Concat(due.Where(e => e.LeaseUntil < now).Select(e => e.Id))
            .OrderBy(id => id)
            .Take(limit)
            .ToListAsync(cancellationToken);
        lock (gate)
        {
            // Checked against the set itself: after a burst this instance holds many thousands.
            candidates.RemoveAll(held.Contains);
        }

        if (candidates.Count == 0)
        {
            return ([], limit);
        }

        await db.InboundEvents
            .Where(e => candidates.Contains(e.Id) && e.Status == InboundStatus.Received && (e.LeaseUntil == null || e.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseOwner, inbox.Instance).SetProperty(e => e.LeaseUntil, until), CancellationToken.None);
        var claimed = await db.InboundEvents.AsNoTracking()
            .Where(e => candidates.Contains(e.Id) && e.LeaseOwner == inbox.Instance && e.LeaseUntil == until)
            .OrderBy(e => e.Id)
            .Select(e => new InboxWork(e.Id, e.Channel, e.Kind, e.ConversationKey, e.PayloadJson, e.Attempts))
            .ToListAsync(CancellationToken.None);
        if (claimed.Count > 0)
        {
            Log.InboxClaimed(logger, claimed.Count);
        }

        return (claimed, limit);
    }

    /// <summary>
    /// Keeps the items this instance holds (queued or running) leased to it while it lives. Only
    /// those: an item leased here that never reached the runner lets its lease lapse, and is taken again.
    /// </summary>
    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        List<long> mine;
        lock (gate)
        {
            mine = [.. held];
        }

        var until = time.GetUtcNow() + options.Value.Lease;
        await using var db = factory.Create();
        foreach (var chunk in mine.Chunk(500))
        {
            await db.InboundEvents
                .Where(e => chunk.Contains(e.Id) && e.LeaseOwner == inbox.Instance && e.Status == InboundStatus.Received)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseUntil, until), cancellationToken);
        }
    }

    private async Task ReleaseAsync(List<long> ids)
    {
        if (ids.Count == 0)
        {
            return;
        }

        try
        {
            await using var db = factory.Create();
            await db.InboundEvents
                .Where(e => ids.Contains(e.Id) && e.LeaseOwner == inbox.Instance && e.Status == InboundStatus.Received)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseOwner, (string?)null).SetProperty(e => e.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None);
            Log.InboxReleased(logger, ids.Count);
        }
        catch (Exception ex)
        {
            // Their leases lapse instead: the next instance runs them a little later.
            Log.InboxPollFailed(logger, ex);
        }
    }

    private void Finished(long id)
    {
        lock (gate)
        {
            held.Remove(id);
            queuedSince.Remove(id);
            TellInboxIfFull();
            if (held.Count == options.Value.MaxHeld / 2)
            {
                // Half the room is free: take what waits in the store (stored unleased while this was full).
                // (A lane can finish after the host has disposed the runner: then there is nothing to wake.)
                try
                {
                    wake.Release();
                }
                catch (ObjectDisposedException)
                {
                }
            }
            if (--running == 0)
            {
                idle.TrySetResult();
            }
        }
    }

    /// <summary>1, 4, 16 s… with jitter: a handler that fails for a moment (the store restarting) gets another go soon.</summary>
    internal static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(300, Math.Pow(4, attempts - 1)) * (0.75 + (Random.Shared.NextDouble() / 2)));

    private static string Truncate(string text) => text.Length > 2000 ? text[..2000] : text;

    private static TaskCompletionSource Completed()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }

    public override void Dispose()
    {
        completions.Dispose();
        slots.Dispose();
        wake.Dispose();
        abandon.Dispose();
        base.Dispose();
    }
}
