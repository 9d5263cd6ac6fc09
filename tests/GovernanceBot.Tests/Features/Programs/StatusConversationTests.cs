using GovernanceBot.Conversation;
using GovernanceBot.Testing;

namespace GovernanceBot.Tests.Features.Programs;

public sealed class StatusConversationTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task StatusPhoenix_OnDemoData_ShowsTheFiguresTheSampleImplies(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var reply = Assert.Single(await bot.SendAsync("status Phoenix"));

        var card = reply.ShouldBeCard("program.status");
        var data = card.Data;
        Assert.Equal("Phoenix", (string?)data["program"]);
        Assert.Equal("Delivery", (string?)data["phase"]);
        // samples/phoenix.yaml's latest values: csat 4.3, cost savings 860, adoption 3900 are Green;
        // on-time delivery 88.5 and budget variance 6.2 are Amber; defect escape rate 7.1 is Red.
        Assert.Equal(6, (int)data["kpis"]!["total"]!);
        Assert.Equal(3, (int)data["kpis"]!["green"]!);
        Assert.Equal(2, (int)data["kpis"]!["amber"]!);
        Assert.Equal(1, (int)data["kpis"]!["red"]!);
        Assert.Equal("Defect escape rate", (string?)data["kpiHighlights"]![0]!["name"]);
        Assert.Equal("7.1 %", (string?)data["kpiHighlights"]![0]!["valueText"]);
        Assert.Equal(5, (int)data["benefits"]!["total"]!);
        Assert.Equal("Higher customer retention", (string?)data["benefits"]!["atRisk"]![0]);
        var pending = Assert.Single(data["pendingApprovals"]!.AsArray());
        Assert.Equal("Gate 3: release to pilot customers", (string?)pending!["title"]);
        Assert.Equal("1 of 3 voted", (string?)pending["votes"]);
        Assert.Equal("Red", (string?)data["overall"]);
    }

    [Fact]
    public async Task Status_WithTheProgramKeyInAnyCase_FindsTheProgram()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync("STATUS phoenix"));

        reply.ShouldBeCard("program.status");
    }

    [Fact]
    public async Task Status_OfAnUnknownProgram_NamesTheProgramsThatExist()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var text = Assert.Single(await bot.SendAsync("status Atlantis")).ShouldBeText();

        Assert.Contains("no program called \"Atlantis\"", text, StringComparison.Ordinal);
        Assert.Contains("**Phoenix**", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_WithNoProgram_UsesTheOnlyProgramInTheWorkspace()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync("status"));

        Assert.Equal("Phoenix", (string?)reply.ShouldBeCard("program.status").Data["program"]);
    }

    [Fact]
    public async Task StatusButton_OnACard_RunsTheStatusCommand()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.ActAsync("status.show", new() { ["program"] = "phoenix" }));

        reply.ShouldBeCard("program.status");
    }

    [Fact]
    public async Task Programs_ListsEachProgramWithItsRagCounts()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var text = Assert.Single(await bot.SendAsync("programs")).ShouldBeText();

        Assert.Contains("**Phoenix** (Delivery) — KPIs: 1 red, 2 amber, 3 green; 1 pending approval", text, StringComparison.Ordinal);
    }
}
