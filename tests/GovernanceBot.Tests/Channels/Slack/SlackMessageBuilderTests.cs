using System.Text.Json.Nodes;
using GovernanceBot.Cards.BlockKit;
using GovernanceBot.Channels.Slack;
using GovernanceBot.Conversation;
using GovernanceBot.Testing.Slack;

namespace GovernanceBot.Tests.Channels.Slack;

public sealed class SlackMessageBuilderTests
{
    [Fact]
    public void CardFallbackText_IsEscapedOnce()
    {
        using var forms = new SlackForms(TimeProvider.System);
        var builder = new SlackMessageBuilder(new TestCards(), new BlockKitTranslator(), forms);

        var content = builder.Build(new CardReply("program.status", new JsonObject(), "R&D <!here>"));

        Assert.Equal("R&amp;D &lt;!here&gt;", content.Text);
    }
}
