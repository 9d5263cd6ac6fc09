namespace GovernanceBot.Store.Entities;

/// <summary>
/// A program's steering meeting, from <c>meeting start</c> to <c>meeting end</c>. What it decided and
/// the actions it agreed are the decision log's and the RAID log's own entries made between the two
/// times; the minutes are read from them and the audit trail. At most one is open per program.
/// </summary>
public sealed class SteeringMeeting
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgramId { get; set; }
    public GovernanceProgram? Program { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    /// <summary>The stakeholder key of the program manager who started it.</summary>
    public required string StartedBy { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public string? EndedBy { get; set; }
    /// <summary>When the pack the agenda came from was produced (it is produced at the start when none was).</summary>
    public DateTimeOffset PackAt { get; set; }
    public int Version { get; set; }
}
