namespace GovernanceBot.Hosting;

/// <summary>
/// Development mode is "no platform credentials configured": the embedded default that runs with
/// one command. It loads the demo program and lets loopback talk to the Teams endpoint unsigned.
/// </summary>
public sealed record BotMode(bool IsDevelopment)
{
    public const string DemoWorkspaceKey = "demo";

    public static BotMode From(IConfiguration configuration) => new(
        string.IsNullOrWhiteSpace(configuration["Teams:AppId"])
        && string.IsNullOrWhiteSpace(configuration["Slack:SigningSecret"]));
}
