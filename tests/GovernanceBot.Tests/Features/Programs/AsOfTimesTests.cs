using GovernanceBot.Conversation;
using GovernanceBot.Features.Dashboard;
using GovernanceBot.Testing;

namespace GovernanceBot.Tests.Features.Programs;

/// <summary>
/// A card's "as of" is a moment each reader sees in their own zone (Slack date tokens, Teams
/// DATE/TIME), not a time written out in one fixed zone ("… 12:00 Europe/London", "… 12:00 UTC").
/// </summary>
public sealed class AsOfTimesTests
{
    private const string Alex = "alexw@example.com";

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheStatusPortfolioGatesAndGateCards_GiveTheirAsOfAsAMoment_WithTheProgramsZoneNamedAsTheFallback(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var status = Assert.Single(await bot.SendAsync("status Phoenix", Alex)).ShouldBeCard("program.status");
        var portfolio = Assert.Single(await bot.SendAsync("portfolio", Alex)).ShouldBeCard("portfolio.status");
        var gates = Assert.Single(await bot.SendAsync("gates Phoenix", Alex)).ShouldBeCard("gates.status");
        var gate = Assert.Single(await bot.SendAsync("gate Phoenix gate-3", Alex)).ShouldBeCard("gate.detail");

        foreach (var asOf in new[] { status.Data["asOfText"], portfolio.Data["asOfText"], gates.Data["asOfText"], gate.Data["evidenceAsOfText"] }.Select(t => (string)t!))
        {
            // The portfolio's programs share London's zone, so its fallback names it too (UTC when they differ).
            Assert.Equal("Wed 25 Nov 2026, 12:00 (Europe/London)", LocalTime.Plain(asOf));
            Assert.StartsWith($"<!date^{BotHarness.DefaultNow.ToUnixTimeSeconds()}^", LocalTime.Slack(asOf), StringComparison.Ordinal);
            Assert.StartsWith("{{DATE(2026-11-25T12:00:00Z, SHORT)}} at {{TIME(2026-11-25T12:00:00Z)}}", LocalTime.Teams(asOf), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void APageOfTheDashboard_ShowsAMomentAsItsFallback_NotItsMarker()
    {
        var moment = LocalTime.Of(BotHarness.DefaultNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));

        var html = new Html().Append($"<dd>{moment}</dd>").ToString();

        Assert.Equal("<dd>Wed 25 Nov 2026, 12:00 (Europe/London)</dd>", html);
    }
}
