using System.Diagnostics;
using GovernanceBot.Scheduling;

namespace GovernanceBot.Tests.Scheduling;

/// <summary>
/// The pacing limiter's promises, stated as lower bounds on the time between permits (a slow
/// machine only widens the gaps, so these cannot fail from noise).
/// </summary>
public sealed class PacingRateLimiterTests
{
    [Fact]
    public async Task NoWindowOfOneSecond_EverHoldsMoreThanTheRate_EvenWithManyWaiters()
    {
        const int rate = 20;
        using var limiter = new PacingRateLimiter(rate);
        var granted = new List<long>();
        await Task.WhenAll(Enumerable.Range(0, rate * 2 + 5).Select(async _ =>
        {
            using var lease = await limiter.AcquireAsync();
            Assert.True(lease.IsAcquired);
            lock (granted)
            {
                granted.Add(PacingRateLimiter.GrantedAt(lease)!.Value);
            }
        }));

        granted.Sort();
        for (var i = rate; i < granted.Count; i++)
        {
            Assert.True(Stopwatch.GetElapsedTime(granted[i - rate], granted[i]) >= TimeSpan.FromSeconds(1),
                $"permits {i - rate} and {i} were {Stopwatch.GetElapsedTime(granted[i - rate], granted[i]).TotalMilliseconds} ms apart");
        }
    }

    [Fact]
    public async Task PermitsAreSpreadEvenly_NotLetGoInABurst()
    {
        using var limiter = new PacingRateLimiter(10);
        var first = Stopwatch.GetTimestamp();
        using (await limiter.AcquireAsync())
        {
        }

        using (await limiter.AcquireAsync())
        {
        }

        Assert.True(Stopwatch.GetElapsedTime(first) >= TimeSpan.FromMilliseconds(99));
    }

    [Fact]
    public async Task Deferring_HoldsTheNextPermitBackForTheRetryAfter()
    {
        using var limiter = new PacingRateLimiter(1000);
        var start = Stopwatch.GetTimestamp();
        limiter.Defer(TimeSpan.FromMilliseconds(300));

        using var lease = await limiter.AcquireAsync();

        Assert.True(Stopwatch.GetElapsedTime(start) >= TimeSpan.FromMilliseconds(299));
    }

    [Fact]
    public void AnAttemptWhileThePaceIsSpent_IsRefusedWithWhenToComeBack()
    {
        using var limiter = new PacingRateLimiter(1);
        using var first = limiter.AttemptAcquire();
        using var second = limiter.AttemptAcquire();

        Assert.True(first.IsAcquired);
        Assert.False(second.IsAcquired);
        Assert.True(second.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        Assert.Equal(1, limiter.GetStatistics()!.TotalFailedLeases);
    }
}
