using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GovernanceBot.Channels.Slack;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.IntegrationTests.Channels.Slack;

/// <summary>Requests that are not from Slack: each gets 401, and nothing is recorded, routed or sent.</summary>
public sealed class SlackForgedRequestTests
{
    private const string Json = "application/json";
    private const string Form = "application/x-www-form-urlencoded";

    public sealed record Forged(string Name, string Path, string Body, string ContentType, Func<long, string, Dictionary<string, string>> Headers)
    {
        public override string ToString() => Name;
    }

    private static readonly string EventBody = SlackTestBot.Mention("<@UBOT> help", "EvForged").ToJsonString();
    private static readonly string CommandBody = SlackTestBot.Form(("team_id", SlackTestBot.Team), ("channel_id", "C0PROGRAM"), ("user_id", SlackTestBot.Alex), ("command", "/gov"), ("text", "help"), ("trigger_id", "trig-forged"));
    private static readonly string InteractionBody = SlackTestBot.Form(("payload", new JsonObject
    {
        ["type"] = "block_actions",
        ["team"] = new JsonObject { ["id"] = SlackTestBot.Team },
        ["user"] = new JsonObject { ["id"] = SlackTestBot.Alex },
        ["actions"] = new JsonArray(new JsonObject { ["action_id"] = "help.run", ["type"] = "button", ["value"] = "{\"command\":\"help\"}", ["action_ts"] = "1" }),
    }.ToJsonString()));

    private static Dictionary<string, string> Signed(string secret, long ts, string body) => new()
    {
        [SlackSignature.TimestampHeader] = ts.ToString(CultureInfo.InvariantCulture),
        [SlackSignature.SignatureHeader] = SlackSignature.Compute(secret, ts.ToString(CultureInfo.InvariantCulture), Encoding.UTF8.GetBytes(body)),
    };

    public static TheoryData<Forged> Corpus => new()
    {
        new("no headers at all", "/slack/events", EventBody, Json, (_, _) => []),
        new("signature header only", "/slack/events", EventBody, Json, (now, b) => new() { [SlackSignature.SignatureHeader] = Signed(SlackTestBot.Secret, now, b)[SlackSignature.SignatureHeader] }),
        new("timestamp header only", "/slack/events", EventBody, Json, (now, _) => new() { [SlackSignature.TimestampHeader] = now.ToString(CultureInfo.InvariantCulture) }),
        new("empty signature", "/slack/events", EventBody, Json, (now, _) => new() { [SlackSignature.TimestampHeader] = now.ToString(CultureInfo.InvariantCulture), [SlackSignature.SignatureHeader] = string.Empty }),
        new("garbage signature", "/slack/events", EventBody, Json, (now, _) => new() { [SlackSignature.TimestampHeader] = now.ToString(CultureInfo.InvariantCulture), [SlackSignature.SignatureHeader] = "v0=nothex" }),
        new("v1 scheme", "/slack/events", EventBody, Json, (now, b) => new() { [SlackSignature.TimestampHeader] = now.ToString(CultureInfo.InvariantCulture), [SlackSignature.SignatureHeader] = "v1=" + Signed(SlackTestBot.Secret, now, b)[SlackSignature.SignatureHeader][3..] }),
        new("wrong secret", "/slack/events", EventBody, Json, (now, b) => Signed("not-the-secret", now, b)),
        new("signature over a different body", "/slack/events", EventBody, Json, (now, _) => Signed(SlackTestBot.Secret, now, EventBody.Replace("help", "status", StringComparison.Ordinal))),
        new("timestamp 301 s old", "/slack/events", EventBody, Json, (now, b) => Signed(SlackTestBot.Secret, now - 301, b)),
        new("timestamp 301 s in the future", "/slack/events", EventBody, Json, (now, b) => Signed(SlackTestBot.Secret, now + 301, b)),
        new("valid request replayed an hour later", "/slack/events", EventBody, Json, (now, b) => Signed(SlackTestBot.Secret, now - 3600, b)),
        new("signed at one time, header says another", "/slack/events", EventBody, Json, (now, b) => new() { [SlackSignature.TimestampHeader] = (now - 1).ToString(CultureInfo.InvariantCulture), [SlackSignature.SignatureHeader] = Signed(SlackTestBot.Secret, now, b)[SlackSignature.SignatureHeader] }),
        new("non-numeric timestamp", "/slack/events", EventBody, Json, (now, b) => new() { [SlackSignature.TimestampHeader] = "yesterday", [SlackSignature.SignatureHeader] = Signed(SlackTestBot.Secret, now, b)[SlackSignature.SignatureHeader] }),
        new("uppercase hex", "/slack/events", EventBody, Json, (now, b) => new() { [SlackSignature.TimestampHeader] = now.ToString(CultureInfo.InvariantCulture), [SlackSignature.SignatureHeader] = "v0=" + Signed(SlackTestBot.Secret, now, b)[SlackSignature.SignatureHeader][3..].ToUpperInvariant() }),
        new("command: wrong secret", "/slack/commands", CommandBody, Form, (now, b) => Signed("not-the-secret", now, b)),
        new("command: ssl_check with a bad signature still refused", "/slack/commands", "ssl_check=1&" + CommandBody, Form, (now, b) => Signed("not-the-secret", now, b)),
        new("command: signature over the url-decoded form", "/slack/commands", CommandBody, Form, (now, b) => Signed(SlackTestBot.Secret, now, Uri.UnescapeDataString(b))),
        new("interaction: signature over the payload JSON, not the form", "/slack/interactions", InteractionBody, Form, (now, b) => Signed(SlackTestBot.Secret, now, Uri.UnescapeDataString(b["payload=".Length..]))),
        new("interaction: form body sent, JSON signed", "/slack/interactions", InteractionBody, Form, (now, _) => Signed(SlackTestBot.Secret, now, EventBody)),
        new("interaction: stale", "/slack/interactions", InteractionBody, Form, (now, b) => Signed(SlackTestBot.Secret, now - 301, b)),
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task ForgedRequest_Gets401_AndNothingRuns(Forged forged)
    {
        await using var slack = await SlackTestBot.StartAsync();

        using var response = await slack.PostAsync(forged.Path, forged.Body, forged.ContentType, forged.Headers(slack.Now, forged.Body));
        await slack.IdleAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(slack.Slack.Calls);
        await using var db = await slack.Bot.Store.OpenAsync();
        Assert.Equal(0, await db.InboundEvents.CountAsync());
        Assert.Equal(0, await db.ChatUsers.CountAsync());
    }

    [Fact]
    public void TheCorpus_HasAtLeastFifteenCases()
    {
        Assert.True(Corpus.Count >= 15);
    }

    [Fact]
    public async Task TheSameRequestSignedCorrectly_IsAccepted()
    {
        await using var slack = await SlackTestBot.StartAsync();

        using var response = await slack.PostAsync("/slack/events", EventBody, Json, Signed(SlackTestBot.Secret, slack.Now, EventBody));
        await slack.IdleAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Help is answered to the asker only: an ephemeral message in the channel.
        Assert.Single(slack.Slack.CallsTo("chat.postEphemeral"));
    }
}
