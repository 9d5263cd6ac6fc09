using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Store;

/// <summary>Where a workspace's audit chain ends: its last entry's sequence number and hash.</summary>
public sealed record AuditChainHead(Guid WorkspaceId, long Seq, string Hash);

/// <summary>The first entry that does not fit its chain, and why.</summary>
public sealed record AuditMisfit(long Id, DateTimeOffset At, Guid WorkspaceId, string Reason);

/// <summary>What <see cref="AuditChain.VerifyAsync"/> found: every chain's head, or the first misfit.</summary>
public sealed record AuditVerification(int Verified, IReadOnlyList<AuditChainHead> Heads, AuditMisfit? Misfit);

/// <summary>
/// The audit log as one hash chain per workspace (docs/operations.md, "The audit chain"): entry n of a
/// workspace has <c>Seq</c> n and <c>Hash</c> = SHA-256 over its own content and entry n-1's hash.
/// Database triggers refuse UPDATE and DELETE; the chain makes any change made around them (by
/// someone who drops the triggers) visible to <c>audit verify</c>.
/// </summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of a workspace's first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    private const string Domain = "governancebot-audit-v1\n";

    // Namespace of the PostgreSQL advisory locks that serialise appends, one lock per workspace
    // (two-key form: this constant and a hash of the workspace id). "audt" in ASCII.
    private const int LockNamespace = 0x61756474;

    /// <summary>
    /// The entry's hash. Each field is written as its UTF-8 byte length in decimal, ':', the bytes
    /// and '\n', or as "-\n" for null, so no two different entries share an encoding.
    /// </summary>
    public static string ComputeHash(AuditEntry entry, string previousHash)
    {
        var text = new StringBuilder(Domain);
        foreach (var field in new[]
        {
            previousHash,
            entry.Seq?.ToString(CultureInfo.InvariantCulture),
            entry.WorkspaceId.ToString("D"),
            entry.ProgramId?.ToString("D"),
            entry.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            entry.Actor,
            entry.Channel,
            entry.Action,
            entry.Subject,
            entry.Before,
            entry.After,
        })
        {
            text.Append(field is null ? "-" : $"{Encoding.UTF8.GetByteCount(field)}:{field}").Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// Seals the audit entries a save is about to insert: under the workspace's append lock, each gets
    /// the next sequence number and its hash. Runs inside the save's transaction, so the lock is held
    /// until the entries are committed and a concurrent writer continues from them, not beside them.
    /// </summary>
    internal static async Task SealAsync(GovernanceDb db, IReadOnlyList<AuditEntry> added, CancellationToken cancellationToken)
    {
        foreach (var workspace in added.GroupBy(e => e.WorkspaceId).OrderBy(g => g.Key))
        {
            await LockAsync(db, workspace.Key, cancellationToken);
            var head = await HeadAsync(db, workspace.Key, cancellationToken);
            var (seq, previous) = head is null ? (0L, Genesis) : (head.Seq, head.Hash);
            foreach (var entry in workspace.OrderBy(e => e.At))
            {
                // Stored to the millisecond on both providers, so the hashed time is the stored time.
                var ticks = entry.At.UtcTicks;
                entry.At = new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
                entry.Seq = ++seq;
                entry.Hash = ComputeHash(entry, previous);
                previous = entry.Hash;
            }
        }
    }

    /// <summary>
    /// Chains entries written before the chain existed (their hash is null), in id order after the
    /// workspace's head. The triggers allow exactly this update: an unsealed row getting its seal.
    /// Returns how many were sealed.
    /// </summary>
    internal static async Task<int> SealUnsealedAsync(GovernanceDb db, CancellationToken cancellationToken)
    {
        var workspaces = await db.Audit.AsNoTracking().Where(a => a.Hash == null).Select(a => a.WorkspaceId).Distinct().ToListAsync(cancellationToken);
        var sealedCount = 0;
        foreach (var workspaceId in workspaces.Order())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await LockAsync(db, workspaceId, cancellationToken);
            var head = await HeadAsync(db, workspaceId, cancellationToken);
            var (seq, previous) = head is null ? (0L, Genesis) : (head.Seq, head.Hash);
            var unsealed = await db.Audit.AsNoTracking().Where(a => a.WorkspaceId == workspaceId && a.Hash == null).OrderBy(a => a.Id).ToListAsync(cancellationToken);
            foreach (var entry in unsealed)
            {
                entry.Seq = ++seq;
                var hash = ComputeHash(entry, previous);
                var next = entry.Seq;
                await db.Audit.Where(a => a.Id == entry.Id && a.Hash == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.Seq, next).SetProperty(a => a.Hash, hash), cancellationToken);
                previous = hash;
            }

            await transaction.CommitAsync(cancellationToken);
            sealedCount += unsealed.Count;
        }

        return sealedCount;
    }

    /// <summary>The last sealed entry of a workspace, or null for a workspace with no audit yet.</summary>
    public static async Task<AuditChainHead?> HeadAsync(GovernanceDb db, Guid workspaceId, CancellationToken cancellationToken)
    {
        var last = await db.Audit.AsNoTracking()
            .Where(a => a.WorkspaceId == workspaceId && a.Seq != null)
            .OrderByDescending(a => a.Seq)
            .Select(a => new { a.Seq, a.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        return last is null ? null : new AuditChainHead(workspaceId, last.Seq!.Value, last.Hash!);
    }

    /// <summary>
    /// Walks every workspace's chain (or one's) from its first entry: sequence numbers must run 1, 2,
    /// 3 … without a gap and every stored hash must equal the hash recomputed from the entry and its
    /// predecessor. Stops at the first entry that does not fit.
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(GovernanceDb db, Guid? workspaceId, CancellationToken cancellationToken)
    {
        var query = db.Audit.AsNoTracking();
        if (workspaceId is { } only)
        {
            query = query.Where(a => a.WorkspaceId == only);
        }

        var workspaces = await query.Select(a => a.WorkspaceId).Distinct().ToListAsync(cancellationToken);
        var heads = new List<AuditChainHead>();
        var verified = 0;
        foreach (var workspace in workspaces.Order())
        {
            var expected = 1L;
            var previous = Genesis;
            // Unsealed rows (no Seq) come first, so they are reported, not skipped.
            var entries = db.Audit.AsNoTracking().Where(a => a.WorkspaceId == workspace)
                .OrderBy(a => a.Seq != null).ThenBy(a => a.Seq).ThenBy(a => a.Id).AsAsyncEnumerable();
            await foreach (var entry in entries.WithCancellation(cancellationToken))
            {
                var reason = entry.Seq is not { } seq || entry.Hash is null ? "it has no place in the chain (no sequence number or hash)"
                    : seq != expected ? $"the chain expects entry {expected} here but this is entry {seq}: {(seq > expected ? "an entry before it is missing" : "its sequence number is repeated")}"
                    : !string.Equals(ComputeHash(entry, previous), entry.Hash, StringComparison.Ordinal) ? "its content or its predecessor's hash differs from what was sealed"
                    : null;
                if (reason is not null)
                {
                    return new AuditVerification(verified, heads, new AuditMisfit(entry.Id, entry.At, workspace, reason));
                }

                previous = entry.Hash!;
                expected++;
                verified++;
            }

            heads.Add(new AuditChainHead(workspace, expected - 1, previous));
        }

        return new AuditVerification(verified, heads, null);
    }

    /// <summary>
    /// Serialises appends to one workspace's chain. PostgreSQL: a transaction-scoped advisory lock, so
    /// two instances never both continue from the same head. SQLite has one writer at a time and
    /// the transaction is begun IMMEDIATE (Microsoft.Data.Sqlite's default), which already excludes
    /// every other writer.
    /// </summary>
    private static async Task LockAsync(GovernanceDb db, Guid workspaceId, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            var key = BitConverter.ToInt32(SHA256.HashData(workspaceId.ToByteArray()), 0);
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0}, {1})", [LockNamespace, key], cancellationToken);
        }
    }
}
