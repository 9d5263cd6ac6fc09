using System.Diagnostics;
using System.Globalization;
using System.Net;
using GovernanceBot.Features.Dashboard;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.Bench;

/// <summary>
/// The dashboard at the scale of a large portfolio: P programs with K KPIs each and M values per KPI
/// (default 50 × 10 × 500 = 250,000 measurements), on SQLite, served by the real bot on Kestrel.
/// Times the portfolio page and one program's page, each as a ratio to a static page of the same
/// size served by the same host in the same run (so the machine's speed and load divide out).
/// </summary>
public static class DashboardBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var programs = Option(args, "--programs", 50);
        var kpisPerProgram = Option(args, "--kpis", 10);
        var values = Option(args, "--values", 500);
        var rounds = Option(args, "--requests", 40);
        var file = Path.Combine(Path.GetTempPath(), $"gb-bench-dashboard-{Guid.NewGuid():N}.db");
        var settings = new Dictionary<string, string?>
        {
            ["Store:Provider"] = "sqlite",
            ["ConnectionStrings:Governance"] = $"Data Source={file}",
            ["Demo:Load"] = "false",
            ["Scheduling:Enabled"] = "false",
            ["Outbox:Dispatch"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var app = GovernanceBotApp.Build(["--urls", "http://127.0.0.1:0"], b => b.Configuration.AddInMemoryCollection(settings));
        byte[] staticPage = [];
        app.MapGet("/bench/static", () => Results.Bytes(staticPage, "text/html; charset=utf-8"));
        await app.StartAsync();
        try
        {
            var seeding = Stopwatch.StartNew();
            var workspace = await SeedAsync(app.Services, programs, kpisPerProgram, values);
            Console.WriteLine($"seeded {programs} programs, {programs * kpisPerProgram} KPIs, {programs * kpisPerProgram * values:N0} measurements in {seeding.Elapsed.TotalSeconds:0.0} s");

            var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true };
            using var http = new HttpClient(handler);
            var link = app.Services.GetRequiredService<DashboardLinks>().Issue(workspace, new DashboardPerson(workspace.Id, "sponsor@example.com"), null)
                .Replace(app.Services.GetRequiredService<DashboardLinks>().BaseUrl(), baseUrl, StringComparison.Ordinal);
            using (var start = await http.GetAsync(link))
            {
                if (start.StatusCode != HttpStatusCode.OK)
                {
                    Console.Error.WriteLine($"the link did not start a session: {(int)start.StatusCode}");
                    return 1;
                }
            }

            var portfolio = $"{baseUrl}/dashboard";
            var program = $"{baseUrl}/dashboard/programs/p{programs / 2:D2}";
            var portfolioHtml = await http.GetByteArrayAsync(portfolio);
            var programHtml = await http.GetByteArrayAsync(program);
            Console.WriteLine($"portfolio page {portfolioHtml.Length / 1024.0:0} KB, program page {programHtml.Length / 1024.0:0} KB");

            staticPage = portfolioHtml;
            var staticPortfolio = await TimeAsync(http, $"{baseUrl}/bench/static", rounds);
            var portfolioTimes = await TimeAsync(http, portfolio, rounds);
            staticPage = programHtml;
            var staticProgram = await TimeAsync(http, $"{baseUrl}/bench/static", rounds);
            var programTimes = await TimeAsync(http, program, rounds);

            Console.WriteLine();
            Console.WriteLine("| page | median | p95 | static page of the same size (median) | ratio (median) |");
            Console.WriteLine("|---|---|---|---|---|");
            Report("portfolio (50 programs)", portfolioTimes, staticPortfolio);
            Report($"program ({kpisPerProgram} KPIs × {values} values)", programTimes, staticProgram);
            var ok = Median(portfolioTimes) < 1000 && Median(programTimes) < 1000;
            Console.WriteLine();
            Console.WriteLine(ok ? "Both pages render well under a second." : "A page took a second or more: the goal is not met.");
            return ok ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }
        }
    }

    private static void Report(string page, List<double> times, List<double> baseline) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {page} | {Median(times):0.0} ms | {Percentile(times, 0.95):0.0} ms | {Median(baseline):0.00} ms | {Median(times) / Median(baseline):0.0}× |"));

    /// <summary>Sequential GETs after a warm-up; each time is the whole request, first byte to last.</summary>
    private static async Task<List<double>> TimeAsync(HttpClient http, string url, int rounds)
    {
        for (var i = 0; i < 3; i++)
        {
            (await http.GetAsync(url)).Dispose();
        }

        var times = new List<double>(rounds);
        for (var i = 0; i < rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync(url);
            await response.Content.ReadAsByteArrayAsync();
            times.Add(watch.Elapsed.TotalMilliseconds);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}");
            }
        }

        return times;
    }

    private static double Median(List<double> times) => Percentile(times, 0.5);

    private static double Percentile(List<double> times, double p)
    {
        var sorted = times.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(p * sorted.Count))];
    }

    /// <summary>The portfolio: programs p00…, each with a manager, KPIs with daily history, benefits and approvals; the sponsor of them all reads it.</summary>
    private static async Task<Workspace> SeedAsync(IServiceProvider services, int programs, int kpisPerProgram, int values)
    {
        await using var db = services.GetRequiredService<IGovernanceDbFactory>().Create();
        await db.MigrateAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var workspace = new Workspace { Key = "bench", Name = "Bench portfolio", CreatedAt = DateTimeOffset.UtcNow };
        db.Workspaces.Add(workspace);
        await db.SaveChangesAsync();
        var random = new Random(42);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        for (var p = 0; p < programs; p++)
        {
            var program = new GovernanceProgram { WorkspaceId = workspace.Id, Key = $"p{p:D2}", Name = $"Program {p:D2}", TimeZone = "UTC", Phase = "delivery" };
            var manager = new Stakeholder { Key = "pm", Name = $"Manager {p}", Email = $"pm{p}@example.com", Roles = [StakeholderRoles.ProgramManager], TimeZone = "UTC" };
            var sponsor = new Stakeholder { Key = "sponsor", Name = "Sam Sponsor", Email = "sponsor@example.com", Roles = [StakeholderRoles.Sponsor], TimeZone = "UTC" };
            program.Stakeholders.AddRange([manager, sponsor]);
            for (var k = 0; k < kpisPerProgram; k++)
            {
                var kpi = new Kpi { Key = $"k{k}", Name = $"KPI {k}", Unit = "%", Direction = KpiDirection.HigherIsBetter, Target = 95, Amber = 90, Red = 80, Owner = manager, Cadence = KpiCadence.Daily };
                var level = 70 + random.NextDouble() * 30;
                for (var v = 0; v < values; v++)
                {
                    level = Math.Clamp(level + (random.NextDouble() - 0.5) * 2, 50, 100);
                    kpi.Measurements.Add(new KpiMeasurement { Date = today.AddDays(v - values), Value = Math.Round(level, 1), RecordedAt = DateTimeOffset.UtcNow });
                }

                program.Kpis.Add(kpi);
            }

            for (var b = 0; b < 3; b++)
            {
                program.Benefits.Add(new Benefit { Key = $"b{b}", Name = $"Benefit {b}", Owner = manager, Status = (BenefitStatus)(b % 6), Baseline = 0, Target = 100, KpiKeys = [$"k{b}"] });
            }

            program.Approvals.Add(new ApprovalRequest { Key = "gate", Title = "Next gate", Kind = ApprovalKind.StageGate, CreatedAt = DateTimeOffset.UtcNow, Deadline = DateTimeOffset.UtcNow.AddDays(7), Quorum = QuorumRule.Majority });
            db.Programs.Add(program);
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }

        return workspace;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
