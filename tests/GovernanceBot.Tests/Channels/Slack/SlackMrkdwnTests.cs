using GovernanceBot.Channels.Slack;

namespace GovernanceBot.Tests.Channels.Slack;

public sealed class SlackMrkdwnTests
{
    [Theory]
    [InlineData("<!channel> look", "&lt;!channel&gt; look")]
    [InlineData("ping <@U123>", "ping &lt;@U123&gt;")]
    [InlineData("<https://evil.example|click>", "&lt;https://evil.example|click&gt;")]
    [InlineData("R&D", "R&amp;D")]
    [InlineData("*bold* _it_ ~s~", "*bold* _it_ ~s~")]
    public void Escape_UserText_CannotInjectMentionsOrLinks(string text, string expected)
    {
        Assert.Equal(expected, SlackMrkdwn.Escape(text));
    }

    [Fact]
    public void FromReplyText_ConvertsTheBotsBoldAndEscapesTheRest()
    {
        var text = SlackMrkdwn.FromReplyText("I don't know \"<!here>\". Try **status Phoenix** or **help**.");

        Assert.Equal("I don't know \"&lt;!here&gt;\". Try *status Phoenix* or *help*.", text);
    }

    [Fact]
    public void FromReplyText_LeavesLoneAsterisksAlone()
    {
        Assert.Equal("2 ** 3 = 8", SlackMrkdwn.FromReplyText("2 ** 3 = 8"));
    }
}
