using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace GovernanceBot.IntegrationTests.Channels.Teams;

/// <summary>One bot for the whole corpus: each forged request must be refused without a trace.</summary>
public sealed class ForgedRequestFixture : IAsyncLifetime
{
    public TeamsBot Teams { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Teams = await TeamsBot.StartAsync();
        Teams.Framework.AddKey("key-webchat-only", ["webchat"]);
        Teams.Framework.AddKey("key-no-endorsements", []);
    }

    public async Task DisposeAsync() => await Teams.DisposeAsync();
}

public sealed class ForgedRequestTests(ForgedRequestFixture fixture) : IClassFixture<ForgedRequestFixture>
{
    private TeamsBot Teams => fixture.Teams;

    /// <summary>Forged or broken credentials: the header's scheme and token, and optionally a changed activity.</summary>
    public static TheoryData<string> Corpus() => new(Cases.Keys);

    private static readonly Dictionary<string, Func<TeamsBot, (string? Scheme, string? Token, Action<JsonObject>? Bend)>> Cases = new()
    {
        ["no Authorization header"] = _ => (null, null, null),
        ["empty bearer"] = _ => ("Bearer", " ", null),
        ["Basic scheme"] = t => ("Basic", t.ValidToken(), null),
        ["not a JWT"] = _ => ("Bearer", "not-a-token", null),
        ["two segments"] = t => ("Bearer", string.Join('.', t.ValidToken().Split('.').Take(2)), null),
        ["garbage segments"] = _ => ("Bearer", "eyJhbGciOi.eyJpc3Mi.c2lnbmF0dXJl", null),
        ["alg none"] = t => ("Bearer", TestTokens.Raw(new JsonObject { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = "key-1" },
            TestTokens.Payload(t.Framework.ServiceUrl, t.Now)), null),
        ["HS256 signed with the public key"] = t => ("Bearer", TestTokens.Raw(new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = "key-1" },
            TestTokens.Payload(t.Framework.ServiceUrl, t.Now),
            input => HMACSHA256.HashData(t.Key.Rsa.ExportParameters(false).Modulus!, input)), null),
        ["PS256 instead of RS256"] = t => ("Bearer", TestTokens.Create(t.Key, new TokenSpec { ServiceUrl = t.Framework.ServiceUrl, Algorithm = SecurityAlgorithms.RsaSsaPssSha256 }, t.Now), null),
        ["signed by a key the issuer does not publish, under a published kid"] = t => ("Bearer",
            TestTokens.SignRs256(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "key-1" }, TestTokens.Payload(t.Framework.ServiceUrl, t.Now)), null),
        ["unknown kid"] = t => ("Bearer", TestTokens.SignRs256(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "key-unknown" }, TestTokens.Payload(t.Framework.ServiceUrl, t.Now)), null),
        ["no kid"] = t => ("Bearer", TestTokens.Raw(new JsonObject { ["alg"] = "RS256", ["typ"] = "JWT" }, TestTokens.Payload(t.Framework.ServiceUrl, t.Now),
            input => t.Key.Rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)), null),
        ["wrong issuer"] = t => ("Bearer", TestTokens.Create(t.Key, new TokenSpec { ServiceUrl = t.Framework.ServiceUrl, Issuer = "https://evil.example.com" }, t.Now), null),
        ["issuer in another case"] = t => ("Bearer", TestTokens.Create(t.Key, new TokenSpec { ServiceUrl = t.Framework.ServiceUrl, Issuer = "https://API.botframework.com" }, t.Now), null),
        ["no issuer"] = t => ("Bearer", TestTokens.Create(t.Key, new TokenSpec { ServiceUrl = t.Framework.ServiceUrl, Issuer = null }, t.Now), null),
        ["wrong audience"] = t => ("Bearer", TestTokens.Create(t.Key, new TokenSpec { ServiceUrl = t.Framework.ServiceUrl, Audience = "https://api.botframework.com" }, t.Now), null),
        ["another app's token"] = t => ("Bearer", TestTokens.Create(t.Key, new TokenSpec { ServiceUrl = t.Framework.ServiceUrl, Audience = "0b7e2f86-1d1e-4b5b-9a4f-3f2d5e6a7b8c" }, t.Now), null),
        ["no audience"] = t => ("Bearer", TestTokens.Create(t.Key, new TokenSpec { ServiceUrl = t.Framework.ServiceUrl, Audience = null }, t.Now), null),
        ["expired beyond the 5 minute skew"] = t => ("Bearer", TestTokens.Create(t.Key, new TokenSpec
            { ServiceUrl = t.Framework.ServiceUrl, NotBefore = t.Now.AddHours(-2), Expires = t.Now.AddMinutes(-6) }, t.Now.AddHours(-2)), null),
        ["not valid for another 10 minutes"] = t => ("Bearer", TestTokens.Create(t.Key, new TokenSpec
            { ServiceUrl = t.Framework.ServiceUrl, NotBefore = t.Now.AddMinutes(10), Expires = t.Now.AddHours(1) }, t.Now), null),
        ["no expiry"] = t => ("Bearer", TestTokens.SignRs256(t.Key, TestTokens.Payload(t.Framework.ServiceUrl, t.Now, withExp: false)), null),
        ["key not endorsed for msteams"] = t => ("Bearer", TestTokens.Create(t.Framework.Keys["key-webchat-only"].Key, new TokenSpec { ServiceUrl = t.Framework.ServiceUrl }, t.Now), null),
        ["key with no endorsements"] = t => ("Bearer", TestTokens.Create(t.Framework.Keys["key-no-endorsements"].Key, new TokenSpec { ServiceUrl = t.Framework.ServiceUrl }, t.Now), null),
        ["activity from a channel the key is not endorsed for"] = t => ("Bearer", t.ValidToken(), a => a["channelId"] = "webchat"),
        ["serviceurl claim missing"] = t => ("Bearer", TestTokens.Create(t.Key, new TokenSpec(), t.Now), null),
        ["serviceurl claim differs from the activity"] = t => ("Bearer", TestTokens.Create(t.Key, new TokenSpec { ServiceUrl = "https://smba.trafficmanager.net/teams/" }, t.Now), null),
        ["activity points at another serviceUrl"] = t => ("Bearer", t.ValidToken(), a => a["serviceUrl"] = "http://127.0.0.1:9/attacker/"),
        ["tampered payload"] = t => ("Bearer", Tamper(t.ValidToken(), t), null),
        ["tampered signature"] = t => ("Bearer", FlipSignature(t.ValidToken()), null),
        ["token for another serviceUrl replayed"] = t => ("Bearer", TestTokens.Create(t.Key, new TokenSpec { ServiceUrl = t.Framework.ServiceUrl + "other/" }, t.Now), null),
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task ForgedRequest_IsRefusedWith401_AndLeavesNoTrace(string name)
    {
        var (scheme, token, bend) = Cases[name](Teams);
        var activity = TestActivities.Message(Teams.Framework.ServiceUrl, "help", id: "forged-" + name.GetHashCode(StringComparison.Ordinal));
        bend?.Invoke(activity);
        var sentBefore = Teams.Framework.Requests.Count;

        using var response = await Teams.PostAsync(activity, token, scheme);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await Teams.InboundEventCountAsync());
        Assert.Equal(sentBefore, Teams.Framework.Requests.Count);
    }

    [Fact]
    public void Corpus_HasAtLeast25Cases() => Assert.True(Cases.Count >= 25, $"{Cases.Count} cases");

    private static string Tamper(string token, TeamsBot teams)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload["aud"] = FakeBotFramework.AppId;
        payload["exp"] = teams.Now.AddYears(1).ToUnixTimeSeconds();
        parts[1] = Base64UrlEncoder.Encode(payload.ToJsonString());
        return string.Join('.', parts);
    }

    private static string FlipSignature(string token)
    {
        var parts = token.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[10] ^= 0xFF;
        parts[2] = Base64UrlEncoder.Encode(signature);
        return string.Join('.', parts);
    }
}
