using GovernanceBot.Conversation;
using GovernanceBot.Scheduling;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.Tests.Scheduling;

public sealed class OutboxDispatcherTests
{
    private static async Task<(BotHarness Bot, RecordingSender Sender)> StartAsync()
    {
        var sender = new RecordingSender();
        var bot = await BotHarness.StartAsync(StoreKind.Sqlite, configure: b => b.Services.AddSingleton<IChannelSender>(sender));
        await bot.SendAsync("help", "adelev@example.com");
        return (bot, sender);
    }

    private static async Task QueueAsync(BotHarness bot, string key, string email = "adelev@example.com")
    {
        await using var db = await bot.Store.OpenAsync();
        var workspace = await db.Workspaces.SingleAsync();
        var outbox = bot.Services.GetRequiredService<Outbox>();
        await outbox.ToPersonAsync(db, workspace.Id, email, "Adele Vance", Reply.Text("Hello"), key);
        await outbox.ToPersonAsync(db, workspace.Id, email, "Adele Vance", Reply.Text("Hello"), key);
        await db.SaveChangesAsync();
    }

    private static Task<int> DrainAsync(BotHarness bot) => bot.Services.GetRequiredService<OutboxDispatcher>().DrainAllAsync(CancellationToken.None);

    private static async Task<OutboxMessage> RowAsync(BotHarness bot, string key)
    {
        await using var db = await bot.Store.OpenAsync();
        return await db.Outbox.SingleAsync(o => o.IdempotencyKey == key);
    }

    [Fact]
    public async Task QueuingTheSameKeyTwice_SendsOnce()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;

        await QueueAsync(bot, "k1");
        await DrainAsync(bot);
        await DrainAsync(bot);

