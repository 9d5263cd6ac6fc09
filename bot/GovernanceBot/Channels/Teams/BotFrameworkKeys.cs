using System.Text.Json;
using GovernanceBot.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace GovernanceBot.Channels.Teams;

/// <summary>A signing key of the Bot Connector with the channels it is endorsed for.</summary>
public sealed record EndorsedKey(SecurityKey Key, IReadOnlySet<string> Endorsements);

/// <summary>
/// The Bot Framework's signing keys (A1.5, A1.7): OpenID metadata → <c>jwks_uri</c> → keys with
/// their <c>endorsements</c>. Cached; fetched again after <see cref="TeamsOptions.KeyRefreshInterval"/>,
/// and on an unknown <c>kid</c> at most once per <see cref="TeamsOptions.UnknownKeyRefetchInterval"/>.
/// </summary>
public sealed class BotFrameworkKeys(
    IHttpClientFactory httpClients,
    IOptions<TeamsOptions> options,
    TimeProvider time,
    ILogger<BotFrameworkKeys> logger) : IDisposable
{
    internal const string HttpClientName = "teams-openid";

    private readonly SemaphoreSlim gate = new(1, 1);

    public void Dispose() => gate.Dispose();
    private Snapshot? current;
    private DateTimeOffset lastFetchAttempt = DateTimeOffset.MinValue;

    /// <summary>The key with this kid, or null when the issuer does not publish it (even after a re-fetch).</summary>
    public async Task<EndorsedKey?> FindAsync(string kid, CancellationToken cancellationToken)
    {
        var snapshot = current;
        var now = time.GetUtcNow();
        if (snapshot is null || now - snapshot.FetchedAt >= options.Value.KeyRefreshInterval)
        {
            snapshot = await RefreshAsync(cancellationToken) ?? snapshot;
        }

        if (snapshot is not null && snapshot.Keys.TryGetValue(kid, out var key))
        {
            return key;
        }

        snapshot = await RefreshAsync(cancellationToken) ?? snapshot;
        return snapshot is not null && snapshot.Keys.TryGetValue(kid, out key) ? key : null;
    }

    private async Task<Snapshot?> RefreshAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            // Another caller may have refreshed while this one waited; and unknown kids must not
            // turn every forged request into a fetch from the issuer.
            if (now - lastFetchAttempt < options.Value.UnknownKeyRefetchInterval)
            {
                return current;
            }

            lastFetchAttempt = now;
            try
            {
                current = await FetchAsync(now, cancellationToken);
                Log.TeamsKeysFetched(logger, current.Keys.Count);
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or ArgumentException or InvalidOperationException or TaskCanceledException
                && !cancellationToken.IsCancellationRequested)
            {
                // Keep the keys we have: a brief outage of the issuer must not reject genuine requests.
                Log.TeamsKeysFetchFailed(logger, ex);
            }

            return current;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<Snapshot> FetchAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var http = httpClients.CreateClient(HttpClientName);
        var metadataJson = await http.GetStringAsync(new Uri(options.Value.OpenIdMetadataUrl), cancellationToken);
        var metadata = OpenIdConnectConfiguration.Create(metadataJson);
        if (string.IsNullOrEmpty(metadata.JwksUri))
        {
            throw new InvalidOperationException("The OpenID metadata has no jwks_uri.");
        }

        var keysJson = await http.GetStringAsync(new Uri(metadata.JwksUri), cancellationToken);
        var keySet = new JsonWebKeySet(keysJson);
        var endorsements = (JsonSerializer.Deserialize(keysJson, TeamsJson.Default.KeySetDocument)?.Keys ?? [])
            .Where(k => k.Kid is not null)
            .GroupBy(k => k.Kid!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)new HashSet<string>(
                g.SelectMany(k => k.Endorsements ?? []), StringComparer.OrdinalIgnoreCase), StringComparer.Ordinal);

        var keys = new Dictionary<string, EndorsedKey>(StringComparer.Ordinal);
        foreach (var key in keySet.GetSigningKeys())
        {
            if (key.KeyId is { } kid)
            {
                keys[kid] = new EndorsedKey(key, endorsements.GetValueOrDefault(kid) ?? new HashSet<string>());
            }
        }

        return new Snapshot(keys, now);
    }

    private sealed record Snapshot(IReadOnlyDictionary<string, EndorsedKey> Keys, DateTimeOffset FetchedAt);
}
