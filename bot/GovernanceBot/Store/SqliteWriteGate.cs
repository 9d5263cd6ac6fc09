using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace GovernanceBot.Store;

/// <summary>
/// SQLite has one writer. Left to itself, a writer that finds the lock taken sleeps in SQLite's busy
/// handler (1, 2, 5 … 100 ms steps, a blocked thread each) however soon the lock frees: under a burst
/// the inbox's commit, which acknowledgements wait for, slept behind turns' writes. This gate queues
/// this process's writers instead (asynchronously, no thread blocked) and hands the lock on the moment
/// it is released, in order of <see cref="WritePriority"/>: the inbox first, then the outbox, then turns. Write transactions take it when they
/// begin and give it back when they end; a write outside a transaction takes it for its statement.
/// Other processes on the same file (the CLI) still meet SQLite's busy handler, as before.
/// </summary>
internal sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbCommandInterceptor, IDbConnectionInterceptor
{
    /// <summary>Longer than this waiting for the gate fails the write, as SQLite's busy timeout would.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly AsyncLocal<WritePriority> priority = new();

    private readonly Lock sync = new();
    /// <summary>Waiters by <see cref="WritePriority"/>, highest last.</summary>
    private readonly Queue<TaskCompletionSource>[] waiters = [new(), new(), new()];
    private readonly ConditionalWeakTable<DbConnection, Holder> holders = [];
    private readonly ConditionalWeakTable<DbTransaction, DbConnection> connections = [];
    private bool taken;

    /// <summary>Writes in this async flow (and the tasks it starts) queue at this priority.</summary>
    public static void Prioritise(WritePriority value) => priority.Value = value;

    // ---- transactions: the gate is held from BEGIN to COMMIT or ROLLBACK ----

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await EnterAsync(connection, cancellationToken);
        return result;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        EnterAsync(connection, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    // The transaction forgets its connection once it ends: remember it when it begins.

    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        connections.AddOrUpdate(result, connection);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        connections.AddOrUpdate(result, connection);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Leave(transaction);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(transaction);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Leave(transaction);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(transaction);
        return Task.CompletedTask;
    }

    // A failed commit or rollback: SQLite has rolled back or the connection is broken; either way
    // the transaction is over, or ends when the connection closes (below).
    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Leave(transaction);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(transaction);
        return Task.CompletedTask;
    }

    // A transaction disposed without commit or rollback (an exception) is rolled back by SQLite; EF
    // then closes the connection it opened for it, or the context disposes it.

    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(connection);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult ConnectionDisposing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionDisposingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(connection);
        return ValueTask.FromResult(result);
    }

    // ---- a write outside a transaction (ExecuteUpdate, ExecuteDelete, raw SQL): held for the statement ----

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (command.Transaction is null && command.Connection is { } connection)
        {
            await EnterAsync(connection, cancellationToken);
        }

        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (command.Transaction is null && command.Connection is { } connection)
        {
            EnterAsync(connection, CancellationToken.None).GetAwaiter().GetResult();
        }

        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        LeaveStatement(command);
        return ValueTask.FromResult(result);
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        LeaveStatement(command);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => LeaveStatement(command);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveStatement(command);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => LeaveStatement(command);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveStatement(command);
        return Task.CompletedTask;
    }

    // ---- the lock ----

    private async Task EnterAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var holder = holders.GetOrCreateValue(connection);
        if (holder.Holds)
        {
            // This connection has it already (a statement inside its own transaction).
            return;
        }

        TaskCompletionSource? wait = null;
        lock (sync)
        {
            if (!taken)
            {
                taken = true;
            }
            else
            {
                wait = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waiters[(int)priority.Value].Enqueue(wait);
            }
        }

        if (wait is not null)
        {
            try
            {
                await wait.Task.WaitAsync(Timeout, cancellationToken);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                // Given up: if the lock was handed over meanwhile, pass it on.
                if (!wait.TrySetCanceled(CancellationToken.None))
                {
                    Release();
                }

                throw ex is TimeoutException ? new TimeoutException("The store's write lock was not free within 30 s.", ex) : ex;
            }
        }

        holder.Holds = true;
    }

    private void LeaveStatement(DbCommand command)
    {
        if (command.Transaction is null && command.Connection is { } connection)
        {
            Leave(connection);
        }
    }

    private void Leave(DbTransaction transaction)
    {
        if (connections.TryGetValue(transaction, out var connection))
        {
            connections.Remove(transaction);
            Leave(connection);
        }
    }

    private void Leave(DbConnection connection)
    {
        if (holders.TryGetValue(connection, out var holder) && holder.Holds)
        {
            holder.Holds = false;
            Release();
        }
    }

    private void Release()
    {
        lock (sync)
        {
            for (var level = waiters.Length - 1; level >= 0; level--)
            {
                while (waiters[level].TryDequeue(out var next))
                {
                    // Still held: it passes to the next waiter that has not given up.
                    if (next.TrySetResult())
                    {
                        return;
                    }
                }
            }

            taken = false;
        }
    }

    private sealed class Holder
    {
        public bool Holds { get; set; }
    }
}

/// <summary>
/// Who goes first for SQLite's write lock (<see cref="SqliteWriteGate"/>). Storing what arrives comes
/// first (acknowledgements wait for it); sending what turns have answered comes before running more
/// turns, so answers keep flowing while a backlog is worked off instead of piling up in the outbox.
/// </summary>
internal enum WritePriority
{
    Turn = 0,
    Send = 1,
    Receive = 2,
}