        Assert.Single(sender.Sent);
        Assert.Equal(OutboxStatus.Sent, (await RowAsync(bot, "k1")).Status);
    }

    [Fact]
    public async Task ATransientFailure_WithRetryAfter_IsRetriedNoSoonerThanThePlatformAsked()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;
        sender.Failures["dm-adelev@example.com"] = SendResult.Transient("429 Too Many Requests", TimeSpan.FromSeconds(2));
        await QueueAsync(bot, "k2");

        await DrainAsync(bot);
        var waiting = await RowAsync(bot, "k2");
        sender.Failures.Clear();
        bot.Clock.Advance(TimeSpan.FromSeconds(1));
        await DrainAsync(bot);
        Assert.Empty(sender.Sent);
        bot.Clock.Advance(TimeSpan.FromSeconds(1));
        await DrainAsync(bot);

        Assert.Equal(OutboxStatus.Pending, waiting.Status);
        Assert.Equal(bot.Clock.GetUtcNow(), waiting.NextAttemptAt);
        Assert.Single(sender.Sent);
        var sent = await RowAsync(bot, "k2");
        Assert.Equal(OutboxStatus.Sent, sent.Status);
        Assert.Equal(2, sent.Attempts);
    }

    [Fact]
    public async Task APermanentFailure_IsRecordedWithItsReason_MarksThePersonUnreachable_AndIsNotRetried()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;
        sender.Failures["dm-adelev@example.com"] = SendResult.Permanent("403 MessageWritesBlocked: the user blocked the bot");
        await QueueAsync(bot, "k3");

        await DrainAsync(bot);
        bot.Clock.Advance(TimeSpan.FromHours(1));
        await DrainAsync(bot);

        var row = await RowAsync(bot, "k3");
        Assert.Equal(OutboxStatus.Failed, row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.Contains("MessageWritesBlocked", row.LastError, StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Contains("MessageWritesBlocked", (await db.ChatUsers.SingleAsync(u => u.Email == "adelev@example.com")).UnreachableReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransientFailuresThatNeverEnd_StopAfterTheMaximumAttempts()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;
        sender.Failures["dm-adelev@example.com"] = SendResult.Transient("503");
        await QueueAsync(bot, "k4");

        for (var i = 0; i < 12; i++)
        {
            await DrainAsync(bot);
            bot.Clock.Advance(TimeSpan.FromMinutes(10));
        }

        var row = await RowAsync(bot, "k4");
        Assert.Equal(OutboxStatus.Failed, row.Status);
        Assert.Equal(10, row.Attempts);
    }

    [Fact]
    public async Task APersonWithoutAnEmail_FailsWithAnExplanation()
    {
        var (bot, _) = await StartAsync();
        await using var __ = bot;

        await QueueAsync(bot, "k5", email: "");
        await DrainAsync(bot);

        Assert.Contains("has no e-mail address", (await RowAsync(bot, "k5")).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CardUpdates_ReachEveryPostedCopy()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;
        await using (var db = await bot.Store.OpenAsync())
        {
            var workspace = await db.Workspaces.SingleAsync();
            var outbox = bot.Services.GetRequiredService<Outbox>();
            await outbox.ToConversationAsync(db, workspace.Id, BotHarness.ChannelChat("team"), Reply.Text("v1"), "post-1", subject: "approval:x");
            await outbox.ToPersonAsync(db, workspace.Id, "adelev@example.com", "Adele", Reply.Text("v1"), "post-2", subject: "approval:x");
            await db.SaveChangesAsync();
        }

        await DrainAsync(bot);
        await using (var db = await bot.Store.OpenAsync())
        {
            await bot.Services.GetRequiredService<Outbox>().UpdateCardsAsync(db, (await db.Workspaces.SingleAsync()).Id, "approval:x", Reply.Text("v2"), "update-1");
            await db.SaveChangesAsync();
        }

        await DrainAsync(bot);

        Assert.Equal(2, sender.Updated.Count);
        Assert.Equal(["team", "dm-adelev@example.com"], sender.Updated.Select(u => u.Conversation.ConversationId).Order().Reverse().ToArray());
    }

    [Fact]
    public async Task ACardPostedAfterAnUpdateWasSent_GetsThatUpdateAtOnce()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;
        sender.Failures["dm-adelev@example.com"] = SendResult.Transient("503", TimeSpan.FromSeconds(1));
        await using (var db = await bot.Store.OpenAsync())
        {
            var workspace = await db.Workspaces.SingleAsync();
            var outbox = bot.Services.GetRequiredService<Outbox>();
            await outbox.ToConversationAsync(db, workspace.Id, BotHarness.ChannelChat("team"), Reply.Text("v1"), "post-a", subject: "approval:y");
            await outbox.ToPersonAsync(db, workspace.Id, "adelev@example.com", "Adele", Reply.Text("v1"), "post-b", subject: "approval:y");
            await db.SaveChangesAsync();
        }

        await DrainAsync(bot);
        await using (var db = await bot.Store.OpenAsync())
        {
            await bot.Services.GetRequiredService<Outbox>().UpdateCardsAsync(db, (await db.Workspaces.SingleAsync()).Id, "approval:y", Reply.Text("v2"), "update-y");
            await db.SaveChangesAsync();
        }

        await DrainAsync(bot);
        sender.Failures.Clear();
        bot.Clock.Advance(TimeSpan.FromSeconds(1));
        await DrainAsync(bot);

        var late = Assert.Single(sender.Updated, u => u.Conversation.ConversationId == "dm-adelev@example.com");
        Assert.Equal("v2", late.Reply.ShouldBeText());
    }

    [Fact]
    public async Task APersonWhosePlatformReportsAMixedCaseEmail_IsStillReachedByTheirEmail()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;
        await bot.SendAsync("help", "Lynner@Example.COM");

        await QueueAsync(bot, "k6", email: "lynner@example.com");
        await DrainAsync(bot);

        Assert.Equal(OutboxStatus.Sent, (await RowAsync(bot, "k6")).Status);
        Assert.Contains(sender.Sent, s => s.Conversation.ConversationId == "dm-Lynner@Example.COM");
    }

    /// <summary>What a process killed mid-send leaves: the row still pending, marked as being sent, its lease run out.</summary>
    private static async Task CrashMidSendAsync(BotHarness bot, string key)
    {
        await using var db = await bot.Store.OpenAsync();
        var row = await db.Outbox.SingleAsync(o => o.IdempotencyKey == key);
        row.Status = OutboxStatus.Pending;
        row.SentAt = null;
        row.PlatformMessageId = null;
        row.SendStartedAt = bot.Clock.GetUtcNow() - TimeSpan.FromMinutes(3);
        row.LockedBy = "a-dead-instance";
        row.LockedUntil = bot.Clock.GetUtcNow() - TimeSpan.FromMinutes(1);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task ASendCutShortByACrash_ThatReachedThePlatform_IsRecordedAsSent_AndNotSentAgain()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;
        await QueueAsync(bot, "doubt-1");
        await DrainAsync(bot);
        var delivered = Assert.Single(sender.Sent).MessageId;

        await CrashMidSendAsync(bot, "doubt-1");
        await DrainAsync(bot);

        Assert.Single(sender.Sent);
        Assert.Equal(1, sender.Lookups);
        var row = await RowAsync(bot, "doubt-1");
        Assert.Equal(OutboxStatus.Sent, row.Status);
        Assert.Equal(delivered, row.PlatformMessageId);
        Assert.Null(row.SendStartedAt);
    }

    [Fact]
    public async Task ASendCutShortByACrash_ThatNeverArrived_IsSentOnce()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;
        await QueueAsync(bot, "doubt-2");
        await CrashMidSendAsync(bot, "doubt-2");

        await DrainAsync(bot);

        Assert.Single(sender.Sent);
        Assert.Equal(1, sender.Lookups);
        Assert.Equal(OutboxStatus.Sent, (await RowAsync(bot, "doubt-2")).Status);
    }

    [Fact]
    public async Task ASendCutShortByACrash_OnAPlatformThatCannotBeAsked_IsSentAgain_SoNothingIsLost()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;
        sender.CanFindSent = false;
        await QueueAsync(bot, "doubt-3");
        await DrainAsync(bot);
        await CrashMidSendAsync(bot, "doubt-3");

        await DrainAsync(bot);

        Assert.Equal(2, sender.Sent.Count);
        Assert.Equal(OutboxStatus.Sent, (await RowAsync(bot, "doubt-3")).Status);
    }

    [Fact]
    public async Task ASendInDoubt_WhenThePlatformCannotBeAskedYet_StaysInDoubt_AndIsAskedAgainLater()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;
        await QueueAsync(bot, "doubt-4");
        await DrainAsync(bot);
        await CrashMidSendAsync(bot, "doubt-4");
        sender.LookupAnswer = SentLookup.Failed(SendResult.Transient("ratelimited", TimeSpan.FromSeconds(20)));

        await DrainAsync(bot);
        var waiting = await RowAsync(bot, "doubt-4");
        Assert.Equal(OutboxStatus.Pending, waiting.Status);
        Assert.NotNull(waiting.SendStartedAt);
        Assert.Equal(bot.Clock.GetUtcNow() + TimeSpan.FromSeconds(20), waiting.NextAttemptAt);

        sender.LookupAnswer = null;
        bot.Clock.Advance(TimeSpan.FromSeconds(20));
        await DrainAsync(bot);

        Assert.Single(sender.Sent);
        Assert.Equal(2, sender.Lookups);
        Assert.Equal(OutboxStatus.Sent, (await RowAsync(bot, "doubt-4")).Status);
    }

    [Fact]
    public async Task ARowAnotherInstanceIsStillSending_IsLeftAlone()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;
        await QueueAsync(bot, "doubt-5");
        await using (var db = await bot.Store.OpenAsync())
        {
            var row = await db.Outbox.SingleAsync(o => o.IdempotencyKey == "doubt-5");
            row.SendStartedAt = bot.Clock.GetUtcNow();
            row.LockedBy = "a-live-instance";
            row.LockedUntil = bot.Clock.GetUtcNow() + TimeSpan.FromMinutes(2);
            await db.SaveChangesAsync();
        }

        await DrainAsync(bot);

        Assert.Empty(sender.Sent);
        Assert.Equal(0, sender.Lookups);
    }

    [Fact]
    public async Task Throttling_NeverMakesAMessageFail_HoweverOftenItComes()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;
        sender.Failures["dm-adelev@example.com"] = SendResult.Transient("ratelimited", TimeSpan.FromSeconds(1));
        await QueueAsync(bot, "throttled");

        for (var i = 0; i < 15; i++)
        {
            await DrainAsync(bot);
            bot.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(OutboxStatus.Pending, (await RowAsync(bot, "throttled")).Status);
        sender.Failures.Clear();
        await DrainAsync(bot);

        var row = await RowAsync(bot, "throttled");
        Assert.Equal(OutboxStatus.Sent, row.Status);
        Assert.Equal(16, row.Attempts);
    }

    [Fact]
    public async Task ARowWhosePayloadNamesNoConversation_FailsWithAReason_InsteadOfBeingRetriedForever()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;
        await using (var db = await bot.Store.OpenAsync())
        {
            db.Outbox.Add(new OutboxMessage
            {
                WorkspaceId = (await db.Workspaces.SingleAsync()).Id,
                Channel = ChannelNames.Local,
                Destination = "local:nowhere",
                PayloadJson = """{"kind":"Conversation","content":{"text":"hello"}}""",
                IdempotencyKey = "no-conversation",
                CreatedAt = bot.Clock.GetUtcNow(),
                NextAttemptAt = bot.Clock.GetUtcNow(),
            });
            await db.SaveChangesAsync();
        }

        await DrainAsync(bot);

        var row = await RowAsync(bot, "no-conversation");
        Assert.Equal(OutboxStatus.Failed, row.Status);
        Assert.Contains("unreadable payload", row.LastError, StringComparison.Ordinal);
        Assert.Empty(sender.Sent);
    }

    [Fact]
    public async Task ASenderThatThrows_CountsAsAFailedAttempt_StaysInDoubt_AndRunsOutOfAttempts()
    {
        var (bot, sender) = await StartAsync();
        await using var _ = bot;
        sender.Throws = new InvalidOperationException("the sender broke");
        await QueueAsync(bot, "throws");

        await DrainAsync(bot);
        var first = await RowAsync(bot, "throws");
        Assert.Equal(OutboxStatus.Pending, first.Status);
        Assert.Equal(1, first.Attempts);
        Assert.Null(first.LockedBy);
        Assert.NotNull(first.SendStartedAt);
        Assert.Contains("the sender broke", first.LastError, StringComparison.Ordinal);

        for (var i = 0; i < 12; i++)
        {
            bot.Clock.Advance(TimeSpan.FromMinutes(10));
            await DrainAsync(bot);
        }

        Assert.Equal(OutboxStatus.Failed, (await RowAsync(bot, "throws")).Status);
    }

    [Fact]
    public async Task AStop_GivesBackEveryRowStillQueued_EvenRowsClaimedAgainAfterTheirLeaseRanOutInTheQueue()
    {
        var sender = new RecordingSender { Hold = new SemaphoreSlim(0) };
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite,
            settings: new Dictionary<string, string?> { ["Outbox:Concurrency"] = "1" },
            configure: b => b.Services.AddSingleton<IChannelSender>(sender));
        await using (var db = await bot.Store.OpenAsync())
        {
            var workspace = await db.Workspaces.FirstAsync();
            var outbox = bot.Services.GetRequiredService<Outbox>();
            for (var i = 1; i <= 5; i++)
            {
                await outbox.ToConversationAsync(db, workspace.Id, BotHarness.ChannelChat($"channel-{i}"), Reply.Text($"Post {i}"), $"post-{i}");
            }

            await db.SaveChangesAsync();
        }

        using var stopping = new CancellationTokenSource();
        var drain = bot.Services.GetRequiredService<OutboxDispatcher>().DrainAllAsync(stopping.Token);
        await Poll.UntilAsync(() => Task.FromResult(sender.Begun == 1), TimeSpan.FromSeconds(30), () => "the first send never began");
        var firstClaim = (await PendingAsync(bot)).Select(o => o.LockedBy).Distinct().Single();

        // The platform is slow: every lease runs out while the rows wait, and the dispatcher claims them again.
        bot.Clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(async () => (await PendingAsync(bot)).All(o => o.LockedBy != firstClaim), TimeSpan.FromSeconds(30), () => "the rows were never claimed again");
        sender.Hold.Release();
        await Poll.UntilAsync(() => Task.FromResult(sender.Begun == 2), TimeSpan.FromSeconds(30), () => "the second send never began");

        stopping.Cancel();
        sender.Hold.Release();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => drain);

        // The two sends that began finished and were recorded; the three still queued are free for the next start.
        Assert.Equal(["channel-1", "channel-2"], sender.Sent.Select(s => s.Conversation.ConversationId).Order());
        var pending = await PendingAsync(bot);
        Assert.Equal(3, pending.Count);
        Assert.All(pending, o => Assert.True(o.LockedBy is null && o.LockedUntil is null && o.SendStartedAt is null, $"{o.IdempotencyKey} is still reserved by {o.LockedBy}"));
    }

    private static async Task<List<OutboxMessage>> PendingAsync(BotHarness bot)
    {
        await using var db = await bot.Store.OpenAsync();
        return await db.Outbox.AsNoTracking().Where(o => o.Status == OutboxStatus.Pending).ToListAsync();
    }
}
