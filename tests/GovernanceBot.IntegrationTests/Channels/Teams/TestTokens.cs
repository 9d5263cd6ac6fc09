using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GovernanceBot.IntegrationTests.Channels.Teams;

/// <summary>What a token says; every field can be bent to forge one.</summary>
public sealed record TokenSpec
{
    public string? Issuer { get; init; } = "https://api.botframework.com";
    public string? Audience { get; init; } = FakeBotFramework.AppId;
    public string? ServiceUrl { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? Expires { get; init; }
    public string Algorithm { get; init; } = SecurityAlgorithms.RsaSha256;
}

/// <summary>Real JWTs signed with the fake issuer's test RSA keys, and the raw pieces to forge bad ones.</summary>
public static class TestTokens
{
    public static string Create(RsaSecurityKey key, TokenSpec spec, DateTimeOffset now)
    {
        var claims = new Dictionary<string, object>();
        if (spec.ServiceUrl is not null)
        {
            claims["serviceurl"] = spec.ServiceUrl;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = spec.Issuer,
            Audience = spec.Audience,
            Claims = claims,
            Subject = new ClaimsIdentity(),
            IssuedAt = now.UtcDateTime,
            NotBefore = (spec.NotBefore ?? now.AddMinutes(-1)).UtcDateTime,
            Expires = (spec.Expires ?? now.AddMinutes(60)).UtcDateTime,
            SigningCredentials = new SigningCredentials(key, spec.Algorithm),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A token assembled by hand from a header and payload (for alg none, missing exp, HS256 and the like).</summary>
    public static string Raw(JsonObject header, JsonObject payload, Func<byte[], byte[]>? sign = null)
    {
        var signingInput = $"{Base64UrlEncoder.Encode(header.ToJsonString())}.{Base64UrlEncoder.Encode(payload.ToJsonString())}";
        var signature = sign is null ? string.Empty : Base64UrlEncoder.Encode(sign(Encoding.ASCII.GetBytes(signingInput)));
        return $"{signingInput}.{signature}";
    }

    public static JsonObject Payload(string serviceUrl, DateTimeOffset now, bool withExp = true)
    {
        var payload = new JsonObject
        {
            ["iss"] = "https://api.botframework.com",
            ["aud"] = FakeBotFramework.AppId,
            ["serviceurl"] = serviceUrl,
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
        };
        if (withExp)
        {
            payload["exp"] = now.AddHours(1).ToUnixTimeSeconds();
        }

        return payload;
    }

    public static string SignRs256(RsaSecurityKey key, JsonObject payload) =>
        Raw(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = key.KeyId },
            payload,
            input => key.Rsa.SignData(input, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1));
}

/// <summary>Activities as Teams sends them, built as JSON objects (never by string interpolation).</summary>
public static class TestActivities
{
    public const string UserId = "29:user-alex";
    public const string BotId = "28:" + FakeBotFramework.AppId;

    public static JsonObject Message(string serviceUrl, string text, string id = "activity-in-1", string conversationType = "personal", string conversationId = "a:conv-1") => new()
    {
        ["type"] = "message",
        ["id"] = id,
        ["timestamp"] = "2026-11-25T12:00:00.000Z",
        ["channelId"] = "msteams",
        ["serviceUrl"] = serviceUrl,
        ["from"] = new JsonObject { ["id"] = UserId, ["name"] = "Alex Wilber", ["aadObjectId"] = "aad-alex" },
        ["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = "GovernanceBot" },
        ["conversation"] = new JsonObject { ["id"] = conversationId, ["conversationType"] = conversationType, ["tenantId"] = FakeBotFramework.Tenant },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = FakeBotFramework.Tenant } },
        ["text"] = text,
        ["textFormat"] = "plain",
    };

    public static JsonObject Invoke(string serviceUrl, string verb, JsonObject data, string id = "invoke-1", string replyToId = "card-msg-1", string trigger = "manual")
    {
        var activity = Message(serviceUrl, string.Empty, id);
        activity["type"] = "invoke";
        activity["name"] = "adaptiveCard/action";
        activity["replyToId"] = replyToId;
        activity.Remove("text");
        activity["value"] = new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["id"] = "a1", ["verb"] = verb, ["data"] = data },
            ["trigger"] = trigger,
        };
        return activity;
    }

    public static JsonObject BotAdded(string serviceUrl, string id, string type = "conversationUpdate")
    {
        var activity = Message(serviceUrl, string.Empty, id);
        activity.Remove("text");
        activity["type"] = type;
        if (type == "installationUpdate")
        {
            activity["action"] = "add";
        }
        else
        {
            activity["membersAdded"] = new JsonArray(new JsonObject { ["id"] = BotId }, new JsonObject { ["id"] = UserId, ["aadObjectId"] = "aad-alex" });
        }

        return activity;
    }
}
