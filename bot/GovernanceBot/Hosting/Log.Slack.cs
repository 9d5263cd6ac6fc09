namespace GovernanceBot.Hosting;

/// <summary>Slack's log messages (event ids 200–299). Never pass a token, a secret or a signature.</summary>
internal static partial class Log
{
    [LoggerMessage(200, LogLevel.Warning, "Slack request to {Endpoint} refused: {Reason}")]
    public static partial void SlackRequestRefused(ILogger logger, string endpoint, string reason);

    [LoggerMessage(201, LogLevel.Information, "Slack request to {Endpoint} is malformed: {Reason}")]
    public static partial void SlackMalformed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(202, LogLevel.Debug, "Slack {Kind} ignored: {Reason}")]
    public static partial void SlackIgnored(ILogger logger, string kind, string reason);

    [LoggerMessage(203, LogLevel.Debug, "Slack delivery {Key} was seen before (retry {RetryNum}); not handled again")]
    public static partial void SlackDuplicate(ILogger logger, string key, string? retryNum);

    [LoggerMessage(204, LogLevel.Warning, "Slack {Method} for team {TeamId} failed: {Error}")]
    public static partial void SlackSendFailed(ILogger logger, string method, string teamId, string error);

    [LoggerMessage(205, LogLevel.Information, "Slack app installed in team {TeamId}")]
    public static partial void SlackInstalled(ILogger logger, string teamId);

    [LoggerMessage(206, LogLevel.Information, "Slack bot token of team {TeamId} removed (uninstalled or revoked)")]
    public static partial void SlackUninstalled(ILogger logger, string teamId);

    [LoggerMessage(207, LogLevel.Warning, "The stored Slack bot token of team {TeamId} cannot be decrypted (data protection keys lost?); reinstall the app")]
    public static partial void SlackTokenUnreadable(ILogger logger, string teamId);

    [LoggerMessage(208, LogLevel.Error, "Slack background work failed ({Kind})")]
    public static partial void SlackWorkFailed(ILogger logger, Exception exception, string kind);

    [LoggerMessage(209, LogLevel.Warning, "Slack users.info for {UserId} in team {TeamId} failed: {Error}; continuing without an e-mail")]
    public static partial void SlackUserLookupFailed(ILogger logger, string userId, string teamId, string error);

    [LoggerMessage(210, LogLevel.Warning, "Slack install refused: {Reason}")]
    public static partial void SlackInstallRefused(ILogger logger, string reason);

    [LoggerMessage(211, LogLevel.Information, "Slack form {ActionId} pressed in team {TeamId} is no longer known (expired or posted before a restart)")]
    public static partial void SlackFormExpired(ILogger logger, string actionId, string teamId);

    [LoggerMessage(212, LogLevel.Warning, "Slack team {TeamId} has no bot token (not installed, and no Slack:BotToken); {Kind} not answered")]
    public static partial void SlackNotInstalled(ILogger logger, string teamId, string kind);

    [LoggerMessage(213, LogLevel.Information, "Slack is enabled: events, interactivity and /gov at /slack/*; OAuth install {Install}")]
    public static partial void SlackEnabled(ILogger logger, string install);

    [LoggerMessage(214, LogLevel.Warning, "Slack is disabled: Slack:SigningSecret is not configured; /slack/* answers 503")]
    public static partial void SlackDisabled(ILogger logger);

    [LoggerMessage(240, LogLevel.Information, "Slack user {UserId} in team {TeamId} is now {Membership} (was {Before})")]
    public static partial void SlackMembershipChanged(ILogger logger, string userId, string teamId, string membership, string before);

    [LoggerMessage(250, LogLevel.Information, "Slack could not find a mentioned person by e-mail ({Error}); their name stays text")]
    public static partial void SlackMentionLookupFailed(ILogger logger, string error);

    [LoggerMessage(260, LogLevel.Information, "Slack file {Kind} shared in a direct message of team {TeamId}")]
    public static partial void SlackFileShared(ILogger logger, string kind, string teamId);

    [LoggerMessage(261, LogLevel.Warning, "Slack file was shared, but the note where it was asked for failed: {Error}")]
    public static partial void SlackFileNoteFailed(ILogger logger, string error);
}
