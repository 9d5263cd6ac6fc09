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
    public string? Summary { get; set; }
    public DateTimeOffset DecidedAt { get; set; }
}
