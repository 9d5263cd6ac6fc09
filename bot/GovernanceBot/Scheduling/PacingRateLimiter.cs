using System.Diagnostics;
using System.Threading.RateLimiting;

namespace GovernanceBot.Scheduling;

/// <summary>
/// Paces sends the way chat platforms count them: never more than the rate in any sliding
/// one-second window, measured on the times the sends were actually let go, and spread evenly
/// (one every 1/rate seconds) rather than in bursts.
/// <para>
/// The token-bucket and window limiters of System.Threading.RateLimiting admit a bucket's or a
/// segment's worth more than the rate at the edges of an exact window, and a schedule-based pace
/// lets a late-woken send land closer than a second to the one it follows; each send over a
/// platform's limit comes back as a 429 and costs its message a Retry-After. A send the platform
/// refused anyway is <see cref="Refund">refunded</see>: it took nothing from the platform's window.
/// </para>
/// Waiters are served one at a time, in arrival order. Time is wall-clock time
/// (<see cref="Stopwatch"/>): the pace is set by the network peer, not by the bot's business clock.
/// </summary>
public sealed class PacingRateLimiter : RateLimiter
{
    private readonly Lock gate = new();
    private readonly SemaphoreSlim turnstile = new(1, 1);
    private readonly LinkedList<long> window = new();
    private readonly int perWindow;
    private readonly long windowTicks;
    private readonly long interval;
    private long next;
    private long deferredUntil;
    private long lastActive = Stopwatch.GetTimestamp();
    private long successful;
    private long failed;
    private int waiting;

    /// <param name="permitsPerSecond">The platform's limit per one-second window.</param>
    /// <param name="safetyMargin">The window is stretched by this fraction, so network jitter between here and the platform cannot push its count over.</param>
    public PacingRateLimiter(int permitsPerSecond, double safetyMargin = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permitsPerSecond);
        perWindow = permitsPerSecond;
        windowTicks = (long)(Stopwatch.Frequency * (1 + Math.Clamp(safetyMargin, 0, 1)));
        interval = Math.Max(1, windowTicks / perWindow);
        next = Stopwatch.GetTimestamp();
    }

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (gate)
            {
                var now = Stopwatch.GetTimestamp();
                return turnstile.CurrentCount == 0 || Volatile.Read(ref waiting) > 0 || next > now ? null : Stopwatch.GetElapsedTime(lastActive, now);
            }
        }
    }

    /// <summary>Holds every permit back until <paramref name="delay"/> from now (the platform said Retry-After).</summary>
    public void Defer(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        lock (gate)
        {
            deferredUntil = Math.Max(deferredUntil, Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency));
        }
    }

    /// <summary>When a lease's permit was let go (a <see cref="Stopwatch"/> timestamp); null for a refused or zero-permit lease.</summary>
    internal static long? GrantedAt(RateLimitLease lease) => (lease as Lease)?.Sent?.Value;

    /// <summary>Gives back a permit whose send the platform refused (429): it does not count in the platform's window.</summary>
    public void Refund(RateLimitLease lease)
    {
        if (lease is Lease { Sent: { } sent })
        {
            lock (gate)
            {
                if (sent.List == window)
                {
                    window.Remove(sent);
                }
            }
        }
    }

    public override RateLimiterStatistics GetStatistics()
    {
        lock (gate)
        {
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = turnstile.CurrentCount > 0 && SlotAfter(Stopwatch.GetTimestamp()) <= Stopwatch.GetTimestamp() ? 1 : 0,
                CurrentQueuedCount = Volatile.Read(ref waiting),
                TotalSuccessfulLeases = successful,
                TotalFailedLeases = failed,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, 1);
        if (!turnstile.Wait(0))
        {
            return Refused(TimeSpan.Zero);
        }

        try
        {
            lock (gate)
            {
                var now = Stopwatch.GetTimestamp();
                var slot = SlotAfter(now);
                return slot <= now || permitCount == 0 ? Grant(permitCount, slot, now) : Refused(Stopwatch.GetElapsedTime(now, slot));
            }
        }
        finally
        {
            turnstile.Release();
        }
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, 1);
        Interlocked.Increment(ref waiting);
        try
        {
            await turnstile.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }

        try
        {
            while (true)
            {
                TimeSpan wait;
                lock (gate)
                {
                    var now = Stopwatch.GetTimestamp();
                    var slot = SlotAfter(now);
                    if (slot <= now || permitCount == 0)
                    {
                        return Grant(permitCount, slot, now);
                    }

                    wait = Stopwatch.GetElapsedTime(now, slot);
                }

                // Woken late or early, the slot is worked out again from the times sends really went.
                await Task.Delay(wait, cancellationToken);
            }
        }
        finally
        {
            turnstile.Release();
        }
    }

    /// <summary>The earliest moment the next permit may go: its place in the even pace, a full window after the send it would push out, and no sooner than a Retry-After.</summary>
    private long SlotAfter(long now)
    {
        while (window.First is { } oldest && now - oldest.Value >= windowTicks)
        {
            window.RemoveFirst();
        }

        var slot = Math.Max(next, deferredUntil);
        return window.Count >= perWindow ? Math.Max(slot, window.First!.Value + windowTicks) : slot;
    }

    private Lease Grant(int permitCount, long slot, long now)
    {
        lastActive = now;
        if (permitCount == 0)
        {
            return new Lease(true, null, null);
        }

        successful++;
        // The even pace continues from the planned slot (a late wake-up may catch up), bounded by the window.
        next = Math.Max(slot, now - interval) + interval;
        return new Lease(true, window.AddLast(now), null);
    }

    private Lease Refused(TimeSpan retryAfter)
    {
        Interlocked.Increment(ref failed);
        return new Lease(false, null, retryAfter);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            turnstile.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class Lease(bool acquired, LinkedListNode<long>? sent, TimeSpan? retryAfter) : RateLimitLease
    {
        public LinkedListNode<long>? Sent { get; } = sent;

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
