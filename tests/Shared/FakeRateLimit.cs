using System.Diagnostics;

namespace GovernanceBot.Testing;

/// <summary>
/// A platform's message rate limit as a fake server enforces it: at most <see cref="PerSecond"/>
/// requests in any sliding one-second window (wall-clock time: it is the network's limit, not the
/// bot's business clock). A request beyond it is refused, and the fake answers HTTP 429 with
/// <c>Retry-After: </c><see cref="RetryAfterSeconds"/>. Counts what it admitted and refused.
/// </summary>
public sealed class FakeRateLimit(int perSecond, int retryAfterSeconds = 1)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private readonly Queue<long> admittedAt = new();
    private readonly Lock gate = new();
    private int admitted;
    private int rejected;

    public int PerSecond => perSecond;

    public int RetryAfterSeconds => retryAfterSeconds;

    public TimeSpan RetryAfter => TimeSpan.FromSeconds(retryAfterSeconds);

    public int Admitted => Volatile.Read(ref admitted);

    public int Rejected => Volatile.Read(ref rejected);

    /// <summary>True when the request fits in the window (and is counted in it); false when it must get a 429.</summary>
    public bool TryAdmit()
    {
        lock (gate)
        {
            var now = Stopwatch.GetTimestamp();
            while (admittedAt.Count > 0 && Stopwatch.GetElapsedTime(admittedAt.Peek(), now) >= Window)
            {
                admittedAt.Dequeue();
            }

            if (admittedAt.Count >= perSecond)
            {
                rejected++;
                return false;
            }

            admittedAt.Enqueue(now);
            admitted++;
            return true;
        }
    }
}
