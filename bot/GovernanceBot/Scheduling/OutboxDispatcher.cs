using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using System.Threading.RateLimiting;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Scheduling;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Rows claimed at a time; the next batch is claimed while this one is still being sent.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Sends in flight at once; the rate limits, not this, set the pace.</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>How long a claimed row stays reserved for this instance (renewed when its send starts).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    public int MaxAttempts { get; set; } = 10;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often an instance tells the store it is alive (<see cref="InstanceRegistry"/>); the global limits are shared among those heard from within three beats.</summary>
    public TimeSpan InstanceHeartbeat { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The one-second window sends are counted in is stretched by this fraction, so that network
    /// jitter between here and the platform never pushes its exact window over the limit (each
    /// send over it is a 429).
    /// </summary>
    public double SafetyMargin { get; set; } = 0.02;

    /// <summary>
    /// Per platform: messages per second into one conversation (per instance: a conversation's turns
    /// and rounds are sent by whichever instance took them), and for the whole bot (shared: each
    /// instance paces at its share, <see cref="InstanceRegistry"/>).
    /// </summary>
    public Dictionary<string, ChannelRateLimit> RateLimits { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        // platforms.md A6: 7 per second per thread, 50 per second per app and tenant.
        [ChannelNames.Teams] = new() { PerConversationPerSecond = 7, GlobalPerSecond = 50 },
        // platforms.md B5: chat.postMessage about 1 per second per channel.
        [ChannelNames.Slack] = new() { PerConversationPerSecond = 1, GlobalPerSecond = 20 },
        // views.publish, Tier 4 (100+ per minute per workspace): one a second stays under it.
        [$"{ChannelNames.Slack}.home"] = new() { PerConversationPerSecond = 1, GlobalPerSecond = 1 },
    };
}

public sealed class ChannelRateLimit
{
    public int PerConversationPerSecond { get; set; } = 1;

