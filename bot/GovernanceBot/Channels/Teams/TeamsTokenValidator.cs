using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GovernanceBot.Channels.Teams;

/// <summary>A token that passed the checks that need no activity: the claims and the key that signed it.</summary>
public sealed record ValidatedToken(ClaimsIdentity Identity, EndorsedKey Key)
{
    /// <summary>The <c>serviceurl</c> claim, which must equal the activity's serviceUrl.</summary>
    public string? ServiceUrl => Identity.FindFirst("serviceurl")?.Value;
}

/// <summary>
/// Inbound authentication of the Bot Framework (A1). The token is checked in two steps: before the
/// body is read (scheme, shape, algorithm, key, signature, issuer, audience, lifetime), then against
/// the activity (serviceurl claim, the key's endorsement of the channel).
/// <para>
/// The Bot Framework sends one token for many requests (it lives about an hour), so a token that
/// passed is remembered by its exact text: the same text again skips the parse and the RSA check,
/// which were most of a message's cost before the ack. What needs the clock or the keys is still
/// checked every time: the lifetime against this request's time, and that the signing key is still
/// published (a key the metadata dropped refuses the token at once). Failures are not remembered,
/// so forged tokens cannot crowd the cache; it holds at most <see cref="RememberedTokens"/>.
/// </para>
/// </summary>
public sealed class TeamsTokenValidator(BotFrameworkKeys keys, IOptions<TeamsOptions> options, TimeProvider time) : IDisposable
{
    internal const int RememberedTokens = 1024;
    private static readonly TimeSpan RememberAtMost = TimeSpan.FromHours(1);
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private readonly JsonWebTokenHandler handler = new() { MaximumTokenSizeInBytes = 16 * 1024 };
    private readonly MemoryCache passed = new(new MemoryCacheOptions { SizeLimit = RememberedTokens });

    /// <summary>Validates the <c>Authorization</c> header; null with a reason (for logs, never for the caller) when it fails.</summary>
    public async Task<(ValidatedToken? Token, string? Failure)> ValidateAsync(string? authorization, CancellationToken cancellationToken)
    {
        const string scheme = "Bearer ";
        if (string.IsNullOrEmpty(authorization) || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return (null, "no bearer token");
        }

        var raw = authorization[scheme.Length..].Trim();
        if (passed.TryGetValue(raw, out Passed? remembered) && remembered is not null)
        {
            var current = await keys.FindAsync(remembered.Kid, cancellationToken);
            if (current is null)
            {
                passed.Remove(raw);
                return (null, "unknown kid");
            }

            // The same key still published: only the lifetime can have changed. A re-published key
            // (new metadata) is checked in full below.
            if (ReferenceEquals(current, remembered.Token.Key))
            {
                return Lifetime(remembered.ValidFrom, remembered.ValidTo) is { } lapsed
                    ? (null, lapsed)
                    : (remembered.Token, null);
            }
        }

        if (raw.Length == 0 || raw.Length > handler.MaximumTokenSizeInBytes || !handler.CanReadToken(raw))
        {
            return (null, "not a JWT");
        }

        JsonWebToken jwt;
        try
        {
            jwt = handler.ReadJsonWebToken(raw);
        }
        catch (ArgumentException)
        {
            return (null, "not a JWT");
        }

        if (jwt.IsEncrypted || !Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            return (null, $"algorithm '{jwt.Alg}' is not accepted");
        }

        if (string.IsNullOrEmpty(jwt.Kid))
        {
            return (null, "no kid");
        }

        var key = await keys.FindAsync(jwt.Kid, cancellationToken);
        if (key is null)
        {
            return (null, "unknown kid");
        }

        var settings = options.Value;
        var result = await handler.ValidateTokenAsync(raw, new TokenValidationParameters
        {
            ValidIssuer = settings.TokenIssuer,
            ValidAudience = settings.AppId,
            IssuerSigningKey = key.Key,
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            // Lifetime is checked below against the injected clock.
            ValidateLifetime = false,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = false,
            ValidateIssuer = true,
            ValidateAudience = true,
        });
        if (!result.IsValid)
        {
            return (null, result.Exception?.GetType().Name ?? "invalid token");
        }

        if (Lifetime(jwt.ValidFrom, jwt.ValidTo) is { } outside)
        {
            return (null, outside);
        }

        var token = new ValidatedToken(result.ClaimsIdentity, key);
        var remember = jwt.ValidTo + ClockSkew - time.GetUtcNow().UtcDateTime;
        if (remember <= TimeSpan.Zero)
        {
            return (token, null);
        }

        passed.Set(raw, new Passed(token, jwt.Kid, jwt.ValidFrom, jwt.ValidTo), new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = remember < RememberAtMost ? remember : RememberAtMost,
        });
        return (token, null);
    }

    public void Dispose() => passed.Dispose();

    /// <summary>Why the token is outside its lifetime now (with the allowed skew), or null.</summary>
    private string? Lifetime(DateTime validFrom, DateTime validTo)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (validTo == DateTime.MinValue || validTo + ClockSkew < now)
        {
            return "expired";
        }

        return validFrom != DateTime.MinValue && validFrom - ClockSkew > now ? "not yet valid" : null;
    }

    /// <summary>The checks that need the activity: serviceurl claim (case-insensitive) and the key's endorsement.</summary>
    public static string? CheckActivity(ValidatedToken token, Activity activity)
    {
        if (string.IsNullOrEmpty(token.ServiceUrl))
        {
            return "no serviceurl claim";
        }

        if (!string.Equals(token.ServiceUrl, activity.ServiceUrl, StringComparison.OrdinalIgnoreCase))
        {
            return "serviceurl claim differs from the activity";
        }

        if (string.IsNullOrEmpty(activity.ChannelId) || !token.Key.Endorsements.Contains(activity.ChannelId))
        {
            return "the signing key is not endorsed for the channel";
        }

        return null;
    }

    private sealed record Passed(ValidatedToken Token, string Kid, DateTime ValidFrom, DateTime ValidTo);
}
