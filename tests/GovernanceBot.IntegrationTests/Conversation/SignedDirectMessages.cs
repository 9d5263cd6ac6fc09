using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GovernanceBot.Channels.Slack;
using GovernanceBot.Testing.Slack;

namespace GovernanceBot.IntegrationTests.Conversation;

/// <summary>
/// Slack DMs as Slack delivers them to a bot process: person <c>i</c> of a run writes <c>help</c> in
/// their own DM channel, signed with the app's secret; a redelivery carries <c>X-Slack-Retry-Num</c>.
/// </summary>
internal static class SignedDirectMessages
{
    public static string Channel(string run, int i) => $"D{run}{i:D4}";

    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, string secret, string run, int i, int? retry, CancellationToken cancellationToken)
    {
        var ts = $"1764000000.{i:D6}";
        var envelope = new JsonObject
        {
            ["token"] = "unused",
            ["team_id"] = SlackTestBot.Team,
            ["api_app_id"] = "A0TEST",
            ["type"] = "event_callback",
            ["event_id"] = $"Ev{run}{i:D4}",
            ["event_time"] = 1764000000,
            ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = SlackTestBot.Team, ["user_id"] = SlackTestBot.BotUser, ["is_bot"] = true }),
            ["event"] = new JsonObject
            {
                ["type"] = "message",
                ["channel_type"] = "im",
                ["channel"] = Channel(run, i),
                ["user"] = $"U{run}{i:D4}",
                ["text"] = "help",
                ["ts"] = ts,
                ["event_ts"] = ts,
            },
        };
        var body = Encoding.UTF8.GetBytes(envelope.ToJsonString());
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(SlackSignature.TimestampHeader, timestamp);
        request.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.Compute(secret, timestamp, body));
        if (retry is { } n)
        {
            request.Headers.Add("X-Slack-Retry-Num", n.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("X-Slack-Retry-Reason", "http_error");
        }

        return await http.SendAsync(request, cancellationToken);
    }
}
