namespace GovernanceBot.Channels.Slack;

/// <summary>
/// Slack configuration (section <c>Slack</c>). Slack is enabled when <see cref="SigningSecret"/> is
/// set; one workspace runs on <see cref="BotToken"/>, many install through OAuth with
/// <see cref="ClientId"/> and <see cref="ClientSecret"/>.
/// </summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    /// <summary>Verifies every request Slack sends (Basic Information → Signing Secret).</summary>
    public string? SigningSecret { get; set; }

    /// <summary>A bot token (<c>xoxb-…</c>) for a single workspace; used for any team without an installed token.</summary>
    public string? BotToken { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The Web API base; tests point it at a local fake.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://slack.com/api/");

    /// <summary>Where <c>/slack/install</c> sends the browser to approve the app.</summary>
    public Uri AuthorizeUrl { get; set; } = new("https://slack.com/oauth/v2/authorize");

    /// <summary>The OAuth redirect URL registered with the app; by default this host's <c>/slack/oauth/callback</c>.</summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>How long an install link (its signed <c>state</c>) stays valid.</summary>
    public TimeSpan InstallStateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long an instance uses a workspace's token (or "not installed") before reading it from
    /// the store again. Only the instance that receives <c>app_uninstalled</c>/<c>tokens_revoked</c>
    /// forgets the token at once; every other instance stops using it within this time.
    /// </summary>
    public TimeSpan TokenCacheLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Per-attempt timeout of a Web API call.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after a 429, a 5xx or a timeout (each waits <c>Retry-After</c> or an exponential backoff).</summary>
    public int MaxRetries { get; set; } = 3;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a card action may run before the HTTP answer is sent (Slack allows 3 s); a slower
    /// handler finishes in the background and its replies follow.
    /// </summary>
    public TimeSpan InlineBudget { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long what <c>users.info</c> said about a user (above all: member, guest or from another
    /// organisation) is trusted before it is asked again. A member turned guest reads as a member at
    /// most this long.
    /// </summary>
    public TimeSpan UserInfoMaxAge { get; set; } = TimeSpan.FromMinutes(15);

    public bool Enabled => !string.IsNullOrWhiteSpace(SigningSecret);

    public bool InstallEnabled => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);
}
