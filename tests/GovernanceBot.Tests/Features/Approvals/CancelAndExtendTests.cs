using GovernanceBot.Features.Approvals;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using static GovernanceBot.Tests.Features.Approvals.ApprovalTestSteps;

namespace GovernanceBot.Tests.Features.Approvals;

/// <summary><c>approval cancel</c> and <c>approval extend</c>: requesters and program managers change an open request; audited; every copy of the card follows.</summary>
public sealed class CancelAndExtendTests
{
    /// <summary>The subjects of every copy of a request's card that was queued: the channel's and each person's.</summary>
    private static async Task<List<string>> CopiesAsync(BotHarness bot, Guid id)
    {
        await using var db = await bot.Store.OpenAsync();
        return await db.Outbox.Where(o => o.Channel != "update" && o.Subject != null && o.Subject.Contains(id.ToString()))
            .Select(o => o.Subject!).Distinct().OrderBy(s => s).ToListAsync();
    }

    private static async Task<List<string>> UpdatedAsync(BotHarness bot, Guid id, string version)
    {
        await using var db = await bot.Store.OpenAsync();
        return await db.Outbox.Where(o => o.Channel == "update" && o.Subject!.Contains(id.ToString()) && o.IdempotencyKey.EndsWith(":" + version))
            .Select(o => o.Subject!).OrderBy(s => s).ToListAsync();
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Cancel_ByTheRequester_WithdrawsIt_IsAudited_AndEveryCopyShowsIt(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        await bot.SendAsync("link Phoenix", Manager, BotHarness.ChannelChat("phoenix-team"));
        var id = await RequestAsync(bot, "all");
        await VoteAsync(bot, id, "approve", Lee);

        var done = Assert.Single(await bot.SendAsync("approval cancel gate-4 superseded by the new go-live plan", Manager)).ShouldBeText();

        Assert.Contains("Withdrawn: **Gate 4: go live** (gate-4)", done, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Cancelled, (await LoadAsync(bot, id)).Status);
        var copies = await CopiesAsync(bot, id);
        Assert.Equal(4, copies.Count); // the channel's, Megan's, Lee's and Diego's
        Assert.Equal(copies, await UpdatedAsync(bot, id, "decided"));
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal("withdrawn", (await db.DecisionLog.SingleAsync(d => d.ApprovalRequestId == id)).Outcome);
        var audit = await db.Audit.SingleAsync(a => a.Action == "approval.cancelled");
        Assert.Equal(("alexw", "pending"), (audit.Actor, audit.Before));
        Assert.Equal("withdrawn: Withdrawn by Alex Wilber: “superseded by the new go-live plan”", audit.After);
        var told = await db.Outbox.Where(o => o.IdempotencyKey.StartsWith($"approval:{id}:decided:told:")).Select(o => o.Destination).ToListAsync();
        Assert.Equal(["person:diegos@example.com", "person:leeg@example.com", "person:meganb@example.com"], told.Order().ToList());
        Assert.Contains("already withdrawn", Assert.Single(await VoteAsync(bot, id, "approve", Megan)).ShouldBeText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_OrExtend_BySomeoneWhoIsNeitherTheRequesterNorAProgramManager_IsRefusedAndAudited()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "all");

        var cancel = Assert.Single(await bot.SendAsync("approval cancel gate-4", Lee)).ShouldBeText();
        var extend = Assert.Single(await bot.SendAsync("approval extend gate-4 due 2026-12-12", Lee)).ShouldBeText();

        Assert.Contains("Only the requester of **Gate 4: go live** or Phoenix's program managers can withdraw it", cancel, StringComparison.Ordinal);
        Assert.Contains("can move its deadline", extend, StringComparison.Ordinal);
        var request = await LoadAsync(bot, id);
        Assert.Equal((ApprovalStatus.Pending, new DateTimeOffset(2026, 12, 5, 17, 0, 0, TimeSpan.Zero)), (request.Status, request.Deadline));
        Assert.Single(await AuditAsync(bot, "approval.cancel.refused"));
        Assert.Single(await AuditAsync(bot, "approval.extend.refused"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Extend_ByAProgramManager_MovesTheDeadline_IsAudited_AndEveryCopyShowsIt(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        await bot.SendAsync("link Phoenix", Manager, BotHarness.ChannelChat("phoenix-team"));
        var id = await RequestAsync(bot, "all");

        var done = Assert.Single(await bot.SendAsync("approval extend gate-4 due 2026-12-12", "nestorw@example.com")).ShouldBeText();

        Assert.Contains("Extended: **Gate 4: go live** (gate-4) now closes Sat 12 Dec 2026, 17:00 (Europe/London)", GovernanceBot.Conversation.LocalTime.Plain(done), StringComparison.Ordinal);
        var request = await LoadAsync(bot, id);
        Assert.Equal(new DateTimeOffset(2026, 12, 12, 17, 0, 0, TimeSpan.Zero), request.Deadline);
        var copies = await CopiesAsync(bot, id);
        Assert.Equal(copies, await UpdatedAsync(bot, id, $"v{request.Version}"));
        await using var db = await bot.Store.OpenAsync();
        var update = await db.Outbox.FirstAsync(o => o.Channel == "update" && o.Subject == ApprovalSubjects.Channel(id));
        Assert.Contains("Sat 12 Dec 2026, 17:00", update.PayloadJson, StringComparison.Ordinal);
        var audit = await db.Audit.SingleAsync(a => a.Action == "approval.extended");
        Assert.Equal("nestorw", audit.Actor);
        Assert.Equal("deadline 2026-12-05 17:00:00Z; pending", audit.Before);
        Assert.Equal("deadline 2026-12-12 17:00:00Z; pending", audit.After);

        // The old deadline passes without closing it; the new one does.
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
        await RunAsync<ApprovalDeadlineJob>(bot);
        Assert.Equal(ApprovalStatus.Pending, (await LoadAsync(bot, id)).Status);
    }

    [Fact]
    public async Task Extend_AnEscalatedGate_OpensItForVotesAgain()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await IdOfAsync(bot, "gate-3");
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
        await RunAsync<ApprovalDeadlineJob>(bot);

        var done = Assert.Single(await bot.SendAsync("approval extend gate-3 2026-12-12", Manager)).ShouldBeText();
        await VoteAsync(bot, id, "approve", Diego, "Funded");

        Assert.Contains("its approvers can vote again", done, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Approved, (await LoadAsync(bot, id)).Status);
    }

    [Theory]
    [InlineData("approval extend gate-4 due 2026-12-01", "extend** moves it later")]
    [InlineData("approval extend gate-4 due 2026-11-20", "has already passed")]
    [InlineData("approval extend gate-4 due next friday", "yyyy-MM-dd")]
    [InlineData("approval extend gate-99 due 2026-12-12", "can't find an approval \"gate-99\"")]
    [InlineData("approval extend cr-12 due 2026-12-12", "already approved")]
    [InlineData("approval cancel cr-12", "already approved")]
    public async Task Extend_OrCancel_ThatCannotApply_SaysWhyAndChangesNothing(string text, string expected)
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "all");

        var reply = Assert.Single(await bot.SendAsync(text, Manager)).ShouldBeText();

        Assert.Contains(expected, reply, StringComparison.Ordinal);
        var request = await LoadAsync(bot, id);
        Assert.Equal((ApprovalStatus.Pending, new DateTimeOffset(2026, 12, 5, 17, 0, 0, TimeSpan.Zero)), (request.Status, request.Deadline));
        Assert.Empty(await AuditAsync(bot, "approval.extended"));
        Assert.Empty(await AuditAsync(bot, "approval.cancelled"));
    }
}
