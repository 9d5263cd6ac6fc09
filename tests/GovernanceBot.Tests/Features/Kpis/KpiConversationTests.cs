using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Scheduling;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.Tests.Features.Kpis;

public sealed class KpiConversationTests
{
    [Fact]
    public async Task Kpis_ShowsEveryKpiWithItsRagTrendAndMovement()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var card = Assert.Single(await bot.SendAsync("kpis Phoenix", "lynner@example.com")).ShouldBeCard("kpis.status");

        Assert.Equal(3, (int)card.Data["counts"]!["green"]!);
        Assert.Equal(2, (int)card.Data["counts"]!["amber"]!);
        Assert.Equal(1, (int)card.Data["counts"]!["red"]!);
        var defects = card.Data["kpis"]!.AsArray().Single(k => (string?)k!["name"] == "Defect escape rate")!;
        Assert.Equal("phoenix.defect-escape-rate", (string?)defects["id"]);
        Assert.Equal("7.1 %", (string?)defects["valueText"]);
        Assert.Equal("≤ 2 %", (string?)defects["targetText"]);
        Assert.Equal("red", (string?)defects["rag"]);
        Assert.Equal("up", (string?)defects["trend"]);
        Assert.Equal("worse", (string?)defects["movement"]);
        Assert.Equal("+0.3 pts", (string?)defects["deltaText"]);
        Assert.Equal("Isaiah Langer", (string?)defects["owner"]);
    }

    [Fact]
    public async Task Kpi_ShowsTheChartSeriesHistoryAndWhetherTheViewerMayRecord()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var forOwner = Assert.Single(await bot.SendAsync("kpi On-time delivery", "adelev@example.com")).ShouldBeCard("kpi.detail");
        var forReader = Assert.Single(await bot.ActAsync("kpi.detail", new() { ["kpiId"] = "phoenix.on-time-delivery" }, "lynner@example.com")).ShouldBeCard("kpi.detail");

        Assert.True((bool)forOwner.Data["viewer"]!["canRecord"]!);
        Assert.False((bool)forReader.Data["viewer"]!["canRecord"]!);
        var kpi = forOwner.Data["kpi"]!;
        var actual = kpi["series"]!["actual"]!.AsArray();
        Assert.Equal(8, actual.Count);
        Assert.Equal("W48", (string?)actual[^1]!["x"]);
        Assert.Equal(88.5, (double)actual[^1]!["y"]!);
        Assert.Equal(95, (double)kpi["series"]!["target"]![0]!["y"]!);
        Assert.Equal("88.5 %", (string?)kpi["history"]![0]!["valueText"]);
        Assert.Equal("amber", (string?)kpi["history"]![0]!["rag"]);
        Assert.Equal("85 % – 90 %", (string?)kpi["thresholds"]!["amberText"]);
        Assert.Equal(8, ((string?)kpi["sparkline"])!.Length);
        Assert.Equal("2026-11-25", (string?)forOwner.Data["form"]!["maxDate"]);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TwoValuesInOneWeek_GiveOneChartPointForTheWeek_TheLatest_WhileTheHistoryKeepsBothByDate(StoreKind store)
    {
        await using var bot = await BotHarness.StartAsync(store);
        // The demo has 88.5 % on Mon 23 Nov (W48); a second value on Wed 25 Nov falls in the same ISO week.
        await bot.SendAsync("kpi record \"On-time delivery\" 93.5", "adelev@example.com");

        var card = Assert.Single(await bot.SendAsync("kpi On-time delivery", "adelev@example.com")).ShouldBeCard("kpi.detail");

        var kpi = card.Data["kpi"]!;
        var actual = kpi["series"]!["actual"]!.AsArray();
        var weeks = actual.Select(p => (string?)p!["x"]).ToList();
        Assert.Equal(weeks.Distinct().Count(), weeks.Count);
        Assert.Equal(8, actual.Count);
        Assert.Equal("W48", weeks[^1]);
        Assert.Equal(93.5, (double)actual[^1]!["y"]!);
        Assert.Equal("W41", weeks[0]);
        Assert.Equal(weeks, kpi["series"]!["target"]!.AsArray().Select(p => (string?)p!["x"]));
        var history = kpi["history"]!.AsArray().Select(r => ((string?)r!["periodText"], (string?)r["valueText"])).ToList();
        Assert.Equal(("W48 · 25 Nov", "93.5 %"), history[0]);
        Assert.Equal(("W48 · 23 Nov", "88.5 %"), history[1]);
        Assert.Equal(history.Select(h => h.Item1).Distinct().Count(), history.Count);
    }

    [Fact]
    public async Task KpiRecord_ByTheOwner_StoresTheValueForTodayAndAudits()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var text = Assert.Single(await bot.SendAsync("kpi record \"On-time delivery\" 93.5", "adelev@example.com")).ShouldBeText();

        Assert.Contains("Recorded **93.5 %** for On-time delivery on Wed 25 Nov 2026", text, StringComparison.Ordinal);
        Assert.Contains("🟢 Green", text, StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        var measurement = await db.KpiMeasurements.SingleAsync(m => m.Date == new DateOnly(2026, 11, 25));
        Assert.Equal(93.5, measurement.Value);
        Assert.Equal("Adele Vance", measurement.RecordedBy);
        var audit = await db.Audit.SingleAsync(a => a.Action == "kpi.recorded");
        Assert.Equal("adelev", audit.Actor);
        Assert.Equal("93.5 % on 2026-11-25", audit.After);
    }

    [Fact]
    public async Task KpiRecord_AgainForTheSameDate_CorrectsTheValueAndTheAuditShowsBefore()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        await bot.SendAsync("kpi record \"Active portal users\" 3,950 2026-11-24", "pattif@example.com");
        var text = Assert.Single(await bot.SendAsync("kpi record adoption 3960 users 2026-11-24", "alexw@example.com")).ShouldBeText();

        Assert.Contains("(was 3950 users)", text, StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(3960, (await db.KpiMeasurements.SingleAsync(m => m.Date == new DateOnly(2026, 11, 24))).Value);
        Assert.Equal("3950 users on 2026-11-24", (await db.Audit.OrderBy(a => a.Id).LastAsync(a => a.Action == "kpi.recorded")).Before);
    }

    [Theory]
    [InlineData("kpi record \"Active portal users\" lots", "is not a number")]
    [InlineData("kpi record \"Active portal users\" 93%", "is measured in users")]
    [InlineData("kpi record \"Active portal users\" 4000 2026-12-01", "is in the future")]
    [InlineData("kpi record \"Active portal users\" 4000 2026-13-01", "is not a date")]
    [InlineData("kpi record \"Active portal users\" 4000 note \"{LONG}\"", "keep it under 500")]
    [InlineData("kpi record \"Active portal users\" {LONG}", "too long to be a KPI value")]
    [InlineData("kpi record \"Warp speed\" 9", "There is no KPI called \"Warp speed\"")]
    [InlineData("kpi record \"Active portal users\"", "Say which KPI and the value")]
    public async Task KpiRecord_WithABadValue_GetsAHelpfulReplyAndNothingIsStored(string text, string expected)
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        int before;
        await using (var db = await bot.Store.OpenAsync())
        {
            before = await db.KpiMeasurements.CountAsync();
        }

        var reply = Assert.Single(await bot.SendAsync(text.Replace("{LONG}", new string('x', text.Contains("note", StringComparison.Ordinal) ? 600 : 1_500), StringComparison.Ordinal), "pattif@example.com"));

        Assert.Contains(expected, reply.ShouldBeText(), StringComparison.Ordinal);
        await using var check = await bot.Store.OpenAsync();
        Assert.Equal(before, await check.KpiMeasurements.CountAsync());
        Assert.False(await check.Audit.AnyAsync(a => a.Action == "kpi.recorded"));
    }

    [Fact]
    public async Task KpiRecord_BySomeoneWhoIsNeitherOwnerNorManager_IsRefusedPolitelyAndAudited()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync("kpi record \"On-time delivery\" 99", "lynner@example.com"));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        Assert.Contains("Only its owner Adele Vance or Phoenix's program managers (Alex Wilber or Nestor Wilke) can record values for **On-time delivery**", reply.ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.False(await db.KpiMeasurements.AnyAsync(m => m.Value == 99));
        Assert.Equal("lynner", (await db.Audit.SingleAsync(a => a.Action == "kpi.record.refused")).Actor);
    }

    [Fact]
    public async Task TheRecordCard_StoresTheValue_AndIsReplacedByTheUpdatedDetail()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var replies = await bot.ActAsync("kpi.record", new JsonObject { ["kpiId"] = "phoenix.csat", ["value"] = "4.4", ["date"] = "2026-11-25", ["note"] = "pilot survey" }, "pattif@example.com");

        var detail = replies[0].ShouldBeCard("kpi.detail");
        Assert.True(replies[0].ReplacesSourceCard);
        Assert.Equal("4.4 / 5", (string?)detail.Data["kpi"]!["valueText"]);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal("pilot survey", (await db.KpiMeasurements.SingleAsync(m => m.Date == new DateOnly(2026, 11, 25))).Note);
    }

    [Fact]
    public async Task ARecordCardWithoutAKpiId_SaysSo_AndNothingIsStored()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await using var db = await bot.Store.OpenAsync();
        var before = await db.KpiMeasurements.CountAsync();

        var reply = Assert.Single(await bot.ActAsync("kpi.record", new JsonObject { ["value"] = "4.4" }, "pattif@example.com"));

        Assert.Contains("does not say which KPI", reply.ShouldBeText(), StringComparison.Ordinal);
        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        Assert.Equal(before, await db.KpiMeasurements.CountAsync());
    }

    [Fact]
    public async Task OverdueOwners_AreNudgedWithTheRecordCard_OncePerDueDate()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await Run<KpiOverdueJob>(bot);
        await using (var db = await bot.Store.OpenAsync())
        {
            Assert.False(await db.Outbox.AnyAsync(o => o.IdempotencyKey.Contains(":nudge:")));
        }

        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        await Run<KpiOverdueJob>(bot);
        await Run<KpiOverdueJob>(bot);

        await using var check = await bot.Store.OpenAsync();
        var nudges = await check.Outbox.Where(o => o.IdempotencyKey.Contains(":nudge:2026-11-30")).ToListAsync();
        Assert.Equal(6, nudges.Count);
        Assert.Equal(2, nudges.Count(n => n.Destination == "person:pattif@example.com"));
        Assert.All(nudges, n => Assert.Contains("\"template\":\"kpi.record\"", n.PayloadJson, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheScheduledStatusPost_GoesToTheProgramChannelOncePerOccurrence()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await bot.SendAsync("link Phoenix", "alexw@example.com", BotHarness.ChannelChat("phoenix-team"));
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 8, 0, 30, TimeSpan.Zero));

        await Run<KpiStatusPostJob>(bot);
        bot.Clock.Advance(TimeSpan.FromMinutes(1));
        await Run<KpiStatusPostJob>(bot);

        await using var db = await bot.Store.OpenAsync();
        var post = await db.Outbox.SingleAsync(o => o.IdempotencyKey.StartsWith("kpis.status:"));
        Assert.Contains("phoenix-team", post.Destination, StringComparison.Ordinal);
        Assert.Contains("\"template\":\"kpis.status\"", post.PayloadJson, StringComparison.Ordinal);
    }

    private static async Task Run<TJob>(BotHarness bot) where TJob : IGovernanceJob
    {
        await using var scope = bot.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TJob>().RunAsync(CancellationToken.None);
    }
}
