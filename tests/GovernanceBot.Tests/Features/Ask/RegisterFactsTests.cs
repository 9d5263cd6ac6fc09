using GovernanceBot.Testing;

namespace GovernanceBot.Tests.Features.Ask;

/// <summary>Questions answered from the RAID log and the decision log, citing the records they use.</summary>
public sealed class RegisterFactsTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task PhoenixsTopRisks_AreItsOpenRisksByScore_EachCited(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var card = Assert.Single(await bot.SendAsync("what are Phoenix's top risks?")).ShouldBeCard("answer");

        var answer = (string)card.Data["answer"]!;
        Assert.StartsWith("Phoenix's top risks by score (4 open): **R-1** Payment provider API not certified in time for the pilot (Adele Vance; score 16, red) [1]", answer, StringComparison.Ordinal);
        Assert.True(answer.IndexOf("**R-2**", StringComparison.Ordinal) < answer.IndexOf("**R-4**", StringComparison.Ordinal), answer);
        Assert.DoesNotContain("R-5", answer, StringComparison.Ordinal);
        Assert.Contains("probability 4 × impact 4 = score 16 of 25", (string?)card.Data["passages"]![0]!["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatIsOverdue_ListsTheOpenItemsPastTheirDate()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var answer = (string)Assert.Single(await bot.SendAsync("what is overdue?")).ShouldBeCard("answer").Data["answer"]!;

        Assert.StartsWith("Phoenix has 2 overdue RAID items: **R-1**", answer, StringComparison.Ordinal);
        Assert.Contains("**A-2** Legal signs off the new privacy notice within two weeks (Alex Wilber; overdue by 5 days: validate by Fri 20 Nov 2026)", answer, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task WhatWeDecidedAboutThePilotDate_IsTheActiveDecision_WithWhatItSuperseded(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var card = Assert.Single(await bot.SendAsync("what did we decide about the pilot date?")).ShouldBeCard("answer");

        var answer = (string)card.Data["answer"]!;
        Assert.StartsWith("- **Move the pilot start date to 12 January** (DEC-3, active, 18 Nov 2026 by Megan Bowen and Alex Wilber): Two pilot customers freeze changes in December", answer, StringComparison.Ordinal);
        Assert.Contains("Supersedes DEC-2 [1]", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGeneralQuestionAboutRisks_IsStillForTheKnowledgeBase()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var card = Assert.Single(await bot.SendAsync("what is a risk register?")).ShouldBeCard("answer");

        Assert.DoesNotContain("R-1", (string)card.Data["answer"]!, StringComparison.Ordinal);
    }
}
