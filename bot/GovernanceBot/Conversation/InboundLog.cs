using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Conversation;

/// <summary>
/// Records each inbound platform event before it is handled. The unique (channel, key) index makes
/// a retry or a concurrent duplicate a no-op: only the first caller gets <c>true</c>. An event whose
/// handling failed (or was refused, like a form with input errors) is not done: its next delivery
/// is handled again, by exactly one caller.
/// </summary>
public sealed class InboundLog(IGovernanceDbFactory factory, TimeProvider time)
{
    public async Task<bool> TryRecordAsync(string channel, string dedupeKey, CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        var now = time.GetUtcNow();
        var seen = db.InboundEvents.Where(e => e.Channel == channel && e.DedupeKey == dedupeKey);
        var status = await seen.Select(e => (InboundStatus?)e.Status).FirstOrDefaultAsync(cancellationToken);
        if (status == InboundStatus.Failed)
        {
            // Taken again by whichever concurrent delivery flips it first.
            return await seen.Where(e => e.Status == InboundStatus.Failed)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(e => e.Status, InboundStatus.Received)
                    .SetProperty(e => e.ReceivedAt, now)
                    .SetProperty(e => e.ProcessedAt, (DateTimeOffset?)null)
                    .SetProperty(e => e.Error, (string?)null), cancellationToken) > 0;
        }

        if (status is not null)
        {
            return false;
        }

        db.InboundEvents.Add(new InboundEvent { Channel = channel, DedupeKey = dedupeKey, ReceivedAt = now, Status = InboundStatus.Received });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }

    public async Task MarkAsync(string channel, string dedupeKey, string? error, CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        await db.InboundEvents.Where(e => e.Channel == channel && e.DedupeKey == dedupeKey)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, error is null ? InboundStatus.Processed : InboundStatus.Failed)
                .SetProperty(e => e.ProcessedAt, time.GetUtcNow())
                .SetProperty(e => e.Error, error), cancellationToken);
    }

    /// <summary>Forgets events older than the retention (platforms retry for at most an hour).</summary>
    public async Task<int> PruneAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        var cutoff = time.GetUtcNow() - retention;
        return await db.InboundEvents.Where(e => e.ReceivedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }
}
