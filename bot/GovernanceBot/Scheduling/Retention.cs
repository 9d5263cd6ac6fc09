using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Scheduling;

/// <summary>How long finished outbox messages and posted card records are kept (section <c>Retention</c>).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>
    /// Sent and failed outbox messages older than this are deleted. Their idempotency keys stop a
    /// message from being queued twice, so this must outlast any job that could queue the same key
    /// again (every recurring key carries its date or round).
    /// </summary>
    public TimeSpan Outbox { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Records of posted cards older than this are deleted; after that the cards can no longer be updated in place.</summary>
    public TimeSpan CardMessages { get; set; } = TimeSpan.FromDays(90);
}

/// <summary>
/// Prunes the outbox and the card-message table, keeping whatever an open approval or a round not yet
/// summarised still needs, however old: its card records (so its cards can still be updated for
/// everyone), and its outbox rows (their idempotency keys keep prompts and reminders from going out
/// twice; failed ones are what <c>checkin status</c> reports; approval subjects are found through them).
/// </summary>
public sealed class Retention(IGovernanceDbFactory factory, IOptions<RetentionOptions> options, TimeProvider time)
{
    private const int PageSize = 500;

    public async Task<(int Outbox, int CardMessages)> PruneAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = factory.Create();
        var open = await OpenOwnersAsync(db, cancellationToken);

        var outboxBefore = now - options.Value.Outbox;
        var outbox = await PruneAsync(
            db.Outbox.Where(m => m.Status != OutboxStatus.Pending && (m.SentAt ?? m.CreatedAt) < outboxBefore).OrderBy(m => m.Id)
                .Select(m => new Candidate<long>(m.Id, m.Subject, m.IdempotencyKey)),
            open, ids => db.Outbox.Where(m => ids.Contains(m.Id)).ExecuteDeleteAsync(cancellationToken), cancellationToken);

        var cardsBefore = now - options.Value.CardMessages;
        var cards = await PruneAsync(
            db.CardMessages.Where(c => c.PostedAt < cardsBefore).OrderBy(c => c.PostedAt).ThenBy(c => c.Id)
                .Select(c => new Candidate<Guid>(c.Id, c.Subject, null)),
            open, ids => db.CardMessages.Where(c => ids.Contains(c.Id)).ExecuteDeleteAsync(cancellationToken), cancellationToken);
        return (outbox, cards);
    }

    /// <summary>Open approvals (pending or escalated) and rounds still open or not yet summarised.</summary>
    private static async Task<HashSet<Guid>> OpenOwnersAsync(GovernanceDb db, CancellationToken cancellationToken)
    {
        var approvals = await db.Approvals.AsNoTracking()
            .Where(a => a.Status == ApprovalStatus.Pending || a.Status == ApprovalStatus.Escalated)
            .Select(a => a.Id).ToListAsync(cancellationToken);
        var rounds = await db.CheckInRounds.AsNoTracking()
            .Where(r => r.Status == CheckInRoundStatus.Open || r.SummarisedAt == null)
            .Select(r => r.Id).ToListAsync(cancellationToken);
        return [.. approvals, .. rounds];
    }

    /// <summary>
    /// Deletes the candidates in pages. The ones kept stay at the front of the (stable) order, so
    /// skipping as many as were kept reaches the next page; nothing newer can join the candidates.
    /// </summary>
    private static async Task<int> PruneAsync<TId>(IQueryable<Candidate<TId>> candidates, HashSet<Guid> open,
        Func<List<TId>, Task<int>> deleteAsync, CancellationToken cancellationToken)
    {
        var kept = 0;
        var deleted = 0;
        while (true)
        {
            var page = await candidates.Skip(kept).Take(PageSize).ToListAsync(cancellationToken);
            var doomed = page.Where(c => !BelongsTo(open, c.Subject) && !BelongsTo(open, c.Key)).Select(c => c.Id).ToList();
            kept += page.Count - doomed.Count;
            if (doomed.Count > 0)
            {
                deleted += await deleteAsync(doomed);
            }

            if (page.Count < PageSize)
            {
                return deleted;
            }
        }
    }

    /// <summary>
    /// Subjects and keys name what they belong to second: <c>approval:{id}</c>,
    /// <c>approval-dm:{id}:{person}</c>, <c>checkin:{round}:{person}</c>, <c>approval:{id}:reminder:…</c>.
    /// </summary>
    private static bool BelongsTo(HashSet<Guid> open, string? subjectOrKey) =>
        subjectOrKey?.Split(':', 3) is [_, var owner, ..] && Guid.TryParse(owner, out var id) && open.Contains(id);

    private sealed record Candidate<TId>(TId Id, string? Subject, string? Key);
}
