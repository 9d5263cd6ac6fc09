using System.Net.Http.Json;
using GovernanceBot.Hosting;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Channels.Teams;

/// <summary>
/// The bot's outbound token (A2): client credentials, cached, refreshed five minutes before it
/// expires, one refresh at a time. Without an App ID (development mode) there is no token.
/// </summary>
public sealed class BotTokenProvider(
    IHttpClientFactory httpClients,
    IOptions<TeamsOptions> options,
    TimeProvider time,
    ILogger<BotTokenProvider> logger) : IDisposable
{
    internal const string HttpClientName = "teams-token";
    private static readonly TimeSpan RefreshEarly = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim gate = new(1, 1);

    public void Dispose() => gate.Dispose();
    private (string Token, DateTimeOffset RefreshAt)? cached;

    /// <summary>A bearer token for the Bot Connector, or null when the bot has no credentials.</summary>
    public async Task<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.IsConfigured || string.IsNullOrEmpty(settings.AppPassword))
        {
            return null;
        }

        if (cached is { } hit && time.GetUtcNow() < hit.RefreshAt)
        {
            return hit.Token;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (cached is { } again && time.GetUtcNow() < again.RefreshAt)
            {
                return again.Token;
            }

            var http = httpClients.CreateClient(HttpClientName);
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = settings.AppId!,
                ["client_secret"] = settings.AppPassword,
                ["scope"] = settings.TokenScope,
            });
            using var response = await http.PostAsync(new Uri(settings.ResolvedTokenEndpoint), form, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                Log.TeamsTokenFailed(logger, (int)response.StatusCode);
                throw new HttpRequestException($"The token endpoint answered {(int)response.StatusCode}.", null, response.StatusCode);
            }

            var token = await response.Content.ReadFromJsonAsync(TeamsJson.Default.TokenResponse, cancellationToken);
            if (string.IsNullOrEmpty(token?.AccessToken))
            {
                throw new HttpRequestException("The token endpoint answered without an access_token.");
            }

            var lifetime = TimeSpan.FromSeconds(Math.Max(token.ExpiresIn, 60));
            var refreshAt = time.GetUtcNow() + (lifetime > RefreshEarly * 2 ? lifetime - RefreshEarly : lifetime / 2);
            cached = (token.AccessToken, refreshAt);
            Log.TeamsTokenAcquired(logger, refreshAt);
            return token.AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }
}
