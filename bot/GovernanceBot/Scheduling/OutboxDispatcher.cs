using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Scheduling;

/// <summary>
/// Drains the outbox as a pipeline: claims due rows in batches with a lease (a conditional update
/// stamped per claim, so several instances sharing one store never claim the same row) while the
/// previous batch is still being sent; paces sends evenly within per-conversation and global rate
/// limits; honours Retry-After; backs off on transient failures; records permanent ones.
/// <para>
/// Exactly once across crashes: a row is marked "send started" (committed) before its send, and
/// the mark is cleared when the outcome is recorded. A row found still marked after its lease ran
/// out was in flight when its instance died; before sending it again the dispatcher asks the
/// platform whether the message arrived (<see cref="IChannelSender.FindSentAsync"/>: Slack finds it
/// by the outbox key carried in the message's metadata). Only a platform that cannot be asked
/// (Teams has no message history for bots) may see such a message twice, and only the few that
/// were in flight at the crash.
/// </para>
/// <para>
/// Three parts, one concern each: <see cref="OutboxClaims"/> (claiming, leases, the send-started
/// mark), <see cref="OutboxPacing"/> (rate limits) and <see cref="OutboxSending"/> (one payload to its
/// platform). This class runs the pipeline and records each outcome.
/// </para>
/// </summary>
public sealed class OutboxDispatcher(
    IGovernanceDbFactory factory,
    IEnumerable<IChannelSender> senders,
    Outbox outbox,
    IEnumerable<IHomeSender> homeSenders,
    IOptions<OutboxOptions> options,
    IOptions<StoreOptions> store,
    InstanceRegistry instances,
    TimeProvider time,
    BotMetrics metrics,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly OutboxClaims claims = new(factory, options, store, time);
    private readonly OutboxSending sending = new(senders, homeSenders, new OutboxPacing(options, instances), time, metrics, logger);
    private long lastDepthReport;
    private readonly SemaphoreSlim wake = new(0);

    /// <summary>Asks the dispatcher to look now rather than at its next poll.</summary>
    public void Wake() => wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // On SQLite, sending what is answered goes before running more turns (the inbox goes first).
        SqliteWriteGate.Prioritise(WritePriority.Send);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunAsync(untilIdle: false, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.OutboxPassFailed(logger, ex);
                await Task.Delay(options.Value.PollInterval, stoppingToken);
            }
        }
    }

    /// <summary>Sends until nothing is due and nothing is in flight (tests, the CLI, the benchmark). Returns how many rows were handled.</summary>
    public Task<int> DrainAllAsync(CancellationToken cancellationToken) => RunAsync(untilIdle: true, cancellationToken);

    /// <summary>
    /// The pipeline: one claimer keeps a bounded queue of claimed rows topped up while the workers
    /// send, so a slow send (or one waiting for its pace) never stalls the next batch.
    /// </summary>
    private async Task<int> RunAsync(bool untilIdle, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var workers = Math.Max(1, o.Concurrency);
        var capacity = Math.Max(workers, o.BatchSize);
        var queue = Channel.CreateBounded<OutboxClaim>(new BoundedChannelOptions(capacity) { SingleWriter = true });
        var handled = 0;
        // Claimed and not yet dispatched (what is in flight), with the stamp of the claim that holds each row:
        // given back on a stop, so a restart need not wait out their leases.
        var outstanding = new ConcurrentDictionary<long, string>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sending = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            await foreach (var claim in queue.Reader.ReadAllAsync(stop.Token))
            {
                // Only this claim's entry: a row whose lease ran out while it waited here may have been claimed
                // again (queued a second time, under a new stamp), and that claim is still outstanding.
                var entry = KeyValuePair.Create(claim.Row.Id, claim.Stamp);
                try
                {
                    await DispatchAsync(claim, stop.Token);
                    outstanding.TryRemove(entry);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The row keeps its lease and its send-started mark: it is settled as in doubt once the lease runs out.
                    outstanding.TryRemove(entry);
                    Log.OutboxPassFailed(logger, ex);
                }
                finally
                {
                    // Stopped before its send began, it stays outstanding and is given back below.
                    Interlocked.Increment(ref handled);
                }
            }
        }, stop.Token)).ToList();

        try
        {
            while (!stop.Token.IsCancellationRequested)
            {
                // Claims only what the queue has room for, so every claimed row is queued at once (never held
                // by a claimer waiting for room, where a stop could not give it back).
                var room = capacity - queue.Reader.Count;
                var claimed = room >= capacity / 2 ? await claims.ClaimAsync(room, stop.Token) : [];
                foreach (var claim in claimed)
                {
                    outstanding[claim.Row.Id] = claim.Stamp;
                    var queued = queue.Writer.TryWrite(claim);
                    Debug.Assert(queued, "the claim was sized to the queue's room, and this is its only writer");
                }

                if (claimed.Count > 0)
                {
                    continue;
                }

                if (untilIdle && outstanding.IsEmpty)
                {
                    break;
                }

                await WaitAsync(untilIdle || !outstanding.IsEmpty ? TimeSpan.FromMilliseconds(20) : o.PollInterval, untilIdle, stop.Token);
            }
        }
        finally
        {
            queue.Writer.TryComplete();
            if (stop.IsCancellationRequested)
            {
                await Task.WhenAll(sending).ContinueWith(_ => { }, TaskScheduler.Default);
                await ReleaseAsync(outstanding);
            }
        }

        await Task.WhenAll(sending);
        return handled;
    }

    /// <summary>Gives claimed rows that were never dispatched back to the pool (their send-started mark, if any, stays).</summary>
    private async Task ReleaseAsync(ConcurrentDictionary<long, string> outstanding)
    {
        try
        {
            await claims.ReleaseAsync(outstanding);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Their leases run out on their own.
            Log.OutboxPassFailed(logger, ex);
        }
    }

    private async Task WaitAsync(TimeSpan delay, bool untilIdle, CancellationToken cancellationToken)
    {
        // The depth gauge is worth two queries once a poll interval, not on every short wait while sending.
        if (!untilIdle && Stopwatch.GetElapsedTime(Interlocked.Read(ref lastDepthReport)) >= options.Value.PollInterval)
        {
            Interlocked.Exchange(ref lastDepthReport, Stopwatch.GetTimestamp());
            await ReportDepthAsync(cancellationToken);
        }

        using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        poll.CancelAfter(delay);
        try
        {
            await wake.WaitAsync(poll.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed: look again.
        }
    }

    private async Task ReportDepthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = factory.Create();
            var pending = db.Outbox.Where(o => o.Status == OutboxStatus.Pending);
            var depth = await pending.LongCountAsync(cancellationToken);
            var oldest = depth == 0 ? (DateTimeOffset?)null : await pending.MinAsync(o => (DateTimeOffset?)o.CreatedAt, cancellationToken);
            metrics.OutboxState(depth, oldest is { } at ? time.GetUtcNow() - at : TimeSpan.Zero);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.OutboxPassFailed(logger, ex);
        }
    }

    private async Task DispatchAsync(OutboxClaim claim, CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        if (await claims.BeginAsync(db, claim, cancellationToken) is not { } attempt)
        {
            return;
        }

        SendResult result;
        using (OutboxDelivery.Begin(attempt.Row.IdempotencyKey))
        {
            try
            {
                var payload = JsonSerializer.Deserialize(attempt.Row.PayloadJson, OutboxJson.Default.OutboundPayload)
                    ?? throw new JsonException("Empty outbox payload.");
                result = await sending.SendAsync(db, attempt, payload, cancellationToken);
            }
            catch (JsonException ex)
            {
                result = SendResult.Permanent($"unreadable payload: {ex.Message}");
            }
            catch (HttpRequestException ex)
            {
                // The connection may have broken after the request went out: a send that had begun is in doubt.
                attempt.DoubtAfterwards = attempt.Sending ? attempt.Started : attempt.DoubtAfterwards;
                result = SendResult.Transient(ex.Message);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                attempt.DoubtAfterwards = attempt.Sending ? attempt.Started : attempt.DoubtAfterwards;
                result = SendResult.Transient("timed out");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failure like any other, so a row that always fails runs out of attempts. If the send
                // had begun it may have arrived: the row stays in doubt and the platform is asked first.
                Log.OutboxPassFailed(logger, ex);
                attempt.DoubtAfterwards = attempt.Sending ? attempt.Started : attempt.DoubtAfterwards;
                result = SendResult.Transient($"{ex.GetType().Name}: {ex.Message}");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !attempt.Sending)
            {
                await claims.GiveBackAsync(db, attempt);
                throw;
            }
        }

        // The send happened (or was settled): its outcome is recorded even while shutting down.
        await RecordAsync(db, attempt, result, CancellationToken.None);
    }

    private async Task RecordAsync(GovernanceDb db, OutboxAttempt attempt, SendResult result, CancellationToken cancellationToken)
    {
        var row = attempt.Row;
        var now = time.GetUtcNow();
        row.Attempts++;
        row.LockedBy = null;
        row.LockedUntil = null;
        // The outcome is known: the send is no longer in doubt (unless the platform could not be asked yet, or a send broke off).
        row.SendStartedAt = attempt.DoubtAfterwards;
        var throttled = result.RetryAfter is { } wait && wait > TimeSpan.Zero;
        if (result.Succeeded)
        {
            row.Status = OutboxStatus.Sent;
            row.SentAt = now;
            row.PlatformMessageId = result.MessageId;
            row.LastError = null;
        }
        else if (result.Failure == SendFailureKind.Permanent || (row.Attempts >= options.Value.MaxAttempts && !throttled))
        {
            // Throttling is the platform asking to wait, never a reason to give a message up.
            row.Status = OutboxStatus.Failed;
            row.LastError = Truncate(result.Reason);
            metrics.SendFailed("permanent", result.Reason);
            Log.OutboxSendFailed(logger, row.Id, row.Destination, result.Reason ?? "unknown");
            await NoticeAsync(db, row, result.Reason, cancellationToken);
        }
        else
        {
            row.NextAttemptAt = now + Backoff(row.Attempts, result.RetryAfter);
            metrics.SendFailed(throttled ? "throttled" : "transient", result.Reason);
            row.LastError = Truncate(result.Reason);
        }

        // The row alone (sent, or to try again): its outcome joins the other sends' in one commit.
        // Anything else (a card recorded under its subject, a person found unreachable, a notice
        // queued) is saved with it as one unit of work, as it always was.
        db.ChangeTracker.DetectChanges();
        if (db.ChangeTracker.Entries().All(e => ReferenceEquals(e.Entity, row) || e.State == EntityState.Unchanged))
        {
            await claims.RecordAsync(row);
            db.ChangeTracker.AcceptAllChanges();
            return;
        }

        await claims.WriteAsync(() => db.SaveChangesAsync(cancellationToken), cancellationToken);
    }

    /// <summary>
    /// A message someone caused (a request, a delegation) could not reach its person: the one who caused
    /// it is told who and why, in the same commit as the failure (so exactly once).
    /// </summary>
    private async Task NoticeAsync(GovernanceDb db, OutboxMessage row, string? reason, CancellationToken cancellationToken)
    {
        OutboundPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize(row.PayloadJson, OutboxJson.Default.OutboundPayload);
        }
        catch (JsonException)
        {
            return;
        }

        if (payload is not { Kind: OutboundKind.Person, Notice: { } notice } || string.Equals(notice.Email, payload.Email, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var text = $"I couldn't deliver {notice.What} to **{payload.Name}**: {reason ?? "their chat could not be reached"}. {Outbox.ReachAdvice}";
        await outbox.ToPersonAsync(db, row.WorkspaceId, notice.Email, notice.Name, Reply.Text(text), $"{row.IdempotencyKey}:undelivered", cancellationToken: cancellationToken);
    }

    /// <summary>Retry-After when the platform gave one, else exponential with jitter, capped.</summary>
    internal static TimeSpan Backoff(int attempts, TimeSpan? retryAfter)
    {
        if (retryAfter is { } wait && wait > TimeSpan.Zero)
        {
            return wait;
        }

        var seconds = Math.Min(300, Math.Pow(2, Math.Min(attempts, 10)));
        return TimeSpan.FromSeconds(seconds * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    private static string? Truncate(string? text) => text is { Length: > 1000 } ? text[..1000] : text;

    public override void Dispose()
    {
        sending.Dispose();
        claims.Dispose();
        wake.Dispose();
        base.Dispose();
    }
}
