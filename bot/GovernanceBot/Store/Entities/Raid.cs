namespace GovernanceBot.Store.Entities;

/// <summary>
/// One entry of a program's RAID log: a risk (may happen), an assumption (believed true until
/// validated), an issue (has happened) or a dependency (on another program or an outside party).
/// Its history is the audit trail under its subject (<c>raid:{program}.{key}</c>).
/// </summary>
public sealed class RaidItem
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgramId { get; set; }
    public GovernanceProgram? Program { get; set; }
    /// <summary>Unique in the program: <c>r-3</c>, <c>a-1</c>, <c>i-2</c>, <c>d-4</c>, <c>act-1</c> when raised in chat; any key in a file.</summary>
    public required string Key { get; set; }
    public RaidType Type { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public Guid? OwnerId { get; set; }
    public Stakeholder? Owner { get; set; }
    /// <summary>Risks: 1 (very low) … 5 (very high).</summary>
    public int? Probability { get; set; }
    /// <summary>Risks: impact; issues: severity; 1 (very low) … 5 (very high).</summary>
    public int? Impact { get; set; }
    /// <summary>Risks: the response or mitigation; issues: the resolution; others: a note.</summary>
    public string? Response { get; set; }
    /// <summary>Risks: review by; assumptions: validate by; issues: resolve by; dependencies: needed by.</summary>
    public DateOnly? DueDate { get; set; }
    public RaidStatus Status { get; set; } = RaidStatus.Open;
    /// <summary>Dependencies: on what or whom, in words (an outside party, or the program's name).</summary>
    public string? DependsOn { get; set; }
    /// <summary>Dependencies on another program of the same workspace.</summary>
    public Guid? DependsOnProgramId { get; set; }
    /// <summary>Risks escalated to the sponsor: when.</summary>
    public DateTimeOffset? EscalatedAt { get; set; }
    /// <summary>The check-in answer the item was raised from, if any.</summary>
    public Guid? SourceResponseId { get; set; }
    /// <summary>An invalid assumption's issue, or the assumption an issue came from.</summary>
    public Guid? LinkedItemId { get; set; }
    public string? RaisedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>
/// Actions are what a steering meeting asks someone to do by a date: kept in this register (not a
/// register of their own) so they get the owner's weekly digest, the item card with its history,
/// the file's <c>raid:</c> section and the answers without a second copy of each. Appended last:
/// the store keeps the number.
/// </summary>
public enum RaidType { Risk, Assumption, Issue, Dependency, Action }

/// <summary>
/// Risks: open, mitigating, closed. Assumptions: unvalidated, valid, invalid. Issues: open, closed.
/// Dependencies: open, met, closed. Actions: open, done.
/// </summary>
public enum RaidStatus { Open, Mitigating, Closed, Unvalidated, Valid, Invalid, Met, Done }
