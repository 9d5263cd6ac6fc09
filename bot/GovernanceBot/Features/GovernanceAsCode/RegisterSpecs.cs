namespace GovernanceBot.Features.GovernanceAsCode;

// The registers of the governance file (docs/governance-as-code.md): the RAID log and decisions
// recorded directly. Property order is the order `export` writes.

internal sealed class RaidSpec
{
    public string Key { get; set; } = "";
    public string Type { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Description { get; set; }
    public string? Owner { get; set; }
    public string? Probability { get; set; }
    public string? Impact { get; set; }
    public string? Severity { get; set; }
    /// <summary>Risks: the review date.</summary>
    public string? Review { get; set; }
    /// <summary>Assumptions: the date to validate by.</summary>
    public string? ValidateBy { get; set; }
    /// <summary>Issues: the date to resolve by.</summary>
    public string? Due { get; set; }
    /// <summary>Dependencies: the date needed by.</summary>
    public string? NeededBy { get; set; }
    /// <summary>Dependencies: on what or whom, in words.</summary>
    public string? On { get; set; }
    /// <summary>Dependencies: on another program of the same workspace, by key.</summary>
    public string? OnProgram { get; set; }
    public string? Response { get; set; }
    public string? Status { get; set; }
    public string? Raised { get; set; }
    public string? RaisedBy { get; set; }
    public string? Escalated { get; set; }
}

internal sealed class DecisionSpec
{
    public string Key { get; set; } = "";
    public string Title { get; set; } = "";
    public string Rationale { get; set; } = "";
    public List<string> Alternatives { get; set; } = [];
    public List<string> DecidedBy { get; set; } = [];
    public string Decided { get; set; } = "";
    public string Status { get; set; } = "active";
    public string? Supersedes { get; set; }
    public ConcernsSpec? Concerns { get; set; }
    public string? RecordedBy { get; set; }
}

internal sealed class ConcernsSpec
{
    public List<string> Approvals { get; set; } = [];
    public List<string> Raid { get; set; } = [];
    public List<string> Benefits { get; set; } = [];
    /// <summary>Days of the steering meetings that took the decision (yyyy-MM-dd), as recorded from a meeting's card.</summary>
    public List<string> Meetings { get; set; } = [];
}
