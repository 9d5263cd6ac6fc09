namespace GovernanceBot.Hosting;

internal static partial class Log
{
    [LoggerMessage(410, LogLevel.Debug, "Narrative written by the model: {Kept} lines kept, {Dropped} dropped for citing nothing given")]
    public static partial void NarrativeWritten(ILogger logger, int kept, int dropped);

    [LoggerMessage(411, LogLevel.Information, "Narrative fell back to the extractive summary: {Reason} ({Dropped} lines dropped)")]
    public static partial void NarrativeFellBack(ILogger logger, string reason, int dropped);
}
