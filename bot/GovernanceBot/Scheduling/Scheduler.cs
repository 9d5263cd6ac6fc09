using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage.SQLite;
using GovernanceBot.Hosting;
using GovernanceBot.Store;

namespace GovernanceBot.Scheduling;

/// <summary>
/// Recurring sweeps on Hangfire: SQLite storage beside the store by default, PostgreSQL (schema
/// <c>hangfire</c>) when the store is PostgreSQL, so several instances share one schedule and each
/// run happens once. Set <c>Scheduling:Enabled=false</c> to run without a scheduler (tests).
/// </summary>
public static class Scheduler
{
    public static IServiceCollection AddScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<GovernanceJobRunner>();
        if (!configuration.GetValue("Scheduling:Enabled", true))
        {
            return services;
        }

        var store = configuration.GetSection(StoreOptions.Section).Get<StoreOptions>() ?? new StoreOptions();
        var connectionString = configuration.GetConnectionString("Governance");
        services.AddHangfire(config =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (string.Equals(store.Provider, "postgres", StringComparison.OrdinalIgnoreCase))
            {
                config.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString),
                    new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true });
            }
            else
            {
                var path = configuration["Scheduling:SqlitePath"] ?? Path.Combine(Path.GetDirectoryName(store.SqlitePath) ?? "data", "hangfire.db");
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                config.UseSQLiteStorage(path, new SQLiteStorageOptions());
            }
        });
        services.AddHangfireServer(o =>
        {
            o.WorkerCount = Math.Max(2, Environment.ProcessorCount);
            o.SchedulePollingInterval = TimeSpan.FromSeconds(15);
        });
        services.AddHostedService<RecurringJobRegistrar>();
        return services;
    }
}

/// <summary>Registers every <see cref="IGovernanceJob"/> as a recurring job at start-up.</summary>
internal sealed class RecurringJobRegistrar(IRecurringJobManager manager, IEnumerable<JobRegistration> jobs, ILogger<RecurringJobRegistrar> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var job in jobs)
        {
            var id = job.Id;
            manager.AddOrUpdate<GovernanceJobRunner>(id, runner => runner.RunAsync(id, CancellationToken.None), job.Cron,
                new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc, MisfireHandling = MisfireHandlingMode.Relaxed });
            Log.JobScheduled(logger, id, job.Cron);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>What Hangfire invokes: runs one registered sweep in its own DI scope.</summary>
public sealed class GovernanceJobRunner(IServiceProvider services, IEnumerable<JobRegistration> jobs, ILogger<GovernanceJobRunner> logger)
{
    public async Task RunAsync(string jobId, CancellationToken cancellationToken)
    {
        var job = jobs.FirstOrDefault(j => j.Id == jobId)
            ?? throw new InvalidOperationException($"No recurring job '{jobId}' is registered.");
        var sweep = (IGovernanceJob)services.GetRequiredService(job.JobType);
        await sweep.RunAsync(cancellationToken);
        Log.JobRan(logger, jobId);
    }
}
