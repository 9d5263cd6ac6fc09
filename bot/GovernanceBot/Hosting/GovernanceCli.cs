using Microsoft.Extensions.DependencyInjection.Extensions;
using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using GovernanceBot.Cards;
using GovernanceBot.Channels.Terminal;
using GovernanceBot.Features.Ask;
using GovernanceBot.Features.Audit;
using GovernanceBot.Features.Dashboard;
using GovernanceBot.Features.Decisions;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Features.Programs;
using GovernanceBot.Features.Raid;
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
        // Unmatched tokens are errors: a mistyped command must not start the server, and an option
        // a command does not have must not be dropped silently. Configuration overrides never reach
        // the parser (see Parse).
        var root = new RootCommand("GovernanceBot: program governance in Microsoft Teams and Slack. With no command, serves the bot.")
        {
            new Option<string>("--urls") { Description = "With no command: the addresses to listen on, e.g. http://localhost:3978." },
        };
        root.SetAction((_, ct) => serve(args, ct));
        root.Add(ImportCommand(args));
        root.Add(ExportCommand(args));
        root.Add(HealthCheckCommand());
        root.Add(CardsCli.Command());
        root.Add(TeamsPackage.Command());
        // The registers give the store facts chat answers from ("what are Phoenix's top risks?", "… open actions?").
        root.Add(AskCli.Command(args, (services, configuration) => services.AddPrograms().AddAsk(configuration).AddRaid().AddDecisions()));
        root.Add(AuditCli.Command(args));
        root.Add(InboxCli.Command(args));
        root.Add(TerminalCli.Command(args));
        root.Add(DashboardCli.Command(args));
        return root;
    }

    /// <summary>
    /// Parses the command line without its configuration overrides (<c>--Section:Key=value</c>, which
    /// the host reads). A parse error prints what was wrong, with "did you mean", to standard error.
    /// </summary>
    public static ParseResult Parse(string[] args, Func<string[], CancellationToken, Task<int>> serve)
    {
        var result = Create(args, serve).Parse(args.Where(a => !IsConfigurationOverride(a)).ToArray());
        if (result.Action is System.CommandLine.Invocation.ParseErrorAction error)
        {
            // The whole help text after one wrong word buries the error; --help is a keystroke away.
            error.ShowHelp = false;
            error.ShowTypoCorrections = true;
        }

        return result;
    }

    /// <summary><c>--Section:Key=value</c>: a configuration key (it has a section) and a value.</summary>
    internal static bool IsConfigurationOverride(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal))
        {
            return false;
        }

        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        var colon = arg.IndexOf(':', StringComparison.Ordinal);
        return equals > 0 && colon > 2 && colon < equals;
    }

    /// <summary>Services for a CLI command: the store (migrated) and the features' services, no web server.</summary>
    public static Task<IHost> StartServicesAsync(string[] args, Action<IServiceCollection>? configure, CancellationToken cancellationToken) =>
        StartConfiguredServicesAsync(args, configure is null ? null : (services, _) => configure(services), cancellationToken);

    /// <summary>As above, for features whose registration reads configuration.</summary>
    public static async Task<IHost> StartConfiguredServicesAsync(string[] args, Action<IServiceCollection, IConfiguration>? configure, CancellationToken cancellationToken)
    {
        var host = BuildServices(args, configure);
        await using var db = host.Services.GetRequiredService<IGovernanceDbFactory>().Create();
        await db.MigrateAsync(cancellationToken);
        return host;
    }

    private static IHost BuildServices(string[] args, Action<IServiceCollection, IConfiguration>? configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = ConfigurationArgs(args), ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<BotMetrics>();
        builder.Services.AddGovernanceStore(builder.Configuration).AddGovernanceAsCode();
        configure?.Invoke(builder.Services, builder.Configuration);
        return builder.Build();
    }

    /// <summary>
    /// Services for a command that only reads: the store is used if it exists (and brought up to date
    /// as the server would), never created. <c>Exists</c> is false when there is no store yet.
    /// </summary>
    public static async Task<(IHost Host, bool Exists)> StartServicesForReadingAsync(
        string[] args, Action<IServiceCollection, IConfiguration>? configure, CancellationToken cancellationToken)
    {
        var host = BuildServices(args, configure);
        await using var db = host.Services.GetRequiredService<IGovernanceDbFactory>().Create();
        if (!await db.ExistsAsync(cancellationToken))
        {
            return (host, false);
        }

        if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
        {
            await db.MigrateAsync(cancellationToken);
        }

        return (host, true);
    }

    /// <summary>Only <c>--Key=value</c> / <c>--Key value</c> configuration overrides reach the host builder.</summary>
    private static string[] ConfigurationArgs(string[] args) => args.Where(IsConfigurationOverride).ToArray();

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

            var dry = result.GetValue(dryRun);
            var (host, exists) = await StartServicesForReadingAsync(args, null, ct);
            using var memory = !exists && dry ? new Microsoft.Data.Sqlite.SqliteConnection($"Data Source=gb-dry-run-{Guid.NewGuid():N};Mode=Memory;Cache=Shared") : null;
            if (!exists)
            {
                host.Dispose();
                // A dry run creates nothing: with no store yet it runs against an empty one in memory
                // (kept alive by this open connection). A real import creates the store.
                memory?.Open();
                host = await StartServicesAsync(memory is null ? args : [.. args, "--Store:Provider=sqlite", $"--ConnectionStrings:Governance={memory.ConnectionString}"], null, ct);
            }

            using var _ = host;
            var importer = host.Services.GetRequiredService<GovernanceImporter>();
            var outcome = await importer.ImportAsync(path.Name, await File.ReadAllTextAsync(path.FullName, ct), dry, ct);
            if (!outcome.Succeeded)
            {
                foreach (var problem in outcome.Errors)
                {
                    await error.WriteLineAsync(problem);
                }

                await error.WriteLineAsync($"{outcome.Errors.Count} error(s); nothing was written.");
                return 1;
            }

            await output.WriteLineAsync($"Program '{outcome.ProgramKey}' in workspace '{outcome.WorkspaceKey}'"
                + (dry ? $", dry run: nothing was written{(exists ? "" : " (there is no store yet)")}." : "."));
            if (!outcome.Changed)
            {
                await output.WriteLineAsync("Already up to date: nothing to change.");
            }

            await ListAsync(output, dry ? "Would add or change:" : "Added or changed:", outcome.Changes);
            await ListAsync(output, dry ? "Would remove:" : "Removed:", outcome.Removals ?? []);
            await ListAsync(output, dry ? "Would overwrite these changes made in chat since the last import:" : "Overwrote these changes made in chat since the last import:", outcome.Overwrites ?? []);
            await ListAsync(output, "Left as recorded in chat (the file owns definitions, chat owns state):", outcome.Kept ?? []);
            return 0;
        });
        return command;
    }

    private static async Task ListAsync(TextWriter output, string heading, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        await output.WriteLineAsync(heading);
        foreach (var line in lines)
        {
            await output.WriteLineAsync($"  - {line}");
        }
    }

    private static Command ExportCommand(string[] args)
    {
        var program = new Option<string?>("--program") { Description = "The program's key or name (needed when there are several)." };
        var workspace = new Option<string?>("--workspace") { Description = "The workspace key (needed when there are several)." };
        var output = new Option<FileInfo?>("--out") { Description = "Write to this file instead of standard output." };
        var command = new Command("export", "Write a program in the governance-as-code format.") { program, workspace, output };
        command.SetAction(async (result, ct) =>
        {
            var (host, exists) = await StartServicesForReadingAsync(args, null, ct);
            using var _ = host;
            if (!exists)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"{GovernanceExporter.EmptyStore} Nothing to export.");
                return 1;
            }

            var exporter = host.Services.GetRequiredService<GovernanceExporter>();
            var (yaml, error) = await exporter.ExportAsync(result.GetValue(workspace), result.GetValue(program), ct);
            if (yaml is null)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync(error);
                return 1;
            }

            if (result.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, yaml, ct);
            }
            else
            {
                await result.InvocationConfiguration.Output.WriteAsync(yaml);
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
            // One line either way: a container runtime keeps it as the health check's output, and a
            // person running it by hand learns why it failed, not only that it did.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var target = result.GetValue(url);
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            try
            {
                using var response = await http.GetAsync(target, ct);
                var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
                if (response.IsSuccessStatusCode)
                {
                    await output.WriteLineAsync($"Healthy: {target} answered {status}.");
                    return 0;
                }

                await error.WriteLineAsync($"Unhealthy: {target} answered {status}.");
                return 1;
            }
            catch (HttpRequestException ex)
            {
                await error.WriteLineAsync($"Unhealthy: {target} could not be reached ({ex.Message}). Is the bot running there?");
                return 1;
            }
            catch (TaskCanceledException)
            {
                await error.WriteLineAsync($"Unhealthy: {target} did not answer within 5 seconds.");
                return 1;
            }
        });
        return command;
    }
}
