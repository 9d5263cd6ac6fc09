using System.CommandLine;
using GovernanceBot.Hosting;

namespace GovernanceBot.Testing;

/// <summary>Runs the executable's command line in this process against a test's own store.</summary>
public static class CliRunner
{
    public static async Task<(int Exit, string Output, string Error)> RunAsync(TestStore store, params string[] command)
    {
        string[] args = [.. command, .. store.Settings.Select(s => $"--{s.Key}={s.Value}")];
        using var output = new StringWriter();
        using var error = new StringWriter();
        // As the executable parses it: configuration overrides (--Section:Key=value) are taken out first.
        var exit = await GovernanceCli.Parse(args, (_, _) => throw new InvalidOperationException("the CLI test must not serve"))
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
