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
/// their <c>endorsements</c>. <see cref="BotFrameworkKeysRefresher"/> fetches them at start and again
/// every <see cref="TeamsOptions.KeyRefreshInterval"/>. While none are cached, a failed fetch is tried
/// again after a short, growing delay (<see cref="TeamsOptions.KeyRetryDelay"/> doubling up to
/// <see cref="TeamsOptions.KeyRetryMaxDelay"/>), by the refresher and by requests alike; once keys
/// are cached, a failed refresh keeps them, and an unknown <c>kid</c> re-fetches at most once per
/// <see cref="TeamsOptions.UnknownKeyRefetchInterval"/>.
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
    private int failuresInARow;

    /// <summary>The key with this kid, or null when the issuer does not publish it (even after a re-fetch).</summary>
    public async Task<EndorsedKey?> FindAsync(string kid, CancellationToken cancellationToken)
    {
        var snapshot = current;
        var now = time.GetUtcNow();
        if (snapshot is null || now - snapshot.FetchedAt >= options.Value.KeyRefreshInterval)
        {
            snapshot = await RefreshAsync(force: false, cancellationToken) ?? snapshot;
        }

        if (snapshot is not null && snapshot.Keys.TryGetValue(kid, out var key))
        {
            return key;
        }

        snapshot = await RefreshAsync(force: false, cancellationToken) ?? snapshot;
        return snapshot is not null && snapshot.Keys.TryGetValue(kid, out key) ? key : null;
    }

    /// <summary>
    /// Fetches the keys now (the refresher's schedule) and says how long to wait before the next
    /// fetch: the refresh interval after a success, the current retry delay after a failure.
    /// </summary>
    internal async Task<TimeSpan> RefreshOnScheduleAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(force: true, cancellationToken);
        var o = options.Value;
        var fetchedAt = current?.FetchedAt;
        return Volatile.Read(ref failuresInARow) == 0 && fetchedAt is { } at
            ? at + o.KeyRefreshInterval - time.GetUtcNow()
            : RetryDelay(o);
    }

    private TimeSpan RetryDelay(TeamsOptions o)
    {
        var failures = Math.Clamp(Volatile.Read(ref failuresInARow), 1, 30);
        var delay = o.KeyRetryDelay * Math.Pow(2, failures - 1);
        return delay < o.KeyRetryMaxDelay ? delay : o.KeyRetryMaxDelay;
    }

    private async Task<Snapshot?> RefreshAsync(bool force, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            // Another caller may have refreshed while this one waited; and unknown kids must not
            // turn every forged request into a fetch from the issuer. With no keys at all, waiting
            // minutes would mean minutes of refused genuine requests: only the short retry delay applies.
            var minimumGap = current is null ? RetryDelay(options.Value) : options.Value.UnknownKeyRefetchInterval;
            if (!force && now - lastFetchAttempt < minimumGap)
            {
                return current;
            }

            lastFetchAttempt = now;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.Value.KeyFetchTimeout);
                current = await FetchAsync(now, timeout.Token);
                failuresInARow = 0;
                Log.TeamsKeysFetched(logger, current.Keys.Count);
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or ArgumentException or InvalidOperationException or TaskCanceledException
                && !cancellationToken.IsCancellationRequested)
            {
                // Keep the keys we have: a brief outage of the issuer must not reject genuine requests.
                failuresInARow++;
                if (current is null)
                {
                    Log.TeamsKeysUnavailable(logger, failuresInARow, RetryDelay(options.Value), ex);
                }
                else
                {
                    Log.TeamsKeysFetchFailed(logger, ex);
                }
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

/// <summary>
/// Fetches the signing keys as the bot starts (without holding up its start) and keeps them fresh,
/// so the first genuine request does not wait for, or fail on, a cold key cache.
/// </summary>
public sealed class BotFrameworkKeysRefresher(BotFrameworkKeys keys, IOptions<TeamsOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsConfigured)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = await keys.RefreshOnScheduleAsync(stoppingToken);
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, stoppingToken);
        }
    }
}
