using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Store;

public sealed class StoreOptions
{
    public const string Section = "Store";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Used for SQLite when <c>ConnectionStrings:Governance</c> is not set.</summary>
    public string SqlitePath { get; set; } = "data/governance.db";
}

/// <summary>Creates a fresh store context, for work outside a request (jobs, the outbox, the CLI).</summary>
public interface IGovernanceDbFactory
{
    GovernanceDb Create();
}

public static class StoreSetup
{
    public static IServiceCollection AddGovernanceStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.Section))
            .Validate(o => o.Provider is "sqlite" or "postgres", "Store:Provider must be 'sqlite' or 'postgres'.")
            .ValidateOnStart();
        var options = configuration.GetSection(StoreOptions.Section).Get<StoreOptions>() ?? new StoreOptions();
        var connectionString = configuration.GetConnectionString("Governance");

        if (string.Equals(options.Provider, "postgres", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new OptionsValidationException(StoreOptions.Section, typeof(StoreOptions),
                    ["Store:Provider is 'postgres' but ConnectionStrings:Governance is empty."]);
            }

            AddContexts<PostgresGovernanceDb>(services, o => o.UseNpgsql(connectionString, x => x.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery)));
        }
        else
        {
            var sqlite = SqliteConnectionString(connectionString, options.SqlitePath);
            // One gate per store (a test host may run several bots, each on its own file, in one process).
            var gate = new SqliteWriteGate();
            AddContexts<SqliteGovernanceDb>(services, o => o
                .UseSqlite(sqlite, x => x.UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery))
                .AddInterceptors(SqliteDurability.Instance, gate));
        }

        services.AddSingleton<StoreReadiness>();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return services;
    }

    internal static string SqliteConnectionString(string? configured, string path)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        // The folder is made when the store is first migrated, not here: a command that only reads
        // must not leave an empty data folder (or database) behind.
        return $"Data Source={path}";
    }

    /// <summary>
    /// Applies migrations for the configured provider (SQLite also switches to WAL), then chains any
    /// audit entries written before the audit chain existed. Returns how many entries that sealed.
    /// </summary>
    public static async Task<int> MigrateAsync(this GovernanceDb db, CancellationToken cancellationToken = default)
    {
        if (SqliteFile(db) is { } file && Path.GetDirectoryName(file) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        return await AuditChain.SealUnsealedAsync(db, cancellationToken);
    }

    /// <summary>The full path of a SQLite store's file; null for PostgreSQL and in-memory SQLite.</summary>
    public static string? SqliteFile(GovernanceDb db)
    {
        if (!db.Database.IsSqlite())
        {
            return null;
        }

        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString());
        return builder.Mode == Microsoft.Data.Sqlite.SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:"
            ? null
            : Path.GetFullPath(builder.DataSource);
    }

    /// <summary>
    /// Whether the store has been created (a SQLite file exists, the database has this bot's tables),
    /// found out without creating anything.
    /// </summary>
    public static async Task<bool> ExistsAsync(this GovernanceDb db, CancellationToken cancellationToken = default)
    {
        if (db.Database.IsSqlite())
        {
            if (SqliteFile(db) is { } file && !File.Exists(file))
            {
                return false;
            }
        }

        try
        {
            return (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Any();
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.InvalidCatalogName)
        {
            return false;
        }
    }

    /// <summary>
    /// The store's contexts, from a pool: a turn, an inbox commit and an outbox pass each make several,
    /// and a fresh one built its own DI scope and options each time. One registration for both stores.
    /// </summary>
    private static void AddContexts<T>(IServiceCollection services, Action<DbContextOptionsBuilder> configure)
        where T : GovernanceDb
    {
        services.AddPooledDbContextFactory<T>(configure);
        services.AddScoped<GovernanceDb>(sp => sp.GetRequiredService<IDbContextFactory<T>>().CreateDbContext());
        services.AddSingleton<IGovernanceDbFactory>(sp => new Factory<T>(sp.GetRequiredService<IDbContextFactory<T>>()));
    }

    private sealed class Factory<T>(IDbContextFactory<T> inner) : IGovernanceDbFactory
        where T : GovernanceDb
    {
        public GovernanceDb Create() => inner.CreateDbContext();
    }
}

/// <summary>
/// WAL with <c>synchronous=NORMAL</c> on every connection (the setting is per connection): a commit
/// is durable against a process crash at once, and against a power cut from the next checkpoint —
/// the trade docs/operations.md describes. Without it every commit waits for an fsync.
/// </summary>
internal sealed class SqliteDurability : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
{
    public static readonly SqliteDurability Instance = new();

    public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData) =>
        Apply(connection);

    public override Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The native connections already set up. The pool hands the same native connection out again
    /// and the settings stay with it: running the pragmas on every open cost a statement per
    /// context, several per turn.
    /// </summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> applied = [];

    private void Apply(System.Data.Common.DbConnection connection)
    {
        if (connection is Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle } && applied.TryGetValue(handle, out _))
        {
            return;
        }

        using var command = connection.CreateCommand();
        // SQLite's own busy handler waits for the write lock in steps of a few milliseconds; without
        // it the driver retries a busy statement only after sleeping a long fixed interval, which
        // under many concurrent writers (turns, the inbox, the outbox) costs hundreds of ms a request.
        command.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";
        command.ExecuteNonQuery();
        if (connection is Microsoft.Data.Sqlite.SqliteConnection { Handle: { } opened })
        {
            applied.AddOrUpdate(opened, opened);
        }
    }
}

/// <summary>Set once the start-up migration has finished; read by <c>/readyz</c>.</summary>
public sealed class StoreReadiness
{
    private volatile bool migrated;

    public bool Migrated => migrated;

    public void MarkMigrated() => migrated = true;
}

internal sealed class StoreHealthCheck(IGovernanceDbFactory factory, StoreReadiness readiness) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!readiness.Migrated)
        {
            return HealthCheckResult.Unhealthy("Migrations have not been applied yet.");
        }

        await using var db = factory.Create();
        try
        {
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return HealthCheckResult.Unhealthy("The store is not reachable.");
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            return pending.Count == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) pending.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The store is not reachable.", ex);
        }
    }
}

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteGovernanceDb>
{
    public SqliteGovernanceDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteGovernanceDb>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresGovernanceDb>
{
    public PostgresGovernanceDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresGovernanceDb>().UseNpgsql("Host=localhost;Database=design").Options);
}
