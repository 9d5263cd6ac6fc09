using System.Diagnostics;

namespace GovernanceBot.Bench.Inbound;

/// <summary>One request to send, and the conversation whose answer it asks for (null: none expected).</summary>
public sealed record LoadRequest(HttpRequestMessage Message, string? Conversation);

/// <summary>What one timed load phase saw.</summary>
public sealed record LoadResult(
    long Acknowledged,
    long Errors,
    TimeSpan Elapsed,
    long EndedAt,
    double P50Ms,
    double P99Ms,
    IReadOnlyDictionary<string, int> AcknowledgedPerConversation,
    IReadOnlyDictionary<string, int> ErrorKinds)
{
    public double PerSecond => Acknowledged / Elapsed.TotalSeconds;
}

/// <summary>
/// N connections, each sending requests back to back (the next one leaves when the previous
/// answer is read), first for a warm-up whose results are dropped, then for a fixed time. A
/// request counts as acknowledged on any 2xx; anything else, and a transport failure, is an error.
/// </summary>
public static class LoadGenerator
{
    /// <param name="next">Builds request number n; the flag says whether it belongs to the warm-up.</param>
    /// <param name="timedPhaseStarting">Called between the warm-up and the timed phase (to read the target's CPU time).</param>
    public static async Task<LoadResult> RunAsync(Func<long, bool, LoadRequest> next, int connections, TimeSpan warmUp, TimeSpan duration, Action timedPhaseStarting)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

        if (warmUp > TimeSpan.Zero)
        {
            await PhaseAsync(http, next, connections, warmUp, warmUp: true);
        }

        timedPhaseStarting();
        return await PhaseAsync(http, next, connections, duration, warmUp: false);
    }

    private static async Task<LoadResult> PhaseAsync(HttpClient http, Func<long, bool, LoadRequest> next, int connections, TimeSpan duration, bool warmUp)
    {
        long sequence = -1;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            var tally = new WorkerTally();
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var request = next(Interlocked.Increment(ref sequence), warmUp);
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(request.Message);
                    await response.Content.LoadIntoBufferAsync();
                    var latency = Stopwatch.GetTimestamp() - sent;
                    if (response.IsSuccessStatusCode)
                    {
                        tally.Latencies.Add(latency);
                        if (request.Conversation is { } conversation)
                        {
                            tally.Conversations[conversation] = tally.Conversations.GetValueOrDefault(conversation) + 1;
                        }
                    }
                    else
                    {
                        tally.Error($"HTTP {(int)response.StatusCode}");
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    tally.Error(ex is HttpRequestException { HttpRequestError: var kind } ? kind.ToString() : "timeout");
                }
                finally
                {
                    request.Message.Dispose();
                }
            }

            return tally;
        })).ToList();
        var tallies = await Task.WhenAll(workers);
        var ended = Stopwatch.GetTimestamp();

        var latencies = tallies.SelectMany(t => t.Latencies).Order().ToArray();
        var perConversation = new Dictionary<string, int>(StringComparer.Ordinal);
        var errors = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var tally in tallies)
        {
            foreach (var (conversation, count) in tally.Conversations)
            {
                perConversation[conversation] = perConversation.GetValueOrDefault(conversation) + count;
            }

            foreach (var (kind, count) in tally.Errors)
            {
                errors[kind] = errors.GetValueOrDefault(kind) + count;
            }
        }

        return new LoadResult(
            latencies.Length,
            errors.Values.Sum(),
            Stopwatch.GetElapsedTime(started, ended),
            ended,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            perConversation,
            errors);
    }

    private static double Percentile(long[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)] * 1000.0 / Stopwatch.Frequency;

    /// <summary>One connection's own counts, merged after the phase so the timed path shares nothing.</summary>
    private sealed class WorkerTally
    {
        public List<long> Latencies { get; } = new(capacity: 1 << 14);

        public Dictionary<string, int> Conversations { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> Errors { get; } = new(StringComparer.Ordinal);

        public void Error(string kind) => Errors[kind] = Errors.GetValueOrDefault(kind) + 1;
    }
}
