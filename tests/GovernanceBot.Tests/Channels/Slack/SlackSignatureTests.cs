using System.Text;
using GovernanceBot.Channels.Slack;

namespace GovernanceBot.Tests.Channels.Slack;

public sealed class SlackSignatureTests
{
    // Slack's documented example request (api.slack.com "Verifying requests from Slack").
    private const string DocSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const string DocTimestamp = "1531420618";
    private const string DocBody = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private const string DocSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private static readonly DateTimeOffset DocNow = DateTimeOffset.FromUnixTimeSeconds(1531420618);

    [Fact]
    public void Compute_OnSlacksDocumentedExample_GivesSlacksSignature()
    {
        Assert.Equal(DocSignature, SlackSignature.Compute(DocSecret, DocTimestamp, Encoding.UTF8.GetBytes(DocBody)));
    }

    [Fact]
    public void Verify_TheDocumentedExample_Passes()
    {
        Assert.Equal(SlackSignatureFailure.None, SlackSignature.Verify(DocSecret, DocTimestamp, DocSignature, Encoding.UTF8.GetBytes(DocBody), DocNow));
    }

    [Theory]
    [InlineData(300, SlackSignatureFailure.None)]
    [InlineData(-300, SlackSignatureFailure.None)]
    [InlineData(301, SlackSignatureFailure.StaleTimestamp)]
    [InlineData(-301, SlackSignatureFailure.StaleTimestamp)]
    public void Verify_AtTheEdgeOfTheFiveMinuteWindow_AcceptsOnlyInside(int secondsLater, SlackSignatureFailure expected)
    {
        Assert.Equal(expected, SlackSignature.Verify(DocSecret, DocTimestamp, DocSignature, Encoding.UTF8.GetBytes(DocBody), DocNow.AddSeconds(secondsLater)));
    }

    [Fact]
    public void Verify_AnUppercaseHexSignature_IsRefused()
    {
        var upper = "v0=" + DocSignature[3..].ToUpperInvariant();
        Assert.Equal(SlackSignatureFailure.Mismatch, SlackSignature.Verify(DocSecret, DocTimestamp, upper, Encoding.UTF8.GetBytes(DocBody), DocNow));
    }

    [Fact]
    public void Verify_AOneByteChangeInTheBody_IsRefused()
    {
        var body = Encoding.UTF8.GetBytes(DocBody + " ");
        Assert.Equal(SlackSignatureFailure.Mismatch, SlackSignature.Verify(DocSecret, DocTimestamp, DocSignature, body, DocNow));
    }
}
