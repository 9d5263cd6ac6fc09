using System.Threading.Channels;
using GovernanceBot.Hosting;

namespace GovernanceBot.Channels.Slack;

/// <summary>
/// "Ack first, then work": requests are answered at once and what takes longer (routing, the
/// handler, sending replies) runs here, a bounded in-process queue drained by a few workers.
/// </summary>
public sealed class SlackBackgroundWork(ILogger<SlackBackgroundWork> logger) : BackgroundService
{
    private const int Workers = 4;
    private readonly Channel<(string Kind, Func<CancellationToken, Task> Work)> queue =
        Channel.CreateBounded<(string, Func<CancellationToken, Task>)>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.Wait });
    private readonly Lock gate = new();
    private int pending;
    private TaskCompletionSource idle = Completed();
    private CancellationToken stopping = CancellationToken.None;

    /// <summary>Queues work; waits only when the queue is full (back-pressure rather than dropping).</summary>
    public async ValueTask EnqueueAsync(string kind, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        Started();
        try
        {
            await queue.Writer.WriteAsync((kind, work), cancellationToken);
        }
        catch
        {
            Finished();
            throw;
        }
    }

    /// <summary>Starts work now (not queued) and tracks it like queued work; the caller may await it for a while.</summary>
    public Task StartNow(string kind, Func<CancellationToken, Task> work)
    {
        Started();
        return RunAsync(kind, work, stopping);
    }

    /// <summary>Completes when no work is queued or running (tests, and an orderly shutdown).</summary>
    public Task WhenIdleAsync()
    {
        lock (gate)
        {
            return idle.Task;
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        stopping = stoppingToken;
        return Parallel.ForEachAsync(
            queue.Reader.ReadAllAsync(stoppingToken),
            new ParallelOptions { MaxDegreeOfParallelism = Workers, CancellationToken = stoppingToken },
            async (item, token) => await RunAsync(item.Kind, item.Work, token));
    }

    private async Task RunAsync(string kind, Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        try
        {
            await work(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the platform retries what we did not finish answering.
        }
        catch (Exception ex)
        {
            Log.SlackWorkFailed(logger, ex, kind);
        }
        finally
        {
            Finished();
        }
    }

    private void Started()
    {
        lock (gate)
        {
            if (pending++ == 0)
            {
                idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private void Finished()
    {
        lock (gate)
        {
            if (--pending == 0)
            {
                idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource Completed()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }
}
