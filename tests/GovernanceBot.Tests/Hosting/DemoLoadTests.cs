using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.Tests.Hosting;

/// <summary>The Phoenix demo loaded at first start, whenever that is: its dates are this week's.</summary>
public sealed class DemoLoadTests
{
    // A Monday, fifteen weeks and five days after the sample's asOf (Wednesday 2026-11-25), at noon
    // UTC: Phoenix's weekly check-in (Mondays 09:00 in each person's zone) has fired in London.
    private static readonly DateTimeOffset MonthsLater = new(2027, 3, 15, 12, 0, 0, TimeSpan.Zero);

    private static string Phoenix => File.ReadAllText(RepoPaths.Combine("samples", "phoenix.yaml"));

    private static Task<BotHarness> StartDemoAsync(StoreKind kind, DateTimeOffset now) =>
        BotHarness.StartAsync(kind, now: now, settings: new Dictionary<string, string?> { ["Demo:OpenCheckIn"] = "true" });

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheDemo_FirstStartedMonthsAfterItsAsOf_HasAGateToVoteOn_RecentKpis_AndARoundOpenToday(StoreKind kind)
    {
        await using var bot = await StartDemoAsync(kind, MonthsLater);
        await using (var scope = bot.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ApprovalDeadlineJob>().RunAsync(CancellationToken.None);
        }

        await using var db = await bot.Store.OpenAsync();
        var gate = await db.Approvals.SingleAsync(a => a.Key == "gate-3");
        Assert.Equal(ApprovalStatus.Pending, gate.Status);
        // Due Saturday 20 March at 17:00 in London: five days ahead, as 5 December was for 25 November's reader.
        Assert.Equal(new DateTimeOffset(2027, 3, 20, 17, 0, 0, TimeSpan.Zero), gate.Deadline);
        var latest = await db.KpiMeasurements.MaxAsync(m => m.Date);
        Assert.Equal(new DateOnly(2027, 3, 8), latest);
        Assert.Equal(DayOfWeek.Monday, latest.DayOfWeek);
        var round = await db.CheckInRounds.SingleAsync();
        Assert.Equal(CheckInRoundStatus.Open, round.Status);
        Assert.Equal(new DateOnly(2027, 3, 15), round.OccurrenceDate);
        Assert.True(round.ClosesAt > MonthsLater.AddDays(1), "a round opened at load gives people the check-in's full window");
        Assert.Equal(5, await db.Outbox.CountAsync(o => o.IdempotencyKey.StartsWith("checkin:") && o.IdempotencyKey.EndsWith(":prompt")));
        Assert.Equal(new DateOnly(2027, 3, 10), (await db.Programs.SingleAsync()).AsOf);

        var status = Assert.Single(await bot.SendAsync("checkin status Phoenix", "alexw@example.com")).ShouldBeText();
        // The time as the program's zone (London) reads it, named: 20:00 UTC in March is 20:00 GMT.
        Assert.Matches(@"open until [^:]*16 Mar[^:]*20:00[^:]*: 0 of 5 answered", status);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheMovedDemo_ReimportedWeeksLater_AndItsExport_ChangeNothing(StoreKind kind)
    {
        await using var bot = await StartDemoAsync(kind, MonthsLater);
        bot.Clock.Advance(TimeSpan.FromDays(40));
        var importer = bot.Services.GetRequiredService<GovernanceImporter>();

        var again = await importer.ImportAsync("phoenix.yaml", Phoenix, dryRun: true, CancellationToken.None);
        var (exported, _) = await bot.Services.GetRequiredService<GovernanceExporter>().ExportAsync("demo", "phoenix", CancellationToken.None);
        var back = await importer.ImportAsync("exported.yaml", exported!, dryRun: true, CancellationToken.None);

        Assert.True(again.Succeeded, string.Join("; ", again.Errors));
        Assert.False(again.Changed, string.Join("; ", again.Changes));
        Assert.Empty(again.Changes);
        Assert.Contains("asOf: 2027-03-10", exported, StringComparison.Ordinal);
        Assert.Contains("due: 2027-03-20T17:00:00Z", exported, StringComparison.Ordinal);
        Assert.True(back.Succeeded, string.Join("; ", back.Errors));
        Assert.False(back.Changed, string.Join("; ", back.Changes));
    }

    [Fact]
    public async Task TheDemo_LoadedInItsAsOfWeek_KeepsTheDatesAsWritten()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 17, 0, 0, TimeSpan.Zero), (await db.Approvals.SingleAsync(a => a.Key == "gate-3")).Deadline);
        Assert.Equal(new DateOnly(2026, 11, 23), await db.KpiMeasurements.MaxAsync(m => m.Date));
        Assert.Equal(new DateOnly(2026, 11, 25), (await db.Programs.SingleAsync()).AsOf);
        Assert.False(await db.CheckInRounds.AnyAsync(), "the shared harness leaves rounds to the tests");
    }

    [Fact]
    public async Task ImportingTheDemo_IntoAFreshStoreLater_SaysHowFarItsDatesMove()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite);
        (await store.OpenAsync()).Dispose();
        var importer = new GovernanceImporter(store.Factory, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(MonthsLater));

        var result = await importer.ImportAsync("phoenix.yaml", Phoenix, dryRun: true, CancellationToken.None);

        Assert.Contains("every date moved 15 week(s) later, so asOf is 2027-03-10: within the last seven days", result.Changes);
    }
}
