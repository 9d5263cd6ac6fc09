namespace GovernanceBot.Channels.Teams;

/// <summary>
/// The Teams channel's configuration (section <c>Teams</c>). Every platform URL is configurable so
/// tests can stand in a local issuer, token endpoint and connector.
/// </summary>
public sealed class TeamsOptions
{
    public const string Section = "Teams";

    public const string BotFrameworkIssuer = "https://api.botframework.com";

    /// <summary>The bot's Microsoft App ID: the audience of inbound tokens and the client id of outbound ones. Empty = not configured.</summary>
    public string? AppId { get; set; }

    /// <summary>The client secret for outbound client-credentials tokens. Never logged.</summary>
    public string? AppPassword { get; set; }

    /// <summary>Single-tenant bots: the Entra tenant that issues outbound tokens. Empty = multi-tenant (<c>botframework.com</c>).</summary>
    public string? TenantId { get; set; }

    /// <summary>
    /// Further Entra tenants whose activities are served. The bot serves <see cref="TenantId"/> and
    /// these; both empty = any tenant the app is installed in. Activities from any other tenant get 403.
    /// </summary>
    public List<string> AllowedTenants { get; set; } = [];

    /// <summary>Where the signing keys of inbound tokens are published.</summary>
    public string OpenIdMetadataUrl { get; set; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    /// <summary>The <c>iss</c> every inbound token must carry.</summary>
    public string TokenIssuer { get; set; } = BotFrameworkIssuer;

    /// <summary>The client-credentials endpoint; <c>{tenant}</c> is replaced by <see cref="TenantId"/> or <c>botframework.com</c>.</summary>
    public string TokenEndpoint { get; set; } = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token";

    /// <summary>The scope asked for in outbound tokens.</summary>
    public string TokenScope { get; set; } = "https://api.botframework.com/.default";

    /// <summary>The Bot Connector used when a conversation has no serviceUrl of its own.</summary>
    public string DefaultServiceUrl { get; set; } = "https://smba.trafficmanager.net/teams/";

    /// <summary>The bot's display name, shown on the welcome card.</summary>
    public string BotName { get; set; } = "GovernanceBot";

    /// <summary>
    /// How long what a member lookup said about a person (member, guest, another tenant) is trusted
    /// before <see cref="TeamsMembership.KnownUserAsync"/> asks for another lookup.
    /// </summary>
    public TimeSpan MemberInfoMaxAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Signing keys are fetched again after this long, even if every kid is known.</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>An unknown kid re-fetches the keys at most this often.</summary>
    public TimeSpan UnknownKeyRefetchInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The first wait after a failed key fetch; it doubles with each failure in a row up to
    /// <see cref="KeyRetryMaxDelay"/>. While no keys are cached, requests may fetch again as often.
    /// </summary>
    public TimeSpan KeyRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between key fetches after failures.</summary>
    public TimeSpan KeyRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One fetch of the OpenID metadata or the keys is abandoned after this long.</summary>
    public TimeSpan KeyFetchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Connector retries on 429/412/5xx/timeouts before a send is reported transient.</summary>
    public int ConnectorRetries { get; set; } = 3;

    /// <summary>The first retry's delay without Retry-After; later ones grow exponentially, with jitter.</summary>
    public TimeSpan ConnectorRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A Retry-After longer than this is not waited for inline: the send is reported transient with it.</summary>
    public TimeSpan MaxInlineRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One connector attempt is abandoned after this long.</summary>
    public TimeSpan ConnectorAttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest request body accepted on <c>/api/messages</c>.</summary>
    public long MaxRequestBytes { get; set; } = 256 * 1024;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(AppId);

    /// <summary>Whether activities from this tenant are served (see <see cref="AllowedTenants"/>).</summary>
    internal bool Serves(string tenantId)
    {
        var allowed = AllowedTenants.Append(TenantId).Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        return allowed.Count == 0 || allowed.Exists(t => string.Equals(t!.Trim(), tenantId, StringComparison.OrdinalIgnoreCase));
    }

    internal string ResolvedTokenEndpoint =>
        TokenEndpoint.Replace("{tenant}", string.IsNullOrWhiteSpace(TenantId) ? "botframework.com" : TenantId, StringComparison.Ordinal);
}
