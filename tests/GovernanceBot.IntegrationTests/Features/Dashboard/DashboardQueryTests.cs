using System.Globalization;
using GovernanceBot.Features.Dashboard;
using GovernanceBot.Features.Health;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Features.Dashboard;

/// <summary>
/// The dashboard reads only the latest values it shows (a KPI's latest, a chart's last points, each
/// check-in's latest rounds), in a few grouped queries: what it shows must be what the whole history
/// says, on both stores. Each expectation here is computed from every value the store holds.
/// </summary>
public sealed class DashboardQueryTests
{
    private const int ChartPoints = 5;
    private const int CheckInRounds = 4;

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task ThePortfolioAndProgramPages_ShowEachKpisLatestValueAndLastPoints_AsTheWholeHistorySaysThem(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind, settings: new Dictionary<string, string?>
        {
            ["Dashboard:ChartPoints"] = ChartPoints.ToString(CultureInfo.InvariantCulture),
            ["Dashboard:CheckInRounds"] = CheckInRounds.ToString(CultureInfo.InvariantCulture),
        });
        await AddHistoryOutOfOrderAsync(bot);
        await DashboardSteps.SeedCheckInRoundsAsync(bot, "Vendor API is two weeks late");

        await using var scope = bot.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GovernanceDb>();
        var workspace = await db.Workspaces.SingleAsync(w => w.Key == "demo");
        var everything = await db.Programs.AsNoTracking().AsSplitQuery()
            .Include(p => p.Kpis).ThenInclude(k => k.Measurements).Include(p => p.Kpis).ThenInclude(k => k.Owner)
            .SingleAsync(p => p.Key == "phoenix");
        var query = scope.ServiceProvider.GetRequiredService<DashboardQuery>();
        var person = new DashboardPerson(workspace.Id, "meganb@example.com");

        var view = await query.ProgramAsync(person, "phoenix", CancellationToken.None);
        Assert.NotNull(view);
        foreach (var kpi in everything.Kpis)
        {
            var tile = view.Kpis.Single(t => t.Kpi.Key == kpi.Key);
            var ordered = kpi.Measurements.OrderBy(m => m.Date).ToList();
            Assert.Equal(KpiViews.Summary(everything, kpi), tile.Summary);
            Assert.Equal(ordered.TakeLast(ChartPoints).Select(m => (m.Date, m.Value)), tile.Recent.Select(m => (m.Date, m.Value)));
            Assert.Equal(ordered.LastOrDefault()?.Note, tile.LatestNote);
        }

        var rags = everything.Kpis.Select(k => KpiRag.Of(k, k.Measurements.MaxBy(m => m.Date)?.Value)).ToList();
        var counts = KpiRag.Count(rags);
        Assert.Equal(counts, view.Status.KpiCounts);
        var portfolio = await query.PortfolioAsync(person, CancellationToken.None);
        var health = Assert.Single(portfolio!.Programs, p => p.Program.Key == "phoenix");
        Assert.Equal(counts, health.Kpis);
        Assert.Equal(view.Status.Overall.Rag, ProgramStatusQuery.RagKey(health.Overall));

        // Six weekly rounds seeded: the trend shows the latest four, oldest first.
        var rounds = await db.CheckInRounds.AsNoTracking().Include(r => r.Responses).Where(r => r.ProgramId == everything.Id)
            .OrderBy(r => r.OccurrenceDate).ToListAsync();
        var trend = Assert.Single(view.CheckIns);
        Assert.Equal(rounds.TakeLast(CheckInRounds).Select(r => (r.OccurrenceDate, r.Responses.Count)), trend.Rounds.Select(p => (p.Date, p.Answered)));
        Assert.Contains(trend.LatestRisks, q => q.Text == "Vendor API is two weeks late");
        var latest = rounds[^1];
        Assert.Equal($"{trend.CheckIn.Name} of {latest.OccurrenceDate.ToString("d MMM", CultureInfo.InvariantCulture)}: {ProgramStatusQuery.Plural(latest.Responses.Count, "answer")} so far",
            view.Status.Checkin.Text);
    }

    /// <summary>
    /// Forty more values for Phoenix's first KPI, the newest stored first and a note on the newest, so
    /// neither storage order nor the demo's few values can stand in for "latest by date".
    /// </summary>
    private static async Task AddHistoryOutOfOrderAsync(BotHarness bot)
    {
        await using var db = await bot.Store.OpenAsync();
        var program = await db.Programs.Include(p => p.Kpis).ThenInclude(k => k.Measurements).SingleAsync(p => p.Key == "phoenix");
        var kpi = program.Kpis.OrderBy(k => k.Key, StringComparer.Ordinal).First();
        var newest = kpi.Measurements.Max(m => m.Date);
        var random = new Random(7);
        foreach (var days in Enumerable.Range(1, 40).Select(i => i % 2 == 0 ? i : -i).OrderByDescending(d => d))
        {
            var date = newest.AddDays(days);
            if (kpi.Measurements.All(m => m.Date != date))
            {
                db.KpiMeasurements.Add(new KpiMeasurement
                {
                    KpiId = kpi.Id,
                    Date = date,
                    Value = Math.Round(kpi.Target * (0.7 + random.NextDouble() * 0.4), 1),
                    Note = date == newest.AddDays(40) ? "newest, stored first" : null,
                    RecordedAt = bot.Clock.GetUtcNow(),
                });
            }
        }

        await db.SaveChangesAsync();
        Assert.Equal(newest.AddDays(40), await db.KpiMeasurements.Where(m => m.KpiId == kpi.Id).MaxAsync(m => m.Date));
    }
}
