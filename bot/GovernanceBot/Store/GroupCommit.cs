using System.Threading.Channels;

namespace GovernanceBot.Store;

/// <summary>
/// Small writes that arrive together are committed together: each caller queues its write and waits
/// for the commit that holds it, as if it had committed alone. A commit, not a row, is what costs
/// (SQLite has one writer; PostgreSQL flushes its log per commit), so writers that used to commit
/// one at a time (a turn's done mark, a send's marks) now share commits.
/// <para>
/// A write runs on the batch's context inside its transaction and must leave nothing tracked that
/// a later write could trip over (the context is cleared after each). When the batch's commit fails,
/// its writes are committed one by one, so only the write the store refuses sees the error. A write
/// still queued when its caller's token fires is dropped; one whose commit has begun finishes.
/// </para>
/// </summary>
internal sealed class GroupCommit : IDisposable
{
    /// <summary>At most this many writes in one commit.</summary>
    private const int MaxBatch = 256;

    private readonly IGovernanceDbFactory factory;
    private readonly WritePriority priority;
    private readonly Func<Func<Task<int>>, Task<int>> around;
    private readonly Channel<Write> queue = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock start = new();
    private Task? loop;

    /// <param name="factory">Where the batch's context comes from.</param>
    /// <param name="priority">The queue the batches take on SQLite's write lock (<see cref="SqliteWriteGate"/>).</param>
    /// <param name="around">Wraps each commit (the outbox's own turn-taking for its writes); none by default.</param>
    public GroupCommit(IGovernanceDbFactory factory, WritePriority priority, Func<Func<Task<int>>, Task<int>>? around = null)
    {
        this.factory = factory;
        this.priority = priority;
        this.around = around ?? (commit => commit());
    }

    /// <summary>Runs <paramref name="write"/> in the next batch and returns its result once that batch is committed.</summary>
    public async Task<T> RunAsync<T>(Func<GovernanceDb, Task<T>> write, CancellationToken cancellationToken)
    {
        var pending = new Write<T>(write, cancellationToken);
        lock (start)
        {
            loop ??= Task.Run(LoopAsync, CancellationToken.None);
        }

        ObjectDisposedException.ThrowIf(!queue.Writer.TryWrite(pending), this);

        return await pending.Result.Task;
    }

    private async Task LoopAsync()
    {
        SqliteWriteGate.Prioritise(priority);
        var batch = new List<Write>();
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var next))
            {
                if (!next.DropIfCancelled())
                {
                    batch.Add(next);
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await CommitAsync(batch);
            }
            catch (Exception) when (batch.Count > 1)
            {
                foreach (var write in batch)
                {
                    try
                    {
                        await CommitAsync([write]);
                    }
                    catch (Exception one)
                    {
                        write.Fail(one);
                    }
                }
            }
            catch (Exception ex)
            {
                batch[0].Fail(ex);
            }
        }
    }

    private async Task CommitAsync(List<Write> batch)
    {
        await around(async () =>
        {
            await using var db = factory.Create();
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            foreach (var write in batch)
            {
                try
                {
                    await write.RunAsync(db);
                }
                finally
                {
                    db.ChangeTracker.Clear();
                }
            }

            await transaction.CommitAsync(CancellationToken.None);
            return 0;
        });
        foreach (var write in batch)
        {
            write.Committed();
        }
    }

    /// <summary>Takes no more writes; what is queued is still committed (its callers are waiting for it).</summary>
    public void Dispose() => queue.Writer.TryComplete();

    private abstract class Write
    {
        public abstract bool DropIfCancelled();

        public abstract Task RunAsync(GovernanceDb db);

        public abstract void Committed();

        public abstract void Fail(Exception exception);
    }

    private sealed class Write<T>(Func<GovernanceDb, Task<T>> write, CancellationToken cancellation) : Write
    {
        private T? result;

        public TaskCompletionSource<T> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool DropIfCancelled() => cancellation.IsCancellationRequested && Result.TrySetCanceled(cancellation);

        public override async Task RunAsync(GovernanceDb db) => result = await write(db);

        public override void Committed() => Result.TrySetResult(result!);

        public override void Fail(Exception exception) => Result.TrySetException(exception);
    }
}
