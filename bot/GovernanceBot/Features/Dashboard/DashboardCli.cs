using System.CommandLine;
using GovernanceBot.Features.Programs;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Dashboard;

/// <summary><c>dashboard-link --user EMAIL [--program KEY] [--workspace KEY]</c>: prints a personal dashboard link.</summary>
public static class DashboardCli
{
    public static Command Command(string[] args)
    {
        var user = new Option<string>("--user") { Description = "The e-mail of the person the link is for.", Required = true };
        var program = new Option<string?>("--program") { Description = "Open this program's page (key or name) instead of the portfolio." };
        var workspace = new Option<string?>("--workspace") { Description = "The workspace key (needed when there are several)." };
        var command = new Command("dashboard-link", "Print a single-use, expiring link that opens the web dashboard as one person.") { user, program, workspace };
        command.SetAction(async (result, ct) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var email = result.GetRequiredValue(user).Trim();
            if (!email.Contains('@', StringComparison.Ordinal) || email.Length > 320)
            {
                await error.WriteLineAsync($"'{email}' is not an e-mail address: the link is for one person, named by their e-mail, e.g. --user ada@example.com");
                return 2;
            }

            using var host = await GovernanceCli.StartConfiguredServicesAsync(args, (services, configuration) => services
                .AddGovernanceDataProtection(configuration)
                .Configure<DashboardOptions>(configuration.GetSection(DashboardOptions.Section))
                .AddDashboardLinks()
                .AddPrograms(), ct);
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GovernanceDb>();
            var workspaces = await db.Workspaces.AsNoTracking().OrderBy(w => w.Key).ToListAsync(ct);
            var wanted = result.GetValue(workspace);
            var chosen = wanted is null
                ? workspaces.Count == 1 ? workspaces[0] : null
                : workspaces.FirstOrDefault(w => string.Equals(w.Key, wanted, StringComparison.OrdinalIgnoreCase));
            if (chosen is null)
            {
                await error.WriteLineAsync(workspaces.Count == 0
                    ? "There is no workspace in the store yet: import a program first (governancebot import FILE)."
                    : $"{(wanted is null ? "Which workspace?" : $"There is no workspace '{wanted}'.")} Use --workspace with one of: {string.Join(", ", workspaces.Select(w => w.Key))}");
                return 1;
            }

            var readers = scope.ServiceProvider.GetRequiredService<ReaderPolicy>();
            var reader = await readers.ReaderOfPersonAsync(chosen.Id, email, null, null, ct);
            string? key = null;
            if (result.GetValue(program) is { Length: > 0 } typed)
            {
                var (found, known) = await scope.ServiceProvider.GetRequiredService<ProgramDirectory>().FindAsync(chosen.Id, typed, ct);
                if (found is null)
                {
                    await error.WriteLineAsync(known.Count == 0 ? $"There is no program '{typed}' in workspace '{chosen.Key}'." : $"There is no program '{typed}' in workspace '{chosen.Key}'. Programs: {string.Join(", ", known)}");
                    return 1;
                }

                if (!ReaderPolicy.CanRead(reader, found.Id, Reading.Status))
                {
                    await error.WriteLineAsync($"{email} may not read {found.Name} (as a guest or someone from another organisation): no link was made.");
                    return 1;
                }

                key = found.Key;
            }

            if (reader.People.Count == 0)
            {
                await error.WriteLineAsync($"Note: {email} is no program's stakeholder in '{chosen.Key}': the dashboard shows them what any member of the workspace sees.");
            }

            var links = scope.ServiceProvider.GetRequiredService<DashboardLinks>();
            await output.WriteLineAsync(links.Issue(chosen, new DashboardPerson(chosen.Id, email), key));
            return 0;
        });
        return command;
    }
}
