using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.Channels.Teams;
using GovernanceBot.Conversation;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Channels.Teams;

public sealed class TeamsChannelTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Help_InAChannel_WithAGenuineToken_IsAnsweredWithTheHelpCardInTheAskersOneToOne(StoreKind kind)
    {
        await using var teams = await TeamsBot.StartAsync(kind);
        teams.Framework.MemberEmails[TestActivities.UserId] = "AlexW@Example.com";
        var activity = TestActivities.Message(teams.Framework.ServiceUrl, "<at>GovernanceBot</at> help", conversationType: "channel", conversationId: "19:chan@thread.tacv2");
        activity["entities"] = new JsonArray(new JsonObject
        {
            ["type"] = "mention",
            ["mentioned"] = new JsonObject { ["id"] = TestActivities.BotId, ["name"] = "GovernanceBot" },
            ["text"] = "<at>GovernanceBot</at>",
        });

        using var response = await teams.PostAsync(activity, teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await teams.Bot.IdleAsync();
        // Help is meant for the person who asked: their 1:1, not the channel (ReplyPrivacy).
        Assert.DoesNotContain(teams.Framework.Sent("POST"), r => r.Path.StartsWith("/v3/conversations/19:chan@thread.tacv2", StringComparison.Ordinal));
        var direct = teams.Framework.DirectConversations[TestActivities.UserId];
        var reply = Assert.Single(teams.Framework.Sent("POST"), r => r.Path == $"/v3/conversations/{direct}/activities");
        Assert.Equal("Bearer outbound-token-" + FakeBotFramework.AppId, reply.Authorization);
        var attachment = reply.Body!["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)attachment["contentType"]);
        Assert.Equal("help", (string?)attachment["content"]!["template"]);
        await using var db = await teams.DbAsync();
        var user = await db.ChatUsers.SingleAsync(u => u.ExternalUserId == TestActivities.UserId);
        Assert.Equal("alexw@example.com", user.Email);
        Assert.Equal("aad-alex", user.AadObjectId);
    }

    [Fact]
    public async Task SameActivityTwice_IsHandledOnce()
    {
        await using var teams = await TeamsBot.StartAsync();
        var activity = TestActivities.Message(teams.Framework.ServiceUrl, "help");

        using var first = await teams.PostAsync(activity, teams.ValidToken());
        using var second = await teams.PostAsync(activity, teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(teams.Framework.Sent("POST"));
        Assert.Equal(1, await teams.InboundEventCountAsync());
    }

    [Fact]
    public async Task SameActivityId_InTwoConversations_IsAnsweredInBoth()
    {
        // Teams message ids are millisecond timestamps: two chats can send the same one.
        await using var teams = await TeamsBot.StartAsync();

        using var first = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "1764115200000", conversationId: "a:conv-1"), teams.ValidToken());
        using var second = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "1764115200000", conversationId: "a:conv-2"), teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(
            ["/v3/conversations/a:conv-1/activities/1764115200000", "/v3/conversations/a:conv-2/activities/1764115200000"],
            teams.Framework.Sent("POST").Select(r => r.Path).Order());
        Assert.Equal(2, await teams.InboundEventCountAsync());
    }

    [Fact]
    public async Task ExpiredToken_WithinTheFiveMinuteSkew_IsAccepted()
    {
        await using var teams = await TeamsBot.StartAsync();
        var token = TestTokens.Create(teams.Key, new TokenSpec
            { ServiceUrl = teams.Framework.ServiceUrl, NotBefore = teams.Now.AddHours(-1), Expires = teams.Now.AddMinutes(-4) }, teams.Now.AddHours(-1));

        using var response = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help"), token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task NewSigningKey_IsFetchedOnItsFirstUse_OncePerThrottleWindow()
    {
        await using var teams = await TeamsBot.StartAsync();
        using (var warm = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "a-1"), teams.ValidToken()))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var rotated = teams.Framework.AddKey("key-2", ["msteams"]);
        var token = TestTokens.Create(rotated, new TokenSpec { ServiceUrl = teams.Framework.ServiceUrl }, teams.Now);
        var fetches = teams.Framework.KeyRequests;

        using var throttled = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "a-2"), token);
        teams.Bot.Clock.Advance(TimeSpan.FromMinutes(6));
        using var refetched = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "a-3"), token);

        Assert.Equal(HttpStatusCode.Unauthorized, throttled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, refetched.StatusCode);
        Assert.Equal(fetches + 1, teams.Framework.KeyRequests);
    }

    [Fact]
    public async Task CardAction_Execute_IsAnsweredWithTheInvokeBody_AndTheCommandsCardIsPosted()
    {
        await using var teams = await TeamsBot.StartAsync();
        var invoke = TestActivities.Invoke(teams.Framework.ServiceUrl, "help.run", new JsonObject { ["command"] = "help" });

        using var response = await teams.PostAsync(invoke, teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, (int)body["statusCode"]!);
        Assert.Equal("application/vnd.microsoft.activity.message", (string?)body["type"]);
        Assert.Equal("help", (string?)Assert.Single(teams.Framework.Sent("POST")).Body!["attachments"]![0]!["content"]!["template"]);
    }

    [Fact]
    public async Task SubmitAction_CarryingAVerb_IsACardActionTurn()
    {
        await using var teams = await TeamsBot.StartAsync();
        var submit = TestActivities.Message(teams.Framework.ServiceUrl, string.Empty, id: "submit-1");
        submit["value"] = new JsonObject { ["verb"] = "help.run", ["command"] = "help" };
        submit["replyToId"] = "card-msg-1";

        using var response = await teams.PostAsync(submit, teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("help", (string?)Assert.Single(teams.Framework.Sent("POST")).Body!["attachments"]![0]!["content"]!["template"]);
    }

    [Fact]
    public async Task UnknownInvoke_Is501_AndUnknownActivityTypes_AreIgnored()
    {
        await using var teams = await TeamsBot.StartAsync();
        var invoke = TestActivities.Invoke(teams.Framework.ServiceUrl, "x", []);
        invoke["name"] = "composeExtension/query";
        var typing = TestActivities.Message(teams.Framework.ServiceUrl, string.Empty, id: "typing-1");
        typing["type"] = "typing";

        using var notImplemented = await teams.PostAsync(invoke, teams.ValidToken());
        using var ignored = await teams.PostAsync(typing, teams.ValidToken());

        Assert.Equal(HttpStatusCode.NotImplemented, notImplemented.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ignored.StatusCode);
        Assert.Empty(teams.Framework.Sent("POST"));
    }

    [Fact]
    public async Task BotAdded_ByConversationUpdateAndInstallationUpdate_WelcomesOnce_AndRemovalForgets()
    {
        await using var teams = await TeamsBot.StartAsync();

        using var update = await teams.PostAsync(TestActivities.BotAdded(teams.Framework.ServiceUrl, "cu-1"), teams.ValidToken());
        using var install = await teams.PostAsync(TestActivities.BotAdded(teams.Framework.ServiceUrl, "iu-1", "installationUpdate"), teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal(HttpStatusCode.OK, install.StatusCode);
        var sent = teams.Framework.Sent("POST");
        Assert.True(sent.Count == 1, string.Join('\n', sent.Select(r => $"{r.Path} {r.Body}")));
        var welcome = sent[0];
        Assert.Equal("welcome", (string?)welcome.Body!["attachments"]![0]!["content"]!["template"]);
        await using (var db = await teams.DbAsync())
        {
            var conversation = await db.Conversations.SingleAsync();
            Assert.NotNull(conversation.WelcomedAt);
            var user = await db.ChatUsers.SingleAsync();
            Assert.Equal("aad-alex", user.AadObjectId);
            Assert.NotNull(user.DirectConversationJson);
        }

        var removed = TestActivities.BotAdded(teams.Framework.ServiceUrl, "iu-2", "installationUpdate");
        removed["action"] = "remove";
        using var uninstall = await teams.PostAsync(removed, teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, uninstall.StatusCode);
        await using (var db = await teams.DbAsync())
        {
            Assert.NotNull((await db.Conversations.SingleAsync()).RemovedAt);
            Assert.Null((await db.ChatUsers.SingleAsync()).DirectConversationJson);
        }
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"type":"message","id":"x","from":"not-an-object"}""")]
    [InlineData("""{"type":"message","id":"x","timestamp":"yesterday"}""")]
    [InlineData("\"\\ud800\"")]
    public async Task MalformedBody_WithAGenuineToken_Is400(string body)
    {
        await using var teams = await TeamsBot.StartAsync();

        using var response = await teams.PostRawAsync(body, teams.ValidToken());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await teams.InboundEventCountAsync());
    }

    [Fact]
    public async Task ActivityWithoutConversationOrSender_Is400()
    {
        await using var teams = await TeamsBot.StartAsync();
        var activity = TestActivities.Message(teams.Framework.ServiceUrl, "help");
        activity.Remove("conversation");
        activity.Remove("from");

        using var response = await teams.PostAsync(activity, teams.ValidToken());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await teams.InboundEventCountAsync());
    }

    [Fact]
    public async Task BodyOver256KB_Is413()
    {
        await using var teams = await TeamsBot.StartAsync();
        var activity = TestActivities.Message(teams.Framework.ServiceUrl, new string('x', 300 * 1024));

        using var response = await teams.PostAsync(activity, teams.ValidToken());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task OddUnicode_IsAnsweredNotFailed()
    {
        await using var teams = await TeamsBot.StartAsync();
        var activity = TestActivities.Message(teams.Framework.ServiceUrl, "h\u200Belp 🦄 \u202Eevil \"quoted\" \u0000");

        using var response = await teams.PostAsync(activity, teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Free text is a question: "typing…" first, then exactly one answer.
        Assert.Single(teams.Framework.Sent("POST"), r => (string?)r.Body?["type"] == "message");
    }

    [Fact]
    public async Task DevelopmentMode_AcceptsLoopbackWithoutAToken_ButNotAForwardedRequest()
    {
        await using var teams = await TeamsBot.StartAsync(developmentMode: true);
        var activity = TestActivities.Message(teams.Framework.ServiceUrl, "status Phoenix");

        using var direct = await teams.PostAsync(activity);
        using var forwarded = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "fwd").ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        forwarded.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var proxied = await teams.Http.SendAsync(forwarded);

        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, proxied.StatusCode);
        var reply = Assert.Single(teams.Framework.Sent("POST"));
        Assert.Null(reply.Authorization);
        Assert.Equal("program.status", (string?)reply.Body!["attachments"]![0]!["content"]!["template"]);
    }

    [Fact]
    public async Task WithAnAppId_ATokenIsAlwaysRequired_EvenFromLoopback()
    {
        await using var teams = await TeamsBot.StartAsync();

        using var response = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
