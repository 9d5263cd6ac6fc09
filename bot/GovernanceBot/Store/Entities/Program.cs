namespace GovernanceBot.Store.Entities;

/// <summary>A governance program (named so to stay clear of the C# entry point's <c>Program</c>).</summary>
public sealed class GovernanceProgram
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; set; }
    public Workspace? Workspace { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>The key of the life-cycle phase the program is in: one of <see cref="Phases"/>.</summary>
    public string Phase { get; set; } = LifeCyclePhases.Definition;
    /// <summary>
    /// The program's life cycle, in order (keys such as <c>definition</c>); a stage gate sits between
    /// each phase and the next (<see cref="StageGate"/>).
    /// </summary>
    public List<string> Phases { get; set; } = [.. LifeCyclePhases.Default];
    /// <summary>Free text: where in the life cycle the program stands, e.g. "Gate 2 — build".</summary>
    public string? Stage { get; set; }
    public required string TimeZone { get; set; }
    /// <summary>Cron (program time zone) for the scheduled KPI status post; null for none.</summary>
    public string? StatusPostCron { get; set; }
    /// <summary>
    /// The approval kinds (governance-file words, e.g. <c>budget-change</c>) whose requester may also
    /// approve; for every other kind the requester's own vote is refused.
    /// </summary>
    public List<string> SelfApprovalKinds { get; set; } = [];
    /// <summary>
    /// For a program imported from a file with <c>asOf</c> (a demo): that day, moved by the whole weeks
    /// its dates were moved at the first import, so later imports move them by the same weeks.
    /// </summary>
    public DateOnly? AsOf { get; set; }
    public List<Stakeholder> Stakeholders { get; set; } = [];
    public List<Kpi> Kpis { get; set; } = [];
    public List<Benefit> Benefits { get; set; } = [];
    public List<ApproverGroup> ApproverGroups { get; set; } = [];
    public List<CheckInDefinition> CheckIns { get; set; } = [];
    public List<ApprovalRequest> Approvals { get; set; } = [];
    public List<ProgramChannel> Channels { get; set; } = [];
}

/// <summary>The life cycle a program has unless its governance file says otherwise (PMI's program life cycle, in three words).</summary>
public static class LifeCyclePhases
{
    public const string Definition = "definition";
    public const string Delivery = "delivery";
    public const string Closure = "closure";

    public static readonly IReadOnlyList<string> Default = [Definition, Delivery, Closure];

    /// <summary>"user-acceptance" → "User acceptance": how a phase key reads on a card.</summary>
    public static string Name(string key) =>
        key.Length == 0 ? key : char.ToUpperInvariant(key[0]) + key[1..].Replace('-', ' ');
}

/// <summary>The chat conversation a program is bound to (one per chat platform), set by <c>link</c>.</summary>
public sealed class ProgramChannel
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgramId { get; set; }
    public required string Channel { get; set; }
    public required string ConversationJson { get; set; }
    public string? LinkedBy { get; set; }
    public DateTimeOffset LinkedAt { get; set; }
}

public sealed class Stakeholder
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgramId { get; set; }
    public GovernanceProgram? Program { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }
    public string? Email { get; set; }
    public string? Title { get; set; }
    public List<string> Roles { get; set; } = [];
    public required string TimeZone { get; set; }
    /// <summary>Away (no prompts, no reminders) up to and including this local date.</summary>
    public DateOnly? AwayUntil { get; set; }

    public bool HasRole(string role) => Roles.Contains(role, StringComparer.OrdinalIgnoreCase);
}

public static class StakeholderRoles
{
    public const string Sponsor = "sponsor";
    public const string ProgramManager = "program-manager";
    public const string Pmo = "pmo";
    public const string ProjectManager = "project-manager";
    public const string ProductManager = "product-manager";
    public const string BenefitOwner = "benefit-owner";
    public const string KpiOwner = "kpi-owner";
    public const string Approver = "approver";
    public const string Member = "member";

    public static readonly IReadOnlyList<string> All =
        [Sponsor, ProgramManager, Pmo, ProjectManager, ProductManager, BenefitOwner, KpiOwner, Approver, Member];
}
