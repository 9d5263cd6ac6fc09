namespace GovernanceBot.Hosting;

/// <summary>Log messages of the steering meeting (event ids 900–909).</summary>
internal static partial class Log
{
    [LoggerMessage(900, LogLevel.Information, "Steering meeting {MeetingId} of program {ProgramId} started")]
    public static partial void SteeringMeetingStarted(ILogger logger, Guid meetingId, Guid programId);

    [LoggerMessage(901, LogLevel.Information, "Steering meeting {MeetingId} of program {ProgramId} ended")]
    public static partial void SteeringMeetingEnded(ILogger logger, Guid meetingId, Guid programId);
}
