using GovernanceBot.Testing;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Scheduling;

public sealed class SchedulerTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AtStartUp_EverySweepIsARecurringJob_InTheStoresHangfireStorage(StoreKind kind)
    {
        var hangfireFile = Path.Combine(Path.GetTempPath(), $"gb-hangfire-{Guid.NewGuid():N}.db");
        await using var bot = await BotHarness.StartAsync(kind, settings: new Dictionary<string, string?>
        {
            ["Scheduling:Enabled"] = "true",
            ["Scheduling:SqlitePath"] = hangfireFile,
        });

        var storage = bot.Services.GetRequiredService<JobStorage>();
        using var connection = storage.GetConnection();
        var jobs = connection.GetRecurringJobs();

        var sweep = Assert.Single(jobs, j => j.Id == "checkins-sweep");
        Assert.Equal("* * * * *", sweep.Cron);
        Assert.Equal(kind == StoreKind.Postgres ? "PostgreSqlStorage" : "SQLiteStorage", storage.GetType().Name);
    }
}
