using GovernanceBot.Features.CheckIns;

namespace GovernanceBot.Features.GovernanceAsCode;

// The governance-as-code document (docs/governance-as-code.md). Property order is the order
// `export` writes. Enumerations are written as the lower-case words the documentation lists.

internal sealed class GovernanceFile
{
    public int Version { get; set; } = 1;
    /// <summary>The day the file's dates describe (YYYY-MM-DD); absent when they are real dates.</summary>
    public string? AsOf { get; set; }
    public WorkspaceSpec Workspace { get; set; } = new();
    public ProgramSpec Program { get; set; } = new();
    public List<StakeholderSpec> Stakeholders { get; set; } = [];
    public List<KpiSpec> Kpis { get; set; } = [];
    public List<BenefitSpec> Benefits { get; set; } = [];
    public List<ApproverGroupSpec> ApproverGroups { get; set; } = [];
    public List<CheckInSpec> CheckIns { get; set; } = [];
    public List<ApprovalSpec> Approvals { get; set; } = [];
    public List<RaidSpec> Raid { get; set; } = [];
    public List<DecisionSpec> Decisions { get; set; } = [];
    /// <summary>The program's phases and stage gates; absent: the default phases and no gates.</summary>
    public LifeCycleSpec? LifeCycle { get; set; }
}

internal sealed class WorkspaceSpec
{
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public List<IdentitySpec> Identities { get; set; } = [];
}

internal sealed class IdentitySpec
{
    public string Channel { get; set; } = "";
    public string Id { get; set; } = "";
}

internal sealed class ProgramSpec
{
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string Phase { get; set; } = "definition";
    public string? Stage { get; set; }
    public string TimeZone { get; set; } = "UTC";
    public string? StatusPost { get; set; }
    public List<string> SelfApproval { get; set; } = [];
}

internal sealed class StakeholderSpec
{
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Email { get; set; }
    public string? Title { get; set; }
    public List<string> Roles { get; set; } = [];
    public string TimeZone { get; set; } = "UTC";
    public string? AwayUntil { get; set; }
}

internal sealed class KpiSpec
{
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string? Unit { get; set; }
    public string Direction { get; set; } = "higher";
    public double Target { get; set; }
    public double Amber { get; set; }
    public double Red { get; set; }
    public string? Owner { get; set; }
    public string Cadence { get; set; } = "weekly";
    public List<MeasurementSpec> History { get; set; } = [];
}

internal sealed class MeasurementSpec
{
    public string Date { get; set; } = "";
    public double Value { get; set; }
    public string? Note { get; set; }
    public string? By { get; set; }
}

internal sealed class BenefitSpec
{
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string? Owner { get; set; }
    public string Status { get; set; } = "identified";
    public string? RealisationDate { get; set; }
    public string? Unit { get; set; }
    public double? Baseline { get; set; }
    public double? Target { get; set; }
    public string? BaselineDate { get; set; }
    /// <summary>True for a dis-benefit (lower is better; the target is the tolerated limit); absent otherwise.</summary>
    public bool? DisBenefit { get; set; }
    public List<string> Kpis { get; set; } = [];
    /// <summary>Measured values (chat owns them once recorded: the file seeds the dates the store lacks).</summary>
    public List<MeasurementSpec> Actuals { get; set; } = [];
}

internal sealed class ApproverGroupSpec
{
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    public List<string> Members { get; set; } = [];
    public string Quorum { get; set; } = "majority";
    public int? MaxRejections { get; set; }
}

internal sealed class ApprovalSpec
{
    public string Key { get; set; } = "";
    public string Title { get; set; } = "";
    public string Kind { get; set; } = "stage-gate";
    public string? Description { get; set; }
    public string? Requester { get; set; }
    public string? ApproverGroup { get; set; }
    public List<string> Approvers { get; set; } = [];
    public string? Quorum { get; set; }
    public int? MaxRejections { get; set; }
    public string? Created { get; set; }
    public string? Due { get; set; }
    public string OnDeadline { get; set; } = "expire";
    public string ReminderLead { get; set; } = "1d";
    public string Status { get; set; } = "pending";
    public string? Decided { get; set; }
    public List<VoteSpec> Votes { get; set; } = [];
}

internal sealed class VoteSpec
{
    public string Approver { get; set; } = "";
    public string? By { get; set; }
    public string Decision { get; set; } = "";
    public string? Comment { get; set; }
    public string At { get; set; } = "";
}

internal sealed class LifeCycleSpec
{
    public List<string> Phases { get; set; } = [];
    public List<GateSpec> Gates { get; set; } = [];
}

internal sealed class GateSpec
{
    public string Key { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>The phase the gate closes.</summary>
    public string After { get; set; } = "";
    public string? Date { get; set; }
    public string? ApproverGroup { get; set; }
    /// <summary>The approval request (key) that reviews the gate.</summary>
    public string? Approval { get; set; }
    /// <summary>The day it was passed (chat owns it once passed there).</summary>
    public string? Passed { get; set; }
    public List<CriterionSpec> Criteria { get; set; } = [];
}

internal sealed class CriterionSpec
{
    public string Key { get; set; } = "";
    public string Text { get; set; } = "";
    public string? Owner { get; set; }
    /// <summary>The day its owner confirmed it (chat owns it once confirmed there).</summary>
    public string? Confirmed { get; set; }
}
