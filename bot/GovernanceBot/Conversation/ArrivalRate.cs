using System.Diagnostics;

namespace GovernanceBot.Conversation;

/// <summary>
/// Requests a second over the last window, from two counters: this window's, and the one before
/// weighted by how much of it still falls within the last window (a sliding-window estimate). Cheap
/// enough for every request; <see cref="Stopwatch"/> timestamps are passed in, so it can be tested.
/// </summary>
internal sealed class ArrivalRate(TimeSpan window)
{
    private readonly long windowTicks = Math.Max(1, (long)(window.TotalSeconds * Stopwatch.Frequency));
    private readonly Lock sync = new();
    private long bucket;
    private long current;
    private long previous;

    public void Count(long timestamp)
    {
        lock (sync)
        {
            Advance(timestamp / windowTicks);
            current++;
        }
    }

    /// <summary>The estimated arrivals a second over the window ending at <paramref name="timestamp"/>.</summary>
    public double PerSecond(long timestamp)
    {
        lock (sync)
        {
            var now = timestamp / windowTicks;
            var (inWindow, before) = now == bucket ? (current, previous) : now == bucket + 1 ? (0L, current) : (0L, 0L);
            // The part of the window that reaches back into the bucket before this one.
            var reachBack = 1 - ((double)(timestamp % windowTicks) / windowTicks);
            return (inWindow + (before * reachBack)) * Stopwatch.Frequency / windowTicks;
        }
    }

    private void Advance(long now)
    {
        if (now == bucket)
        {
            return;
        }

        previous = now == bucket + 1 ? current : 0;
        current = 0;
        bucket = now;
    }
}
