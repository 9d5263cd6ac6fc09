using GovernanceBot.Conversation;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using static GovernanceBot.Tests.Features.Approvals.ApprovalTestSteps;

namespace GovernanceBot.Tests.Features.Approvals;

/// <summary>Issue 14, item 3: a requester does not approve their own request unless the program allows it.</summary>
public sealed class SelfApprovalTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Request_NamingOnlyTheRequesterAsApprover_IsRefusedWithAnExampleAndAudited(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var reply = Assert.Single(await bot.SendAsync("approval request \"Budget +10%\" approvers @alexw quorum any kind budget-change", Manager));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        Assert.Equal("You can't be the only approver of your own request: in Phoenix, budget-change requests are approved by people other than the requester. Name who should decide, for example: **approval request \"Budget +10%\" approvers @diegos @leeg**.",
            reply.ShouldBeText());
        await using var db = await bot.Store.OpenAsync();
        Assert.False(await db.Approvals.AnyAsync(a => a.Title == "Budget +10%"));
        var refusal = Assert.Single(await AuditAsync(bot, "approval.request.refused"));
        Assert.Equal("alexw", refusal.Actor);
        Assert.Equal("the requester named themself the only approver", refusal.After);
    }

    [Fact]
    public async Task Request_NamingTheRequesterAmongOthers_LeavesThemOutAndSaysSo()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var replies = await bot.SendAsync("approval request \"Gate 4: go live\" approvers @alexw @leeg @meganb quorum majority", Manager);

        var text = replies[0].ShouldBeText();
        Assert.StartsWith("Requested **Gate 4: go live** (gate-4) from Lee Gu, Megan Bowen.", text, StringComparison.Ordinal);
        Assert.EndsWith("(You are not among the approvers: in Phoenix, requesters don't approve their own stage-gate requests.)", text, StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        var request = await db.Approvals.Include(a => a.Approvers).SingleAsync(a => a.Title == "Gate 4: go live");
        var alex = await db.Stakeholders.SingleAsync(s => s.Key == "alexw");
        Assert.Equal(2, request.Approvers.Count);
        Assert.DoesNotContain(request.Approvers, a => a.StakeholderId == alex.Id);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Vote_ByRequester_IsRefusedAndAudited(StoreKind kind)
    {
        // gate-3 in the demo is Megan's to vote on; here she is also the one who asked for it.
        await using var bot = await BotHarness.StartAsync(kind);
        var id = await IdOfAsync(bot, "gate-3");
        await using (var db = await bot.Store.OpenAsync())
        {
            var request = await db.Approvals.SingleAsync(a => a.Id == id);
            request.RequesterId = (await db.Stakeholders.SingleAsync(s => s.Key == "meganb")).Id;
            await db.SaveChangesAsync();
        }

        var reply = Assert.Single(await VoteAsync(bot, id, "approve", Megan, "Looks good to me"));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        Assert.StartsWith("You requested **Gate 3: release to pilot customers**, so you can't vote on it: in Phoenix, stage-gate requests are decided by people other than the requester (",
            reply.ShouldBeText(), StringComparison.Ordinal);
        Assert.EndsWith("). I have not recorded anything.", reply.ShouldBeText(), StringComparison.Ordinal);
        Assert.DoesNotContain((await LoadAsync(bot, id)).Votes, v => v.Comment == "Looks good to me");
        var refusal = Assert.Single(await AuditAsync(bot, "approval.vote.refused"));
        Assert.Equal(("meganb", "the requester may not approve their own request"), (refusal.Actor, refusal.After));
    }

    [Fact]
    public async Task Vote_ByRequesterAsSomeonesDelegate_IsRefusedToo()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await bot.SendAsync("delegate approvals to @alexw until 2026-12-19", Megan);
        var id = await RequestAsync(bot, "any");

        var pending = await bot.SendAsync("approvals", Manager);
        var reply = Assert.Single(await VoteAsync(bot, id, "approve", Manager));

        Assert.Equal("Nothing is waiting for your vote. 🎉", pending[0].ShouldBeText());
        Assert.StartsWith("You requested **Gate 4: go live**, so you can't vote on it", reply.ShouldBeText(), StringComparison.Ordinal);
        Assert.Empty((await LoadAsync(bot, id)).Votes);
        Assert.Equal(ApprovalStatus.Pending, (await LoadAsync(bot, id)).Status);
    }

    [Fact]
    public async Task SelfApproval_AllowedForTheKind_LetsTheRequesterBeTheApprover()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await using (var db = await bot.Store.OpenAsync())
        {
            var program = await db.Programs.SingleAsync(p => p.Key == "phoenix");
            program.SelfApprovalKinds = ["budget-change"];
            await db.SaveChangesAsync();
        }

        var id = await RequestAsync(bot, "any", "kind budget-change", approvers: "@alexw");
        var reply = Assert.Single(await VoteAsync(bot, id, "approve", Manager));

        Assert.Equal("approved", (string?)reply.ShouldBeCard("approval.decided").Data["request"]!["outcome"]);
        Assert.Equal(ApprovalStatus.Approved, (await LoadAsync(bot, id)).Status);
    }

    [Fact]
    public async Task SelfApproval_AllowedForAnotherKindOnly_StillRefusesThisOne()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await using (var db = await bot.Store.OpenAsync())
        {
            (await db.Programs.SingleAsync(p => p.Key == "phoenix")).SelfApprovalKinds = ["budget-change"];
            await db.SaveChangesAsync();
        }

        var reply = Assert.Single(await bot.SendAsync("approval request \"Scope +1 market\" approvers @alexw kind scope-change", Manager));

        Assert.StartsWith("You can't be the only approver of your own request: in Phoenix, scope-change requests", reply.ShouldBeText(), StringComparison.Ordinal);
    }
}
