using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.IntegrationTests.Channels.Teams;

/// <summary>
/// <c>/api/messages</c> serves Microsoft Teams only. A genuine token for this bot's registration can
/// carry another Bot Framework channel (Web Chat, Direct Line), whose <c>from.id</c> is whatever the
/// client says: such an activity must never be served as a Teams user.
/// </summary>
public sealed class TeamsOnlyTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AWebChatActivity_WithAGenuineTokenAndATeamsUsersId_IsRefusedWith403_AndLinksNothing(StoreKind kind)
    {
        await using var teams = await TeamsBot.StartAsync(kind);
        var webChatKey = teams.Framework.AddKey("key-webchat", ["webchat"]);
        var activity = TestActivities.Message(teams.Framework.ServiceUrl, "link Phoenix", id: "wc-1", conversationId: "webchat-conv-1");
        activity["channelId"] = "webchat";
        var token = TestTokens.Create(webChatKey, new TokenSpec { ServiceUrl = teams.Framework.ServiceUrl }, teams.Now);

        using var response = await teams.PostAsync(activity, token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("msteams", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await teams.InboundEventCountAsync());
        Assert.Empty(teams.Framework.Requests);
        await using var db = await teams.DbAsync();
        Assert.Empty(await db.Conversations.ToListAsync());
        Assert.Empty(await db.ChatUsers.ToListAsync());
    }

    [Theory]
    [InlineData("directline", HttpStatusCode.Forbidden)]
    [InlineData("emulator", HttpStatusCode.Forbidden)]
    [InlineData("slack", HttpStatusCode.Forbidden)]
    [InlineData("MSTEAMS", HttpStatusCode.Forbidden)]
    // No channel at all: no key can be endorsed for it, so the token itself does not fit (401).
    [InlineData("", HttpStatusCode.Unauthorized)]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    public async Task AnyChannelButMsteams_IsRefused_EvenWithAKeyEndorsedForIt(string? channelId, HttpStatusCode expected)
    {
        await using var teams = await TeamsBot.StartAsync();
        var key = teams.Framework.AddKey("key-any", ["webchat", "directline", "emulator", "slack", "MSTEAMS", ""]);
        var activity = TestActivities.Message(teams.Framework.ServiceUrl, "help");
        if (channelId is null)
        {
            activity.Remove("channelId");
        }
        else
        {
            activity["channelId"] = channelId;
        }

        using var response = await teams.PostAsync(activity, TestTokens.Create(key, new TokenSpec { ServiceUrl = teams.Framework.ServiceUrl }, teams.Now));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(0, await teams.InboundEventCountAsync());
        Assert.Empty(teams.Framework.Requests);
    }

    [Fact]
    public async Task InDevelopmentMode_AnUnsignedWebChatActivityFromLoopback_IsRefusedToo()
    {
        await using var teams = await TeamsBot.StartAsync(developmentMode: true);
        var activity = TestActivities.Message(teams.Framework.ServiceUrl, "link Phoenix");
        activity["channelId"] = "webchat";

        using var response = await teams.PostAsync(activity);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await teams.InboundEventCountAsync());
        Assert.Empty(teams.Framework.Requests);
    }

    [Fact]
    public async Task TheTenant_IsTakenFromTheConversationOnly_NeverFromChannelData()
    {
        await using var teams = await TeamsBot.StartAsync(extra: new Dictionary<string, string?> { ["Teams:TenantId"] = FakeBotFramework.Tenant });
        var noConversationTenant = TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "t-1");
        ((JsonObject)noConversationTenant["conversation"]!).Remove("tenantId");
        var otherConversationTenant = TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "t-2");
        otherConversationTenant["conversation"]!["tenantId"] = "another-organisation";

        using var missing = await teams.PostAsync(noConversationTenant, teams.ValidToken());
        using var other = await teams.PostAsync(otherConversationTenant, teams.ValidToken());

        // channelData still names the served tenant in both: it does not count.
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(0, await teams.InboundEventCountAsync());
        Assert.Empty(teams.Framework.Requests);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AStoredEmail_IsNotTrusted_WhenTheActivityNamesAnotherAadObjectId(StoreKind kind)
    {
        await using var teams = await TeamsBot.StartAsync(kind);
        teams.Framework.MemberEmails[TestActivities.UserId] = "alexw@example.com";
        using (var first = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "m-1"), teams.ValidToken()))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await Poll.UntilAsync(async () => (await UserAsync(teams)).Email == "alexw@example.com", Wait, () => "the first turn stored no e-mail");
        var lookupsBefore = MemberLookups(teams);

        // Same chat id, same aadObjectId: the stored e-mail is trusted, the connector is not asked.
        using (var same = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "m-2"), teams.ValidToken()))
        {
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        }

        await Poll.UntilAsync(async () => await teams.InboundEventCountAsync() >= 2 && teams.Framework.Sent("POST").Count >= 2, Wait, () => "the second turn was not answered");
        Assert.Equal(lookupsBefore, MemberLookups(teams));

        // Same chat id, another directory identity that the connector does not know: no e-mail.
        teams.Framework.MemberEmails.Clear();
        var impostor = TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "m-3");
        impostor["from"]!["aadObjectId"] = "aad-someone-else";
        using (var third = await teams.PostAsync(impostor, teams.ValidToken()))
        {
            Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        }

        await Poll.UntilAsync(async () => (await UserAsync(teams)).AadObjectId == "aad-someone-else", Wait, () => "the third turn did not reach the store");
        Assert.Equal(lookupsBefore + 1, MemberLookups(teams));
        Assert.Null((await UserAsync(teams)).Email);
    }

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static int MemberLookups(TeamsBot teams) =>
        teams.Framework.Requests.Count(r => r.Method == "GET" && r.Path.Contains("/members/", StringComparison.Ordinal));

    private static async Task<GovernanceBot.Store.Entities.ChatUser> UserAsync(TeamsBot teams)
    {
        await using var db = await teams.DbAsync();
        return await db.ChatUsers.AsNoTracking().SingleAsync(u => u.ExternalUserId == TestActivities.UserId);
    }
}
