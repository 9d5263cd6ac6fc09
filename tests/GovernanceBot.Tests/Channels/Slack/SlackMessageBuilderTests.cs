using System.Text.Json.Nodes;
using GovernanceBot.Cards.BlockKit;
using GovernanceBot.Channels.Slack;
using GovernanceBot.Conversation;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;

namespace GovernanceBot.Tests.Channels.Slack;

public sealed class SlackMessageBuilderTests
{
    [Fact]
    public async Task CardFallbackText_IsEscapedOnce()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite);
        using var forms = new SlackForms(store.Factory, TimeProvider.System);
        var builder = new SlackMessageBuilder(new TestCards(), new BlockKitTranslator(), forms);

        var content = await builder.BuildAsync(new CardReply("program.status", new JsonObject(), "R&D <!here>"));

        Assert.Equal("R&amp;D &lt;!here&gt;", content.Text);
    }
}
