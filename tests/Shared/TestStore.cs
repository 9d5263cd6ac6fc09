using GovernanceBot.Store;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Testing;

public enum StoreKind { Sqlite, Postgres }

/// <summary>A fresh, real store for one test: a temporary SQLite file or a new PostgreSQL database.</summary>
public sealed class TestStore : IAsyncDisposable
{
    private TestStore(StoreKind kind, string connectionString, string? file)
    {
        Kind = kind;
        ConnectionString = connectionString;
        File = file;
    }

    public StoreKind Kind { get; }

    public string ConnectionString { get; }

    private string? File { get; }

    public static TheoryData<StoreKind> Both => new() { StoreKind.Sqlite, StoreKind.Postgres };

    public static async Task<TestStore> CreateAsync(StoreKind kind)
    {
        if (kind == StoreKind.Postgres)
        {
            return new TestStore(kind, await PostgresServer.CreateDatabaseAsync(), null);
        }

        var file = Path.Combine(Path.GetTempPath(), $"gb-test-{Guid.NewGuid():N}.db");
        return new TestStore(kind, $"Data Source={file};Pooling=False", file);
    }

    /// <summary>Configuration that points the bot at this store.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Store:Provider"] = Kind == StoreKind.Postgres ? "postgres" : "sqlite",
        ["ConnectionStrings:Governance"] = ConnectionString,
    };

    /// <summary>A context on this store with migrations applied, for arranging and asserting.</summary>
    public async Task<GovernanceDb> OpenAsync()
    {
        GovernanceDb db = Kind == StoreKind.Postgres
            ? new PostgresGovernanceDb(new DbContextOptionsBuilder<PostgresGovernanceDb>().UseNpgsql(ConnectionString).Options)
            : new SqliteGovernanceDb(new DbContextOptionsBuilder<SqliteGovernanceDb>().UseSqlite(ConnectionString).Options);
        await db.MigrateAsync();
        return db;
    }

    public IGovernanceDbFactory Factory => new DelegateFactory(this);

    public async ValueTask DisposeAsync()
    {
        if (Kind == StoreKind.Postgres)
        {
            await PostgresServer.DropDatabaseAsync(ConnectionString);
        }
        else if (File is not null)
        {
            foreach (var path in new[] { File, File + "-wal", File + "-shm" })
            {
                System.IO.File.Delete(path);
            }
        }
    }

    private sealed class DelegateFactory(TestStore store) : IGovernanceDbFactory
    {
        public GovernanceDb Create() => store.Kind == StoreKind.Postgres
            ? new PostgresGovernanceDb(new DbContextOptionsBuilder<PostgresGovernanceDb>().UseNpgsql(store.ConnectionString).Options)
            : new SqliteGovernanceDb(new DbContextOptionsBuilder<SqliteGovernanceDb>().UseSqlite(store.ConnectionString).Options);
    }
}
