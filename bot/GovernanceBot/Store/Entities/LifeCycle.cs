namespace GovernanceBot.Store.Entities;

/// <summary>
/// The review between two phases of a program's life cycle (issue 17): the phase it closes, its
/// planned date, its entry criteria and, once requested, the approval request that reviews it.
/// Passing it moves the program to the next phase.
/// </summary>
public sealed class StageGate
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgramId { get; set; }
    /// <summary>Short reference users type and the governance file uses, unique in the program (e.g. <c>gate-3</c>).</summary>
    public required string Key { get; set; }
    public required string Name { get; set; }
    /// <summary>The phase (key) this gate closes: passing it enters the phase after it.</summary>
    public required string AfterPhase { get; set; }
    /// <summary>The planned day of the review, in the program's time zone.</summary>
    public DateOnly? Date { get; set; }
    /// <summary>The approver group (key) that reviews the gate.</summary>
    public string? ApproverGroupKey { get; set; }
    /// <summary>The latest review: an approval request through the quorum engine.</summary>
    public Guid? ApprovalRequestId { get; set; }
    public DateTimeOffset? PassedAt { get; set; }
    /// <summary>Who passed it: the review's key when a review decided it in chat, or <c>governance-as-code</c> when a file said so.</summary>
    public string? PassedBy { get; set; }
    /// <summary>Concurrency token: two decisions passing the same gate at once save once.</summary>
    public int Version { get; set; }
    public List<GateCriterion> Criteria { get; set; } = [];
}

/// <summary>An entry criterion of a gate: confirmed by its owner (in chat), never by someone else.</summary>
public sealed class GateCriterion
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid GateId { get; set; }
    public required string Key { get; set; }
    public required string Text { get; set; }
    public int Order { get; set; }
    public Guid? OwnerId { get; set; }
    public Stakeholder? Owner { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    public Guid? ConfirmedById { get; set; }
    public string? Note { get; set; }
}

/// <summary>A benefit's measured value on a day: the actuals its realisation curve is drawn from.</summary>
public sealed class BenefitActual
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid BenefitId { get; set; }
    public DateOnly Date { get; set; }
    public double Value { get; set; }
    public string? Note { get; set; }
    public string? RecordedBy { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}
