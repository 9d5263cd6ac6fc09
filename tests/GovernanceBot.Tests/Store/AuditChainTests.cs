using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using GovernanceBot.Tests.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace GovernanceBot.Tests.Store;

/// <summary>Issue 14, item 8: the audit log refuses changes in the database and is chained so changes made around that show.</summary>
public sealed class AuditChainTests
{
    private static readonly DateTimeOffset Now = BotHarness.DefaultNow;

    private static async Task<List<AuditEntry>> AppendAsync(TestStore store, Guid workspaceId, int count, int perSave = 1)
    {
        await using var db = await store.OpenAsync();
        for (var i = 0; i < count; i++)
        {
            db.AppendAudit(Now.AddSeconds(i), workspaceId, null, $"actor{i}", "local", "kpi.recorded", $"kpi:x{i}", i == 0 ? null : $"{i - 1}", $"[evil](https://example.com/{i}) {i}");
            if ((i + 1) % perSave == 0 || i == count - 1)
            {
                await db.SaveChangesAsync();
            }
        }

        return await db.Audit.AsNoTracking().Where(a => a.WorkspaceId == workspaceId).OrderBy(a => a.Seq).ToListAsync();
    }

    private static string Sql(StoreKind kind, string sqlite, string postgres) => kind == StoreKind.Postgres ? postgres : sqlite;

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task UpdateAndDelete_OnTheAuditTableFromPlainSql_AreRefused(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        var entries = await AppendAsync(store, Guid.NewGuid(), 3);
        await using var db = await store.OpenAsync();

        var update = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync("""UPDATE "Audit" SET "After" = 'nothing happened'"""));
        var delete = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync("""DELETE FROM "Audit" WHERE "Id" = {0}""", entries[1].Id));
        var bulk = await Record.ExceptionAsync(() => db.Audit.ExecuteDeleteAsync());
        var unsealed = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync(Sql(kind,
            """INSERT INTO "Audit" ("WorkspaceId", "At", "Actor", "Channel", "Action", "Subject") VALUES ('00000000-0000-0000-0000-000000000001', 0, 'x', 'x', 'x', 'x')""",
            """INSERT INTO "Audit" ("WorkspaceId", "At", "Actor", "Channel", "Action", "Subject") VALUES ('00000000-0000-0000-0000-000000000001', now(), 'x', 'x', 'x', 'x')""")));

        Assert.Contains("append-only: ", update?.Message, StringComparison.Ordinal);
        Assert.Contains("append-only: ", delete?.Message, StringComparison.Ordinal);
        Assert.Contains("append-only: ", bulk?.Message, StringComparison.Ordinal);
        Assert.Contains("inserted with its place in the chain", unsealed?.Message, StringComparison.Ordinal);
        var after = await db.Audit.AsNoTracking().OrderBy(a => a.Seq).ToListAsync();
        Assert.Equal(entries.Select(e => (e.Id, e.After, e.Hash)), after.Select(e => (e.Id, e.After, e.Hash)));
        if (kind == StoreKind.Postgres)
        {
            var truncate = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync("""TRUNCATE "Audit" """));
            Assert.Contains("append-only: TRUNCATE refused", truncate?.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheChain_AcrossManyAppends_RunsWithoutGapsAndEachHashCoversItsPredecessor(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        var workspace = Guid.NewGuid();
        var other = Guid.NewGuid();

        var entries = await AppendAsync(store, workspace, 120, perSave: 7);
        await AppendAsync(store, other, 5);

        Assert.Equal(Enumerable.Range(1, 120).Select(i => (long?)i), entries.Select(e => e.Seq));
        Assert.Equal(AuditChain.ComputeHash(entries[0], AuditChain.Genesis), entries[0].Hash);
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(AuditChain.ComputeHash(entries[i], entries[i - 1].Hash!), entries[i].Hash);
        }

        await using var db = await store.OpenAsync();
        var verification = await AuditChain.VerifyAsync(db, null, CancellationToken.None);
        Assert.Null(verification.Misfit);
        Assert.Equal(125, verification.Verified);
        Assert.Contains(new AuditChainHead(workspace, 120, entries[^1].Hash!), verification.Heads);
        Assert.Contains(verification.Heads, h => h.WorkspaceId == other && h.Seq == 5);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ARowAlteredWithTheTriggersDropped_IsFoundByAuditVerify(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        var entries = await AppendAsync(store, Guid.NewGuid(), 10);
        var altered = entries[6];
        await using (var db = await store.OpenAsync())
        {
            // What a DBA with full rights can do: take the triggers away, then edit history.
            await db.Database.ExecuteSqlRawAsync(Sql(kind, """DROP TRIGGER "Audit_NoUpdate";""", """DROP TRIGGER "Audit_AppendOnly" ON "Audit";"""));
            await db.Database.ExecuteSqlRawAsync("""UPDATE "Audit" SET "After" = 'approved by everyone' WHERE "Id" = {0}""", altered.Id);
        }

        var (exit, output, error) = await GovernanceCliTests.RunAsync(store, "audit", "verify");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.StartsWith($"Audit entry {altered.Id} ({altered.At.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}, workspace ", error, StringComparison.Ordinal);
        Assert.Contains("does not fit the chain: its content or its predecessor's hash differs from what was sealed.", error, StringComparison.Ordinal);
        Assert.Contains("6 entries before it were verified.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARowDeletedWithTheTriggersDropped_IsFoundByAuditVerifyAtTheEntryAfterTheGap()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite);
        var entries = await AppendAsync(store, Guid.NewGuid(), 5);
        await using var db = await store.OpenAsync();
        await db.Database.ExecuteSqlRawAsync("""DROP TRIGGER "Audit_NoDelete";""");
        await db.Database.ExecuteSqlRawAsync("""DELETE FROM "Audit" WHERE "Id" = {0}""", entries[2].Id);

        var verification = await AuditChain.VerifyAsync(db, null, CancellationToken.None);

        Assert.Equal(entries[3].Id, verification.Misfit?.Id);
        Assert.Equal("the chain expects entry 3 here but this is entry 4: an entry before it is missing", verification.Misfit?.Reason);
    }

    [Fact]
    public async Task AuditVerify_OnAnIntactStore_ReportsTheNumberVerifiedAndEachHead()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite);
        await using (var db = await store.OpenAsync())
        {
            db.Workspaces.Add(new Workspace { Key = "contoso", Name = "Contoso" });
            await db.SaveChangesAsync();
        }

        Guid workspace;
        await using (var db = await store.OpenAsync())
        {
            workspace = (await db.Workspaces.SingleAsync()).Id;
        }

        var entries = await AppendAsync(store, workspace, 4);

        var (exit, output, error) = await GovernanceCliTests.RunAsync(store, "audit", "verify");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Equal($"Verified 4 audit entries in 1 workspace: every chain is intact.\nHead of contoso: entry 4, sha256 {entries[^1].Hash}\n",
            output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task ConcurrentAppends_FromSeveralWritersOnPostgres_DoNotForkTheChain()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Postgres);
        (await store.OpenAsync()).Dispose();
        var workspace = Guid.NewGuid();
        using var start = new ManualResetEventSlim();

        // Eight writers, each its own connection as two instances would have, 15 saves each.
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            start.Wait();
            for (var i = 0; i < 15; i++)
            {
                await using var db = store.Factory.Create();
                db.AppendAudit(Now, workspace, null, $"writer{w}", "local", "kpi.recorded", $"kpi:{w}.{i}");
                await db.SaveChangesAsync();
            }
        })).ToList();
        start.Set();
        await Task.WhenAll(writers);

        await using var check = await store.OpenAsync();
        var verification = await AuditChain.VerifyAsync(check, workspace, CancellationToken.None);
        Assert.Null(verification.Misfit);
        Assert.Equal(120, verification.Verified);
        Assert.Equal(120, Assert.Single(verification.Heads).Seq);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task EntriesWrittenBeforeTheChainExisted_AreChainedWhenTheStoreIsMigrated(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        var workspace = Guid.NewGuid();
        var written = await AppendAsync(store, workspace, 6);
        await using (var db = await store.OpenAsync())
        {
            // Back to the schema before the chain (its Down drops the triggers and the columns), as a store upgraded from it has.
            var migrations = db.Database.GetMigrations().ToList();
            var before = migrations[migrations.FindIndex(m => m.EndsWith("_SelfApprovalAndAuditChain", StringComparison.Ordinal)) - 1];
            await db.GetService<IMigrator>().MigrateAsync(before);
        }

        await using var upgraded = await store.OpenAsync();
        var entries = await upgraded.Audit.AsNoTracking().OrderBy(a => a.Seq).ToListAsync();

        Assert.Equal(written.Select(e => e.Id), entries.Select(e => e.Id));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long?)i), entries.Select(e => e.Seq));
        Assert.Null((await AuditChain.VerifyAsync(upgraded, workspace, CancellationToken.None)).Misfit);
        var refused = await Record.ExceptionAsync(() => upgraded.Database.ExecuteSqlRawAsync("""UPDATE "Audit" SET "After" = 'x'"""));
        Assert.Contains("append-only: ", refused?.Message, StringComparison.Ordinal);
    }
}
