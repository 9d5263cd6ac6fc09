using System.Diagnostics;
using System.Text.Json;
using GovernanceBot.Testing;

namespace GovernanceBot.IntegrationTests.Hosting;

/// <summary>
/// The executable as a user runs it from a shell: a separate process, its own working directory,
/// standard output and standard error read apart, and its exit code.
/// </summary>
public sealed class CliProcessTests : IDisposable
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "GovernanceBot.dll");
    private readonly string home = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"gb-cli-{Guid.NewGuid():N}")).FullName;

    public void Dispose() => Directory.Delete(home, recursive: true);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string workingDirectory, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{string.Join(' ', args)} did not return within 2 minutes (did it start the server?)\n{await output}{await error}");
        }

        return (process.ExitCode, await output, await error);
    }

    private Task<(int Exit, string Output, string Error)> BotAsync(params string[] args) => RunAsync(home, "dotnet", [Dll, .. args]);

    [Fact]
    public async Task AMistypedCommand_IsAnErrorWithDidYouMean_AndDoesNotStartTheServer()
    {
        var (exit, output, error) = await BotAsync("exprot");

        Assert.NotEqual(0, exit);
        Assert.Contains("exprot", error, StringComparison.Ordinal);
        Assert.Contains("export", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output + error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(home, "data")), "a mistyped command must not create a store");
    }

    [Fact]
    public async Task AnUnknownOption_IsAnError_AndNothingIsWrittenElsewhere()
    {
        var (exit, _, error) = await BotAsync("teams-package", "--app-id", "00000000-0000-0000-0000-000000000001", "--output", "x.zip");

        Assert.NotEqual(0, exit);
        Assert.Contains("--output", error, StringComparison.Ordinal);
        Assert.Contains("--out", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(home));
    }

    [Fact]
    public async Task ConfigurationOverrides_InTheirSectionKeyForm_StillReachTheCommand()
    {
        var store = Path.Combine(home, "elsewhere", "governance.db");
        File.Copy(RepoPaths.Combine("samples", "phoenix.yaml"), Path.Combine(home, "phoenix.yaml"));

        var (exit, output, error) = await BotAsync("import", "phoenix.yaml", $"--Store:SqlitePath={store}");

        Assert.True(exit == 0, error);
        Assert.Contains("Program 'phoenix' in workspace 'demo'", output, StringComparison.Ordinal);
        Assert.True(File.Exists(store), "the override chose where the store is");
    }

    [Fact]
    public async Task CardsRenderForSlack_PrintsOneJsonDocumentOnStdout_AndOnlyExplanationsOnStderr()
    {
        var (exit, output, error) = await BotAsync("cards", "render", "approval.request", "--for", "slack");
        var (modalExit, modal, _) = await BotAsync("cards", "render", "approval.request", "--for", "slack", "--modal", "form:approval.vote");

        Assert.Equal(0, exit);
        using (var message = JsonDocument.Parse(output))
        {
            Assert.Equal(JsonValueKind.Array, message.RootElement.GetProperty("blocks").ValueKind);
        }

        Assert.DoesNotContain("{", error, StringComparison.Ordinal);
        Assert.Contains("--modal", error, StringComparison.Ordinal);
        Assert.Equal(0, modalExit);
        using var view = JsonDocument.Parse(modal);
        Assert.Equal("modal", view.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task OnAFreshClone_AskAnswersAGeneralQuestion_ExportSaysTheStoreIsEmpty_AndNoDatabaseIsCreated()
    {
        var (askExit, answer, _) = await BotAsync("ask", "how does a program manager differ from a product manager?", "--offline");
        var (exportExit, exported, exportError) = await BotAsync("export");
        var (auditExit, audit, _) = await BotAsync("audit", "verify");

        Assert.Equal(0, askExit);
        Assert.Contains("program", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Sources:", answer, StringComparison.Ordinal);
        Assert.Equal(1, exportExit);
        Assert.Empty(exported);
        Assert.Contains("The store is empty", exportError, StringComparison.Ordinal);
        Assert.DoesNotContain("--workspace", exportError, StringComparison.Ordinal);
        Assert.Equal(0, auditExit);
        Assert.Contains("The store is empty", audit, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(home, "data")), "reading must not create the store");
    }

    [Fact]
    public async Task DotnetRun_ResolvesRelativePathsAgainstTheDirectoryItWasGivenIn()
    {
        File.Copy(RepoPaths.Combine("samples", "phoenix.yaml"), Path.Combine(home, "mine.yaml"));
        var project = RepoPaths.Combine("bot", "GovernanceBot");

        var (exit, output, error) = await RunAsync(home, "dotnet", "run", "--no-build", "--project", project, "--", "import", "mine.yaml", "--dry-run");

        Assert.True(exit == 0, $"{output}\n{error}");
        Assert.Contains("dry run: nothing was written", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(home, "data")), "a dry run must not create the store");
    }
}
