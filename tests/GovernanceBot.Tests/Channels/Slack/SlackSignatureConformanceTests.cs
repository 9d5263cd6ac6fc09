using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Channels.Slack;
using GovernanceBot.Testing;

namespace GovernanceBot.Tests.Channels.Slack;

/// <summary>
/// Our signer's output, written to <c>tests/conformance/slack/fixtures.json</c>, which
/// <c>verify.test.mjs</c> checks with Slack's own <c>@slack/bolt</c> request verifier. This test
/// keeps the file equal to what the code computes (set <c>UPDATE_SLACK_FIXTURES=1</c> to rewrite it).
/// </summary>
public sealed class SlackSignatureConformanceTests
{
    private const string Secret = "conformance-signing-secret-0123456789";
    private const long Now = 1764072000;

    [Fact]
    public void BoltFixtures_AreExactlyWhatOurSignerProduces()
    {
        var path = RepoPaths.Combine("tests", "conformance", "slack", "fixtures.json");
        var expected = Fixtures().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        if (Environment.GetEnvironmentVariable("UPDATE_SLACK_FIXTURES") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.Equal(expected, File.ReadAllText(path));
    }

    private static JsonObject Fixtures()
    {
        var cases = new JsonArray();
        var eventBody = new JsonObject
        {
            ["type"] = "event_callback",
            ["team_id"] = "T0TEST",
            ["event_id"] = "Ev0001",
            ["event"] = new JsonObject { ["type"] = "app_mention", ["user"] = "UALEX", ["text"] = "<@UBOT> status \"Phoenix\" — 5 € ✓", ["channel"] = "C0PROGRAM", ["ts"] = "1764072000.000100" },
        }.ToJsonString();
        var commandBody = "team_id=T0TEST&channel_id=C0PROGRAM&user_id=UALEX&command=%2Fgov&text=status+Phoenix&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1";
        var interactionBody = "payload=" + Uri.EscapeDataString(new JsonObject { ["type"] = "block_actions", ["user"] = new JsonObject { ["id"] = "UALEX" } }.ToJsonString());

        Add(cases, "event json", eventBody, Now, Secret, valid: true);
        Add(cases, "slash command form", commandBody, Now, Secret, valid: true);
        Add(cases, "interaction payload form", interactionBody, Now, Secret, valid: true);
        Add(cases, "empty body", string.Empty, Now, Secret, valid: true);
        Add(cases, "timestamp 299 s old", eventBody, Now - 299, Secret, valid: true);
        Add(cases, "wrong secret", eventBody, Now, Secret + "x", valid: false);
        Add(cases, "timestamp 301 s old", eventBody, Now - 301, Secret, valid: false);
        // Bolt only refuses stale timestamps; B1 (and we) also refuse ones too far ahead.
        var future = Signed("timestamp 301 s ahead", eventBody, Now + 301, Secret, valid: false);
        future["bolt"] = true;
        cases.Add(future);
        var tampered = Signed("tampered body", eventBody, Now, Secret, valid: false);
        tampered["body"] = eventBody.Replace("Phoenix", "Atlantis", StringComparison.Ordinal);
        cases.Add(tampered);
        var otherBody = Signed("signature of another body", eventBody, Now, Secret, valid: false);
        otherBody["signature"] = SlackSignature.Compute(Secret, Now.ToString(CultureInfo.InvariantCulture), Encoding.UTF8.GetBytes(commandBody));
        cases.Add(otherBody);
        var decoded = Signed("signature over the url-decoded form", interactionBody, Now, Secret, valid: false);
        decoded["signature"] = SlackSignature.Compute(Secret, Now.ToString(CultureInfo.InvariantCulture), Encoding.UTF8.GetBytes(Uri.UnescapeDataString(interactionBody)));
        cases.Add(decoded);
        var v1 = Signed("v1 prefix", eventBody, Now, Secret, valid: false);
        v1["signature"] = "v1=" + ((string)v1["signature"]!)[3..];
        cases.Add(v1);

        foreach (var fixture in cases.OfType<JsonObject>())
        {
            var ok = SlackSignature.Verify(Secret, (string?)fixture["timestamp"], (string?)fixture["signature"],
                Encoding.UTF8.GetBytes((string)fixture["body"]!), DateTimeOffset.FromUnixTimeSeconds(Now)) == SlackSignatureFailure.None;
            Assert.True(ok == (bool)fixture["valid"]!, $"our verifier disagrees with the fixture '{fixture["name"]}'");
        }

        return new JsonObject { ["secret"] = Secret, ["nowMilliseconds"] = Now * 1000, ["cases"] = cases };
    }

    private static void Add(JsonArray cases, string name, string body, long timestamp, string secret, bool valid) =>
        cases.Add(Signed(name, body, timestamp, secret, valid));

    private static JsonObject Signed(string name, string body, long timestamp, string secret, bool valid)
    {
        var ts = timestamp.ToString(CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["name"] = name,
            ["body"] = body,
            ["timestamp"] = ts,
            ["signature"] = SlackSignature.Compute(secret, ts, Encoding.UTF8.GetBytes(body)),
            ["valid"] = valid,
            ["bolt"] = valid,
        };
    }
}
