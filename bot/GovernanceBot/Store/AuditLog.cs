using GovernanceBot.Store.Entities;

namespace GovernanceBot.Store;

public static class AuditLog
{
    /// <summary>
    /// Adds an audit entry to the unit of work; it is saved with the change it describes, and gets its
    /// place in the workspace's chain (<see cref="AuditChain"/>) when saved.
    /// </summary>
    public static AuditEntry AppendAudit(
        this GovernanceDb db,
        DateTimeOffset at,
        Guid workspaceId,
        Guid? programId,
        string actor,
        string channel,
        string action,
        string subject,
        string? before = null,
        string? after = null) =>
        db.Audit.Add(new AuditEntry
        {
            At = at,
            WorkspaceId = workspaceId,
            ProgramId = programId,
            Actor = actor,
            Channel = channel,
            Action = action,
            Subject = subject,
            Before = before,
            After = after,
        }).Entity;
}
