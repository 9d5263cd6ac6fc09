namespace GovernanceBot.Hosting;

/// <summary>Log messages of the life cycle, stage gates and benefit actuals (event ids 800–829).</summary>
internal static partial class Log
{
    [LoggerMessage(800, LogLevel.Information, "Gate {GateId} of program {ProgramId} passed; the program is in phase {Phase}")]
    public static partial void GatePassed(ILogger logger, Guid gateId, Guid programId, string phase);
}
