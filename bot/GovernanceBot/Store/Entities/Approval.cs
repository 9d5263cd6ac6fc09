namespace GovernanceBot.Store.Entities;

public sealed class ApproverGroup
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgramId { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }
    public List<string> MemberKeys { get; set; } = [];
    public QuorumRule Quorum { get; set; }
    /// <summary>For <see cref="QuorumRule.NOfM"/>: how many approvals are needed.</summary>
    public int? QuorumCount { get; set; }
    /// <summary>This many rejections decide the request as rejected at once.</summary>
    public int? MaxRejections { get; set; }
}

public enum QuorumRule { Any, All, Majority, NOfM }

public sealed class ApprovalRequest
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgramId { get; set; }
    public GovernanceProgram? Program { get; set; }
    /// <summary>Short reference users type and governance-as-code uses, unique in the program.</summary>
    public required string Key { get; set; }
    public required string Title { get; set; }
    public ApprovalKind Kind { get; set; }
    public string? Description { get; set; }
    public Guid? RequesterId { get; set; }
    public Stakeholder? Requester { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? Deadline { get; set; }
    public DeadlineAction OnDeadline { get; set; } = DeadlineAction.Expire;
    public TimeSpan ReminderLead { get; set; } = TimeSpan.FromHours(24);
    public QuorumRule Quorum { get; set; }
    public int? QuorumCount { get; set; }
    public int? MaxRejections { get; set; }
    public ApprovalStatus Status { get; set; } = ApprovalStatus.Pending;
    public DateTimeOffset? DecidedAt { get; set; }
    public DateTimeOffset? RemindedAt { get; set; }
    public int Version { get; set; }
    /// <summary>
    /// What the approvers decide on, frozen when the request was made (a stage gate's KPI snapshot,
    /// benefits, unmet criteria): JSON of <c>ApprovalEvidence</c>; null for none.
    /// </summary>
    public string? EvidenceJson { get; set; }
    public List<ApprovalApprover> Approvers { get; set; } = [];
    public List<Vote> Votes { get; set; } = [];
}

public enum ApprovalKind { StageGate, ChangeRequest, ScopeChange, BudgetChange }

public enum DeadlineAction { Expire, Escalate }

public enum ApprovalStatus { Pending, Approved, Rejected, Expired, Escalated, Cancelled }

public sealed class ApprovalApprover
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid RequestId { get; set; }
    public Guid StakeholderId { get; set; }
    public Stakeholder? Stakeholder { get; set; }
}

public sealed class Vote
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid RequestId { get; set; }
    /// <summary>The approver whose vote this is.</summary>
    public Guid ApproverId { get; set; }
    public Stakeholder? Approver { get; set; }
    /// <summary>Who pressed the button: the approver, or their delegate.</summary>
    public Guid CastById { get; set; }
    public VoteDecision Decision { get; set; }
    public string? Comment { get; set; }
    public DateTimeOffset CastAt { get; set; }
}

public enum VoteDecision { Approve, Reject, Abstain }

public sealed class Delegation
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgramId { get; set; }
    public Guid FromId { get; set; }
    public Guid ToId { get; set; }
    public DateOnly Until { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

public sealed class DecisionLogEntry
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgramId { get; set; }
    public Guid? ApprovalRequestId { get; set; }
    public required string Title { get; set; }
    public required string Outcome { get; set; }
    /// <summary>Why: for an approval, what the rule said about the votes; for a recorded decision, its rationale.</summary>
    public string? Summary { get; set; }
    public DateTimeOffset DecidedAt { get; set; }
    /// <summary>A decision recorded directly (<c>dec-3</c>); null for an approval's entry (shown as <c>DL-{approval}</c>).</summary>
    public string? Key { get; set; }
    public DecisionStatus Status { get; set; } = DecisionStatus.Active;
    public List<string> Alternatives { get; set; } = [];
    /// <summary>Who decided: stakeholder or approver-group keys.</summary>
    public List<string> DecidedBy { get; set; } = [];
    /// <summary>What it concerns: <c>approval:gate-3</c>, <c>raid:r-2</c>, <c>benefit:cost-savings</c>.</summary>
    public List<string> Links { get; set; } = [];
    public Guid? SupersedesId { get; set; }
    public Guid? SupersededById { get; set; }
    /// <summary>Who recorded it (stakeholder key), and when; null for approvals.</summary>
    public string? RecordedBy { get; set; }
    public DateTimeOffset? RecordedAt { get; set; }
}

public enum DecisionStatus { Active, Superseded, Reversed }
