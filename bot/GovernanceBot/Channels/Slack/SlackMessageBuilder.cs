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
    /// <param name="slackIdOf">Finds a person's Slack user id by e-mail, for the card's mentions (<see cref="Reply.Mentions"/>); without it names stay names.</param>
    public async Task<SlackMessageContent> BuildAsync(Reply reply, Func<string, Task<string?>>? slackIdOf = null) => reply switch
    {
        TextReply text => new SlackMessageContent(LocalTime.Slack(SlackMrkdwn.FromReplyText(text.Body)), null),
        CardReply card => await FromCardAsync(card, slackIdOf),
        _ => throw new ArgumentException($"Slack cannot send a {reply.GetType().Name}.", nameof(reply)),
    };

    private async Task<SlackMessageContent> FromCardAsync(CardReply card, Func<string, Task<string?>>? slackIdOf)
    {
        var rendered = renderer.Render(card.Template, card.Data);
        var mentions = new Dictionary<string, string>(StringComparer.Ordinal);
        if (card.Mentions is { Count: > 0 } people && slackIdOf is not null)
        {
            // A mention goes through the translator as a placeholder it leaves alone (it escapes "<"), and
            // becomes <@U…> afterwards: the bot's own mention token, never something a user typed.
            var placeholders = new Dictionary<MentionedPerson, string>();
            foreach (var person in people)
            {
                if (await slackIdOf(person.Email) is { } id && SlackSender.LooksLikeSlackUserId(id))
                {
                    var placeholder = $"{MentionStart}{placeholders.Count}{MentionEnd}";
                    placeholders[person] = placeholder;
                    mentions[placeholder] = $"<@{id}>";
                }
            }

            CardMentions.Apply(rendered, placeholders);
        }

        var message = translator.Translate(rendered, card.Summary);
        if (mentions.Count > 0)
        {
            Mention(message.Blocks, mentions);
        }

        LocaliseTimes(message.Blocks);
        foreach (var modal in message.Modals.Values)
        {
            LocaliseTimes(modal);
        }

        // The translator's fallback text is already escaped mrkdwn: escaping it again would show "&amp;".
        return new SlackMessageContent(LocalTime.Slack(message.Text), await forms.RegisterAsync(message.Blocks, message.Modals));
    }

    /// <summary>Puts each mention where its placeholder is, in every text of the blocks.</summary>
    private static void Mention(JsonNode? node, IReadOnlyDictionary<string, string> mentions)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (child is JsonValue value && value.TryGetValue<string>(out var text) && text.Contains(MentionStart, StringComparison.Ordinal))
                    {
                        obj[name] = mentions.Aggregate(text, (t, m) => t.Replace(m.Key, m.Value, StringComparison.Ordinal));
                    }
                    else
                    {
                        Mention(child, mentions);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Mention(child, mentions);
                }

                break;
        }
    }

    // Private-use characters outside the range the mrkdwn conversion uses for its own escapes.
    private const char MentionStart = '';
    private const char MentionEnd = '';

    /// <summary>Slack's date token in mrkdwn (every client shows its reader's zone); the fallback in plain text (headers, buttons).</summary>
    private static void LocaliseTimes(JsonNode? node) =>
        LocalTime.Localise(node, (element, property) => property == "text" && (string?)element["type"] == "mrkdwn", LocalTime.Slack);
}
