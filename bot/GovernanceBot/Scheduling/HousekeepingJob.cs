using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Scheduling;

/// <summary>
/// Hourly: forgets inbound items past their retention (done ones after every platform has stopped
/// redelivering, failed ones after an operator has had time to look: <see cref="InboxOptions"/>) and
/// Slack forms and modals that have expired; and, through <see cref="Retention"/>, old outbox messages
/// and card records that no open approval or round needs. Deleting what is past its time is safe on
/// any number of instances.
/// </summary>
public sealed class HousekeepingJob(Inbox inbox, Retention retention, IGovernanceDbFactory factory, TimeProvider time, ILogger<HousekeepingJob> logger) : IGovernanceJob
{
    public static string JobId => "housekeeping";

    public static string Cron => "17 * * * *";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var events = await inbox.PruneAsync(cancellationToken);
        var now = time.GetUtcNow();
        await using var db = factory.Create();
        var forms = await db.SlackForms.Where(f => f.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        // A used dashboard link past its expiry is refused as expired anyway: its record is no longer needed.
        await db.DashboardLinkUses.Where(u => u.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        var (outbox, cards) = await retention.PruneAsync(cancellationToken);
        Log.HousekeepingDone(logger, events, forms, outbox, cards);
    }
}
