using GovernanceBot.Testing;
using GovernanceBot.Tests.Features.GovernanceAsCode;

namespace GovernanceBot.Tests.Hosting;

public sealed class GovernanceCliTests
{
    /// <summary>Runs the executable's command line in this process against a store of the test's own.</summary>
    internal static Task<(int Exit, string Output, string Error)> RunAsync(TestStore store, params string[] command) => CliRunner.RunAsync(store, command);

    [Fact]
    public async Task ImportDryRun_OfAFileNested200000LevelsDeep_ExitsWithALocatedErrorInsteadOfCrashing()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite);
        var path = Path.Combine(Path.GetTempPath(), $"gb-deep-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, ImportTests.NestedTooDeep);
        try
        {
            var (exit, _, error) = await RunAsync(store, "import", path, "--dry-run");

            Assert.Equal(1, exit);
            Assert.Contains($"{Path.GetFileName(path)}:2:73: the file nests mappings and lists more than 64 levels deep", error, StringComparison.Ordinal);
            Assert.Contains("1 error(s); nothing was written.", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Ask_AnswersFromTheRegisters_AsChatDoes(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        var import = await RunAsync(store, "import", RepoPaths.Combine("samples", "phoenix.yaml"));
        Assert.True(import.Exit == 0, import.Error);

        // The CLI knew the programs but not the RAID log or the decision log: it declined or answered from the knowledge base.
        var actions = await RunAsync(store, "ask", "what are Phoenix's open actions?", "--offline");
        var risks = await RunAsync(store, "ask", "what are Phoenix's top risks?", "--offline");

        Assert.True(actions.Exit == 0, actions.Error);
        Assert.Contains("Phoenix's open actions", actions.Output, StringComparison.Ordinal);
        Assert.Contains("ACT-1", actions.Output, StringComparison.Ordinal);
        Assert.Contains("Phoenix's top risks by score", risks.Output, StringComparison.Ordinal);
        Assert.Contains("R-1", risks.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ReadsOnAStoreNeverCreated_AnswerOrSayItIsEmpty_AndCreateNothing(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);

        var ask = await RunAsync(store, "ask", "how does a program manager differ from a product manager?", "--offline");
        var export = await RunAsync(store, "export");
        var inbox = await RunAsync(store, "inbox", "failed");
        var dryRun = await RunAsync(store, "import", RepoPaths.Combine("samples", "phoenix.yaml"), "--dry-run");

        Assert.True(ask.Exit == 0, ask.Error);
        Assert.Contains("Sources:", ask.Output, StringComparison.Ordinal);
        Assert.Equal(1, export.Exit);
        Assert.StartsWith("The store is empty", export.Error, StringComparison.Ordinal);
        Assert.Equal(0, inbox.Exit);
        Assert.Contains("the store is empty", inbox.Output, StringComparison.Ordinal);
        Assert.True(dryRun.Exit == 0, dryRun.Error);
        Assert.Contains("dry run: nothing was written (there is no store yet)", dryRun.Output, StringComparison.Ordinal);
        Assert.Contains("program phoenix created", dryRun.Output, StringComparison.Ordinal);
        if (kind == StoreKind.Sqlite)
        {
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(store.ConnectionString).DataSource;
            Assert.False(File.Exists(file), "a read must not create the SQLite file");
        }
        else
        {
            await using var connection = new Npgsql.NpgsqlConnection(store.ConnectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", connection);
            Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
        }
    }

    [Fact]
    public async Task Healthcheck_SaysWhatTheBotAnswered_OrWhyItCouldNotBeReached()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite, loadDemo: false);
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var nobody = $"http://127.0.0.1:{((System.Net.IPEndPoint)closed.LocalEndpoint).Port}/healthz";
        closed.Stop();

        var up = await RunAsync(bot.Store, "healthcheck", "--url", new Uri(bot.BaseAddress, "healthz").ToString());
        var down = await RunAsync(bot.Store, "healthcheck", "--url", nobody);

        Assert.Equal(0, up.Exit);
        Assert.Contains("answered 200 OK", up.Output, StringComparison.Ordinal);
        Assert.Equal(1, down.Exit);
        Assert.StartsWith($"Unhealthy: {nobody} could not be reached", down.Error, StringComparison.Ordinal);
        Assert.Contains("Is the bot running there?", down.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InboxRetryAll_WhenNothingFailed_SaysNothingHasFailed()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite);
        await RunAsync(store, "import", RepoPaths.Combine("samples", "phoenix.yaml"));

        var (exit, output, _) = await RunAsync(store, "inbox", "retry", "--all");

        Assert.Equal(0, exit);
        Assert.Equal("Nothing to retry: no request has failed.", output.Trim());
    }
}
