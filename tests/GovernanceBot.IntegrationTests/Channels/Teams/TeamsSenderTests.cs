using System.Text.Json;
using GovernanceBot.Channels.Teams;
using GovernanceBot.Conversation;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Channels.Teams;

/// <summary>Proactive sends through the real connector client against the fake connector's faults.</summary>
public sealed class TeamsSenderTests
{
    private static ConversationRef Conversation(TeamsBot teams, string id = "a:conv-1") =>
        new(ChannelNames.Teams, FakeBotFramework.Tenant, id, ConversationKind.Personal, teams.Framework.ServiceUrl, TestActivities.BotId);

    private static IChannelSender Sender(TeamsBot teams) =>
        teams.Bot.Services.GetServices<IChannelSender>().Single(s => s.Channel == ChannelNames.Teams);

    [Fact]
    public async Task ProactiveSend_ThenUpdate_PostsAndPutsWithTheBotToken_FetchedOnce()
    {
        await using var teams = await TeamsBot.StartAsync();
        var sender = Sender(teams);

        var sent = await sender.SendAsync(Conversation(teams), Reply.Text("Check-in is open"), CancellationToken.None);
        var updated = await sender.UpdateAsync(Conversation(teams), sent.MessageId!, Reply.Text("Check-in is closed"), CancellationToken.None);

        Assert.True(sent.Succeeded);
        Assert.True(updated.Succeeded);
        var post = Assert.Single(teams.Framework.Sent("POST"));
        Assert.Equal("/v3/conversations/a:conv-1/activities", post.Path);
        Assert.Equal("Check-in is open", (string?)post.Body!["text"]);
        var put = Assert.Single(teams.Framework.Sent("PUT"));
        Assert.Equal($"/v3/conversations/a:conv-1/activities/{sent.MessageId}", put.Path);
        Assert.Equal("Check-in is closed", (string?)put.Body!["text"]);
        Assert.All(teams.Framework.Requests, r => Assert.Equal("Bearer outbound-token-" + FakeBotFramework.AppId, r.Authorization));
        Assert.Equal(1, teams.Framework.TokenRequests);
    }

    [Fact]
    public async Task WithoutAToken_ASendIsReportedTransient_NothingReachesTheConnector_AndAnAnsweredMessageIsStillAcknowledged()
    {
        // The token endpoint refuses the secret (say, mid-rotation).
        await using var teams = await TeamsBot.StartAsync(extra: new Dictionary<string, string?> { ["Teams:AppPassword"] = "a-rotated-secret" });

        var result = await Sender(teams).SendAsync(Conversation(teams), Reply.Text("hello"), CancellationToken.None);

        Assert.Equal(SendFailureKind.Transient, result.Failure);
        Assert.Contains("no token for the Bot Connector", result.Reason, StringComparison.Ordinal);
        Assert.Empty(teams.Framework.Requests);
        Assert.Equal(1, teams.Framework.TokenRequests);

        // A message is handled; only its reply is lost, and that is logged, not a 500 for the Bot Connector to redeliver.
        using var response = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help"), teams.ValidToken());
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(teams.Framework.Requests);
        await using var db = await teams.DbAsync();
        Assert.Equal(InboundStatus.Processed, (await db.InboundEvents.SingleAsync()).Status);
    }

