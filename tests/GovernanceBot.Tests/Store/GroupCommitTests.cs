using System.Data.Common;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace GovernanceBot.Tests.Store;

/// <summary>
/// Writes that arrive together share one commit, on a real store (both kinds): each caller gets its
/// own result once its commit is done, a write the store refuses fails alone, and a write whose caller
/// gave up before its turn never runs.
/// </summary>
public sealed class GroupCommitTests
{
    private static InboundEvent Row(string key) => new()
    {
        Channel = "slack",
        DedupeKey = key,
        Kind = "event",
        ConversationKey = "c",
        ReceivedAt = DateTimeOffset.UtcNow,
        NextAttemptAt = DateTimeOffset.UtcNow,
    };

    private static Func<GovernanceDb, Task<long>> Insert(string key) => async db =>
    {
        var row = Row(key);
        db.InboundEvents.Add(row);
        await db.SaveChangesAsync();
        return row.Id;
    };

    /// <summary>A first write that holds its batch open until released: the writes queued meanwhile form the next batch.</summary>
    private static async Task<(Task<long> First, TaskCompletionSource Release)> BlockingAsync(GroupCommit commits)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = commits.RunAsync(async db =>
        {
            started.SetResult();
            await release.Task;
            return await Insert("first")(db);
        }, CancellationToken.None);
        await started.Task;
        return (first, release);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task WritesArrivingTogether_ShareOneCommit_AndEachCallerGetsItsOwnResult(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        await (await store.OpenAsync()).DisposeAsync();
        var counter = new CommitCounter();
        using var commits = new GroupCommit(new CountingFactory(store, counter), WritePriority.Turn);

        var (first, release) = await BlockingAsync(commits);
        var queued = Enumerable.Range(0, 20).Select(i => commits.RunAsync(Insert($"k{i}"), CancellationToken.None)).ToList();
        release.SetResult();
        var ids = await Task.WhenAll(queued);
        await first;

        Assert.Equal(20, ids.Distinct().Count());
        // The held batch, then the twenty queued behind it together.
        Assert.Equal(2, counter.Commits);
        await using var db = await store.OpenAsync();
        Assert.Equal(21, await db.InboundEvents.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AWriteTheStoreRefuses_FailsAlone_AndTheOthersInItsBatchAreCommitted(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        await (await store.OpenAsync()).DisposeAsync();
        using var commits = new GroupCommit(store.Factory, WritePriority.Turn);

        var (first, release) = await BlockingAsync(commits);
        var before = commits.RunAsync(Insert("before"), CancellationToken.None);
        // Same channel and key as the held write: the store's unique index refuses it.
        var refused = commits.RunAsync(Insert("first"), CancellationToken.None);
        var after = commits.RunAsync(Insert("after"), CancellationToken.None);
        release.SetResult();
        await first;

        await before;
        await after;
        await Assert.ThrowsAsync<DbUpdateException>(() => refused);
        await using var db = await store.OpenAsync();
        Assert.Equal(["after", "before", "first"], await db.InboundEvents.Select(e => e.DedupeKey).OrderBy(k => k).ToListAsync());
    }

    [Fact]
    public async Task AWriteWhoseCallerGaveUpWhileItWaited_NeverRuns()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite);
        await (await store.OpenAsync()).DisposeAsync();
        using var commits = new GroupCommit(store.Factory, WritePriority.Turn);

        var (first, release) = await BlockingAsync(commits);
        using var giveUp = new CancellationTokenSource();
        var abandoned = commits.RunAsync(Insert("abandoned"), giveUp.Token);
        var kept = commits.RunAsync(Insert("kept"), CancellationToken.None);
        await giveUp.CancelAsync();
        release.SetResult();
        await first;
        await kept;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        await using var db = await store.OpenAsync();
        Assert.Equal(["first", "kept"], await db.InboundEvents.Select(e => e.DedupeKey).OrderBy(k => k).ToListAsync());
    }

    private sealed class CommitCounter : DbTransactionInterceptor
    {
        private int commits;

        public int Commits => Volatile.Read(ref commits);

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref commits);
            return Task.CompletedTask;
        }
    }

    private sealed class CountingFactory(TestStore store, CommitCounter counter) : IGovernanceDbFactory
    {
        public GovernanceDb Create() => store.Kind == StoreKind.Postgres
            ? new PostgresGovernanceDb(new DbContextOptionsBuilder<PostgresGovernanceDb>().UseNpgsql(store.ConnectionString).AddInterceptors(counter).Options)
            : new SqliteGovernanceDb(new DbContextOptionsBuilder<SqliteGovernanceDb>().UseSqlite(store.ConnectionString).AddInterceptors(counter).Options);
    }
}
