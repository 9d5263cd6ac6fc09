using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using GovernanceBot.Hosting;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Cards.Charts;

/// <summary>
/// Chart images for Slack, kept in memory under a 128-bit random token until they expire. Slack fetches
/// an image by URL, so the URL itself is the only secret: unguessable, and dead after
/// <see cref="CardsOptions.ChartLifetime"/>.
/// </summary>
public sealed class ChartStore(IOptions<CardsOptions> options, TimeProvider time, KpiChartRenderer renderer, ILogger<ChartStore> logger)
{
    /// <summary>Beyond this many live images the oldest go first, so a burst of cards cannot exhaust memory.</summary>
    private const int MaxImages = 2000;

    private readonly ConcurrentDictionary<string, (byte[] Png, DateTimeOffset Expires)> images = new(StringComparer.Ordinal);

    public bool CanPublish => options.Value.PublicBaseUrl is not null;

    /// <summary>Stores a PNG and returns its token.</summary>
    public string Add(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        var now = time.GetUtcNow();
        foreach (var (key, entry) in images)
        {
            if (entry.Expires <= now)
            {
                images.TryRemove(key, out _);
            }
        }

        while (images.Count >= MaxImages && images.MinBy(e => e.Value.Expires) is { Key: { } oldest })
        {
            images.TryRemove(oldest, out _);
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        images[token] = (png, now + options.Value.ChartLifetime);
        Log.ChartPublished(logger, options.Value.ChartLifetime.TotalDays, png.Length);
        return token;
    }

    /// <summary>The PNG for a token, or null when unknown or expired.</summary>
    public byte[]? TryGet(string token)
    {
        if (!images.TryGetValue(token, out var entry))
        {
            return null;
        }

        if (entry.Expires <= time.GetUtcNow())
        {
            images.TryRemove(token, out _);
            return null;
        }

        return entry.Png;
    }

    public Uri UrlFor(string token)
    {
        var baseUrl = options.Value.PublicBaseUrl ?? throw new InvalidOperationException("PublicBaseUrl is not configured.");
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        return new Uri(root, $"cards/charts/{token}.png");
    }

    /// <summary>Renders a <c>Chart.Line</c> element to a PNG and returns its public URL, or null when it has no points.</summary>
    public Uri? PublishLine(JsonObject chart)
    {
        byte[]? png;
        try
        {
            png = renderer.RenderLine(chart);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or TypeInitializationException or DllNotFoundException)
        {
            // A missing native font or graphics library must not cost the user the card: the caller falls back to text.
            Log.ChartFailed(logger, e);
            return null;
        }

        return png is null || !CanPublish ? null : UrlFor(Add(png));
    }
}
