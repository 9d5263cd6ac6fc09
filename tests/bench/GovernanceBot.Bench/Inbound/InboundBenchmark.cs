using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GovernanceBot.Testing;

namespace GovernanceBot.Bench.Inbound;

/// <summary>
/// <c>inbound</c>: one after another on this machine, in one run, N connections send back-to-back
/// requests for a fixed time to a bare Kestrel endpoint, GovernanceBot's Slack events endpoint,
/// @slack/bolt, GovernanceBot's Teams endpoint and botbuilder-js. Every request is a signed Slack
/// DM or a JWT-authenticated Teams message saying <c>help</c>; each target is a separate process
/// and is treated as a black box: requests in, answers counted at the fake platforms. Reports
/// acknowledgements per second, errors, ack latency and how long until every acknowledged message
/// was answered, with the ratios the inbound issue sets goals for.
/// </summary>
public static class InboundBenchmark
{
    private const string SigningSecret = "bench-signing-secret";
    private const string BotToken = "xoxb-bench-token";
    private static readonly string[] Order = ["bare", "bot-slack", "bolt", "bot-teams", "botbuilder"];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = InboundOptions.Parse(args);
        if (options is null)
        {
            return 2;
        }

        var root = RepositoryRoot();
        var peers = Path.Combine(root, "tests", "bench", "peers");
        var runsNode = options.Targets.Contains("bolt") || options.Targets.Contains("botbuilder");
        if (runsNode)
        {
            await EnsurePeersInstalledAsync(peers);
        }

