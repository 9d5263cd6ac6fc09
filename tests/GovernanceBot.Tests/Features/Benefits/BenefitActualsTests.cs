using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Tests.Features.Benefits;

/// <summary>Benefit actuals: recorded by the owner, compared with the planned realisation curve on the benefit's card.</summary>
public sealed class BenefitActualsTests
{
    private const string Diego = "diegos@example.com";
    private const string Lynne = "lynner@example.com";

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task RecordingAnActual_ByTheOwner_IsStoredAuditedAndComparedWithThePlan(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var replies = await bot.SendAsync("benefit record \"Lower onboarding operating cost\" 910", Diego);

        // Baseline 0 on 1 Jul 2026, target 1200 on 30 Jun 2027: 25 Nov is 147 of 364 days in, so 484.6 planned.
        Assert.Equal("Recorded **910 EUR k** for Lower onboarding operating cost on Wed 25 Nov 2026. That is on plan (910 EUR k against 484.6 EUR k planned by 25 Nov 2026).",
            replies[0].ShouldBeText());
        var card = replies[1].ShouldBeCard("benefit.detail");
        Assert.Equal("green", (string?)card.Data["benefit"]!["rag"]);
        Assert.Equal(5, card.Data["benefit"]!["series"]!["actual"]!.AsArray().Count);
        Assert.Equal("30 Jun 27", (string?)card.Data["benefit"]!["series"]!["planned"]!.AsArray()[^1]!["x"]);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(910, (await db.BenefitActuals.SingleAsync(a => a.Date == new DateOnly(2026, 11, 25))).Value);
        var audit = await db.Audit.SingleAsync(a => a.Action == "benefit.actual");
        Assert.Equal(("diegos", "benefit:phoenix.cost-savings", "910 EUR k on 2026-11-25"), (audit.Actor, audit.Subject, audit.After));
    }

    [Fact]
    public async Task RecordingAnActualFromTheCard_ReplacesTheCardAndCorrectsTheSameDate()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var replies = await bot.ActAsync("benefit.record",
            new JsonObject { ["benefitId"] = "phoenix.cost-savings", ["value"] = "870", ["date"] = "2026-11-23", ["note"] = "Licence refund booked" }, Diego);

        Assert.True(Assert.IsType<CardReply>(replies[0]).ReplacesSourceCard);
        Assert.Contains("(was 860 EUR k)", replies[1].ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(870, (await db.BenefitActuals.SingleAsync(a => a.Date == new DateOnly(2026, 11, 23) && a.Value > 800)).Value);
    }

    [Fact]
    public async Task ADisBenefit_IsLowerIsBetter_AndItsCardSaysSo()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var card = Assert.Single(await bot.SendAsync("benefit \"Dual-running support cost\"", Lynne)).ShouldBeCard("benefit.detail");

        var benefit = card.Data["benefit"]!;
        Assert.Equal("disBenefit", (string?)benefit["kind"]);
        Assert.Equal("Dis-benefit: lower is better; the target is the most accepted", (string?)benefit["kindText"]);
        Assert.Equal("at most 90 EUR k", (string?)benefit["targetText"]);
        // 44 against a plan of about 24 by 23 Nov: over the plan by more than a tenth of the way.
        Assert.Equal("red", (string?)benefit["rag"]);
    }

    [Fact]
    public async Task RecordingAnActual_BySomeoneElse_IsRefusedAndAudited()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync("benefit record \"Lower onboarding operating cost\" 910", "adelev@example.com"));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        Assert.Contains("Only its owner Diego Siciliani or Phoenix's program managers (Alex Wilber or Nestor Wilke) can record actuals", reply.ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Single(await db.Audit.Where(a => a.Action == "benefit.record.refused").ToListAsync());
        Assert.False(await db.BenefitActuals.AnyAsync(a => a.Value == 910));
    }

    [Theory]
    [InlineData("benefit record \"Lower onboarding operating cost\" lots", "\"lots\" is not a number in EUR k.")]
    [InlineData("benefit record \"Lower onboarding operating cost\" 910 2027-01-04", "2027-01-04 is in the future")]
    [InlineData("benefit record \"Lower onboarding operating cost\" 910 04/01/2026", "\"04/01/2026\" is not a date. Write it as yyyy-MM-dd")]
    [InlineData("benefit record \"World peace\" 3", "There is no benefit called \"World peace\"")]
    [InlineData("benefit record \"Higher customer retention\" 130", "130 % is not a share")]
    [InlineData("benefit record \"Lower onboarding operating cost\"", "Say which benefit and its measured value")]
    public async Task RecordingAnActual_WithBadInput_SaysWhatWasWrongAndStoresNothing(string text, string expected)
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        int before;
        await using (var db = await bot.Store.OpenAsync())
        {
            before = await db.BenefitActuals.CountAsync();
        }

        var reply = Assert.Single(await bot.SendAsync(text, "alexw@example.com"));

        Assert.Contains(expected, reply.ShouldBeText(), StringComparison.Ordinal);
        await using var after = await bot.Store.OpenAsync();
        Assert.Equal(before, await after.BenefitActuals.CountAsync());
    }
}
