using GovernanceBot.Conversation;
using GovernanceBot.Scheduling;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Conversation;

/// <summary>The record of inbound events that makes platform retries harmless, on both stores.</summary>
public sealed class InboundLogTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AnEventIsHandledOnce_WhileItIsBeingHandled_AndAfterItWasHandled(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind, loadDemo: false);
        var log = bot.Services.GetRequiredService<InboundLog>();

        Assert.True(await log.TryRecordAsync("teams", "activity:1", CancellationToken.None));
        Assert.False(await log.TryRecordAsync("teams", "activity:1", CancellationToken.None));
        await log.MarkAsync("teams", "activity:1", null, CancellationToken.None);
        Assert.False(await log.TryRecordAsync("teams", "activity:1", CancellationToken.None));
        // The key is per platform.
        Assert.True(await log.TryRecordAsync("slack", "activity:1", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AnEventWhoseHandlingFailed_IsHandledAgainOnItsNextDelivery_ByExactlyOneOfConcurrentDeliveries(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind, loadDemo: false);
        var log = bot.Services.GetRequiredService<InboundLog>();
        Assert.True(await log.TryRecordAsync("teams", "activity:2", CancellationToken.None));
        await log.MarkAsync("teams", "activity:2", "HttpRequestException", CancellationToken.None);

        var retries = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => log.TryRecordAsync("teams", "activity:2", CancellationToken.None))));

        Assert.Single(retries, taken => taken);
        // Taken again, it is being handled: a further delivery is a duplicate until that handling fails too.
        Assert.False(await log.TryRecordAsync("teams", "activity:2", CancellationToken.None));
        await log.MarkAsync("teams", "activity:2", null, CancellationToken.None);
        Assert.False(await log.TryRecordAsync("teams", "activity:2", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Housekeeping_ForgetsEventsOlderThanAWeek_AndKeepsNewerOnes(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind, loadDemo: false);
        var log = bot.Services.GetRequiredService<InboundLog>();
        Assert.True(await log.TryRecordAsync("slack", "event:old", CancellationToken.None));
        bot.Clock.Advance(HousekeepingJob.InboundRetention + TimeSpan.FromMinutes(1));
        Assert.True(await log.TryRecordAsync("slack", "event:new", CancellationToken.None));

        using (var scope = bot.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<HousekeepingJob>().RunAsync(CancellationToken.None);
        }

        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(["event:new"], await db.InboundEvents.Select(e => e.DedupeKey).ToListAsync());
    }
}
