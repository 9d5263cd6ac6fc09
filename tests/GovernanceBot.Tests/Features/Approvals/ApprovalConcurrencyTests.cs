using GovernanceBot.Features.Approvals;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using static GovernanceBot.Tests.Features.Approvals.ApprovalTestSteps;

namespace GovernanceBot.Tests.Features.Approvals;

public sealed class ApprovalConcurrencyTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task FiftyConcurrentClicksByOneApprover_RecordExactlyOneVote(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        var id = await RequestAsync(bot, "all");

        var replies = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => VoteAsync(bot, id, "approve", Megan, "Yes"))));

        Assert.All(replies, r => Assert.Equal("approval.request", Assert.IsType<GovernanceBot.Conversation.CardReply>(Assert.Single(r)).Template));
        var request = await LoadAsync(bot, id);
        var vote = Assert.Single(request.Votes);
        Assert.Equal(VoteDecision.Approve, vote.Decision);
        Assert.Single(await AuditAsync(bot, "approval.vote.approve"));
        Assert.Equal(1, request.Version);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ConcurrentVotesByDifferentApprovers_AreAllCounted_AndDecideOnceWithOneDecidedCard(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        await bot.SendAsync("link Phoenix", Manager, BotHarness.ChannelChat("phoenix-team"));
        var id = await RequestAsync(bot, "all");

        // Each approver presses Approve five times, all at once.
        var clicks = new[] { Megan, Lee, Diego }
            .SelectMany(who => Enumerable.Range(0, 5).Select(_ => who))
            .Select(who => Task.Run(() => VoteAsync(bot, id, "approve", who)))
            .ToList();
        var replies = await Task.WhenAll(clicks);

        var request = await LoadAsync(bot, id);
        Assert.Equal(3, request.Votes.Count);
        Assert.Equal(ApprovalStatus.Approved, request.Status);
        await using var db = await bot.Store.OpenAsync();
        Assert.Single(await db.DecisionLog.Where(d => d.ApprovalRequestId == id).ToListAsync());
        Assert.Single(await db.Audit.Where(a => a.Action == "approval.decided").ToListAsync());
        Assert.Equal(3, await db.Audit.CountAsync(a => a.Action == "approval.vote.approve"));
        var decidedUpdates = await db.Outbox.Where(o => o.Channel == "update" && o.IdempotencyKey.EndsWith(":decided")).ToListAsync();
        Assert.Single(decidedUpdates, u => u.Subject == ApprovalSubjects.Channel(id));
        Assert.Equal(decidedUpdates.Count, decidedUpdates.Select(u => u.Subject).Distinct().Count());
        Assert.Single(replies, r => r.Single() is GovernanceBot.Conversation.CardReply { Template: "approval.decided" });
    }
}
