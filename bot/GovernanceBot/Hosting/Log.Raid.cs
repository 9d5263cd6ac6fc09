namespace GovernanceBot.Hosting;

/// <summary>Log messages of the RAID log and the decision log (event ids 860–879).</summary>
internal static partial class Log
{
    [LoggerMessage(860, LogLevel.Information, "RAID item {ItemId} ({Type}) added to program {ProgramId}")]
    public static partial void RaidItemAdded(ILogger logger, Guid itemId, Guid programId, string type);

    [LoggerMessage(861, LogLevel.Information, "RAID item {ItemId} changed ({Verb})")]
    public static partial void RaidItemChanged(ILogger logger, Guid itemId, string verb);

    [LoggerMessage(862, LogLevel.Information, "RAID review digest queued for {Owners} owners of program {ProgramId} (week {Week})")]
    public static partial void RaidDigestQueued(ILogger logger, Guid programId, int owners, string week);

    [LoggerMessage(863, LogLevel.Information, "Decision {Key} recorded in program {ProgramId}")]
    public static partial void DecisionRecorded(ILogger logger, string key, Guid programId);

    [LoggerMessage(864, LogLevel.Information, "Decision {Key} of program {ProgramId} is now {Status}")]
    public static partial void DecisionStatusChanged(ILogger logger, string key, Guid programId, string status);
}
