using System.Security.Cryptography;
using System.Text.Json;
using GovernanceBot.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Channels.Slack;

/// <summary>
/// The OAuth v2 install flow: <c>/slack/install</c> sends the browser to Slack with a signed,
/// expiring <c>state</c> bound to a cookie; <c>/slack/oauth/callback</c> checks it, exchanges the
/// code (<c>oauth.v2.access</c>) and stores the workspace's bot token encrypted.
/// </summary>
public sealed class SlackOAuth(
    SlackApiClient api,
    SlackWorkspaces workspaces,
    IDataProtectionProvider protection,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackOAuth> logger)
{
    public const string StateCookie = "gb_slack_install";

    /// <summary>
    /// The bot scopes the app asks for; <c>infra/slack/manifest.yaml</c> must list exactly these.
    /// <c>channels:history</c> and <c>groups:history</c> let the outbox find its own message (by its
    /// metadata) after a crash cut a send short, so a channel summary is never posted twice.
    /// <c>files:write</c> uploads exports (<c>audit export</c>, <c>checkin answers</c>) into the asker's DM.
    /// </summary>
    public static readonly IReadOnlyList<string> BotScopes =
        ["app_mentions:read", "channels:history", "chat:write", "commands", "files:write", "groups:history", "im:history", "im:write", "users:read", "users:read.email"];

    private readonly IDataProtector protector = protection.CreateProtector("GovernanceBot.Slack.InstallState.v1");

    /// <summary>A fresh nonce (for the cookie) and the state that carries it, signed and time-stamped.</summary>
    public (string Nonce, string State) NewState()
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var payload = JsonSerializer.Serialize(new SlackInstallState(nonce, time.GetUtcNow().ToUnixTimeSeconds()), SlackJson.Default.SlackInstallState);
        return (nonce, protector.Protect(payload));
    }

    public Uri AuthorizeUrl(string state, Uri redirectUri)
    {
        var o = options.Value;
        var query = QueryString.Create(new Dictionary<string, string?>
        {
            ["client_id"] = o.ClientId,
            ["scope"] = string.Join(',', BotScopes),
            ["state"] = state,
            ["redirect_uri"] = redirectUri.ToString(),
        });
        return new Uri(o.AuthorizeUrl + query.ToUriComponent());
    }

    /// <summary>Null when the state is genuine, fresh and matches the browser's cookie; else why not.</summary>
    public string? CheckState(string? state, string? cookieNonce)
    {
        if (string.IsNullOrEmpty(state) || string.IsNullOrEmpty(cookieNonce))
        {
            return "missing state or cookie";
        }

        SlackInstallState? content;
        try
        {
            content = JsonSerializer.Deserialize(protector.Unprotect(state), SlackJson.Default.SlackInstallState);
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            return "state not signed by this bot";
        }

        if (content is null)
        {
            return "state not signed by this bot";
        }

        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(content.IssuedAt);
        if (age > options.Value.InstallStateLifetime || age < TimeSpan.FromMinutes(-5))
        {
            return "state expired";
        }

        return CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(content.Nonce), System.Text.Encoding.UTF8.GetBytes(cookieNonce))
            ? null
            : "state belongs to another browser";
    }

    /// <summary>Exchanges the code and stores the token; returns the team's name, or an error for the page.</summary>
    public async Task<(string? TeamName, string? Error)> CompleteAsync(string code, Uri redirectUri, CancellationToken cancellationToken)
    {
        var o = options.Value;
        OAuthV2AccessResponse access;
        try
        {
            access = await api.OAuthAccessAsync(o.ClientId!, o.ClientSecret!, code, redirectUri, cancellationToken);
        }
        catch (SlackApiException ex)
        {
            Log.SlackInstallRefused(logger, $"oauth.v2.access: {ex.Error}");
            return (null, "Slack did not accept the install code. Start again from the install link.");
        }

        if (access is not { AccessToken: { Length: > 0 } token, Team.Id: { Length: > 0 } teamId } || access.TokenType is not (null or "bot"))
        {
            Log.SlackInstallRefused(logger, "oauth.v2.access returned no bot token or team");
            return (null, "Slack's answer had no bot token. Start again from the install link.");
        }

        var granted = (access.Scope ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var missing = BotScopes.Except(granted, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            Log.SlackInstallRefused(logger, $"scopes missing: {string.Join(',', missing)}");
            return (null, $"The install did not grant {string.Join(", ", missing)}. Reinstall and approve every permission.");
        }

        await workspaces.SaveAsync(teamId, token, access.BotUserId, cancellationToken);
        return (access.Team.Name ?? teamId, null);
    }
}
