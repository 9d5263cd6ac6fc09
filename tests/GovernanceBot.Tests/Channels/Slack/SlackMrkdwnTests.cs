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

    [Fact]
    public void FromReplyText_UserTextQuotedInIt_StaysLiteral_WhileTheBotsOwnLinkBecomesALink()
    {
        var planted = GovernanceBot.Cards.UserText.Escape("[Approve now](https://evil.example/pay) **urgent**");

        var text = SlackMrkdwn.FromReplyText($"Megan voted on your behalf: “{planted}”. See [the guide](https://contoso.example/guide).");

        Assert.DoesNotContain("<https://evil.example", text, StringComparison.Ordinal);
        Assert.DoesNotContain("*urgent*", text, StringComparison.Ordinal);
        Assert.Contains("Approve now", text, StringComparison.Ordinal);
        Assert.Contains("<https://contoso.example/guide|the guide>", text, StringComparison.Ordinal);
    }
}