        await using var platforms = await FakePlatforms.StartAsync(TimeSpan.FromMilliseconds(options.WebApiLatencyMs));
        var context = new TargetContext(options, platforms, peers);
        var results = new List<TargetResult>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var of = options.Rounds > 1 ? $" (round {round} of {options.Rounds})" : "";
            foreach (var target in Order.Where(options.Targets.Contains))
            {
                Console.WriteLine($"{Title(target)}{of}: starting");
                var result = await RunTargetAsync(target, context) with { Round = round };
                Console.WriteLine(InboundReport.Line(result));
                results.Add(result);
            }
        }

        var report = new InboundReport(
            DateTimeOffset.UtcNow,
            options,
            Environment.ProcessorCount,
            await CommitAsync(root),
            runsNode ? PeerVersion(peers, "@slack/bolt") : null,
            runsNode ? PeerVersion(peers, "botbuilder") : null,
            results);
        var markdown = report.ToMarkdown();
        Console.WriteLine();
        Console.Write(markdown);

        var outDir = options.OutDirectory ?? Path.Combine(root, "tests", "bench", "inbound", "results");
        Directory.CreateDirectory(outDir);
        var stem = Path.Combine(outDir, $"inbound-{report.At:yyyyMMdd-HHmmss}-{options.Store}");
        await File.WriteAllTextAsync(stem + ".md", markdown);
        await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(report.ToJson(), InboundJson.Default.InboundRunJson));
        Console.WriteLine($"written: {stem}.md, {stem}.json");
        return 0;
    }

    public static string Title(string target) => target switch
    {
        "bare" => "bare Kestrel POST",
        "bot-slack" => "GovernanceBot Slack /slack/events",
        "bolt" => "@slack/bolt",
        "bot-teams" => "GovernanceBot Teams /api/messages",
        "botbuilder" => "botbuilder-js CloudAdapter",
        _ => target,
    };

    private static async Task<TargetResult> RunTargetAsync(string target, TargetContext context)
    {
        var options = context.Options;
        var platforms = context.Platforms;
        platforms.Reset();
        var port = ChildProcess.FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        var home = Directory.CreateTempSubdirectory("gb-bench-inbound-").FullName;
        string? postgres = null;
        ChildProcess? process = null;
        try
        {
            Func<long, bool, LoadRequest> next;
            var slackEvents = new Uri(baseUrl, "slack/events");
            switch (target)
            {
                case "bare":
                    process = ChildProcess.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "GovernanceBot.Bench.dll"), BareEndpoint.Command, "--urls", baseUrl.ToString()], home, new Dictionary<string, string?>());
                    await process.WaitUntilUpAsync(baseUrl, requireOk: false, TimeSpan.FromSeconds(30));
                    // The same signed Slack delivery the bots get, so the ceiling reads the same bytes; no answer is expected.
                    var bare = new SlackEventRequests(slackEvents, SigningSecret, options.Users, "K");
                    next = (n, warmUp) => bare.Next(n, warmUp) with { Conversation = null };
                    break;
                case "bot-slack" or "bot-teams":
                    var (provider, connectionString) = options.Store == "postgres"
                        ? ("postgres", postgres = await PostgresServer.CreateDatabaseAsync())
                        : ("sqlite", $"Data Source={Path.Combine(home, "governance.db")}");
                    process = ChildProcess.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "GovernanceBot.dll"), "--urls", baseUrl.ToString()], home, BotEnvironment(platforms, home, provider, connectionString));
                    await process.WaitUntilUpAsync(new Uri(baseUrl, "readyz"), requireOk: true, TimeSpan.FromSeconds(90));
                    if (target == "bot-slack")
                    {
                        var slack = new SlackEventRequests(slackEvents, SigningSecret, options.Users, "G");
                        next = slack.Next;
                    }
                    else
                    {
                        var teams = new TeamsMessageRequests(new Uri(baseUrl, "api/messages"), platforms, options.Users, "G");
                        next = teams.Next;
                    }

                    break;
                case "bolt":
                    process = ChildProcess.Start("node", [Path.Combine(context.Peers, "bolt-app.js")], context.Peers, new Dictionary<string, string?>
                    {
                        ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
                        ["NODE_ENV"] = "production",
                        ["SLACK_SIGNING_SECRET"] = SigningSecret,
                        ["SLACK_BOT_TOKEN"] = BotToken,
                        ["SLACK_API_URL"] = platforms.SlackApiUrl.ToString(),
                    });
                    await process.WaitUntilUpAsync(slackEvents, requireOk: false, TimeSpan.FromSeconds(30));
                    next = new SlackEventRequests(slackEvents, SigningSecret, options.Users, "B").Next;
                    break;
                case "botbuilder":
                    process = ChildProcess.Start("node", [Path.Combine(context.Peers, "botbuilder-app.js")], context.Peers, new Dictionary<string, string?>
                    {
                        ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
                        ["NODE_ENV"] = "production",
                        ["MICROSOFT_APP_ID"] = FakePlatforms.AppId,
                        ["MICROSOFT_APP_PASSWORD"] = FakePlatforms.AppPassword,
                        ["OPENID_METADATA_URL"] = platforms.OpenIdMetadataUrl.ToString(),
                        ["TOKEN_ENDPOINT"] = platforms.TokenEndpoint.ToString(),
                    });
                    await process.WaitUntilUpAsync(baseUrl, requireOk: false, TimeSpan.FromSeconds(30));
                    next = new TeamsMessageRequests(new Uri(baseUrl, "api/messages"), platforms, options.Users, "M").Next;
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(target), target, "unknown target");
            }

            ChildProcess running = process;
            // Other work on a shared machine moves every figure: the reader needs to see it.
            var loadAverage = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
            // The benchmark's own CPU (load generator and fakes) too: on a small machine it competes with the target.
            using var self = Process.GetCurrentProcess();
            var (cpuBefore, selfBefore) = (TimeSpan.Zero, TimeSpan.Zero);
            var load = await LoadGenerator.RunAsync(next, options.Connections, TimeSpan.FromSeconds(options.WarmUpSeconds), TimeSpan.FromSeconds(options.Seconds),
                () =>
                {
                    cpuBefore = running.CpuTime;
                    self.Refresh();
                    selfBefore = self.TotalProcessorTime;
                });
            var cpu = running.CpuTime - cpuBefore;
            self.Refresh();
            var benchCpu = self.TotalProcessorTime - selfBefore;
            if (target == "bare")
            {
                return TargetResult.From(target, load, cpu, benchCpu, answered: null, allAnsweredAfter: null, loadAverage, sampleAnswer: null);
            }

            var (answered, atLastAck, after) = await DrainAsync(platforms, load, TimeSpan.FromSeconds(options.DrainSeconds));
            // Until every answer is out (or the drain gave up): what acknowledging and answering cost the target in all.
            var answerCpu = running.CpuTime - cpuBefore;
            return TargetResult.From(target, load, cpu, benchCpu, answered, after, loadAverage, platforms.SampleAnswer) with
            {
                AnsweredAtLastAck = atLastAck,
                CpuSecondsUntilAnswered = answerCpu.TotalSeconds,
            };
        }
        finally
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }

            if (postgres is not null)
            {
                await PostgresServer.DropDatabaseAsync(postgres);
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>
    /// Waits until every acknowledged message has its answer (or the drain time runs out). A
    /// conversation's answers count up to the number of its messages acknowledged, so an extra
    /// message (a welcome) never stands in for a missing one. The time is from the last
    /// acknowledgement to the last answer; zero when the target answers before it acknowledges.
    /// </summary>
    private static async Task<(long Answered, long AtLastAck, double? AfterSeconds)> DrainAsync(FakePlatforms platforms, LoadResult load, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var atLastAck = Answered();
        long answered;
        while ((answered = Answered()) < load.Acknowledged && clock.Elapsed < limit)
        {
            await Task.Delay(50);
        }

        if (answered < load.Acknowledged)
        {
            return (answered, atLastAck, null);
        }

        var last = platforms.LastAnswerAt;
        return (answered, atLastAck, last <= load.EndedAt ? 0 : Stopwatch.GetElapsedTime(load.EndedAt, last).TotalSeconds);

        long Answered() => load.AcknowledgedPerConversation.Sum(c => (long)Math.Min(platforms.AnswersFor(c.Key), c.Value));
    }

    private static Dictionary<string, string?> BotEnvironment(FakePlatforms platforms, string home, string provider, string connectionString)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Store:Provider"] = provider,
            ["ConnectionStrings:Governance"] = connectionString,
            ["Slack:SigningSecret"] = SigningSecret,
            ["Slack:BotToken"] = BotToken,
            ["Slack:ApiBaseUrl"] = platforms.SlackApiUrl.ToString(),
            ["Teams:AppId"] = FakePlatforms.AppId,
            ["Teams:AppPassword"] = FakePlatforms.AppPassword,
            ["Teams:OpenIdMetadataUrl"] = platforms.OpenIdMetadataUrl.ToString(),
            ["Teams:TokenIssuer"] = "https://api.botframework.com",
            ["Teams:TokenEndpoint"] = platforms.TokenEndpointTemplate,
            // The fakes have no rate limit; the platforms' real ones would pace the answers, not the acknowledgements.
            ["Outbox:RateLimits:slack:GlobalPerSecond"] = "100000",
            ["Outbox:RateLimits:slack:PerConversationPerSecond"] = "100000",
            ["Outbox:RateLimits:msteams:GlobalPerSecond"] = "100000",
            ["Outbox:RateLimits:msteams:PerConversationPerSecond"] = "100000",
            ["DataProtection:KeysPath"] = Path.Combine(home, "keys"),
            ["Scheduling:Enabled"] = "false",
            // Per-request console logging would be measured too; the peers log errors only.
            ["Logging:LogLevel:Default"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // As the container image runs the bot (infra/docker/Dockerfile, docs/operations.md).
            ["DOTNET_TC_CallCountingDelayMs"] = "0",
        };
        return settings.ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);
    }

    private static async Task EnsurePeersInstalledAsync(string peers)
    {
        if (Directory.Exists(Path.Combine(peers, "node_modules", "@slack", "bolt")) && Directory.Exists(Path.Combine(peers, "node_modules", "botbuilder")))
        {
            return;
        }

        Console.WriteLine("installing the peers (npm ci in tests/bench/peers)");
        using var npm = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]) { WorkingDirectory = peers })
            ?? throw new InvalidOperationException("could not start npm");
        await npm.WaitForExitAsync();
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {peers} failed ({npm.ExitCode})");
        }
    }

    private static string? PeerVersion(string peers, string package)
    {
        var manifest = Path.Combine(peers, "node_modules", package, "package.json");
        if (!File.Exists(manifest))
        {
            return null;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(manifest));
        return document.RootElement.TryGetProperty("version", out var version) ? version.GetString() : null;
    }

    private static async Task<string?> CommitAsync(string root)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["-C", root, "rev-parse", "--short", "HEAD"]) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (git is null)
            {
                return null;
            }

            var output = await git.StandardOutput.ReadToEndAsync();
            await git.WaitForExitAsync();
            return git.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GovernanceBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the repository (GovernanceBot.sln not found above the current directory).");
    }

    private sealed record TargetContext(InboundOptions Options, FakePlatforms Platforms, string Peers);
}
