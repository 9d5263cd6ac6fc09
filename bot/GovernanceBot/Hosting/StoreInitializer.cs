using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Hosting;

/// <summary>Applies migrations before the bot takes traffic; in development mode loads the demo once.</summary>
internal sealed class StoreInitializer(
    IGovernanceDbFactory factory,
    StoreReadiness readiness,
    BotMode mode,
    GovernanceImporter importer,
    CheckInRounds rounds,
    IOptions<StoreOptions> options,
    IHostEnvironment environment,
    IConfiguration configuration,
    ILogger<StoreInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var db = factory.Create())
        {
            var sealedEntries = await db.MigrateAsync(cancellationToken);
            readiness.MarkMigrated();
            Log.StoreReady(logger, options.Value.Provider);
            if (sealedEntries > 0)
            {
                Log.AuditChained(logger, sealedEntries);
            }

            // Demo:Load=false keeps development mode but starts empty (tests that bring their own data).
            if (!mode.IsDevelopment || !configuration.GetValue("Demo:Load", true) || await db.Workspaces.AnyAsync(cancellationToken))
            {
                return;
            }
        }

        Log.DevelopmentMode(logger);
        var path = DemoPath(environment.ContentRootPath);
        if (path is null)
        {
            Log.DemoFailed(logger, "samples/phoenix.yaml was not found");
            return;
        }

        var result = await importer.ImportAsync(path, await File.ReadAllTextAsync(path, cancellationToken), dryRun: false, cancellationToken);
        if (result.Succeeded)
        {
            Log.DemoLoaded(logger, path, result.WorkspaceKey ?? "?");
            // The demo's dates are this week's (asOf), so its check-in is mid-flight too: a round to
            // answer at once rather than next week. Demo:OpenCheckIn=false for tests that time rounds themselves.
            if (configuration.GetValue("Demo:OpenCheckIn", true))
            {
                await using var db = factory.Create();
                var programId = await db.Programs.Where(p => p.Key == result.ProgramKey && p.Workspace!.Key == result.WorkspaceKey)
                    .Select(p => p.Id).FirstAsync(cancellationToken);
                var opened = await rounds.OpenLatestAsync(db, programId, "demo", cancellationToken);
                if (opened.Count > 0)
                {
                    Log.DemoRoundOpened(logger, string.Join(", ", opened));
                }
            }
        }
        else
        {
            Log.DemoFailed(logger, string.Join(Environment.NewLine, result.Errors));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The demo file: beside the binary (copied at build), else in the repository.</summary>
    internal static string? DemoPath(string contentRoot) =>
        new[]
        {
            Path.Combine(AppContext.BaseDirectory, "samples", "phoenix.yaml"),
            Path.Combine(contentRoot, "samples", "phoenix.yaml"),
            Path.Combine(contentRoot, "..", "..", "samples", "phoenix.yaml"),
        }.FirstOrDefault(File.Exists);
}
