using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Scheduling;

/// <summary>
/// How many instances share the store, through the store: each says it is alive every
/// <see cref="OutboxOptions.InstanceHeartbeat"/>, and counts those heard from within three beats. The
/// outbox paces each instance at its share of a platform's global limit, so together they stay within
/// it (a platform's limit is per bot, not per process). An instance that stops says so; one that dies
/// drops out of the count after three beats.
/// </summary>
public sealed class InstanceRegistry(
    IGovernanceDbFactory factory,
    InboxInstance instance,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<InstanceRegistry> logger) : BackgroundService
{
    private int live = 1;

    /// <summary>Instances alive now, this one included (at least 1).</summary>
    public int Live => Volatile.Read(ref live);

    /// <summary>Raised when <see cref="Live"/> changes.</summary>
    public event Action? Changed;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Known before the first send, so a new instance never starts at the whole limit.
        await BeatAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.InstanceHeartbeat, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await BeatAsync(stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var db = factory.Create();
            await db.BotInstances.Where(i => i.Id == instance.Id).ExecuteDeleteAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The others stop counting this one after three beats anyway.
            Log.InstanceBeatFailed(logger, ex);
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            var beat = options.Value.InstanceHeartbeat;
            await using var db = factory.Create();
            var updated = await db.BotInstances.Where(i => i.Id == instance.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.SeenAt, now), cancellationToken);
            if (updated == 0)
            {
                db.BotInstances.Add(new BotInstance { Id = instance.Id, SeenAt = now });
                await db.SaveChangesAsync(cancellationToken);
            }

            var gone = now - (beat * 20);
            await db.BotInstances.Where(i => i.SeenAt < gone).ExecuteDeleteAsync(cancellationToken);
            var since = now - (beat * 3);
            var count = Math.Max(1, await db.BotInstances.CountAsync(i => i.SeenAt >= since, cancellationToken));
            if (Interlocked.Exchange(ref live, count) != count)
            {
                Log.InstancesChanged(logger, count);
                Changed?.Invoke();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The last count stands until the store answers again.
            Log.InstanceBeatFailed(logger, ex);
        }
    }
}
