using Microsoft.Extensions.DependencyInjection;
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
        Assert.Equal("Phoenix", (string?)data["program"]!["name"]);
        Assert.Equal("phoenix", (string?)data["program"]!["id"]);
        Assert.Equal("Build", (string?)data["program"]!["phase"]);
        // samples/phoenix.yaml's latest values: csat 4.3, cost savings 860, adoption 3900 are Green;
        // on-time delivery 88.5 and budget variance 6.2 are Amber; defect escape rate 7.1 is Red.
        Assert.Equal(6, (int)data["kpiCounts"]!["total"]!);
        Assert.Equal(3, (int)data["kpiCounts"]!["green"]!);
        Assert.Equal(2, (int)data["kpiCounts"]!["amber"]!);
        Assert.Equal(1, (int)data["kpiCounts"]!["red"]!);
        // The RAID log's logged risks and issues come first (at most three, overdue first, then by score), then off-target KPIs.
        var risks = data["risks"]!.AsArray().Select(r => ((string)r!["title"]!, (string)r["rag"]!)).ToList();
        Assert.Equal(["R-1", "I-1", "I-2"], risks.Take(3).Select(r => r.Item1.Split(' ')[0]).ToList());
        Assert.StartsWith("Defect escape rate at 7.1 %", risks[3].Item1, StringComparison.Ordinal);
        Assert.Equal("red", risks[3].Item2);
        Assert.Equal(6, (int)data["benefitCounts"]!["total"]!);
        Assert.Contains(data["risks"]!.AsArray(), r => (string?)r!["title"] == "Benefit at risk: Higher customer retention");
        var pending = Assert.Single(data["pendingApprovals"]!.AsArray());
        Assert.Equal("Gate 3: release to pilot customers", (string?)pending!["title"]);
        Assert.Equal("1 of 3 voted", (string?)pending["tallyText"]);
        Assert.Equal("red", (string?)data["overall"]!["rag"]);
    }

    [Fact]
    public async Task StatusCard_RendersThroughTheTemplate_WithNothingLeftUnresolved()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var card = Assert.Single(await bot.SendAsync("status Phoenix")).ShouldBeCard("program.status");

        var rendered = bot.Services.GetRequiredService<GovernanceBot.Cards.ICardRenderer>().Render(card.Template, card.Data);

        Assert.DoesNotContain("${", rendered.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("Phoenix — program status", (string?)rendered["body"]![0]!["columns"]![0]!["items"]![0]!["text"]);
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

        Assert.Equal("Phoenix", (string?)reply.ShouldBeCard("program.status").Data["program"]!["name"]);
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

        Assert.Contains("**Phoenix** (Build) — KPIs: 1 red, 2 amber, 3 green; 1 pending approval", text, StringComparison.Ordinal);
    }
}
