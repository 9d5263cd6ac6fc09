using Microsoft.Extensions.DependencyInjection.Extensions;
using System.CommandLine;
using GovernanceBot.Cards;
using GovernanceBot.Features.Ask;
using GovernanceBot.Features.Audit;
using GovernanceBot.Features.Dashboard;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Store;

namespace GovernanceBot.Hosting;

/// <summary>
/// The executable's command line: no command serves the bot; the commands below work on the
/// configured store (same configuration keys as the server: appsettings, environment, --Key=value).
/// </summary>
public static class GovernanceCli
{
    public static RootCommand Create(string[] args, Func<string[], CancellationToken, Task<int>> serve)
    {
        var root = new RootCommand("GovernanceBot: program governance in Microsoft Teams and Slack. With no command, serves the bot.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.SetAction((_, ct) => serve(args, ct));
        root.Add(ImportCommand(args));
        root.Add(ExportCommand(args));
        root.Add(HealthCheckCommand());
        root.Add(CardsCli.Command());
        root.Add(TeamsPackage.Command());
        root.Add(AskCli.Command(args));
        root.Add(AuditCli.Command(args));
        root.Add(InboxCli.Command(args));
        root.Add(DashboardCli.Command(args));
        return root;
    }

    /// <summary>Services for a CLI command: the store (migrated) and the features' services, no web server.</summary>
    public static Task<IHost> StartServicesAsync(string[] args, Action<IServiceCollection>? configure, CancellationToken cancellationToken) =>
        StartConfiguredServicesAsync(args, configure is null ? null : (services, _) => configure(services), cancellationToken);

    /// <summary>As above, for features whose registration reads configuration.</summary>
    public static async Task<IHost> StartConfiguredServicesAsync(string[] args, Action<IServiceCollection, IConfiguration>? configure, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(ConfigurationArgs(args));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<BotMetrics>();
        builder.Services.AddGovernanceStore(builder.Configuration).AddGovernanceAsCode();
        configure?.Invoke(builder.Services, builder.Configuration);
        var host = builder.Build();
        await using var db = host.Services.GetRequiredService<IGovernanceDbFactory>().Create();
        await db.MigrateAsync(cancellationToken);
        return host;
    }

    /// <summary>Only <c>--Key=value</c> / <c>--Key value</c> configuration overrides reach the host builder.</summary>
    private static string[] ConfigurationArgs(string[] args) =>
        args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains(':', StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal)).ToArray();

    private static Command ImportCommand(string[] args)
    {
        var file = new Argument<FileInfo>("file") { Description = "The governance file (YAML) to import." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate and show what would change; write nothing." };
        var command = new Command("import", "Validate a governance-as-code file and apply it in one transaction.") { file, dryRun };
        command.SetAction(async (result, ct) =>
        {
            // The invocation's writers (the console unless a test passes its own) carry every message.
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var path = result.GetRequiredValue(file);
            if (!path.Exists)
            {
                await error.WriteLineAsync($"{path.FullName}: no such file");
                return 2;
            }

            using var host = await StartServicesAsync(args, null, ct);
            var importer = host.Services.GetRequiredService<GovernanceImporter>();
            var outcome = await importer.ImportAsync(path.Name, await File.ReadAllTextAsync(path.FullName, ct), result.GetValue(dryRun), ct);
            if (!outcome.Succeeded)
            {
                foreach (var problem in outcome.Errors)
                {
                    await error.WriteLineAsync(problem);
                }

                await error.WriteLineAsync($"{outcome.Errors.Count} error(s); nothing was written.");
                return 1;
            }

            var verb = result.GetValue(dryRun) ? "Would change" : "Changed";
            await output.WriteLineAsync(outcome.Changed
                ? $"{verb}: {string.Join("; ", outcome.Changes.DefaultIfEmpty("field values"))}"
                : "Already up to date: nothing to change.");
            await output.WriteLineAsync($"Program '{outcome.ProgramKey}' in workspace '{outcome.WorkspaceKey}'.");
            return 0;
        });
        return command;
    }

    private static Command ExportCommand(string[] args)
    {
        var program = new Option<string?>("--program") { Description = "The program's key or name (needed when there are several)." };
        var workspace = new Option<string?>("--workspace") { Description = "The workspace key (needed when there are several)." };
        var output = new Option<FileInfo?>("--out") { Description = "Write to this file instead of standard output." };
        var command = new Command("export", "Write a program in the governance-as-code format.") { program, workspace, output };
        command.SetAction(async (result, ct) =>
        {
            using var host = await StartServicesAsync(args, null, ct);
            var exporter = host.Services.GetRequiredService<GovernanceExporter>();
            var (yaml, error) = await exporter.ExportAsync(result.GetValue(workspace), result.GetValue(program), ct);
            if (yaml is null)
            {
                await Console.Error.WriteLineAsync(error);
                return 1;
            }

            if (result.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, yaml, ct);
            }
            else
            {
                Console.Write(yaml);
            }

            return 0;
        });
        return command;
    }

    private static Command HealthCheckCommand()
    {
        var url = new Option<string>("--url") { Description = "The health endpoint.", DefaultValueFactory = _ => "http://127.0.0.1:3978/healthz" };
        var command = new Command("healthcheck", "Exit 0 when the running bot answers its health endpoint (for container health checks).") { url };
        command.SetAction(async (result, ct) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var response = await http.GetAsync(result.GetValue(url), ct);
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (HttpRequestException)
            {
                return 1;
            }
            catch (TaskCanceledException)
            {
                return 1;
            }
        });
        return command;
    }
}
