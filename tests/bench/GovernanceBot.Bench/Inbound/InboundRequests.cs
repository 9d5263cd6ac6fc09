using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GovernanceBot.Bench.Inbound;

/// <summary>
/// Who sends message n: one of <c>users</c> people, each with their own 1:1 conversation, so a
/// run mixes first contacts with people already known. <paramref name="Tag"/> keeps targets and
/// the warm-up apart (ids stay unique, answers never land on another target's conversations).
/// </summary>
public readonly record struct Sender(string Tag, long User)
{
    public static Sender For(long n, int users, string tag, bool warmUp) => new(warmUp ? tag + "W" : tag, n % users);

    public string Id => string.Create(CultureInfo.InvariantCulture, $"{Tag}{User:D6}");
}

/// <summary>
/// Slack Events API deliveries (platforms.md B2): an <c>event_callback</c> envelope with a unique
/// <c>event_id</c> around a DM <c>message</c> (<c>channel_type: im</c>) saying <c>help</c>, v0-signed
/// (B1) at send time because the signature covers the timestamp.
/// </summary>
public sealed class SlackEventRequests(Uri endpoint, string signingSecret, int users, string tag)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly byte[] secret = Encoding.UTF8.GetBytes(signingSecret);
    private readonly string run = Guid.NewGuid().ToString("N")[..8];

    public LoadRequest Next(long n, bool warmUp)
    {
        var sender = Sender.For(n, users, tag, warmUp);
        var channel = "D" + sender.Id;
        var now = DateTimeOffset.UtcNow;
        var seconds = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var ts = string.Create(CultureInfo.InvariantCulture, $"{now.ToUnixTimeSeconds()}.{n % 1_000_000:D6}");

        var body = new ArrayBufferWriter<byte>(768);
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("token", "bench-verification-token");
            json.WriteString("team_id", "T0BENCH");
            json.WriteString("api_app_id", "A0BENCH");
            json.WriteStartObject("event");
            json.WriteString("type", "message");
            json.WriteString("channel_type", "im");
            json.WriteString("channel", channel);
            json.WriteString("user", "U" + sender.Id);
            json.WriteString("text", "help");
            json.WriteString("ts", ts);
            json.WriteString("event_ts", ts);
            json.WriteEndObject();
            json.WriteString("type", "event_callback");
            json.WriteString("event_id", string.Create(CultureInfo.InvariantCulture, $"Ev{run}{(warmUp ? "W" : tag)}{n:D9}"));
            json.WriteNumber("event_time", now.ToUnixTimeSeconds());
            json.WriteStartArray("authorizations");
            json.WriteStartObject();
            json.WriteString("team_id", "T0BENCH");
            json.WriteString("user_id", "UBENCHBOT");
            json.WriteBoolean("is_bot", true);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        var payload = body.WrittenSpan;
        var signed = new byte[3 + seconds.Length + 1 + payload.Length];
        Encoding.ASCII.GetBytes("v0:" + seconds + ":").CopyTo(signed, 0);
        payload.CopyTo(signed.AsSpan(3 + seconds.Length + 1));
        var signature = "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, signed));

        var content = new ByteArrayContent(payload.ToArray());
        content.Headers.ContentType = Json;
        var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
        message.Headers.Add("X-Slack-Request-Timestamp", seconds);
        message.Headers.Add("X-Slack-Signature", signature);
        return new LoadRequest(message, channel);
    }
}

/// <summary>
/// Teams <c>message</c> activities saying <c>help</c> in a personal chat (platforms.md A4), each
/// carrying a genuine RS256 Bot Framework token (A1) minted once for the run: the receiver still
/// verifies its signature, issuer, audience, lifetime, <c>serviceurl</c> and key endorsement every time.
/// </summary>
public sealed class TeamsMessageRequests
{
    internal const string Tenant = "bench-tenant";
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly Uri endpoint;
    private readonly string serviceUrl;
    private readonly int users;
    private readonly string tag;
    private readonly AuthenticationHeaderValue authorization;

    public TeamsMessageRequests(Uri endpoint, FakePlatforms platforms, int users, string tag)
    {
        this.endpoint = endpoint;
        serviceUrl = platforms.ServiceUrl;
        this.users = users;
        this.tag = tag;
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://api.botframework.com",
            Audience = FakePlatforms.AppId,
            Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl },
            Subject = new ClaimsIdentity(),
            IssuedAt = now,
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(platforms.SigningKey, SecurityAlgorithms.RsaSha256),
        });
        authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public LoadRequest Next(long n, bool warmUp)
    {
        var sender = Sender.For(n, users, tag, warmUp);
        var conversation = "a:bench-" + sender.Id;
        var body = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("type", "message");
            json.WriteString("id", string.Create(CultureInfo.InvariantCulture, $"{(warmUp ? "W" : tag)}-{n}"));
            json.WriteString("timestamp", DateTimeOffset.UtcNow);
            json.WriteString("channelId", "msteams");
            json.WriteString("serviceUrl", serviceUrl);
            json.WriteStartObject("from");
            json.WriteString("id", "29:bench-" + sender.Id);
            json.WriteString("name", "Bench User " + sender.Id);
            json.WriteString("aadObjectId", "aad-" + sender.Id);
            json.WriteEndObject();
            json.WriteStartObject("recipient");
            json.WriteString("id", "28:" + FakePlatforms.AppId);
            json.WriteString("name", "GovernanceBot");
            json.WriteEndObject();
            json.WriteStartObject("conversation");
            json.WriteString("id", conversation);
            json.WriteString("conversationType", "personal");
            json.WriteString("tenantId", Tenant);
            json.WriteEndObject();
            json.WriteStartObject("channelData");
            json.WriteStartObject("tenant");
            json.WriteString("id", Tenant);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteString("text", "help");
            json.WriteString("textFormat", "plain");
            json.WriteString("locale", "en-US");
            json.WriteEndObject();
        }

        var content = new ByteArrayContent(body.WrittenSpan.ToArray());
        content.Headers.ContentType = Json;
        var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
        message.Headers.Authorization = authorization;
        return new LoadRequest(message, conversation);
    }
}
