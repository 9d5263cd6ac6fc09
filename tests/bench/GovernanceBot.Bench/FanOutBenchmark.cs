using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GovernanceBot.Bench;

/// <summary>
/// Fans a check-in round out to N people through the real outbox dispatcher and the real Slack
/// client, against a local fake Slack Web API that admits R messages a second and answers 429 with
/// Retry-After beyond that. Reports the completion time as a ratio of the theoretical minimum
/// (N ÷ R), with lost and duplicate counts.
/// </summary>
public static class FanOutBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var people = Option(args, "--people", 5000);
        var rate = Option(args, "--rate", 200);
        var dispatcherRate = Option(args, "--dispatcher-rate", rate);
        var fake = await RateLimitedSlack.StartAsync(rate);
        var file = Path.Combine(Path.GetTempPath(), $"gb-bench-{Guid.NewGuid():N}.db");
        var settings = new Dictionary<string, string?>
        {
            ["Store:Provider"] = "sqlite",
            ["ConnectionStrings:Governance"] = $"Data Source={file}",
            ["Slack:SigningSecret"] = "bench-secret",
            ["Slack:BotToken"] = "xoxb-bench",
            ["Slack:ApiBaseUrl"] = fake.BaseUrl + "api/",
            ["Scheduling:Enabled"] = "false",
            ["Outbox:Dispatch"] = "false",
            ["Outbox:Concurrency"] = Option(args, "--concurrency", 32).ToString(CultureInfo.InvariantCulture),
            ["Outbox:RateLimits:slack:PerConversationPerSecond"] = "1",
            ["Outbox:RateLimits:slack:GlobalPerSecond"] = dispatcherRate.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var app = GovernanceBotApp.Build(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(settings));
        await app.StartAsync();
        try
        {
            var import = await app.Services.GetRequiredService<GovernanceImporter>().ImportAsync("bench.yaml", LargeProgram.Yaml(people, "Bench", slackTeam: "T0BENCH", schedule: "* * * * *"), false, CancellationToken.None);
            if (!import.Succeeded)
            {
                Console.Error.WriteLine(string.Join(Environment.NewLine, import.Errors));
                return 1;
            }

            await using (var db = app.Services.GetRequiredService<IGovernanceDbFactory>().Create())
            {
                await LargeProgram.LinkChatUsersAsync(db, (await db.Workspaces.SingleAsync()).Id, people, "slack", "T0BENCH", i => $"D{i:D6}");
                // As if the check-in had been set up an hour ago: this minute's occurrence is due now (a new check-in never opens a past one).
                var setUp = DateTimeOffset.UtcNow.AddHours(-1);
                await db.CheckIns.ExecuteUpdateAsync(s => s.SetProperty(c => c.ScheduledFrom, setUp));
            }

            await using (var scope = app.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<CheckInSweepJob>().RunAsync(CancellationToken.None);
            }

            if (await PendingAsync(app.Services) != people)
            {
                Console.Error.WriteLine($"the round queued {await PendingAsync(app.Services)} prompts, not {people}");
                return 1;
            }

            var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
            var clock = Stopwatch.StartNew();
            await dispatcher.DrainAllAsync(CancellationToken.None);
            // Rows waiting out a Retry-After are not due yet: keep draining until the outbox is empty.
            while (await PendingAsync(app.Services) > 0)
            {
                await Task.Delay(100);
                await dispatcher.DrainAllAsync(CancellationToken.None);
            }

            clock.Stop();
            var received = fake.Received;
            var lost = Enumerable.Range(0, people).Count(i => !received.ContainsKey($"D{i:D6}"));
            var duplicates = received.Values.Sum(n => Math.Max(0, n - 1));
            var minimum = TimeSpan.FromSeconds((double)people / rate);
            var report = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"fan-out: {people} prompts, fake Slack admits {rate}/s (429 + Retry-After beyond), dispatcher limit {dispatcherRate}/s")
                .AppendLine(CultureInfo.InvariantCulture, $"theoretical minimum (messages / allowed rate): {minimum.TotalSeconds:0.00} s")
                .AppendLine(CultureInfo.InvariantCulture, $"completion: {clock.Elapsed.TotalSeconds:0.00} s  ratio {clock.Elapsed / minimum:0.000}")
                .AppendLine(CultureInfo.InvariantCulture, $"lost: {lost}  duplicates: {duplicates}  429s answered: {fake.Throttled}")
                .AppendLine(CultureInfo.InvariantCulture, $"machine: {Environment.ProcessorCount} cores, load {LoadAverage()}")
                .ToString();
            Console.Write(report);
            var outDir = Path.Combine("tests", "bench", "outbox", "results");
            Directory.CreateDirectory(outDir);
            await File.WriteAllTextAsync(Path.Combine(outDir, $"fanout-{DateTime.UtcNow:yyyyMMdd-HHmmss}.txt"), report);
            return lost == 0 && duplicates == 0 ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            await fake.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }
        }
    }

    private static async Task<int> PendingAsync(IServiceProvider services)
    {
        await using var db = services.GetRequiredService<IGovernanceDbFactory>().Create();
        return await db.Outbox.CountAsync(o => o.Status == OutboxStatus.Pending);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    /// <summary>A fake chat.postMessage that admits a fixed number of messages per second.</summary>
    private sealed class RateLimitedSlack : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly int rate;
        private readonly object gate = new();
        private readonly Queue<long> window = new();
        private long ts;
        private int throttled;

        private RateLimitedSlack(WebApplication app, int rate)
        {
            this.app = app;
            this.rate = rate;
        }

        public ConcurrentDictionary<string, int> Received { get; } = new();

        public int Throttled => throttled;

        public string BaseUrl => app.Urls.First() + "/";

        public static async Task<RateLimitedSlack> StartAsync(int rate)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var fake = new RateLimitedSlack(app, rate);
            app.MapPost("/api/{method}", fake.HandleAsync);
            await app.StartAsync();
            return fake;
        }

        private async Task HandleAsync(HttpContext context, string method)
        {
            var body = await JsonNode.ParseAsync(context.Request.Body);
            if (method != "chat.postMessage")
            {
                await context.Response.WriteAsync("{\"ok\":true}");
                return;
            }

            if (!Admit())
            {
                Interlocked.Increment(ref throttled);
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                await context.Response.WriteAsync("{\"ok\":false,\"error\":\"ratelimited\"}");
                return;
            }

            var channel = (string?)body?["channel"] ?? "";
            Received.AddOrUpdate(channel, 1, (_, n) => n + 1);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$"""{"ok":true,"channel":"{{channel}}","ts":"{{Interlocked.Increment(ref ts)}}.000100"}""");
        }

        private bool Admit()
        {
            var now = Stopwatch.GetTimestamp();
            lock (gate)
            {
                while (window.Count > 0 && Stopwatch.GetElapsedTime(window.Peek(), now) >= TimeSpan.FromSeconds(1))
                {
                    window.Dequeue();
                }

                if (window.Count >= rate)
                {
                    return false;
                }

                window.Enqueue(now);
                return true;
            }
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
