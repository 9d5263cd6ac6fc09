using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using static GovernanceBot.Tests.Features.Approvals.ApprovalTestSteps;

namespace GovernanceBot.Tests.Features.Approvals;

/// <summary>
/// A request that reaches its deadline undecided and says to escalate goes to the sponsor, who
/// decides it from the card or by command; every decision is told to the requester and the approvers.
/// </summary>
public sealed class EscalationTests
{
    private static async Task<Guid> EscalateGate3Async(BotHarness bot)
    {
        await bot.SendAsync("link Phoenix", Manager, BotHarness.ChannelChat("phoenix-team"));
        var id = await IdOfAsync(bot, "gate-3");
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
        await RunAsync<ApprovalDeadlineJob>(bot);
        Assert.Equal(ApprovalStatus.Escalated, (await LoadAsync(bot, id)).Status);
        return id;
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheSponsorsApprovalOnTheCard_DecidesTheEscalatedGate_AndTheRequesterAndApproversAreTold(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        var id = await EscalateGate3Async(bot);

        var card = Assert.Single(await VoteAsync(bot, id, "approve", Megan, "Pilot customers are ready")).ShouldBeCard("approval.decided");

        Assert.Equal("approved", (string?)card.Data["request"]!["outcome"]);
        Assert.Equal(ApprovalStatus.Approved, (await LoadAsync(bot, id)).Status);
        await using var db = await bot.Store.OpenAsync();
        var logged = await db.DecisionLog.SingleAsync(d => d.ApprovalRequestId == id);
        Assert.Equal("approved", logged.Outcome);
        Assert.Equal("Decided by Megan Bowen (sponsor) after the deadline passed without a decision (1 approval, 0 abstentions, no rejections): “Pilot customers are ready”", logged.Summary);
        var told = await db.Outbox.Where(o => o.IdempotencyKey.StartsWith($"approval:{id}:decided:told:")).Select(o => o.Destination).ToListAsync();
        Assert.Equal(["person:alexw@example.com", "person:diegos@example.com", "person:leeg@example.com"], told.Order().ToList());
        // The card the escalation sent Megan shows the decision too.
        Assert.Single(await db.Outbox.Where(o => o.Channel == "update" && o.Subject == ApprovalSubjects.Direct(id, "meganb") && o.IdempotencyKey.EndsWith(":decided")).ToListAsync());
        var audit = await db.Audit.SingleAsync(a => a.Action == "approval.decided" && a.Subject == "approval:gate-3");
        Assert.Equal(("meganb", "escalated"), (audit.Actor, audit.Before));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheSponsorRejectsByCommand_OnlyWithAReason(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        var id = await EscalateGate3Async(bot);

        var asked = Assert.Single(await bot.SendAsync("approval decide gate-3 reject", Megan)).ShouldBeText();
        Assert.Contains("Please say why you reject **Gate 3: release to pilot customers**", asked, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Escalated, (await LoadAsync(bot, id)).Status);

        var done = Assert.Single(await bot.SendAsync("approval decide gate-3 reject \"Support team is not staffed for the pilot\"", Megan)).ShouldBeText();

        Assert.Contains("Decided: **Gate 3: release to pilot customers** (gate-3) is rejected", done, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Rejected, (await LoadAsync(bot, id)).Status);
        await using var db = await bot.Store.OpenAsync();
        Assert.EndsWith("“Support team is not staffed for the pilot”", (await db.DecisionLog.SingleAsync(d => d.ApprovalRequestId == id)).Summary, StringComparison.Ordinal);
        Assert.Contains(await db.Outbox.Where(o => o.Destination == "person:alexw@example.com").ToListAsync(), o => o.PayloadJson.Contains("is rejected"));
    }

    [Fact]
    public async Task AnApproverWhoIsNotTheSponsor_CannotDecideTheEscalatedGate_AndTheRefusalIsAudited()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await EscalateGate3Async(bot);

        var fromCard = Assert.Single(await VoteAsync(bot, id, "approve", Diego)).ShouldBeText();
        var byCommand = Assert.Single(await bot.SendAsync("approval decide gate-3 approve", Diego)).ShouldBeText();

        Assert.Contains("escalated to Megan Bowen (sponsor) to decide", fromCard, StringComparison.Ordinal);
        Assert.Contains("escalated to Megan Bowen (sponsor) to decide; only they can", byCommand, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Escalated, (await LoadAsync(bot, id)).Status);
        Assert.Single(await AuditAsync(bot, "approval.vote.refused"));
        Assert.Single(await AuditAsync(bot, "approval.decide.refused"));
    }

    [Fact]
    public async Task TheSponsorsCard_OffersApproveAndRejectButNoAbstaining()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await EscalateGate3Async(bot);

        var card = Assert.Single(await bot.ActAsync("approval.refresh", new() { ["requestId"] = id.ToString() }, Megan)).ShouldBeCard("approval.request");
        var abstain = Assert.Single(await VoteAsync(bot, id, "abstain", Megan)).ShouldBeText();

        Assert.True((bool)card.Data["viewer"]!["decides"]!);
        Assert.True((bool)card.Data["viewer"]!["canVote"]!);
        Assert.Contains("escalated to you as sponsor to decide", (string?)card.Data["request"]!["progressText"], StringComparison.Ordinal);
        Assert.Contains("abstaining would leave it undecided", abstain, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Escalated, (await LoadAsync(bot, id)).Status);
    }

    [Fact]
    public async Task ADecisionByVotes_IsToldToTheRequester()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "any");

        await VoteAsync(bot, id, "approve", Lee, "Go");

        await using var db = await bot.Store.OpenAsync();
        var told = await db.Outbox.Where(o => o.IdempotencyKey.StartsWith($"approval:{id}:decided:told:")).ToListAsync();
        Assert.Contains(told, o => o.Destination == "person:alexw@example.com" && o.PayloadJson.Contains("is approved. Quorum reached"));
        Assert.DoesNotContain(told, o => o.Destination == "person:leeg@example.com");
    }
}
