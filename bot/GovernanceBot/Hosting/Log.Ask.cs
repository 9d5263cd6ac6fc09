namespace GovernanceBot.Hosting;

internal static partial class Log
{
    [LoggerMessage(400, LogLevel.Debug, "Ask knowledge index built: {Topics} topics, {Passages} passages in {Milliseconds:0} ms")]
    public static partial void AskIndexBuilt(ILogger logger, int topics, int passages, double milliseconds);

    [LoggerMessage(401, LogLevel.Debug, "Ask answered as {Kind} (top topic {Topic}, AI {GroundedByAi}) in {Milliseconds:0.0} ms")]
    public static partial void AskAnswered(ILogger logger, string kind, string? topic, bool groundedByAi, double milliseconds);

    [LoggerMessage(402, LogLevel.Debug, "Azure OpenAI deployment {Deployment} replied in {Milliseconds:0} ms; accepted {Accepted}")]
    public static partial void ModelAnswered(ILogger logger, string deployment, double milliseconds, bool accepted);

    [LoggerMessage(403, LogLevel.Warning, "Azure OpenAI deployment {Deployment} failed after {Milliseconds:0} ms; answering offline")]
    public static partial void ModelFailed(ILogger logger, Exception exception, string deployment, double milliseconds);

    [LoggerMessage(404, LogLevel.Information, "Ask refused a question that tried to change the bot's instructions or reach other data")]
    public static partial void AskRefused(ILogger logger);

    [LoggerMessage(405, LogLevel.Information, "Azure OpenAI is configured (deployment {Deployment}, {Auth}); answers are written by the model from retrieved sources")]
    public static partial void ModelConfigured(ILogger logger, string deployment, string auth);
}
