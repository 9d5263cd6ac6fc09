using System.Collections.Concurrent;
using System.Diagnostics;
using GovernanceBot.Conversation;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Scheduling;

/// <summary>
/// The outbox's pacing: sends spread evenly within each conversation's limit and this instance's
/// share of the platform's global limit (<see cref="InstanceRegistry"/>), and a throttled answer
/// (Retry-After) holds the conversation back.
/// </summary>
internal sealed class OutboxPacing(IOptions<OutboxOptions> options, InstanceRegistry instances) : IDisposable
{
    private static readonly TimeSpan IdleLimiterLifetime = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, PacingRateLimiter> globalLimiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, PacingRateLimiter> conversationLimiters = new(StringComparer.Ordinal);
    private long lastIdleSweep = Stopwatch.GetTimestamp();
    private int subscribed;

    /// <summary>
    /// Sends once the conversation's and the platform's pace allow. A throttled answer holds the
    /// conversation's pace back for its Retry-After, so the sends queued behind it wait too instead
    /// of collecting 429s of their own. Waiting for the pace can be cancelled (shutting down); a
    /// send, once begun, is not: it finishes and its outcome is recorded, so a graceful stop leaves
    /// nothing in doubt.
    /// </summary>
    public async Task<SendResult> PacedAsync(OutboxAttempt attempt, string channel, string conversationId, Func<CancellationToken, Task<SendResult>> send, CancellationToken cancellationToken)
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

    private PacingRateLimiter Pacer(string channel, Func<ChannelRateLimit, int> rate)
    {
        var limit = options.Value.RateLimits.TryGetValue(channel, out var configured) ? configured : new ChannelRateLimit();
        return new PacingRateLimiter(Math.Max(1, rate(limit)), options.Value.SafetyMargin);
    }

    public void Dispose()
    {
        foreach (var limiter in globalLimiters.Values)
        {
            limiter.Dispose();
        }

        foreach (var limiter in conversationLimiters.Values)
        {
            limiter.Dispose();
        }
    }
}