    [Fact]
    public async Task TooManyRequests_WithRetryAfter_IsDeliveredOnTheRetry()
    {
        await using var teams = await TeamsBot.StartAsync();
        teams.Framework.Script(new ScriptedAnswer(429, """{"error":{"code":"TooManyRequests","message":"slow down"}}""", RetryAfterSeconds: 1));

        var result = await Sender(teams).SendAsync(Conversation(teams), Reply.Text("hello"), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(2, teams.Framework.Sent("POST").Count);
    }

    [Fact]
    public async Task TooManyRequests_OnAnOutboxSend_IsReportedAtOnceWithRetryAfter_ForTheOutboxToPace()
    {
        await using var teams = await TeamsBot.StartAsync();
        teams.Framework.Script(new ScriptedAnswer(429, """{"error":{"code":"TooManyRequests","message":"slow down"}}""", RetryAfterSeconds: 3));

        SendResult result;
        using (OutboxDelivery.Begin("outbox-key-1"))
        {
            result = await Sender(teams).SendAsync(Conversation(teams), Reply.Text("hello"), CancellationToken.None);
        }

        Assert.Equal(SendFailureKind.Transient, result.Failure);
        Assert.Equal(TimeSpan.FromSeconds(3), result.RetryAfter);
        Assert.Single(teams.Framework.Sent("POST"));
    }

    [Fact]
    public async Task OpenDirect_ForSomeoneWithoutATeamsId_FailsPermanently_WithoutAskingTheConnector()
    {
        await using var teams = await TeamsBot.StartAsync();

        var (direct, failure) = await Sender(teams).OpenDirectAsync(FakeBotFramework.Tenant, new ChatUserRef(string.Empty, "Nestor Wilke", "nestorw@example.com"), CancellationToken.None);

        Assert.Null(direct);
        Assert.Equal(SendFailureKind.Permanent, failure?.Failure);
        Assert.Contains("Nestor Wilke is not in any team or chat GovernanceBot is in, and has not installed it", failure?.Reason, StringComparison.Ordinal);
        Assert.Empty(teams.Framework.Requests);
    }

    [Fact]
    public async Task ServerErrors_AndAConnectorThatHangs_AreRetriedUntilDelivered()
    {
        await using var teams = await TeamsBot.StartAsync(extra: new() { ["Teams:ConnectorAttemptTimeout"] = "00:00:01" });
        teams.Framework.Script(new ScriptedAnswer(500), new ScriptedAnswer(0, Hang: true), new ScriptedAnswer(503));

        var result = await Sender(teams).SendAsync(Conversation(teams), Reply.Text("hello"), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(4, teams.Framework.Sent("POST").Count);
    }

    [Fact]
    public async Task LongRetryAfter_IsNotWaitedInline_ButReportedTransientWithIt()
    {
        await using var teams = await TeamsBot.StartAsync();
        teams.Framework.Script(new ScriptedAnswer(429, RetryAfterSeconds: 120));

        var result = await Sender(teams).SendAsync(Conversation(teams), Reply.Text("hello"), CancellationToken.None);

        Assert.Equal(SendFailureKind.Transient, result.Failure);
        Assert.Equal(TimeSpan.FromSeconds(120), result.RetryAfter);
        Assert.Single(teams.Framework.Sent("POST"));
    }

    [Fact]
    public async Task BlockedByTheUser_IsPermanent_NotRetried_AndMarksTheUserUnreachable()
    {
        await using var teams = await TeamsBot.StartAsync();
        using (var added = await teams.PostAsync(TestActivities.BotAdded(teams.Framework.ServiceUrl, "cu-1"), teams.ValidToken()))
        {
            Assert.True(added.IsSuccessStatusCode);
        }

        var before = teams.Framework.Sent("POST").Count;
        teams.Framework.Script(new ScriptedAnswer(403, """{"error":{"code":"MessageWritesBlocked","message":"Bot is not allowed to send messages"}}"""));

        var result = await Sender(teams).SendAsync(Conversation(teams), Reply.Text("reminder"), CancellationToken.None);

        Assert.Equal(SendFailureKind.Permanent, result.Failure);
        Assert.Equal(before + 1, teams.Framework.Sent("POST").Count);
        await using var db = await teams.DbAsync();
        var user = await db.ChatUsers.SingleAsync(u => u.ExternalUserId == TestActivities.UserId);
        Assert.Contains("MessageWritesBlocked", user.UnreachableReason, StringComparison.Ordinal);
        Assert.NotNull(user.UnreachableSince);
    }

    [Fact]
    public async Task MessageTooBig_IsPermanent()
    {
        await using var teams = await TeamsBot.StartAsync();
        teams.Framework.Script(new ScriptedAnswer(413, """{"error":{"code":"MessageSizeTooBig","message":"too big"}}"""));

        var result = await Sender(teams).SendAsync(Conversation(teams), Reply.Text("huge"), CancellationToken.None);

        Assert.Equal(SendFailureKind.Permanent, result.Failure);
        Assert.Contains("MessageSizeTooBig", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenDirect_ForAUserMetInAChannel_CreatesTheOneToOne_AndRemembersIt()
    {
        await using var teams = await TeamsBot.StartAsync();
        var channelMessage = TestActivities.Message(teams.Framework.ServiceUrl, "help", conversationType: "channel", conversationId: "19:chan@thread.tacv2");
        using (var response = await teams.PostAsync(channelMessage, teams.ValidToken()))
        {
            Assert.True(response.IsSuccessStatusCode);
        }

        var sender = Sender(teams);
        var (direct, failure) = await sender.OpenDirectAsync(FakeBotFramework.Tenant, new ChatUserRef(TestActivities.UserId), CancellationToken.None);
        var again = await sender.OpenDirectAsync(FakeBotFramework.Tenant, new ChatUserRef(TestActivities.UserId), CancellationToken.None);

        Assert.Null(failure);
        Assert.NotNull(direct);
        Assert.Equal(ConversationKind.Personal, direct.Kind);
        Assert.Equal(direct, again.Conversation);
        var create = Assert.Single(teams.Framework.Requests, r => r.Path == "/v3/conversations");
        Assert.False((bool)create.Body!["isGroup"]!);
        Assert.Equal(TestActivities.UserId, (string?)create.Body["members"]![0]!["id"]);
        Assert.Equal(FakeBotFramework.Tenant, (string?)create.Body["channelData"]!["tenant"]!["id"]);
        Assert.Equal(TestActivities.BotId, (string?)create.Body["bot"]!["id"]);
        await using var db = await teams.DbAsync();
        var stored = JsonSerializer.Deserialize((await db.ChatUsers.SingleAsync()).DirectConversationJson!, ConversationJson.Default.ConversationRef);
        Assert.Equal(direct.ConversationId, stored!.ConversationId);
    }

    [Fact]
    public async Task NewChannelThread_IsCreatedWithTheChannelAndTheFirstMessage()
    {
        await using var teams = await TeamsBot.StartAsync();
        var sender = teams.Bot.Services.GetRequiredService<TeamsSender>();
        var channel = Conversation(teams, "19:chan@thread.tacv2") with { Kind = ConversationKind.Channel };

        var result = await sender.StartThreadAsync(channel, Reply.Text("Phoenix weekly status"), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal("root-1", result.MessageId);
        var create = Assert.Single(teams.Framework.Requests, r => r.Path == "/v3/conversations");
        Assert.True((bool)create.Body!["isGroup"]!);
        Assert.Equal("19:chan@thread.tacv2", (string?)create.Body["channelData"]!["channel"]!["id"]);
        Assert.Equal("Phoenix weekly status", (string?)create.Body["activity"]!["text"]);
    }

    [Fact]
    public async Task PagedMembers_AreReadPageByPage()
    {
        await using var teams = await TeamsBot.StartAsync();
        teams.Framework.Script(
            new ScriptedAnswer(200, """{"members":[{"id":"29:a","email":"a@example.com"}],"continuationToken":"next page"}"""),
            new ScriptedAnswer(200, """{"members":[{"id":"29:b","userPrincipalName":"b@example.com"}]}"""));
        var connector = teams.Bot.Services.GetRequiredService<BotConnectorClient>();

        var members = new List<ChannelAccount>();
        await foreach (var member in connector.GetAllMembersAsync(teams.Framework.ServiceUrl, "19:team@thread.tacv2", CancellationToken.None))
        {
            members.Add(member);
        }

        Assert.Equal(["29:a", "29:b"], members.Select(m => m.Id));
        Assert.Contains(teams.Framework.Requests, r => r.Path.StartsWith("/v3/conversations/19:team@thread.tacv2/pagedmembers", StringComparison.Ordinal));
    }
}
