using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Scheduling;
using GovernanceBot.Testing;
using Microsoft.Extensions.DependencyInjection;
using static GovernanceBot.Tests.Features.Approvals.ApprovalTestSteps;

namespace GovernanceBot.Tests.Features.Approvals;

/// <summary>Through the outbox dispatcher: the copies everyone sees follow every vote, then the decision.</summary>
public sealed class ApprovalDeliveryTests
{
    [Fact]
    public async Task EveryPostedCopy_ReflectsEachVote_AndEndsAsOneDecidedCard()
    {
        var sender = new RecordingSender();
        await using var bot = await StartWithApproversKnownAsync(sender);

        await bot.SendAsync("link Phoenix", Manager, BotHarness.ChannelChat("phoenix-team"));
        var id = await RequestAsync(bot, "majority");
        await DrainAsync(bot);
        var posted = sender.Sent.Where(s => s.Reply is CardReply { Template: "approval.request" }).ToList();
        Assert.Equal(["dm-diegos@example.com", "dm-leeg@example.com", "dm-meganb@example.com", "phoenix-team"],
            posted.Select(p => p.Conversation.ConversationId).Order().ToList());

        await VoteAsync(bot, id, "approve", Lee, "Ship it");
        await DrainAsync(bot);

        var afterFirst = sender.Updated.ToList();
        Assert.Equal(4, afterFirst.Count);
        var channel = (CardReply)afterFirst.Single(u => u.Conversation.ConversationId == "phoenix-team").Reply;
        Assert.Equal(1, (int)channel.Data["request"]!["tally"]!["approve"]!);
        Assert.False((bool)channel.Data["viewer"]!["canVote"]!);
        var megan = (CardReply)afterFirst.Single(u => u.Conversation.ConversationId == "dm-meganb@example.com").Reply;
        Assert.True((bool)megan.Data["viewer"]!["canVote"]!);

        await VoteAsync(bot, id, "approve", Megan);
        await DrainAsync(bot);

        var decided = sender.Updated.Skip(afterFirst.Count).Where(u => u.Reply is CardReply { Template: "approval.decided" }).ToList();
        Assert.Equal(4, decided.Count);
        Assert.Equal(4, decided.Select(d => d.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task AnApproverWhoSharesANameWithOneTheBotCannotReach_StillGetsTheCard()
    {
        var sender = new RecordingSender();
        await using var bot = await StartWithApproversKnownAsync(sender);

        // Two people called Lee Gu (Diego's record renamed), and the first of them has blocked the bot.
        await Namesakes.BlockedAndNamesakeAsync(bot, blocked: Lee, renamed: Diego);

        await RequestAsync(bot, "majority");
        await DrainAsync(bot);

        var sentTo = sender.Sent.Where(s => s.Reply is CardReply { Template: "approval.request" }).Select(p => p.Conversation.ConversationId).Order().ToList();
        Assert.Equal(["dm-diegos@example.com", "dm-meganb@example.com"], sentTo);
    }

    /// <summary>A bot whose approvers (Megan, Lee, Diego) have each written to it once, so it can reach them.</summary>
    private static async Task<BotHarness> StartWithApproversKnownAsync(RecordingSender sender)
    {
        var bot = await BotHarness.StartAsync(StoreKind.Sqlite, configure: b => b.Services.AddSingleton<IChannelSender>(sender));
        foreach (var person in new[] { Megan, Lee, Diego })
        {
            await bot.SendAsync("help", person);
        }

        return bot;
    }

    private static Task<int> DrainAsync(BotHarness bot) => bot.Services.GetRequiredService<OutboxDispatcher>().DrainAllAsync(CancellationToken.None);
}
