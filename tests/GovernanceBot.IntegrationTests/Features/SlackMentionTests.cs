using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;

namespace GovernanceBot.IntegrationTests.Features;

/// <summary>
/// People named with a Slack mention (<c>&lt;@U…&gt;</c>) in commands, when they never used the bot: Slack
/// (users.info) says who they are, so they are found by e-mail like everyone else.
/// </summary>
public sealed class SlackMentionTests
{
    private const string Diego = "UDIEGO";
    private const string Lee = "ULEE";

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Delegate_ToAMentionOfSomeoneWhoNeverUsedTheBot_FindsThem(StoreKind kind)
    {
        await using var slack = await SlackTestBot.StartAsync(kind);
        slack.Bot.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
        slack.Slack.Emails[Diego] = "diegos@example.com";
        slack.Slack.Emails[Lee] = "leeg@example.com";

        await slack.PostEventAsync(SlackTestBot.DirectMessage($"delegate approvals to <@{Lee}> until 2026-12-19", "EvDelegate1", user: Diego));
        await slack.IdleAsync();

        var reply = Assert.Single(slack.Slack.CallsTo("chat.postMessage"), c => (string?)c.Body["channel"] == "D0ALEX");
        var text = (string?)reply.Body["text"] ?? string.Empty;
        Assert.True(text.StartsWith("Done: *Lee Gu* can vote on your Phoenix approvals until the end of Sat 19 Dec 2026.", StringComparison.Ordinal), text);
        Assert.Contains(slack.Slack.CallsTo("users.info"), c => (string?)c.Body["user"] == Lee);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ApprovalRequest_NamingApproversByMention_FindsThemThoughTheyNeverUsedTheBot(StoreKind kind)
    {
        await using var slack = await SlackTestBot.StartAsync(kind);
        slack.Bot.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
        slack.Slack.Emails[Diego] = "diegos@example.com";
        slack.Slack.Emails[Lee] = "leeg@example.com";

        await slack.PostEventAsync(SlackTestBot.DirectMessage($"approval request \"Gate 4: go live\" approvers <@{Diego}> <@{Lee}> quorum majority due 2026-12-18", "EvRequest1"));
        await slack.IdleAsync();

        var reply = Assert.Single(slack.Slack.CallsTo("chat.postMessage"), c => (string?)c.Body["channel"] == "D0ALEX"
            && ((string?)c.Body["text"])?.StartsWith("Requested", StringComparison.Ordinal) == true);
        Assert.Contains("from Diego Siciliani, Lee Gu.", (string?)reply.Body["text"], StringComparison.Ordinal);
    }
}
