namespace GovernanceBot.Hosting;

/// <summary>The dashboard's and the home tab's log messages (event ids 700–749). Never pass a link or a token.</summary>
internal static partial class Log
{
    [LoggerMessage(700, LogLevel.Warning, "Dashboard link refused at workspace '{Workspace}': {Reason}")]
    public static partial void DashboardLinkRefused(ILogger logger, string workspace, string reason);

    [LoggerMessage(701, LogLevel.Information, "Dashboard session started for workspace {WorkspaceId}")]
    public static partial void DashboardSessionStarted(ILogger logger, Guid workspaceId);

    [LoggerMessage(702, LogLevel.Warning, "Teams sign-in to the dashboard refused: {Reason}")]
    public static partial void DashboardTeamsSignInRefused(ILogger logger, string reason);

    [LoggerMessage(703, LogLevel.Debug, "Home tab for {Channel} user {UserId}: {Outcome}")]
    public static partial void HomeRefreshed(ILogger logger, string channel, string userId, string outcome);

    [LoggerMessage(704, LogLevel.Error, "Home tab refresh failed")]
    public static partial void HomeRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(705, LogLevel.Warning, "Download link refused: {Reason}")]
    public static partial void FileLinkRefused(ILogger logger, string reason);

    [LoggerMessage(706, LogLevel.Information, "File {Kind} downloaded in workspace {WorkspaceId}")]
    public static partial void FileDownloaded(ILogger logger, string kind, Guid workspaceId);
}
