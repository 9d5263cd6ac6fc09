namespace GovernanceBot.Hosting;

/// <summary>Every log message the bot writes, in one place. Never pass a secret to these.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Turn on {Channel} routed as {Match} (event {EventId})")]
    public static partial void TurnRouted(ILogger logger, string channel, string match, string? eventId);

    [LoggerMessage(2, LogLevel.Error, "Handler failed for {Match}; reference {Reference}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string match, string reference);

    [LoggerMessage(3, LogLevel.Information, "Store ready: provider {Provider}, migrations applied")]
    public static partial void StoreReady(ILogger logger, string provider);

    [LoggerMessage(4, LogLevel.Information, "Loaded the demo program from {Path} into workspace '{Workspace}'")]
    public static partial void DemoLoaded(ILogger logger, string path, string workspace);

    [LoggerMessage(5, LogLevel.Warning, "Development mode: no Teams or Slack credentials are configured. The Teams endpoint accepts unauthenticated requests from loopback only; Slack is disabled.")]
    public static partial void DevelopmentMode(ILogger logger);

    [LoggerMessage(6, LogLevel.Warning, "The demo program could not be loaded: {Errors}")]
    public static partial void DemoFailed(ILogger logger, string errors);

    [LoggerMessage(7, LogLevel.Information, "Opened the demo's check-in round for today: {CheckIns}")]
    public static partial void DemoRoundOpened(ILogger logger, string checkIns);

    [LoggerMessage(12, LogLevel.Information, "Chained {Count} audit entries written before the audit chain existed")]
    public static partial void AuditChained(ILogger logger, int count);

    [LoggerMessage(20, LogLevel.Error, "Outbox pass failed")]
    public static partial void OutboxPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(21, LogLevel.Warning, "Outbox message {Id} to {Destination} failed permanently: {Reason}")]
    public static partial void OutboxSendFailed(ILogger logger, long id, string destination, string reason);

    [LoggerMessage(24, LogLevel.Warning, "Outbox message {Id} to {Destination} was being sent when its instance stopped: {Outcome}")]
    public static partial void OutboxInDoubt(ILogger logger, long id, string destination, string outcome);

    [LoggerMessage(22, LogLevel.Information, "Recurring job {JobId} scheduled ({Cron} UTC)")]
    public static partial void JobScheduled(ILogger logger, string jobId, string cron);

    [LoggerMessage(23, LogLevel.Debug, "Recurring job {JobId} ran")]
    public static partial void JobRan(ILogger logger, string jobId);

    [LoggerMessage(60, LogLevel.Warning, "Development mode refused a request to {Path} (403): {Reason}")]
    public static partial void DevelopmentRequestRefused(ILogger logger, string path, string reason);

    [LoggerMessage(25, LogLevel.Information, "Housekeeping: forgot {Events} old inbound events, {Forms} expired Slack forms, {Outbox} old outbox messages and {Cards} old card records")]
    public static partial void HousekeepingDone(ILogger logger, int events, int forms, int outbox, int cards);
}
