using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Channels.Slack;

public sealed class SlackEventsTests
{
    [Fact]
    public async Task UrlVerification_Signed_AnswersTheChallenge()
    {
        await using var slack = await SlackTestBot.StartAsync();

        using var response = await slack.PostEventAsync(new JsonObject { ["token"] = "legacy", ["challenge"] = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", ["type"] = "url_verification" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Mention_StatusPhoenix_PostsTheStatusCardInTheChannelThread(StoreKind kind)
    {
        await using var slack = await SlackTestBot.StartAsync(kind);

        using var response = await slack.PostEventAsync(SlackTestBot.Mention("<@UBOT> status Phoenix", "Ev01", threadTs: "1764071000.000001"));
        await slack.IdleAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var post = Assert.Single(slack.Slack.CallsTo("chat.postMessage"));
        Assert.Equal("xoxb-config-token", post.Token);
        Assert.Equal("C0PROGRAM", (string?)post.Body["channel"]);
        Assert.Equal("1764071000.000001", (string?)post.Body["thread_ts"]);
        Assert.StartsWith("program.status:", (string?)post.Body["blocks"]![0]!["text"]!["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task DirectMessage_FromANewUser_LinksThemByTheirSlackEmail()
    {
        await using var slack = await SlackTestBot.StartAsync();

        await slack.PostEventAsync(SlackTestBot.DirectMessage("programs", "Ev02"));
        await slack.IdleAsync();
        await slack.PostEventAsync(SlackTestBot.DirectMessage("programs", "Ev03"));
        await slack.IdleAsync();

        await using var db = await slack.Bot.Store.OpenAsync();
        var user = await db.ChatUsers.SingleAsync(u => u.Channel == ChannelNames.Slack && u.ExternalUserId == SlackTestBot.Alex);
        Assert.Equal("alexw@example.com", user.Email);
        Assert.Contains("D0ALEX", user.DirectConversationJson, StringComparison.Ordinal);
        // users.info once: the second message uses the stored e-mail.
        Assert.Single(slack.Slack.CallsTo("users.info"));
        Assert.Equal(2, slack.Slack.CallsTo("chat.postMessage").Count);
        Assert.Contains("*Phoenix*", (string?)slack.Slack.CallsTo("chat.postMessage")[0].Body["text"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextThatRepeatsUserInput_IsEscaped_SoNobodyCanPingTheChannel()
    {
        await using var slack = await SlackTestBot.StartAsync();

        await slack.PostEventAsync(SlackTestBot.DirectMessage("status <!channel>", "Ev04"));
        await slack.IdleAsync();

        var text = (string?)Assert.Single(slack.Slack.CallsTo("chat.postMessage")).Body["text"];
        Assert.DoesNotContain("<!channel>", text, StringComparison.Ordinal);
        Assert.Contains("&lt;!channel&gt;", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bot_message", null)]
    [InlineData(null, "B0BOT")]
    [InlineData("message_changed", null)]
    [InlineData("channel_join", null)]
    public async Task BotMessagesAndUnwantedSubtypes_AreIgnored(string? subtype, string? botId)
    {
        await using var slack = await SlackTestBot.StartAsync();

        using var response = await slack.PostEventAsync(SlackTestBot.DirectMessage("help", "Ev05", subtype: subtype, botId: botId));
        await slack.IdleAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(slack.Slack.Calls);
    }

    [Fact]
    public async Task TheBotsOwnMessage_IsIgnored()
    {
        await using var slack = await SlackTestBot.StartAsync();

        await slack.PostEventAsync(SlackTestBot.DirectMessage("help", "Ev06", user: SlackTestBot.BotUser));
        await slack.IdleAsync();

        Assert.Empty(slack.Slack.Calls);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task RetryStorm_EveryEventDeliveredThreeTimesConcurrently_IsAnsweredOnce(StoreKind kind)
    {
        await using var slack = await SlackTestBot.StartAsync(kind);
        var events = Enumerable.Range(1, 8).Select(i => SlackTestBot.Mention($"<@UBOT> programs {i}", $"EvStorm{i}")).ToList();

        var deliveries = events.SelectMany(e => Enumerable.Range(0, 3).Select(retry => slack.PostEventAsync(e, retry == 0 ? null : new Dictionary<string, string>
        {
            ["X-Slack-Retry-Num"] = retry.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["X-Slack-Retry-Reason"] = "http_timeout",
        })));
        var responses = await Task.WhenAll(deliveries);
        await slack.IdleAsync();

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(8, slack.Slack.CallsTo("chat.postMessage").Count);
        await using var db = await slack.Bot.Store.OpenAsync();
        // Stored once per message (a message is the unit answered, whichever events carried it).
        Assert.Equal(8, await db.InboundEvents.CountAsync(e => e.DedupeKey.StartsWith("message:")));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task AppUninstalled_RemovesTheWorkspacesToken()
    {
        await using var slack = await SlackTestBot.StartAsync(settings: new Dictionary<string, string?> { ["Slack:BotToken"] = null });
        var workspaces = slack.Bot.Services.GetRequiredService<GovernanceBot.Channels.Slack.SlackWorkspaces>();
        await workspaces.SaveAsync(SlackTestBot.Team, "xoxb-team-token", "UBOT", CancellationToken.None);

        await slack.PostEventAsync(SlackTestBot.Envelope("EvUninstall", new JsonObject { ["type"] = "app_uninstalled" }));
        await slack.IdleAsync();
        await slack.PostEventAsync(SlackTestBot.DirectMessage("help", "EvAfter"));
        await slack.IdleAsync();

        await using var db = await slack.Bot.Store.OpenAsync();
        var identity = await db.WorkspaceIdentities.SingleAsync(i => i.Channel == ChannelNames.Slack && i.ExternalId == SlackTestBot.Team);
        Assert.Null(identity.ProtectedBotToken);
        Assert.Empty(slack.Slack.Calls);
    }

    [Fact]
    public async Task TokensRevoked_ForTheBot_RemovesTheToken()
    {
        await using var slack = await SlackTestBot.StartAsync(settings: new Dictionary<string, string?> { ["Slack:BotToken"] = null });
        var workspaces = slack.Bot.Services.GetRequiredService<GovernanceBot.Channels.Slack.SlackWorkspaces>();
        await workspaces.SaveAsync(SlackTestBot.Team, "xoxb-team-token", "UBOT", CancellationToken.None);

        await slack.PostEventAsync(SlackTestBot.Envelope("EvRevoke", new JsonObject
        {
            ["type"] = "tokens_revoked",
            ["tokens"] = new JsonObject { ["oauth"] = new JsonArray(), ["bot"] = new JsonArray("UBOT") },
        }));
        await slack.IdleAsync();

        Assert.Null(await workspaces.FindAsync(SlackTestBot.Team, CancellationToken.None));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("\"just a string\"")]
    [InlineData("{\"type\":\"event_callback\",\"event\":\"oops\"}")]
    public async Task MalformedEventBodies_Get400_Never5xx(string body)
    {
        await using var slack = await SlackTestBot.StartAsync();

        using var response = await slack.PostSignedAsync("/slack/events", body, "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"type\":\"event_callback\",\"team_id\":\"T0TEST\",\"event_id\":\"EvX\",\"event\":{\"type\":\"reaction_added\"}}")]
    [InlineData("{\"type\":\"app_rate_limited\",\"team_id\":\"T0TEST\",\"minute_rate_limited\":1518467820}")]
    [InlineData("{\"type\":\"event_callback\",\"team_id\":\"T0TEST\",\"event_id\":\"EvY\",\"event\":{\"type\":\"app_mention\"}}")]
    public async Task UnknownOrIncompleteEvents_AreAcknowledgedAndIgnored(string body)
    {
        await using var slack = await SlackTestBot.StartAsync();

        using var response = await slack.PostSignedAsync("/slack/events", body, "application/json");
        await slack.IdleAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(slack.Slack.Calls);
    }

    [Theory]
    [InlineData("/slack/events")]
    [InlineData("/slack/interactions")]
    [InlineData("/slack/commands")]
    public async Task BodiesOverOneMegabyte_Get413(string path)
    {
        await using var slack = await SlackTestBot.StartAsync();

        using var response = await slack.PostSignedAsync(path, new string('a', (1024 * 1024) + 1), "application/json");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task SslCheck_WithoutSignature_Gets200AndDoesNothing()
    {
        await using var slack = await SlackTestBot.StartAsync();

        using var response = await slack.PostAsync("/slack/commands", "ssl_check=1&token=legacy", "application/x-www-form-urlencoded", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(slack.Slack.Calls);
    }

    [Fact]
    public async Task WithoutASigningSecret_SlackEndpointsAnswer503WithTheReason()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite, loadDemo: false);
        using var http = new HttpClient { BaseAddress = bot.BaseAddress };

        using var response = await http.PostAsync("/slack/events", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Slack:SigningSecret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGreeting_IsGreetedBackWithWhatToTry_NotDeclined()
    {
        await using var slack = await SlackTestBot.StartAsync();

        await slack.PostEventAsync(SlackTestBot.DirectMessage("hi", "Ev40"));
        await slack.IdleAsync();

        var text = (string?)Assert.Single(slack.Slack.CallsTo("chat.postMessage")).Body["text"];
        Assert.StartsWith("Hi", text, StringComparison.Ordinal);
        Assert.Contains("*help*", text, StringComparison.Ordinal);
        Assert.DoesNotContain("I can't answer that", text, StringComparison.Ordinal);
    }
}
