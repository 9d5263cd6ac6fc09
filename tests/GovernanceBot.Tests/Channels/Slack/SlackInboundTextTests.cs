using GovernanceBot.Channels.Slack;

namespace GovernanceBot.Tests.Channels.Slack;

public sealed class SlackInboundTextTests
{
    [Theory]
    [InlineData("<@UBOT> status Phoenix", "status Phoenix")]
    [InlineData("<@UBOT|governancebot>   help", "help")]
    [InlineData("hey <@UBOT> kpis", "hey kpis")]
    [InlineData("<@UOTHER> and <@UBOT> help", "<@UOTHER> and help")]
    public void StripMention_RemovesOnlyTheBotsMention(string text, string expected)
    {
        Assert.Equal(expected, SlackEvents.StripMention(text, "UBOT"));
    }

    [Theory]
    [InlineData("approval.vote", "approval.vote")]
    [InlineData("approval.vote#2", "approval.vote")]
    [InlineData("checkin.submit#q#3", "checkin.submit")]
    public void Verb_IsTheActionIdBeforeTheFirstHash(string actionId, string verb)
    {
        Assert.Equal(verb, SlackInteractions.Verb(actionId));
    }
}
