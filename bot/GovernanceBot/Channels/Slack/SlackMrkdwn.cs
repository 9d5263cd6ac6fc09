using System.Text;

namespace GovernanceBot.Channels.Slack;

/// <summary>
/// Text for Slack's mrkdwn. Only <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> are escaped, so nobody can
/// inject <c>&lt;!channel&gt;</c>, a mention or a link through text the bot repeats.
/// </summary>
public static partial class SlackMrkdwn
{
    /// <summary>Escapes user-supplied text for a mrkdwn field.</summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    /// <summary>
    /// A <see cref="Conversation.TextReply"/> body as mrkdwn, read as cards are: everything escaped,
    /// then the bot's own <c>**bold**</c> and links become Slack's, while user text quoted in it
    /// (escaped with <see cref="Cards.UserText.Escape"/>) stays literal.
    /// </summary>
    public static string FromReplyText(string body) => Cards.BlockKit.Mrkdwn.FromCardMarkdown(body);
}