    public int GlobalPerSecond { get; set; } = 20;
}

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
    /// <summary>
    /// SQLite takes one writer at a time and makes the others sleep and retry; with many sends in
    /// flight that busy-waiting, not the writes, became the cost (2,000 sends: 16 s with 16 writers,
    /// 10.5 s with 4). On SQLite the dispatcher's own writes take turns here instead.
    /// </summary>
    private readonly SemaphoreSlim? sqliteWriter = string.Equals(store.Value.Provider, "sqlite", StringComparison.OrdinalIgnoreCase) ? new(1, 1) : null;

    private readonly string instance = $"{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly Dictionary<string, IChannelSender> byChannel = senders.ToDictionary(s => s.Channel, StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, PacingRateLimiter> globalLimiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, PacingRateLimiter> conversationLimiters = new(StringComparer.Ordinal);
    private long lastIdleSweep = Stopwatch.GetTimestamp();
    private long lastDepthReport;
    private readonly SemaphoreSlim wake = new(0);

    /// <summary>A claimed row, as read when claimed, and the claim's stamp (a re-claim, after the lease ran out, changes the stamp).</summary>
    private readonly record struct Claim(OutboxMessage Row, string Stamp);

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
        var queue = Channel.CreateBounded<Claim>(new BoundedChannelOptions(capacity) { SingleWriter = true });
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
                var claimed = room >= capacity / 2 ? await ClaimAsync(room, stop.Token) : [];
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
        if (outstanding.IsEmpty)
        {
            return;
        }

        try
        {
            var ids = outstanding.Keys.ToList();
            var stamps = outstanding.Values.Distinct().ToList();
            await using var db = factory.Create();
            await WriteAsync(() => db.Outbox
                .Where(o => ids.Contains(o.Id) && o.LockedBy != null && stamps.Contains(o.LockedBy))
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedBy, (string?)null).SetProperty(o => o.LockedUntil, (DateTimeOffset?)null), CancellationToken.None),
                CancellationToken.None);
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

    private async Task<List<Claim>> ClaimAsync(int limit, CancellationToken cancellationToken)
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
        return claimed.ConvertAll(row => new Claim(row, stamp));
    }

    private async Task DispatchAsync(Claim claim, CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        var row = claim.Row;
        // A mark left by an attempt that never recorded its outcome: that send is in doubt.
        var inDoubtSince = row.SendStartedAt;
        var started = time.GetUtcNow();
        var leaseUntil = started + options.Value.Lease;
        // Still this claim's (no other instance re-claimed it after a lapsed lease): mark the send as started, and renew the lease.
        var marked = await WriteAsync(() => db.Outbox
            .Where(o => o.Id == row.Id && o.LockedBy == claim.Stamp && o.Status == OutboxStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.SendStartedAt, started).SetProperty(o => o.LockedUntil, leaseUntil), cancellationToken), cancellationToken);
        if (marked == 0)
        {
            return;
        }

        db.Outbox.Attach(row);
        Settle(db, row, o => o.SendStartedAt, started);
        Settle(db, row, o => o.LockedUntil, leaseUntil);
        var attempt = new Attempt(row, inDoubtSince, started);
        SendResult result;
        using (OutboxDelivery.Begin(row.IdempotencyKey))
        {
            try
            {
                var payload = JsonSerializer.Deserialize(row.PayloadJson, OutboxJson.Default.OutboundPayload)
                    ?? throw new JsonException("Empty outbox payload.");
                result = payload.Kind switch
                {
                    OutboundKind.Conversation when payload.Conversation is { } conversation => await SendToConversationAsync(db, attempt, conversation, payload, cancellationToken),
                    OutboundKind.Conversation => SendResult.Permanent("unreadable payload: no conversation to post into"),
                    OutboundKind.Person => await SendToPersonAsync(db, attempt, payload, cancellationToken),
                    OutboundKind.Reply when payload.Route is { } route => await SendReplyAsync(db, attempt, route, payload, cancellationToken),
                    OutboundKind.Reply => SendResult.Permanent("unreadable payload: no route to reply along"),
                    OutboundKind.Home when payload.Conversation is { } person && payload.Content.Data is { } home => await PublishHomeAsync(attempt, person, home, cancellationToken),
                    OutboundKind.Home => SendResult.Permanent("unreadable payload: no person or no home to publish"),
                    _ => await UpdateCardsAsync(db, attempt, payload, cancellationToken),
                };
            }
            catch (JsonException ex)
            {
                result = SendResult.Permanent($"unreadable payload: {ex.Message}");
            }
            catch (HttpRequestException ex)
            {
                result = SendResult.Transient(ex.Message);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
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
                // Stopping before anything was sent: give the row back as it was, for the next instance or start.
                row.SendStartedAt = attempt.InDoubtSince;
                row.LockedBy = null;
                row.LockedUntil = null;
                await WriteAsync(() => db.SaveChangesAsync(CancellationToken.None), CancellationToken.None);
                throw;
            }
        }

        // The send happened (or was settled): its outcome is recorded even while shutting down.
        await RecordAsync(db, attempt, result, CancellationToken.None);
    }

    /// <summary>Tells the tracked row a value the store already has (written by a conditional update), so saving it later writes only what changed.</summary>
    private static void Settle<T>(GovernanceDb db, OutboxMessage row, System.Linq.Expressions.Expression<Func<OutboxMessage, T>> property, T value)
    {
        var entry = db.Entry(row).Property(property);
        entry.CurrentValue = value;
        entry.OriginalValue = value;
    }

    /// <summary>One attempt at a row: whether an earlier attempt's outcome was lost (and since when), so the platform is asked before sending again.</summary>
    private sealed class Attempt(OutboxMessage row, DateTimeOffset? inDoubtSince, DateTimeOffset started)
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
    /// A home tab, paced under its own name (<c>slack.home</c>): views.publish has its own rate limit
    /// (Tier 4), apart from chat.postMessage's. Publishing is idempotent: a retry or a re-send after a
    /// crash shows the same view.
    /// </summary>
    private async Task<SendResult> PublishHomeAsync(Attempt attempt, ConversationRef person, System.Text.Json.Nodes.JsonObject home, CancellationToken cancellationToken)
    {
        if (homeSenders.FirstOrDefault(s => string.Equals(s.Channel, person.Channel, StringComparison.OrdinalIgnoreCase)) is not { } sender)
        {
            return SendResult.Permanent($"{person.Channel} has no home tab to publish");
        }

        return await PacedAsync(attempt, $"{person.Channel}.home", person.ConversationId, ct => sender.PublishHomeAsync(person, home, ct), cancellationToken);
    }

    private Task<SendResult> SendToConversationAsync(GovernanceDb db, Attempt attempt, ConversationRef conversation, OutboundPayload payload, CancellationToken cancellationToken) =>
        SendIntoAsync(db, attempt, conversation, payload, (sender, ct) => sender.SendAsync(conversation, payload.Content.ToReply(), ct), cancellationToken);

    private Task<SendResult> SendReplyAsync(GovernanceDb db, Attempt attempt, ReplyRoute route, OutboundPayload payload, CancellationToken cancellationToken)
    {
        var reply = payload.Content.ToReply() with { Audience = payload.Audience, ReplacesSourceCard = payload.ReplacesSourceCard, Subject = payload.Subject };
        return SendIntoAsync(db, attempt, route.Conversation, payload, (sender, ct) => sender.ReplyAsync(route, reply, ct), cancellationToken);
    }

    /// <summary>A send into one conversation: settled first if an earlier attempt died mid-send, paced, and recorded under its subject.</summary>
    private async Task<SendResult> SendIntoAsync(GovernanceDb db, Attempt attempt, ConversationRef conversation, OutboundPayload payload,
        Func<IChannelSender, CancellationToken, Task<SendResult>> send, CancellationToken cancellationToken)
    {
        var row = attempt.Row;
        if (!byChannel.TryGetValue(conversation.Channel, out var sender))
        {
            return SendResult.Permanent($"{conversation.Channel} is not configured");
        }

        var result = attempt.InDoubtSince is { } since ? await SettleInDoubtAsync(attempt, sender, conversation, since, cancellationToken) : null;
        if (result is null)
        {
            result = await PacedAsync(attempt, conversation.Channel, conversation.ConversationId, ct => send(sender, ct), cancellationToken);
        }

        if (result.Succeeded && payload.Subject is { } subject && !payload.ReplacesSourceCard && result.MessageId is { } messageId)
        {
            db.CardMessages.Add(new CardMessage
            {
                WorkspaceId = row.WorkspaceId,
                Subject = subject,
                Channel = conversation.Channel,
                ConversationJson = JsonSerializer.Serialize(conversation, ConversationJson.Default.ConversationRef),
                ConversationId = conversation.ConversationId,
                MessageId = messageId,
                PostedAt = time.GetUtcNow(),
            });
            await CatchUpAsync(db, row, sender, conversation, subject, messageId, CancellationToken.None);
        }

        return result;
    }

    /// <summary>
    /// An earlier attempt died mid-send: asks the platform whether its message arrived. Returns the
    /// outcome to record (found, or asking failed for now), or null to send now.
    /// </summary>
    private async Task<SendResult?> SettleInDoubtAsync(Attempt attempt, IChannelSender sender, ConversationRef conversation, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var lookup = await sender.FindSentAsync(conversation, attempt.Row.IdempotencyKey, since, cancellationToken);
        var (outcome, said, result) = lookup.Outcome switch
        {
            SentLookupOutcome.Found => ("found", "it arrived; recorded as sent, not sent again", SendResult.Sent(lookup.MessageId)),
            SentLookupOutcome.NotFound => ("not_found", "it never arrived; sending it now", null),
            SentLookupOutcome.Unknowable => ("unknowable", $"{conversation.Channel} cannot say whether it arrived; sending it again", null),
            _ => ("lookup_failed", $"could not ask {conversation.Channel} ({lookup.Failure?.Reason}); asking again later",
                lookup.Failure ?? SendResult.Transient("the platform could not be asked whether the message arrived")),
        };
        metrics.InDoubtSettled(outcome);
        Log.OutboxInDoubt(logger, attempt.Row.Id, attempt.Row.Destination, said);
        // Not asked yet: the row stays in doubt for the next attempt.
        attempt.DoubtAfterwards = lookup.Outcome == SentLookupOutcome.Failed ? since : null;
        return result;
    }

    private async Task<SendResult> SendToPersonAsync(GovernanceDb db, Attempt attempt, OutboundPayload payload, CancellationToken cancellationToken)
    {
        var row = attempt.Row;
        var email = payload.Email ?? string.Empty;
        if (email.Length == 0)
        {
            return SendResult.Permanent($"{payload.Name} has no e-mail address in the governance file, so no chat account can be linked to them");
        }

        var users = await db.ChatUsers
            .Where(u => u.WorkspaceId == row.WorkspaceId && u.Email == email)
            .OrderByDescending(u => u.LastSeenAt)
            .ToListAsync(cancellationToken);
        var user = users.FirstOrDefault(u => byChannel.ContainsKey(u.Channel) && u.UnreachableReason is null);
        if (user is null)
        {
            if (users.FirstOrDefault(u => u.UnreachableReason is not null) is { } blocked)
            {
                return SendResult.Permanent($"{payload.Name} is unreachable: {blocked.UnreachableReason}");
            }

            return await OpenByEmailAsync(db, attempt, payload, cancellationToken);
        }

        var conversation = user.DirectConversationJson is { } json
            ? JsonSerializer.Deserialize(json, ConversationJson.Default.ConversationRef)
            : null;
        if (conversation is null)
        {
            var identity = await db.WorkspaceIdentities.FirstOrDefaultAsync(i => i.WorkspaceId == row.WorkspaceId && i.Channel == user.Channel, cancellationToken);
            var (opened, failure) = await byChannel[user.Channel].OpenDirectAsync(
                identity?.ExternalId ?? string.Empty, new ChatUserRef(user.ExternalUserId, user.Name, user.Email, user.AadObjectId), cancellationToken);
            if (opened is null)
            {
                return Unreachable(user, failure);
            }

            conversation = opened;
            user.DirectConversationJson = JsonSerializer.Serialize(opened, ConversationJson.Default.ConversationRef);
        }

        var result = await SendToConversationAsync(db, attempt, conversation, payload, cancellationToken);
        return result.Failure == SendFailureKind.Permanent ? Unreachable(user, result) : result;

        SendResult Unreachable(ChatUser who, SendResult? failure)
        {
            var outcome = failure ?? SendResult.Permanent("no 1:1 chat could be opened");
            if (outcome.Failure == SendFailureKind.Permanent)
            {
                who.UnreachableReason = outcome.Reason;
                who.UnreachableSince = time.GetUtcNow();
            }

            return outcome;
        }
    }

    /// <summary>
    /// A card posted late (after a retry) may have missed an update of its subject that was already
    /// sent to the other copies: apply the latest such update to it at once, so no copy stays stale.
    /// </summary>
    private static async Task CatchUpAsync(GovernanceDb db, OutboxMessage row, IChannelSender sender, ConversationRef conversation,
        string subject, string messageId, CancellationToken cancellationToken)
    {
        var update = await db.Outbox.AsNoTracking()
            .Where(o => o.WorkspaceId == row.WorkspaceId && o.Subject == subject && o.Channel == "update"
                && o.Status == OutboxStatus.Sent && o.CreatedAt >= row.CreatedAt && o.Id != row.Id)
            .OrderByDescending(o => o.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (update is not null && JsonSerializer.Deserialize(update.PayloadJson, OutboxJson.Default.OutboundPayload) is { } latest)
        {
            await sender.UpdateAsync(conversation, messageId, latest.Content.ToReply(), cancellationToken);
        }
    }

    /// <summary>Someone who never talked to the bot: platforms that can find people by e-mail (Slack) may still reach them.</summary>
    private async Task<SendResult> OpenByEmailAsync(GovernanceDb db, Attempt attempt, OutboundPayload payload, CancellationToken cancellationToken)
    {
        var identities = await db.WorkspaceIdentities.Where(i => i.WorkspaceId == attempt.Row.WorkspaceId).ToListAsync(cancellationToken);
        SendResult? last = null;
        foreach (var identity in identities.Where(i => byChannel.ContainsKey(i.Channel)))
        {
            var (opened, failure) = await byChannel[identity.Channel].OpenDirectAsync(identity.ExternalId, new ChatUserRef(string.Empty, payload.Name, payload.Email), cancellationToken);
            if (opened is not null)
            {
                return await SendToConversationAsync(db, attempt, opened, payload, cancellationToken);
            }

            last = failure;
            if (failure?.Failure == SendFailureKind.Transient)
            {
                return failure;
            }
        }

        return SendResult.Permanent(last?.Reason is { } reason
            ? reason.StartsWith(payload.Name ?? "\0", StringComparison.Ordinal) ? reason : $"{payload.Name} ({payload.Email}) could not be reached: {reason}"
            : $"{payload.Name} ({payload.Email}) has not talked to GovernanceBot in Teams or Slack yet, so no 1:1 chat can be opened");
    }

    private async Task<SendResult> UpdateCardsAsync(GovernanceDb db, Attempt attempt, OutboundPayload payload, CancellationToken cancellationToken)
    {
        var row = attempt.Row;
        var posted = await db.CardMessages.AsNoTracking()
            .Where(c => c.WorkspaceId == row.WorkspaceId && c.Subject == payload.Subject)
            .ToListAsync(cancellationToken);
        var reply = payload.Content.ToReply();
        foreach (var card in posted)
        {
            if (!byChannel.TryGetValue(card.Channel, out var sender))
            {
                continue;
            }

            var conversation = JsonSerializer.Deserialize(card.ConversationJson, ConversationJson.Default.ConversationRef)!;
            var result = await PacedAsync(attempt, card.Channel, conversation.ConversationId,
                ct => sender.UpdateAsync(conversation, card.MessageId, reply, ct), cancellationToken);
            if (result.Failure == SendFailureKind.Transient)
            {
                // Updates are idempotent: the retry redoes them all.
                return result;
            }
        }

        return SendResult.Sent(null);
    }

    private async Task RecordAsync(GovernanceDb db, Attempt attempt, SendResult result, CancellationToken cancellationToken)
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

        await WriteAsync(() => db.SaveChangesAsync(cancellationToken), cancellationToken);
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

    private async Task<int> WriteAsync(Func<Task<int>> write, CancellationToken cancellationToken)
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

    /// <summary>
    /// Sends once the conversation's and the platform's pace allow. A throttled answer holds the
    /// conversation's pace back for its Retry-After, so the sends queued behind it wait too instead
    /// of collecting 429s of their own. Waiting for the pace can be cancelled (shutting down); a
    /// send, once begun, is not: it finishes and its outcome is recorded, so a graceful stop leaves
    /// nothing in doubt.
    /// </summary>
    private async Task<SendResult> PacedAsync(Attempt attempt, string channel, string conversationId, Func<CancellationToken, Task<SendResult>> send, CancellationToken cancellationToken)
    {
        var conversation = ConversationLimiter(channel, $"{channel}:{conversationId}");
        using (await conversation.AcquireAsync(1, cancellationToken))
        {
            var global = GlobalLimiter(channel);
            using var lease = await global.AcquireAsync(1, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            attempt.Sending = true;
            var result = await send(CancellationToken.None);
            if (result.RetryAfter is { } wait)
            {
                conversation.Defer(wait);
                global.Refund(lease);
            }

            return result;
        }
    }

    /// <summary>This instance's share of the platform's global limit; paced anew when the number of instances changes.</summary>
    private PacingRateLimiter GlobalLimiter(string channel)
    {
        if (Interlocked.Exchange(ref subscribed, 1) == 0)
        {
            // A limiter in use finishes its sends at the old pace; the next send takes a new one.
            instances.Changed += globalLimiters.Clear;
        }

        return globalLimiters.GetOrAdd(channel, c => Pacer(c, l => Math.Max(1, l.GlobalPerSecond / instances.Live)));
    }

    private int subscribed;

    /// <summary>One pace per conversation, created on first use; those idle for a minute are dropped (a round touches thousands of DMs once).</summary>
    private PacingRateLimiter ConversationLimiter(string channel, string destination)
    {
        var last = Interlocked.Read(ref lastIdleSweep);
        if (Stopwatch.GetElapsedTime(last) > IdleLimiterLifetime && Interlocked.CompareExchange(ref lastIdleSweep, Stopwatch.GetTimestamp(), last) == last)
        {
            foreach (var idle in conversationLimiters.Where(l => l.Value.IdleDuration > IdleLimiterLifetime).ToList())
            {
                conversationLimiters.TryRemove(idle);
            }
        }

        return conversationLimiters.GetOrAdd(destination, _ => Pacer(channel, l => l.PerConversationPerSecond));
    }

    private static readonly TimeSpan IdleLimiterLifetime = TimeSpan.FromMinutes(1);

    private PacingRateLimiter Pacer(string channel, Func<ChannelRateLimit, int> rate)
    {
        var limit = options.Value.RateLimits.TryGetValue(channel, out var configured) ? configured : new ChannelRateLimit();
        return new PacingRateLimiter(Math.Max(1, rate(limit)), options.Value.SafetyMargin);
    }

    private static string? Truncate(string? text) => text is { Length: > 1000 } ? text[..1000] : text;

    public override void Dispose()
    {
        foreach (var limiter in globalLimiters.Values)
        {
            limiter.Dispose();
        }

        foreach (var limiter in conversationLimiters.Values)
        {
            limiter.Dispose();
        }

        wake.Dispose();
        sqliteWriter?.Dispose();
        base.Dispose();
    }
}
