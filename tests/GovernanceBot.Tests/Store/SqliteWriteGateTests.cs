using System.Diagnostics;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Tests.Store;

/// <summary>The in-process writer gate on a real SQLite file: writers queue (no busy-handler sleeps), by priority, and every way a write ends frees it.</summary>
public sealed class SqliteWriteGateTests : IAsyncLifetime
{
    private readonly SqliteWriteGate gate = new();
    private TestStore store = null!;

    public async Task InitializeAsync()
    {
        store = await TestStore.CreateAsync(StoreKind.Sqlite);
        await using var db = await store.OpenAsync();
    }

    public async Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await store.DisposeAsync();
    }

    private SqliteGovernanceDb Open() =>
        new(new DbContextOptionsBuilder<SqliteGovernanceDb>().UseSqlite(store.ConnectionString).AddInterceptors(SqliteDurability.Instance, gate).Options);

    private static InboundEvent Row(string key) => new()
    {
        Channel = "slack",
        DedupeKey = key,
        Kind = "event",
        ConversationKey = "c",
        ReceivedAt = DateTimeOffset.UtcNow,
        NextAttemptAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task WhileOneTransactionWrites_TheOthersWaitInTheQueue_AndTheReceivingOneGoesFirst()
    {
        var order = new List<string>();
        await using var holder = Open();
        var held = await holder.Database.BeginTransactionAsync(CancellationToken.None);
        holder.InboundEvents.Add(Row("held"));
        await holder.SaveChangesAsync(CancellationToken.None);

        async Task WriteAsync(string key, WritePriority priority)
        {
            SqliteWriteGate.Prioritise(priority);
            await using var db = Open();
            await using var transaction = await db.Database.BeginTransactionAsync();

            // Noted while holding the gate, so the list is the order it was handed on in.
            lock (order)
            {
                order.Add(key);
            }

            db.InboundEvents.Add(Row(key));
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        // Queued in this order behind the holder: a turn, a send, then the inbox.
        var turn = Task.Run(() => WriteAsync("turn", WritePriority.Turn), CancellationToken.None);
        await Task.Delay(100, CancellationToken.None);
        var send = Task.Run(() => WriteAsync("send", WritePriority.Send), CancellationToken.None);
        await Task.Delay(100, CancellationToken.None);
        var receive = Task.Run(() => WriteAsync("receive", WritePriority.Receive), CancellationToken.None);
        await Task.Delay(100, CancellationToken.None);
        Assert.Empty(order);

        await held.CommitAsync(CancellationToken.None);
        await Task.WhenAll(turn, send, receive);

        Assert.Equal(["receive", "send", "turn"], order);
    }

    [Fact]
    public async Task ATransactionDisposedWithoutCommit_FreesTheGate_AndItsRowsAreGone()
    {
        await using (var abandoned = Open())
        {
            await using var transaction = await abandoned.Database.BeginTransactionAsync(CancellationToken.None);
            abandoned.InboundEvents.Add(Row("abandoned"));
            await abandoned.SaveChangesAsync(CancellationToken.None);
        }

        var watch = Stopwatch.StartNew();
        await using var next = Open();
        next.InboundEvents.Add(Row("next"));
        await next.SaveChangesAsync(CancellationToken.None);

        // Not after the gate's 30 s timeout: at once.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the next write waited {watch.Elapsed}");
        Assert.Equal(["next"], await next.InboundEvents.Select(e => e.DedupeKey).ToListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AWriteOutsideATransaction_HoldsTheGateForItsStatement_AndAFailingOneFreesIt()
    {
        await using var db = Open();
        db.InboundEvents.Add(Row("a"));
        await db.SaveChangesAsync(CancellationToken.None);

        Assert.Equal(1, await db.InboundEvents.ExecuteUpdateAsync(s => s.SetProperty(e => e.Attempts, 3), CancellationToken.None));
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE NoSuchTable SET x = 1", CancellationToken.None));

        // Both ended, so a transaction on another connection starts at once.
        await using var other = Open();
        var watch = Stopwatch.StartNew();
        await using var transaction = await other.Database.BeginTransactionAsync(CancellationToken.None);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the transaction waited {watch.Elapsed}");
    }

    [Fact]
    public async Task ARolledBackTransaction_FreesTheGate()
    {
        await using (var db = Open())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            db.InboundEvents.Add(Row("rolled back"));
            await db.SaveChangesAsync(CancellationToken.None);
            await transaction.RollbackAsync(CancellationToken.None);

            // Same context, after the rollback: its own next transaction is not blocked by itself.
            db.ChangeTracker.Clear();
            db.InboundEvents.Add(Row("after"));
            await db.SaveChangesAsync(CancellationToken.None);
        }

        await using var check = Open();
        Assert.Equal(["after"], await check.InboundEvents.Select(e => e.DedupeKey).ToListAsync(CancellationToken.None));
    }
}
