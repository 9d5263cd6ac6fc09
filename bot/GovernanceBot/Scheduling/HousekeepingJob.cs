using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Scheduling;

/// <summary>
/// Hourly: forgets inbound events older than <see cref="InboundRetention"/> (platforms redeliver for
/// minutes, Slack for at most an hour) and Slack forms and modals that have expired, so neither
/// table grows without end; and, through <see cref="Retention"/>, old outbox messages and card records
/// that no open approval or round needs. Deleting what is past its time is safe on any number of instances.
/// </summary>
public sealed class HousekeepingJob(InboundLog inbound, Retention retention, IGovernanceDbFactory factory, TimeProvider time, ILogger<HousekeepingJob> logger) : IGovernanceJob
{
    /// <summary>How long an inbound event is remembered for dedupe.</summary>
    public static readonly TimeSpan InboundRetention = TimeSpan.FromDays(7);

    public static string JobId => "housekeeping";

    public static string Cron => "17 * * * *";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var events = await inbound.PruneAsync(InboundRetention, cancellationToken);
        var now = time.GetUtcNow();
        await using var db = factory.Create();
        var forms = await db.SlackForms.Where(f => f.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        var (outbox, cards) = await retention.PruneAsync(cancellationToken);
        Log.HousekeepingDone(logger, events, forms, outbox, cards);
    }
}
