using System.Diagnostics;

namespace GovernanceBot.Testing;

/// <summary>Waiting for something another thread or process does, on the wall clock.</summary>
public static class Poll
{
    /// <summary>Checks <paramref name="condition"/> every 10 ms until it holds; fails with <paramref name="failure"/> after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> failure)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < timeout, failure());
            await Task.Delay(10);
        }
    }
}
