using GovernanceBot.Conversation;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Scheduling;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GovernanceBot.IntegrationTests.Scheduling;

/// <summary>Two bot instances on one PostgreSQL store run the same 500-person round at the same time.</summary>
public sealed class ScaleOutTests
{
    [Fact]
    public async Task TwoInstances_RunningOneRoundOf500_SendEveryPromptOnce_AndPostTheSummaryOnce()
    {
        const int people = 500;
        // Set up the Friday before; the round is due on the Monday.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
        var sender = new RecordingSender();
        await using var store = await TestStore.CreateAsync(StoreKind.Postgres);
        var settings = new Dictionary<string, string?>
        {
            ["Outbox:RateLimits:local:PerConversationPerSecond"] = "1000",
            ["Outbox:RateLimits:local:GlobalPerSecond"] = "100000",
        };
        await using var first = await BotHarness.StartAsync(StoreKind.Postgres, loadDemo: false, settings, b => b.Services.AddSingleton<IChannelSender>(sender), sharedStore: store, sharedClock: clock);
        await using var second = await BotHarness.StartAsync(StoreKind.Postgres, loadDemo: false, settings, b => b.Services.AddSingleton<IChannelSender>(sender), sharedStore: store, sharedClock: clock);
        var imported = await first.Services.GetRequiredService<GovernanceImporter>().ImportAsync("big.yaml", LargeProgram.Yaml(people, "Big", timeZone: i => i % 2 == 0 ? "Europe/London" : "Europe/Berlin"), false, CancellationToken.None);
        Assert.True(imported.Succeeded, string.Join("\n", imported.Errors));
        await using (var db = await store.OpenAsync())
        {
            // Everyone has talked to the bot before, so each has a 1:1 chat on the local channel.
            await LargeProgram.LinkChatUsersAsync(db, (await db.Workspaces.SingleAsync()).Id, people, ChannelNames.Local, "demo", i => $"dm-p{i}@example.com");
        }

        await first.SendAsync("link Big", "boss@example.com", BotHarness.ChannelChat("big-team"));
        clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

        await Task.WhenAll(SweepAsync(first), SweepAsync(second), SweepAsync(first), SweepAsync(second));
        await Task.WhenAll(DrainAsync(first), DrainAsync(second));
        clock.SetUtcNow(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));
        await Task.WhenAll(SweepAsync(first), SweepAsync(second));
        await Task.WhenAll(DrainAsync(first), DrainAsync(second));

        var prompts = sender.Sent.Where(s => s.Reply is CardReply { Template: "checkin.prompt" }).ToList();
        Assert.Equal(people, prompts.Count);
        Assert.Equal(people, prompts.Select(p => p.Conversation.ConversationId).Distinct().Count());
        Assert.Single(sender.Sent, s => s.Reply is CardReply { Template: "checkin.summary" });
        await using var check = await store.OpenAsync();
        Assert.Equal(1, await check.CheckInRounds.CountAsync());
    }

    private static async Task SweepAsync(BotHarness bot)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CheckInSweepJob>().RunAsync(CancellationToken.None);
    }

    private static Task<int> DrainAsync(BotHarness bot) => bot.Services.GetRequiredService<OutboxDispatcher>().DrainAllAsync(CancellationToken.None);
}
