using GovernanceBot.Testing;

namespace GovernanceBot.IntegrationTests.Hosting;

/// <summary>The release build, published as a deployment would, starts against PostgreSQL and reports ready.</summary>
public sealed class PublishedBuildTests
{
    [Fact]
    public async Task ThePublishedBuild_StartsAgainstPostgreSql_AndReportsReady()
    {
        var output = Path.Combine(Path.GetTempPath(), $"gb-publish-{Guid.NewGuid():N}");
        var (code, log) = await ProcessRunner.RunAsync("dotnet", $"publish bot/GovernanceBot -c Release -o {output} --nologo", RepoPaths.Root, TimeSpan.FromMinutes(8));
        Assert.True(code == 0, log);
        await using var store = await TestStore.CreateAsync(StoreKind.Postgres);
        try
        {
            var dll = Path.Combine(output, "GovernanceBot.dll");
            await using var bot = BotProcess.Start(output, store.Settings, dll);
            await bot.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
            var health = await ProcessRunner.RunAsync("dotnet", $"{dll} healthcheck --url http://127.0.0.1:{bot.Port}/healthz", output, TimeSpan.FromSeconds(60));
            Assert.Equal(0, health.ExitCode);

            // SIGTERM (what a container runtime or systemd sends) shuts the bot down cleanly.
            await bot.TerminateAsync(TimeSpan.FromSeconds(30));
            Assert.True(bot.ExitCode == 0, $"exit code {bot.ExitCode}; the bot printed:\n{bot.Printed}");
            Assert.DoesNotContain("Unhandled exception", bot.Printed, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
