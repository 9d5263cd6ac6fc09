using System.CommandLine;
using System.Globalization;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Hosting;

/// <summary>
/// <c>governancebot inbox failed</c>: the inbound requests that failed after their retries, with their
/// reasons; <c>governancebot inbox retry ID…|--all</c>: give them another go (a running bot takes them
/// at its next poll).
/// </summary>
public static class InboxCli
{
    public static Command Command(string[] args)
    {
        var limit = new Option<int>("--limit") { Description = "Show at most this many, newest first.", DefaultValueFactory = _ => 50 };
        var failed = new Command("failed", "List inbound requests that failed after their retries, newest first, with the reason.") { limit };
        failed.SetAction(async (result, ct) =>
        {
            var (host, exists) = await GovernanceCli.StartServicesForReadingAsync(args, null, ct);
            using var _ = host;
            if (!exists)
            {
                await result.InvocationConfiguration.Output.WriteLineAsync("No failed inbound requests: the store is empty.");
                return 0;
            }

            await using var db = host.Services.GetRequiredService<IGovernanceDbFactory>().Create();
            var rows = await db.InboundEvents.AsNoTracking()
                .Where(e => e.Status == InboundStatus.Failed)
                .OrderByDescending(e => e.Id)
                .Take(Math.Max(1, result.GetValue(limit)))
                .Select(e => new { e.Id, e.Channel, e.Kind, e.ReceivedAt, e.Attempts, e.Error })
                .ToListAsync(ct);
            if (rows.Count == 0)
            {
                Console.WriteLine("No failed inbound requests.");
                return 0;
            }

            foreach (var row in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Id}\t{row.Channel}\t{row.Kind}\treceived {row.ReceivedAt:yyyy-MM-dd HH:mm:ss} UTC\t{row.Attempts} attempt(s)\t{row.Error}"));
            }

            Console.WriteLine($"{rows.Count} failed. Run them again with: inbox retry <id>… (or --all).");
            return 0;
        });

        var ids = new Argument<long[]>("id") { Description = "The ids shown by 'inbox failed'.", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Every failed inbound request." };
        var retry = new Command("retry", "Run failed inbound requests again (a running bot takes them at its next poll).") { ids, all };
        retry.SetAction(async (result, ct) =>
        {
            var chosen = result.GetValue(ids) ?? [];
            var everything = result.GetValue(all);
            if (chosen.Length == 0 && !everything)
            {
                await Console.Error.WriteLineAsync("Name the ids to retry (see 'inbox failed'), or pass --all.");
                return 2;
            }

            var (host, exists) = await GovernanceCli.StartServicesForReadingAsync(args, null, ct);
            using var _ = host;
            if (!exists)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync("Nothing to retry: the store is empty.");
                return 1;
            }

            var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            await using var db = host.Services.GetRequiredService<IGovernanceDbFactory>().Create();
            var count = await db.InboundEvents
                .Where(e => e.Status == InboundStatus.Failed && (everything || chosen.Contains(e.Id)))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.Status, InboundStatus.Received)
                    .SetProperty(e => e.Attempts, 0)
                    .SetProperty(e => e.NextAttemptAt, now)
                    .SetProperty(e => e.LeaseOwner, (string?)null)
                    .SetProperty(e => e.LeaseUntil, (DateTimeOffset?)null), ct);
            await result.InvocationConfiguration.Output.WriteLineAsync(count == 0 ? everything ? "Nothing to retry: no request has failed." : "Nothing to retry: no failed request has those ids." : $"{count} request(s) queued to run again.");
            return count == 0 && !everything ? 1 : 0;
        });

        return new Command("inbox", "The inbound requests the bot acknowledged: what failed, and running it again.") { failed, retry };
    }
}
