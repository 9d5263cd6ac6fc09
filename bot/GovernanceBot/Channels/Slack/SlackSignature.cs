using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace GovernanceBot.Channels.Slack;

/// <summary>Why a request's Slack signature was refused (logged, never shown to the caller).</summary>
public enum SlackSignatureFailure
{
    None,
    MissingHeaders,
    MalformedTimestamp,
    StaleTimestamp,
    MalformedSignature,
    Mismatch,
}

/// <summary>
/// Slack's v0 request signature: <c>v0=</c> + lowercase hex HMAC-SHA256 of
/// <c>v0:{timestamp}:{raw body}</c> keyed with the app's signing secret.
/// </summary>
public static class SlackSignature
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";

    /// <summary>How far a request's timestamp may be from now, either way.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private const string Version = "v0";

    /// <summary>The signature Slack would send for this body at this timestamp.</summary>
    public static string Compute(string signingSecret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{Version}:{timestamp}:");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), message);
        return $"{Version}={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>
    /// Checks the headers against the raw body: timestamp within <see cref="Window"/> of
    /// <paramref name="now"/>, then the HMAC in constant time.
    /// </summary>
    public static SlackSignatureFailure Verify(string signingSecret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return SlackSignatureFailure.MissingHeaders;
        }

        if (timestamp.Length > 12 || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SlackSignatureFailure.MalformedTimestamp;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > (long)Window.TotalSeconds)
        {
            return SlackSignatureFailure.StaleTimestamp;
        }

        if (!signature.StartsWith(Version + "=", StringComparison.Ordinal) || signature.Length != Version.Length + 1 + 64)
        {
            return SlackSignatureFailure.MalformedSignature;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(signingSecret, timestamp, body));
        var actual = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? SlackSignatureFailure.None : SlackSignatureFailure.Mismatch;
    }
}
