using GovernanceBot.Conversation;
using GovernanceBot.Testing.Slack;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Channels.Slack;

/// <summary>The Slack <see cref="IChannelSender"/> against the fake Web API: retries, Retry-After, permanent failures.</summary>
public sealed class SlackSenderTests
{
    private static readonly ConversationRef Channel = new(ChannelNames.Slack, SlackTestBot.Team, "C0PROGRAM", ConversationKind.Channel);

    private static IChannelSender Sender(SlackTestBot slack) =>
        slack.Bot.Services.GetServices<IChannelSender>().Single(s => s.Channel == ChannelNames.Slack);

    [Fact]
    public async Task Send_PostsTheMessageWithTheWorkspacesToken_AndReturnsItsTs()
    {
        await using var slack = await SlackTestBot.StartAsync();

        var result = await Sender(slack).SendAsync(Channel with { ThreadId = "1764070000.000009" }, Reply.Text("Check-in is **open**"), CancellationToken.None);

        Assert.True(result.Succeeded);
        var call = Assert.Single(slack.Slack.CallsTo("chat.postMessage"));
        Assert.Equal("1764072000.000001", result.MessageId);
        Assert.Equal("xoxb-config-token", call.Token);
        Assert.Equal("Check-in is *open*", (string?)call.Body["text"]);
        Assert.Equal("1764070000.000009", (string?)call.Body["thread_ts"]);
    }

