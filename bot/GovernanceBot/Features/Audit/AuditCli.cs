using System.CommandLine;
using System.Globalization;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Audit;

/// <summary><c>governancebot audit verify [--workspace KEY]</c>: checks the audit chain of every workspace (or one).</summary>
public static class AuditCli
{
    public static Command Command(string[] args)
    {
        var workspace = new Option<string?>("--workspace") { Description = "Verify only this workspace's chain (its key)." };
        var verify = new Command("verify",
            "Check that no audit entry was changed, removed or reordered: exit 0 with the number verified and each chain's head, or 1 with the first entry that does not fit.")
        {
            workspace,
        };
        verify.SetAction(async (result, ct) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var (host, exists) = await GovernanceCli.StartServicesForReadingAsync(args, null, ct);
            using var _ = host;
            if (!exists)
            {
                await output.WriteLineAsync("The store is empty: there is no audit log to verify yet.");
                return 0;
            }

            await using var db = host.Services.GetRequiredService<IGovernanceDbFactory>().Create();
            var keys = await db.Workspaces.AsNoTracking().ToDictionaryAsync(w => w.Id, w => w.Key, ct);
            Guid? only = null;
            if (result.GetValue(workspace) is { } key)
            {
                if (!keys.Any(k => k.Value == key))
                {
                    await error.WriteLineAsync($"No workspace has the key '{key}'. Known: {string.Join(", ", keys.Values.Order(StringComparer.Ordinal))}.");
                    return 2;
                }

                only = keys.First(k => k.Value == key).Key;
            }

            string Name(Guid id) => keys.TryGetValue(id, out var k) ? k : id.ToString();
            var verification = await AuditChain.VerifyAsync(db, only, ct);
            if (verification.Misfit is { } misfit)
            {
                await error.WriteLineAsync(
                    $"Audit entry {misfit.Id} ({Time(misfit.At)}, workspace {Name(misfit.WorkspaceId)}) does not fit the chain: {misfit.Reason}.");
                await error.WriteLineAsync($"{verification.Verified:N0} entries before it were verified. The audit log was changed outside the bot: see \"The audit chain\" in docs/operations.md.");
                return 1;
            }

            await output.WriteLineAsync($"Verified {verification.Verified:N0} audit entries in {Plural(verification.Heads.Count, "workspace")}: every chain is intact.");
            foreach (var head in verification.Heads)
            {
                await output.WriteLineAsync($"Head of {Name(head.WorkspaceId)}: entry {head.Seq}, sha256 {head.Hash}");
            }

            return 0;
        });
        return new Command("audit", "Work with the audit log.") { verify };
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Plural(int n, string word) => n == 1 ? $"1 {word}" : $"{n} {word}s";
}
