namespace GovernanceBot.Hosting;

internal static partial class Log
{
    [LoggerMessage(301, LogLevel.Debug, "Chart image published for {Days} days ({Bytes} bytes)")]
    public static partial void ChartPublished(ILogger logger, double days, int bytes);

    [LoggerMessage(302, LogLevel.Warning, "A chart could not be drawn; Slack gets the text fallback instead")]
    public static partial void ChartFailed(ILogger logger, Exception exception);
}