    [Fact]
    public async Task Send_After429_WaitsForRetryAfterThenSucceeds()
    {
        await using var slack = await SlackTestBot.StartAsync();
        slack.Slack.Script("chat.postMessage", FakeSlackAnswer.RateLimited(1));

        var result = await Sender(slack).SendAsync(Channel, Reply.Text("hello"), CancellationToken.None);

        Assert.True(result.Succeeded);
        var calls = slack.Slack.CallsTo("chat.postMessage");
        Assert.Equal(2, calls.Count);
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(0.95), $"retried after {(calls[1].At - calls[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Send_After500AndATimeout_IsRetriedAndDelivered()
    {
        await using var slack = await SlackTestBot.StartAsync(settings: new Dictionary<string, string?> { ["Slack:AttemptTimeout"] = "00:00:00.500" });
        slack.Slack.Script("chat.postMessage", FakeSlackAnswer.ServerError, FakeSlackAnswer.Timeout);

        var result = await Sender(slack).SendAsync(Channel, Reply.Text("hello"), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(3, slack.Slack.CallsTo("chat.postMessage").Count);
    }

    [Fact]
    public async Task AnOutboxSend_ThatTimesOutAfterSlackPostedIt_IsNotPostedAgainInline_AndIsFoundByItsKey()
    {
        await using var slack = await SlackTestBot.StartAsync(settings: new Dictionary<string, string?> { ["Slack:AttemptTimeout"] = "00:00:00.300" });
        // Slack posts the message, then answers too late: the bot cannot tell whether it arrived.
        slack.Slack.PostDelay = TimeSpan.FromSeconds(1);
        var since = DateTimeOffset.UtcNow;
        using (OutboxDelivery.Begin("checkin:prompt:7"))
        {
            try
            {
                var result = await Sender(slack).SendAsync(Channel, Reply.Text("Your check-in is open"), CancellationToken.None);
                Assert.False(result.Succeeded);
            }
            catch (Exception ex) when (ex is Polly.Timeout.TimeoutRejectedException or TaskCanceledException)
            {
                // A timeout reaches the outbox as an exception: it records the send as in doubt.
            }
        }

        slack.Slack.PostDelay = TimeSpan.Zero;
        var found = await Sender(slack).FindSentAsync(Channel, "checkin:prompt:7", since, CancellationToken.None);

        // Once on the platform, and the outbox's next attempt finds it there instead of posting again.
        Assert.Single(slack.Slack.Posted, p => p.Channel == Channel.ConversationId);
        Assert.Equal(SentLookupOutcome.Found, found.Outcome);
    }

    [Fact]
    public async Task Send_StillRateLimitedAfterEveryRetry_IsTransientWithRetryAfter()
    {
        await using var slack = await SlackTestBot.StartAsync(settings: new Dictionary<string, string?> { ["Slack:MaxRetries"] = "1" });
        slack.Slack.Script("chat.postMessage", FakeSlackAnswer.RateLimited(0), FakeSlackAnswer.RateLimited(30));

        var result = await Sender(slack).SendAsync(Channel, Reply.Text("hello"), CancellationToken.None);

        Assert.Equal(SendFailureKind.Transient, result.Failure);
        Assert.Equal("ratelimited", result.Reason);
        Assert.Equal(TimeSpan.FromSeconds(30), result.RetryAfter);
    }

    [Fact]
    public async Task AnOutboxSend_CarriesItsKeyInTheMessageMetadata_AndIsFoundByItAfterwards()
    {
        await using var slack = await SlackTestBot.StartAsync();
        var since = DateTimeOffset.UtcNow;
        SendResult sent;
        using (OutboxDelivery.Begin("checkin:prompt:42"))
        {
            sent = await Sender(slack).SendAsync(Channel, Reply.Text("Your check-in is open"), CancellationToken.None);
        }

        var found = await Sender(slack).FindSentAsync(Channel, "checkin:prompt:42", since, CancellationToken.None);
        var other = await Sender(slack).FindSentAsync(Channel, "checkin:prompt:43", since, CancellationToken.None);
        var elsewhere = await Sender(slack).FindSentAsync(Channel with { ConversationId = "C0OTHER" }, "checkin:prompt:42", since, CancellationToken.None);

        var metadata = Assert.Single(slack.Slack.CallsTo("chat.postMessage")).Body["metadata"]!;
        Assert.Equal("governancebot_outbox", (string?)metadata["event_type"]);
        Assert.Equal("checkin:prompt:42", (string?)metadata["event_payload"]!["key"]);
        Assert.Equal(SentLookup.Found(sent.MessageId!), found);
        Assert.Equal(SentLookup.NotFound, other);
        Assert.Equal(SentLookup.NotFound, elsewhere);
        var history = slack.Slack.CallsTo("conversations.history")[0].Body;
        Assert.Equal("true", (string?)history["include_all_metadata"]);
    }

    [Fact]
    public async Task AMessageSentOutsideTheOutbox_CarriesNoMetadata()
    {
        await using var slack = await SlackTestBot.StartAsync();

        await Sender(slack).SendAsync(Channel, Reply.Text("hello"), CancellationToken.None);

        Assert.Null(Assert.Single(slack.Slack.CallsTo("chat.postMessage")).Body["metadata"]);
    }

    [Theory]
    [InlineData("missing_scope", SentLookupOutcome.Unknowable)]
    [InlineData("ratelimited", SentLookupOutcome.Failed)]
    public async Task ALookupSlackCannotAnswer_IsUnknowableWhenPermanent_AndFailedForNowWhenTransient(string error, SentLookupOutcome expected)
    {
        await using var slack = await SlackTestBot.StartAsync(settings: new Dictionary<string, string?> { ["Slack:MaxRetries"] = "0" });
        slack.Slack.Script("conversations.history", error == "ratelimited" ? FakeSlackAnswer.RateLimited(5) : FakeSlackAnswer.Error(error));

        var lookup = await Sender(slack).FindSentAsync(Channel, "k", DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Equal(expected, lookup.Outcome);
    }

    [Fact]
    public async Task AnOutboxSend_ThatIsThrottled_IsReportedAtOnceWithRetryAfter_ForTheOutboxToPace()
    {
        await using var slack = await SlackTestBot.StartAsync();
        slack.Slack.Script("chat.postMessage", FakeSlackAnswer.RateLimited(7));

        SendResult result;
        using (OutboxDelivery.Begin("k-throttled"))
        {
            result = await Sender(slack).SendAsync(Channel, Reply.Text("hello"), CancellationToken.None);
        }

        Assert.Equal(SendFailureKind.Transient, result.Failure);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        Assert.Single(slack.Slack.CallsTo("chat.postMessage"));
    }

    [Theory]
    [InlineData("channel_not_found")]
    [InlineData("not_in_channel")]
    [InlineData("account_inactive")]
    [InlineData("invalid_auth")]
    public async Task Send_WithAPermanentSlackError_IsPermanentAndNotRetried(string error)
    {
        await using var slack = await SlackTestBot.StartAsync();
        slack.Slack.Script("chat.postMessage", FakeSlackAnswer.Error(error));

        var result = await Sender(slack).SendAsync(Channel, Reply.Text("hello"), CancellationToken.None);

        Assert.Equal(SendFailureKind.Permanent, result.Failure);
        Assert.Equal(error, result.Reason);
        Assert.Single(slack.Slack.CallsTo("chat.postMessage"));
    }

    [Fact]
    public async Task Update_ReplacesTheMessageInPlace()
    {
        await using var slack = await SlackTestBot.StartAsync();

        var result = await Sender(slack).UpdateAsync(Channel, "1764072000.000042", Reply.Text("Decided: **approved**"), CancellationToken.None);

        Assert.True(result.Succeeded);
        var call = Assert.Single(slack.Slack.CallsTo("chat.update"));
        Assert.Equal("1764072000.000042", (string?)call.Body["ts"]);
        Assert.Equal("Decided: *approved*", (string?)call.Body["text"]);
    }

    [Fact]
    public async Task OpenDirect_ForAStakeholderKnownOnlyByEmail_LooksThemUpThenOpensTheDm()
    {
        await using var slack = await SlackTestBot.StartAsync();

        var (conversation, failure) = await Sender(slack).OpenDirectAsync(SlackTestBot.Team, new ChatUserRef(string.Empty, "Megan", "meganb@example.com"), CancellationToken.None);

        Assert.Null(failure);
        Assert.Equal("DUMEGAN", conversation!.ConversationId);
        Assert.Equal(ConversationKind.Personal, conversation.Kind);
        Assert.Equal("meganb@example.com", (string?)Assert.Single(slack.Slack.CallsTo("users.lookupByEmail")).Body["email"]);
        Assert.Equal("UMEGAN", (string?)Assert.Single(slack.Slack.CallsTo("conversations.open")).Body["users"]);
    }

    [Fact]
    public async Task OpenDirect_ForAnUnknownEmail_IsPermanent()
    {
        await using var slack = await SlackTestBot.StartAsync();

        var (conversation, failure) = await Sender(slack).OpenDirectAsync(SlackTestBot.Team, new ChatUserRef(string.Empty, "Nobody", "nobody@example.com"), CancellationToken.None);

        Assert.Null(conversation);
        Assert.Equal(SendFailureKind.Permanent, failure!.Failure);
        Assert.Equal("users_not_found", failure.Reason);
    }

    [Fact]
    public async Task Send_ToATeamWithoutAToken_IsPermanentNotInstalled()
    {
        await using var slack = await SlackTestBot.StartAsync(settings: new Dictionary<string, string?> { ["Slack:BotToken"] = null });

        var result = await Sender(slack).SendAsync(Channel, Reply.Text("hello"), CancellationToken.None);

        Assert.Equal("not_installed", result.Reason);
        Assert.Empty(slack.Slack.Calls);
    }
}
