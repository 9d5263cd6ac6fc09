using GovernanceBot.Conversation;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Tests.Features.Benefits;

public sealed class BenefitConversationTests
{
    [Fact]
    public async Task Benefits_ShowsTheRegisterWithLinkedKpisCurrentAndTarget()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var card = Assert.Single(await bot.SendAsync("benefits Phoenix", "adelev@example.com")).ShouldBeCard("benefits.status");

        Assert.Equal(6, (int)card.Data["counts"]!["total"]!);
        var savings = card.Data["benefits"]!.AsArray().Single(b => (string?)b!["id"] == "phoenix.cost-savings")!;
        Assert.Equal("Diego Siciliani", (string?)savings["owner"]);
        Assert.Equal("Jun 2027", (string?)savings["realisationDateText"]);
        var kpi = savings["kpis"]!.AsArray().Single(k => (string?)k!["kpiId"] == "phoenix.cost-savings")!;
        Assert.Equal("860 EUR k", (string?)kpi["currentText"]);
        Assert.Equal("≥ 1200 EUR k", (string?)kpi["targetText"]);
        Assert.Equal("green", (string?)kpi["rag"]);
    }

    [Fact]
    public async Task BenefitStatus_ByTheOwner_IsUpdatedAndAuditedWithBeforeAndAfter()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var text = Assert.Single(await bot.SendAsync("benefit \"Faster customer onboarding\" status at-risk", "lynner@example.com")).ShouldBeText();

        Assert.Contains("status in-delivery → **at-risk**", text, StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(BenefitStatus.AtRisk, (await db.Benefits.SingleAsync(b => b.Key == "faster-onboarding")).Status);
        var audit = await db.Audit.SingleAsync(a => a.Action == "benefit.status");
        Assert.Equal(("lynner", "in-delivery", "at-risk"), (audit.Actor, audit.Before, audit.After));
    }

    [Fact]
    public async Task BenefitMeasures_ByAProgramManager_AreUpdated()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        await bot.SendAsync("benefit faster-onboarding target 4 days", "alexw@example.com");
        await bot.SendAsync("benefit faster-onboarding date 2027-04-30", "alexw@example.com");

        await using var db = await bot.Store.OpenAsync();
        var benefit = await db.Benefits.SingleAsync(b => b.Key == "faster-onboarding");
        Assert.Equal(4, benefit.Target);
        Assert.Equal(new DateOnly(2027, 4, 30), benefit.RealisationDate);
        Assert.Equal("5 days", (await db.Audit.SingleAsync(a => a.Action == "benefit.target")).Before);
    }

    [Fact]
    public async Task BenefitUpdate_BySomeoneElse_IsRefusedPolitelyAndAudited()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync("benefit \"Faster customer onboarding\" status realised", "adelev@example.com"));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        Assert.Contains("Only its owner Lynne Robbins or Phoenix's program managers (Alex Wilber or Nestor Wilke) can update", reply.ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(BenefitStatus.InDelivery, (await db.Benefits.SingleAsync(b => b.Key == "faster-onboarding")).Status);
        Assert.Single(await db.Audit.Where(a => a.Action == "benefit.update.refused" && a.Actor == "adelev").ToListAsync());
    }

    [Theory]
    [InlineData("benefit \"Faster customer onboarding\" status done", "is not a benefit status")]
    [InlineData("benefit \"Faster customer onboarding\" target soon", "is not a number in days")]
    [InlineData("benefit \"Faster customer onboarding\" date next-year", "yyyy-MM-dd")]
    [InlineData("benefit \"World peace\" status planned", "There is no benefit called \"World peace\"")]
    public async Task BenefitUpdate_WithBadInput_SaysWhatWasWrong(string text, string expected)
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync(text, "lynner@example.com"));

        Assert.Contains(expected, reply.ShouldBeText(), StringComparison.Ordinal);
    }
}
