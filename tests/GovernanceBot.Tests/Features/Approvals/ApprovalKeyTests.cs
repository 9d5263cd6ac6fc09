using GovernanceBot.Features.Approvals;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using static GovernanceBot.Tests.Features.Approvals.ApprovalTestSteps;

namespace GovernanceBot.Tests.Features.Approvals;

/// <summary>A request's key comes from the reference at the start of its title, as the program's own register names it.</summary>
public sealed class ApprovalKeyTests
{
    [Theory]
    [InlineData("CR-16: move pilot date", "cr-16")]
    [InlineData("GATE-3 go live", "gate-3")]
    [InlineData("RFC 42: adopt OpenTelemetry", "rfc-42")]
    [InlineData("[CR#7] fix the onboarding copy", "cr-7")]
    [InlineData("CR16: move pilot date", "cr-16")]
    [InlineData("Gate 4 – go live", "gate-4")]
    [InlineData("Phase 2 rollout", null)]
    [InlineData("Q3 budget review", null)]
    [InlineData("Move the pilot date", null)]
    [InlineData("CR-16a: move pilot date", null)]
    public void TheReferenceOfATitle_IsItsLeadingRegisterNumber(string title, string? key) =>
        Assert.Equal(key, ApprovalKeys.Reference(title));

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ARequestTitledWithAReference_IsKeyedAndLoggedUnderIt(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var replies = await bot.SendAsync("approval request \"CR-16: move pilot date\" approvers @leeg @diegos quorum any due 2026-12-05 kind change-request", Manager);

        Assert.Contains("Requested **CR-16: move pilot date** (cr-16)", replies[0].ShouldBeText(), StringComparison.Ordinal);
        var id = await IdOfAsync(bot, "cr-16");
        var decided = Assert.Single(await VoteAsync(bot, id, "approve", Lee)).ShouldBeCard("approval.decided");
        Assert.Equal("DL-CR-16", (string?)decided.Data["request"]!["decisionLogId"]);
        Assert.Single(await AuditAsync(bot, "approval.decided"), a => a.Subject == "approval:cr-16");
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task RaisingAnOpenReferenceAgain_IsRefusedAsADuplicate_AndAClosedOneGetsTheNextSuffix(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        await bot.SendAsync("approval request \"CR-16: move pilot date\" approvers @leeg quorum any due 2026-12-05", Manager);

        var again = Assert.Single(await bot.SendAsync("approval request \"CR-16: move the pilot date\" approvers @diegos quorum any due 2026-12-05", Manager)).ShouldBeText();
        var resubmitted = (await bot.SendAsync("approval request \"CR-12: add e-signature to onboarding, second round\" approvers @leeg quorum any due 2026-12-05", Manager))[0].ShouldBeText();

        Assert.Contains("**CR-16** is already open: “CR-16: move pilot date” is pending", again, StringComparison.Ordinal);
        Assert.Contains("approval cancel cr-16", again, StringComparison.Ordinal);
        Assert.Contains("(cr-12-2)", resubmitted, StringComparison.Ordinal);
        Assert.Contains("CR-12 was used before (“CR-12: add e-signature to onboarding”, approved), so this one is **cr-12-2**.", resubmitted, StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Single(await db.Approvals.Where(a => a.Key == "cr-16").ToListAsync());
        Assert.Equal("CR-12: add e-signature to onboarding, second round", (await db.Approvals.SingleAsync(a => a.Key == "cr-12-2")).Title);
    }
}
