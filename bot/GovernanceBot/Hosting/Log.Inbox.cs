namespace GovernanceBot.Hosting;

internal static partial class Log
{
    [LoggerMessage(650, LogLevel.Error, "The inbox could not store {Count} inbound requests; they were refused (5xx) for the platform to send again")]
    public static partial void InboxCommitFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(651, LogLevel.Warning, "The inbox could not be read or renewed; trying again at the next poll")]
    public static partial void InboxPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(652, LogLevel.Error, "Inbox item {Id} ({Channel} {Kind}) broke off")]
    public static partial void InboxRunFailed(ILogger logger, Exception exception, long id, string channel, string kind);

    [LoggerMessage(653, LogLevel.Warning, "Inbox item {Id} was taken by another instance after this one's lease lapsed; its run here was rolled back")]
    public static partial void InboxLeaseLost(ILogger logger, long id);

    [LoggerMessage(654, LogLevel.Warning, "Inbox item {Id} failed (attempt {Attempt}), trying again later: {Reason}")]
    public static partial void InboxRetry(ILogger logger, long id, int attempt, string reason);

    [LoggerMessage(655, LogLevel.Error, "Inbox item {Id} ({Channel} {Kind}) failed for good: {Reason}. See `inbox failed`")]
    public static partial void InboxFailed(ILogger logger, long id, string channel, string kind, string reason);

    [LoggerMessage(656, LogLevel.Information, "Took {Count} inbound items nobody held (after a restart, a lapsed lease or a retry's wait)")]
    public static partial void InboxClaimed(ILogger logger, int count);

    [LoggerMessage(657, LogLevel.Information, "Stopping: gave back {Count} inbound items not yet started, for the next instance")]
    public static partial void InboxReleased(ILogger logger, int count);
}
