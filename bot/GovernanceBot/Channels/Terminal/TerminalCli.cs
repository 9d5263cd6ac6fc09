using System.CommandLine;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Console;

namespace GovernanceBot.Channels.Terminal;

/// <summary>
/// <c>chat --as EMAIL [--say TEXT] [--workspace KEY]</c>: talk to the bot in this terminal as a person
/// of the store, with the same router, handlers, store and cards as Teams and Slack; no platform, no
/// credentials, no running server. Exit codes: 0 answered, 1 the bot failed on its side, 2 no such person.
/// </summary>
public static class TerminalCli
{
    public static Command Command(string[] args)
    {
        var who = new Option<string>("--as") { Description = "Your e-mail, as in your program's governance file (the demo's program manager: alexw@example.com).", Required = true };
        var say = new Option<string?>("--say") { Description = "Say this, print the answer and exit (for scripts)." };
        var workspace = new Option<string?>("--workspace") { Description = "The workspace key, when your e-mail is in several." };
        var command = new Command("chat", "Talk to the bot in this terminal as a person of the store: cards as text, buttons by number.") { who, say, workspace };
        command.SetAction(async (result, ct) =>
        {
            using var host = await GovernanceCli.StartConfiguredServicesAsync(args, (services, configuration) => services
                // Standard output carries the conversation only, so scripts can read it; logs go to standard error.
                .Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
                // Its "development mode" warning is about the web endpoints, which chat does not open.
                .AddLogging(logging => logging.AddFilter(typeof(StoreInitializer).FullName, LogLevel.Error))
                .AddSingleton(BotMode.From(configuration))
                .AddSingleton<StoreInitializer>()
                // Dashboard links typed for in chat are signed with the store's key ring, as the server's are.
                .AddGovernanceDataProtection(configuration)
                .AddCards(configuration)
                .AddOutbox(configuration)
                .AddGovernanceFeatures(configuration), ct);
            // As the server does on start: in development mode an empty store gets the demo, so chat works on a fresh clone.
            await host.Services.GetRequiredService<StoreInitializer>().StartAsync(ct);
            var (person, problem) = await FindAsync(host.Services.GetRequiredService<IGovernanceDbFactory>(), result.GetRequiredValue(who), result.GetValue(workspace), ct);
            if (person is null)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync(problem);
                return 2;
            }

            var channel = new TerminalChannel(host.Services.GetRequiredService<ConversationEngine>(), host.Services.GetRequiredService<ICardRenderer>(),
                host.Services.GetRequiredService<IGovernanceDbFactory>(), host.Services.GetRequiredService<FileSources>(), host.Services.GetRequiredService<TimeProvider>(), person, Console.In, result.InvocationConfiguration.Output, prompt: !Console.IsInputRedirected);
            if (result.GetValue(say) is { } text)
            {
                return await channel.SayAsync(text, ct) ? 0 : 1;
            }

            await channel.ChatAsync(ct);
            return 0;
        });
        return command;
    }

    /// <summary>The stakeholder with this e-mail, or why there is none to chat as (with a near miss, if one exists).</summary>
    private static async Task<(TerminalPerson? Person, string? Problem)> FindAsync(IGovernanceDbFactory factory, string email, string? workspaceKey, CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        var wanted = email.Trim().ToLowerInvariant();
        var people = db.Stakeholders.AsNoTracking().Where(s => s.Email != null && (workspaceKey == null || s.Program!.Workspace!.Key == workspaceKey));
        var found = await people.Where(s => s.Email == wanted)
            .Select(s => new TerminalPerson(s.Email!, s.Name, s.Program!.Workspace!.Key, s.Program.Workspace.Name))
            .ToListAsync(cancellationToken);
        var workspaces = found.DistinctBy(p => p.WorkspaceKey).ToList();
        if (workspaces.Count == 1)
        {
            return (workspaces[0], null);
        }

        if (workspaces.Count > 1)
        {
            return (null, $"{wanted} is a stakeholder in several workspaces ({string.Join(", ", workspaces.Select(w => w.WorkspaceKey))}): name one with --workspace.");
        }

        var known = await people.Select(s => s.Email!).Distinct().ToListAsync(cancellationToken);
        if (known.Count == 0)
        {
            return (null, workspaceKey is null
                ? "The store has nobody to chat as yet: import a governance file first, for example: import samples/phoenix.yaml"
                : $"Workspace '{workspaceKey}' has no stakeholders with an e-mail (or does not exist).");
        }

        var near = known.Select(k => (Email: k, Distance: CommandText.Distance(k, wanted))).Where(k => k.Distance <= 3).OrderBy(k => k.Distance).FirstOrDefault().Email;
        return (null, $"{wanted} is not the e-mail of a stakeholder in the store{(workspaceKey is null ? string.Empty : $" (workspace '{workspaceKey}')")}." +
            (near is null ? string.Empty : $" Did you mean {near}?") +
            " The bot knows people by the e-mail in their program's governance file (export --program <key> shows it).");
    }
}
