using System.Diagnostics;
using GovernanceBot.Conversation;

namespace GovernanceBot.Tests.Conversation;

public sealed class ArrivalRateTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(250);

    private static long At(double seconds) => (long)(seconds * Stopwatch.Frequency);

    /// <summary>Counts <paramref name="count"/> requests, one every <paramref name="every"/> seconds from <paramref name="from"/>.</summary>
    private static ArrivalRate Arrivals(int count, double from, double every)
    {
        var rate = new ArrivalRate(Window);
        for (var i = 0; i < count; i++)
        {
            rate.Count(At(from + (i * every)));
        }

        return rate;
    }

    [Fact]
    public void ASteadyStream_ReadsAsItsRate()
    {
        // 100 a second for two seconds.
        var rate = Arrivals(200, from: 10, every: 0.01);

        Assert.InRange(rate.PerSecond(At(11.995)), 90, 110);
    }

    [Fact]
    public void ABurstFadesWithinAWindowOfItsLastRequest()
    {
        var rate = Arrivals(1000, from: 20, every: 0.001);

        Assert.True(rate.PerSecond(At(21.0)) > 500);
        // Half a window later the estimate has halved (the earlier window weighs by how much of it still counts) …
        Assert.InRange(rate.PerSecond(At(21.125)), 300, 700);
        // … and two windows on, nothing is left.
        Assert.Equal(0, rate.PerSecond(At(21.5)));
    }

    [Fact]
    public void APauseShorterThanTheWindow_DoesNotEndABurst()
    {
        var rate = Arrivals(500, from: 30, every: 0.001);

        // 50 ms without a request (the sender collecting garbage) still reads as a burst of hundreds a second.
        Assert.True(rate.PerSecond(At(30.55)) > 200);
    }

    [Fact]
    public void NoRequests_ReadAsNone()
    {
        Assert.Equal(0, new ArrivalRate(Window).PerSecond(At(5)));
    }
}
