namespace GovernanceBot.Hosting;

/// <summary>The Teams channel's log messages (event ids 100–199). Tokens and secrets are never arguments.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Warning, "Teams request rejected (401): {Reason}")]
    public static partial void TeamsAuthRejected(ILogger logger, string reason);

    [LoggerMessage(101, LogLevel.Information, "Fetched {Count} Bot Framework signing keys")]
    public static partial void TeamsKeysFetched(ILogger logger, int count);

    [LoggerMessage(102, LogLevel.Warning, "Fetching the Bot Framework signing keys failed; keeping the ones cached")]
    public static partial void TeamsKeysFetchFailed(ILogger logger, Exception exception);

    [LoggerMessage(140, LogLevel.Error, "No Bot Framework signing keys yet ({Failures} failed fetches in a row); Teams requests are refused until they arrive. Trying again in {RetryIn}")]
    public static partial void TeamsKeysUnavailable(ILogger logger, int failures, TimeSpan retryIn, Exception exception);

    [LoggerMessage(141, LogLevel.Warning, "Development mode: Teams connector {Method} to {Host} not made; only loopback serviceUrls are called")]
    public static partial void TeamsConnectorNotLoopback(ILogger logger, string method, string host);

    [LoggerMessage(103, LogLevel.Warning, "The Teams token endpoint answered {Status}")]
    public static partial void TeamsTokenFailed(ILogger logger, int status);

    [LoggerMessage(104, LogLevel.Debug, "Teams connector token acquired; refreshed after {RefreshAt}")]
    public static partial void TeamsTokenAcquired(ILogger logger, DateTimeOffset refreshAt);

    [LoggerMessage(105, LogLevel.Warning, "Teams connector {Method} to {Host} failed: {Status} {Code} (correlation {CorrelationId})")]
    public static partial void TeamsConnectorFailed(ILogger logger, string method, string host, int status, string? code, string? correlationId);

    [LoggerMessage(106, LogLevel.Warning, "Teams connector {Method} to {Host} did not answer: {Error}")]
    public static partial void TeamsConnectorUnreachable(ILogger logger, string method, string host, string error);

    [LoggerMessage(107, LogLevel.Information, "Teams invoke '{Name}' is not implemented (501)")]
    public static partial void TeamsInvokeNotImplemented(ILogger logger, string name);

    [LoggerMessage(108, LogLevel.Information, "Teams activity {ActivityId} was already handled; ignored")]
    public static partial void TeamsDuplicateActivity(ILogger logger, string activityId);

    [LoggerMessage(109, LogLevel.Information, "The bot was removed from a Teams {Kind} conversation; forgot it")]
    public static partial void TeamsConversationForgotten(ILogger logger, string kind);

    [LoggerMessage(110, LogLevel.Information, "Welcomed a Teams {Kind} conversation (sent: {Sent})")]
    public static partial void TeamsWelcomed(ILogger logger, string kind, bool sent);

    [LoggerMessage(111, LogLevel.Warning, "A Teams reply ({ReplyType}) was not delivered: {Failure} {Reason}")]
    public static partial void TeamsReplyFailed(ILogger logger, string replyType, string failure, string? reason);

    [LoggerMessage(112, LogLevel.Debug, "The Teams member lookup gave no e-mail (status {Status}, {Code})")]
    public static partial void TeamsMemberLookupFailed(ILogger logger, int? status, string? code);

    [LoggerMessage(113, LogLevel.Warning, "Teams activity from tenant {Tenant} refused (403): this bot serves only its configured tenants")]
    public static partial void TeamsTenantRefused(ILogger logger, string tenant);

    [LoggerMessage(114, LogLevel.Warning, "Bot Framework activity on channel {ChannelId} refused (403): this bot serves Microsoft Teams only")]
    public static partial void TeamsChannelRefused(ILogger logger, string channelId);

    [LoggerMessage(150, LogLevel.Information, "Read the roster of a Teams {Kind}: {Members} members, {WithEmail} with an e-mail")]
    public static partial void TeamsRosterRead(ILogger logger, string kind, int members, int withEmail);

    [LoggerMessage(151, LogLevel.Warning, "Reading the roster of a Teams {Kind} failed: {Reason}")]
    public static partial void TeamsRosterFailed(ILogger logger, string kind, string reason);
}
