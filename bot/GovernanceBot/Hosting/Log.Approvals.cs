namespace GovernanceBot.Hosting;

/// <summary>Log messages of approvals, KPIs, benefits and audit (event ids 500–599).</summary>
internal static partial class Log
{
    [LoggerMessage(500, LogLevel.Debug, "Vote on approval {RequestId} lost a race (attempt {Attempt}); reading it again")]
    public static partial void VoteRetried(ILogger logger, Guid requestId, int attempt);

    [LoggerMessage(501, LogLevel.Information, "Approval {RequestId} decided: {Outcome}")]
    public static partial void ApprovalDecided(ILogger logger, Guid requestId, string outcome);

    [LoggerMessage(502, LogLevel.Information, "Approval {RequestId} requested in program {ProgramId} from {Approvers} approvers")]
    public static partial void ApprovalRequested(ILogger logger, Guid requestId, Guid programId, int approvers);

    [LoggerMessage(503, LogLevel.Information, "Approval {RequestId} passed its deadline: {Outcome}")]
    public static partial void ApprovalDeadlinePassed(ILogger logger, Guid requestId, string outcome);

    [LoggerMessage(504, LogLevel.Information, "Reminded {Count} approvers of approval {RequestId}")]
    public static partial void ApprovalReminded(ILogger logger, Guid requestId, int count);

    [LoggerMessage(505, LogLevel.Information, "Nudged the owner of KPI {KpiId}: a value for {Due} is overdue")]
    public static partial void KpiNudged(ILogger logger, Guid kpiId, DateOnly due);

    [LoggerMessage(506, LogLevel.Information, "Queued the scheduled KPI status post of program {ProgramId} for {Occurrence}")]
    public static partial void KpiStatusPostQueued(ILogger logger, Guid programId, DateTimeOffset occurrence);

    [LoggerMessage(507, LogLevel.Warning, "A sweep lost a race on approval {RequestId}; the next run retries it")]
    public static partial void SweepRaceLost(ILogger logger, Guid requestId);

    [LoggerMessage(508, LogLevel.Warning, "Program {ProgramId} has a status post schedule that is not valid cron: {Cron}")]
    public static partial void BadStatusPostCron(ILogger logger, Guid programId, string cron);
}
