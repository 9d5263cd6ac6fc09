using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;

namespace GovernanceBot.IntegrationTests.Channels.Slack;

/// <summary>Answers meant for one person reach that person only, in a channel too (ReplyPrivacy).</summary>
public sealed class SlackReplyPrivacyTests
{
    [Theory]
    [InlineData("<@UBOT> help", "help:")]
    [InlineData("<@UBOT> checkin status Phoenix", "No Phoenix check-in round has run yet")]
    [InlineData("<@UBOT> stauts Phoenix", "I don't know the command")]
    [InlineData("<@UBOT> approvals", null)]
    public async Task InAChannel_HelpCheckinStatusMyApprovalsAndErrors_AreEphemeral_ToTheAskerOnly(string text, string? expected)
    {
        await using var slack = await SlackTestBot.StartAsync();

        await slack.PostEventAsync(SlackTestBot.Mention(text, "EvPrivate1"));
        await slack.IdleAsync();

        Assert.Empty(slack.Slack.CallsTo("chat.postMessage"));
        var answer = Assert.Single(slack.Slack.CallsTo("chat.postEphemeral"));
        Assert.Equal(SlackTestBot.Alex, (string?)answer.Body["user"]);
        Assert.Equal("C0PROGRAM", (string?)answer.Body["channel"]);
        if (expected is not null)
        {
            var shown = (string?)answer.Body["text"] + " " + answer.Body["blocks"]?.ToJsonString();
            Assert.Contains(expected, shown, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InAChannel_TheStatusCard_IsStillPostedForEveryone()
    {
        await using var slack = await SlackTestBot.StartAsync();

        await slack.PostEventAsync(SlackTestBot.Mention("<@UBOT> status Phoenix", "EvPublic1"));
        await slack.IdleAsync();

        Assert.Single(slack.Slack.CallsTo("chat.postMessage"));
        Assert.Empty(slack.Slack.CallsTo("chat.postEphemeral"));
    }
}
