using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;

namespace GovernanceBot.Channels.Slack;

/// <summary>A reply as Slack message content: mrkdwn fallback text and, for cards, blocks.</summary>
public sealed record SlackMessageContent(string Text, JsonArray? Blocks);

/// <summary>
/// Turns a <see cref="Reply"/> into Slack content. Cards are rendered by <see cref="ICardRenderer"/>
/// and translated by <see cref="IBlockKitTranslator"/>; their forms are registered with
/// <see cref="SlackForms"/> (in the store, so any instance can open them) so their buttons open the
/// modal. Text is escaped (B6).
/// </summary>
public sealed class SlackMessageBuilder(ICardRenderer renderer, IBlockKitTranslator translator, SlackForms forms)
{
    public async Task<SlackMessageContent> BuildAsync(Reply reply) => reply switch
    {
        TextReply text => new SlackMessageContent(LocalTime.Slack(SlackMrkdwn.FromReplyText(text.Body)), null),
        CardReply card => await FromCardAsync(card),
        _ => throw new ArgumentException($"Slack cannot send a {reply.GetType().Name}.", nameof(reply)),
    };

    private async Task<SlackMessageContent> FromCardAsync(CardReply card)
    {
        var message = translator.Translate(renderer.Render(card.Template, card.Data), card.Summary);
        LocaliseTimes(message.Blocks);
        foreach (var modal in message.Modals.Values)
        {
            LocaliseTimes(modal);
        }

        // The translator's fallback text is already escaped mrkdwn: escaping it again would show "&amp;".
        return new SlackMessageContent(LocalTime.Slack(message.Text), await forms.RegisterAsync(message.Blocks, message.Modals));
    }

    /// <summary>Slack's date token in mrkdwn (every client shows its reader's zone); the fallback in plain text (headers, buttons).</summary>
    private static void LocaliseTimes(JsonNode? node) =>
        LocalTime.Localise(node, (element, property) => property == "text" && (string?)element["type"] == "mrkdwn", LocalTime.Slack);
}
