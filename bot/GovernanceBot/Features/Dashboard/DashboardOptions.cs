namespace GovernanceBot.Features.Dashboard;

/// <summary>The web dashboard's configuration (section <c>Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>
    /// The address people reach the bot at (e.g. <c>https://governance.example.com</c>): links made in
    /// chat and by the CLI start with it. Empty: the address the bot listens on.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>How long a link may wait before it is used to start a session.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a download link (an export sent in Teams) may wait before it is used, once. Long
    /// enough to see the message after a meeting; the person's right to the file is checked when it is opened.
    /// </summary>
    public TimeSpan FileLinkLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a session lasts after its link was used (no sliding: a new link starts a new one).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Points of history a KPI's trend chart shows.</summary>
    public int ChartPoints { get; set; } = 26;

    /// <summary>Check-in rounds the response and score trends show.</summary>
    public int CheckInRounds { get; set; } = 12;

    /// <summary>Teams single sign-on inside the Teams tab; off while <see cref="TeamsSsoOptions.ClientId"/> is empty.</summary>
    public TeamsSsoOptions TeamsSso { get; set; } = new();
}

/// <summary>
/// The Entra app (its client id and Application ID URI) that Teams asks for a token on the tab's
/// behalf (<c>webApplicationInfo</c> in the Teams manifest).
/// </summary>
public sealed class TeamsSsoOptions
{
    /// <summary>The Entra app's client id: the audience of the tokens Teams hands the tab.</summary>
    public string? ClientId { get; set; }

    /// <summary>The Application ID URI (<c>api://host/client-id</c>), also accepted as audience.</summary>
    public string? ApplicationIdUri { get; set; }

    /// <summary>
    /// Where Entra's signing keys are published. <c>{tenant}</c> becomes <c>common</c>: tokens of any
    /// tenant are read, and the tenant must then be one the bot serves (a workspace's Teams identity).
    /// </summary>
    public string MetadataUrl { get; set; } = "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration";

    public bool Enabled => !string.IsNullOrWhiteSpace(ClientId);
}
