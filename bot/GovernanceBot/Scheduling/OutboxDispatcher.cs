using System.Collections.Concurrent;
using System.Text.Json;
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

    /// <summary>Rows claimed per pass.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Sends in flight at once; the rate limits, not this, set the pace.</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>How long a claimed row stays reserved for this instance (longer than any send).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    public int MaxAttempts { get; set; } = 10;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Per platform: messages per second into one conversation, and for the whole app.</summary>
    public Dictionary<string, ChannelRateLimit> RateLimits { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        // platforms.md A6: 7 per second per thread, 50 per second per app and tenant.
        [ChannelNames.Teams] = new() { PerConversationPerSecond = 7, GlobalPerSecond = 50 },
        // platforms.md B5: chat.postMessage about 1 per second per channel.
        [ChannelNames.Slack] = new() { PerConversationPerSecond = 1, GlobalPerSecond = 20 },
    };
}

public sealed class ChannelRateLimit
{
    public int PerConversationPerSecond { get; set; } = 1;

    public int GlobalPerSecond { get; set; } = 20;
}

/// <summary>
/// Drains the outbox: claims due rows with a lease (a conditional update, so several instances
/// sharing one store never claim the same row), sends within per-conversation and global rate
/// limits, honours Retry-After, backs off on transient failures, and records permanent ones.
/// A row whose instance died mid-send is claimed again after its lease: delivery is at least once,
/// and only a send whose result was lost to a crash can repeat.
/// </summary>
public sealed class OutboxDispatcher(
    IGovernanceDbFactory factory,
    IEnumerable<IChannelSender> senders,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    BotMetrics metrics,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly string instance = $"{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly Dictionary<string, IChannelSender> byChannel = senders.ToDictionary(s => s.Channel, StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, RateLimiter> limiters = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim wake = new(0);

    /// <summary>Asks the dispatcher to look now rather than at its next poll.</summary>
    public void Wake() => wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = await DrainOnceAsync(stoppingToken);
                if (sent > 0)
                {
                    continue;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.OutboxPassFailed(logger, ex);
            }

            await ReportDepthAsync(stoppingToken);
            using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            poll.CancelAfter(options.Value.PollInterval);
            try
            {
                await wake.WaitAsync(poll.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // The poll interval passed: look again.
            }
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

    /// <summary>One pass: claims what is due and sends it. Returns how many rows were handled.</summary>
    public async Task<int> DrainOnceAsync(CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        await Parallel.ForEachAsync(claimed,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.Concurrency), CancellationToken = cancellationToken },
            async (id, ct) => await DispatchAsync(id, ct));
        return claimed.Count;
    }

    /// <summary>Drains until nothing is due (tests, the CLI, shutdown flushes).</summary>
    public async Task<int> DrainAllAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int handled;
        while ((handled = await DrainOnceAsync(cancellationToken)) > 0)
        {
            total += handled;
        }

        return total;
    }

    private async Task<List<long>> ClaimAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = factory.Create();
        var candidates = await db.Outbox.AsNoTracking()
            .Where(o => o.Status == OutboxStatus.Pending && o.NextAttemptAt <= now && (o.LockedUntil == null || o.LockedUntil < now))
            .OrderBy(o => o.NextAttemptAt).ThenBy(o => o.Id)
            .Select(o => o.Id)
            .Take(options.Value.BatchSize)
            .ToListAsync(cancellationToken);
        var leaseUntil = now + options.Value.Lease;
        // One conditional update claims the batch; rows another instance took meanwhile are skipped
        // by the condition, and the lease stamp tells this instance which rows are its own.
        var stamp = $"{instance}:{Guid.NewGuid():N}";
        await db.Outbox
            .Where(o => candidates.Contains(o.Id) && o.Status == OutboxStatus.Pending && (o.LockedUntil == null || o.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedBy, stamp).SetProperty(o => o.LockedUntil, leaseUntil), cancellationToken);
        var claimed = await db.Outbox.AsNoTracking().Where(o => o.LockedBy == stamp).Select(o => o.Id).ToListAsync(cancellationToken);
        if (claimed.Count > 0)
        {
            await db.Outbox.Where(o => o.LockedBy == stamp).ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedBy, instance), cancellationToken);
        }

        return claimed;
    }

    private async Task DispatchAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        var row = await db.Outbox.FirstAsync(o => o.Id == id, cancellationToken);
        if (row.LockedBy != instance || row.Status != OutboxStatus.Pending)
        {
            return;
        }

        SendResult result;
        try
        {
            var payload = JsonSerializer.Deserialize(row.PayloadJson, OutboxJson.Default.OutboundPayload)
                ?? throw new JsonException("Empty outbox payload.");
            result = payload.Kind switch
            {
                OutboundKind.Conversation => await SendToConversationAsync(db, row, payload.Conversation!, payload, cancellationToken),
                OutboundKind.Person => await SendToPersonAsync(db, row, payload, cancellationToken),
                _ => await UpdateCardsAsync(db, row, payload, cancellationToken),
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

        await RecordAsync(db, row, result, cancellationToken);
    }

    private async Task<SendResult> SendToConversationAsync(GovernanceDb db, OutboxMessage row, ConversationRef conversation, OutboundPayload payload, CancellationToken cancellationToken)
    {
        if (!byChannel.TryGetValue(conversation.Channel, out var sender))
        {
            return SendResult.Permanent($"{conversation.Channel} is not configured");
        }

        await AcquireAsync(conversation.Channel, $"{conversation.Channel}:{conversation.ConversationId}", cancellationToken);
        var result = await sender.SendAsync(conversation, payload.Content.ToReply(), cancellationToken);
        if (result.Succeeded && payload.Subject is { } subject && result.MessageId is { } messageId)
        {
            db.CardMessages.Add(new CardMessage
            {
                WorkspaceId = row.WorkspaceId,
                Subject = subject,
                Channel = conversation.Channel,
                ConversationJson = JsonSerializer.Serialize(conversation, ConversationJson.Default.ConversationRef),
                MessageId = messageId,
                PostedAt = time.GetUtcNow(),
            });
            await CatchUpAsync(db, row, sender, conversation, subject, messageId, cancellationToken);
        }

        return result;
    }

    private async Task<SendResult> SendToPersonAsync(GovernanceDb db, OutboxMessage row, OutboundPayload payload, CancellationToken cancellationToken)
    {
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

            return await OpenByEmailAsync(db, row, payload, cancellationToken);
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

        var result = await SendToConversationAsync(db, row, conversation, payload, cancellationToken);
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
    private async Task<SendResult> OpenByEmailAsync(GovernanceDb db, OutboxMessage row, OutboundPayload payload, CancellationToken cancellationToken)
    {
        var identities = await db.WorkspaceIdentities.Where(i => i.WorkspaceId == row.WorkspaceId).ToListAsync(cancellationToken);
        SendResult? last = null;
        foreach (var identity in identities.Where(i => byChannel.ContainsKey(i.Channel)))
        {
            var (opened, failure) = await byChannel[identity.Channel].OpenDirectAsync(identity.ExternalId, new ChatUserRef(string.Empty, payload.Name, payload.Email), cancellationToken);
            if (opened is not null)
            {
                return await SendToConversationAsync(db, row, opened, payload, cancellationToken);
            }

            last = failure;
            if (failure?.Failure == SendFailureKind.Transient)
            {
                return failure;
            }
        }

        return SendResult.Permanent(last?.Reason is { } reason
            ? $"{payload.Name} ({payload.Email}) could not be reached: {reason}"
            : $"{payload.Name} ({payload.Email}) has not talked to GovernanceBot in Teams or Slack yet, so no 1:1 chat can be opened");
    }

    private async Task<SendResult> UpdateCardsAsync(GovernanceDb db, OutboxMessage row, OutboundPayload payload, CancellationToken cancellationToken)
    {
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
            await AcquireAsync(card.Channel, $"{card.Channel}:{conversation.ConversationId}", cancellationToken);
            var result = await sender.UpdateAsync(conversation, card.MessageId, reply, cancellationToken);
            if (result.Failure == SendFailureKind.Transient)
            {
                // Updates are idempotent: the retry redoes them all.
                return result;
            }
        }

        return SendResult.Sent(null);
    }

    private async Task RecordAsync(GovernanceDb db, OutboxMessage row, SendResult result, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        row.Attempts++;
        row.LockedBy = null;
        row.LockedUntil = null;
        if (result.Succeeded)
        {
            row.Status = OutboxStatus.Sent;
            row.SentAt = now;
            row.PlatformMessageId = result.MessageId;
            row.LastError = null;
        }
        else if (result.Failure == SendFailureKind.Permanent || row.Attempts >= options.Value.MaxAttempts)
        {
            row.Status = OutboxStatus.Failed;
            row.LastError = Truncate(result.Reason);
            metrics.SendFailed("permanent", result.Reason);
            Log.OutboxSendFailed(logger, row.Id, row.Destination, result.Reason ?? "unknown");
        }
        else
        {
            row.NextAttemptAt = now + Backoff(row.Attempts, result.RetryAfter);
            metrics.SendFailed("transient", result.Reason);
            row.LastError = Truncate(result.Reason);
        }

        await db.SaveChangesAsync(cancellationToken);
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

    private async Task AcquireAsync(string channel, string destination, CancellationToken cancellationToken)
    {
        var limit = options.Value.RateLimits.TryGetValue(channel, out var configured) ? configured : new ChannelRateLimit();
        var global = limiters.GetOrAdd($"global:{channel}", _ => Limiter(limit.GlobalPerSecond));
        var local = limiters.GetOrAdd(destination, _ => Limiter(limit.PerConversationPerSecond));
        using var first = await local.AcquireAsync(1, cancellationToken);
        using var second = await global.AcquireAsync(1, cancellationToken);
    }

    /// <summary>
    /// Refilled in small steps (about every 50 ms) rather than once a second, so sends are spread
    /// evenly and a platform's sliding window never sees a burst; the step keeps the rate exact.
    /// </summary>
    private static TokenBucketRateLimiter Limiter(int perSecond)
    {
        var rate = Math.Max(1, perSecond);
        var tokens = Math.Max(1, rate / 20);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokens,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = TimeSpan.FromSeconds((double)tokens / rate),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    private static string? Truncate(string? text) => text is { Length: > 1000 } ? text[..1000] : text;

    public override void Dispose()
    {
        foreach (var limiter in limiters.Values)
        {
            limiter.Dispose();
        }

        wake.Dispose();
        base.Dispose();
    }
}
