using System.Text.RegularExpressions;

namespace GovernanceBot.Cards.BlockKit;

/// <summary>Slack mrkdwn from Adaptive Card text.</summary>
internal static partial class Mrkdwn
{
    /// <summary>
    /// Escapes the three characters Slack parses (so <c>&lt;!channel&gt;</c> or <c>&lt;@U123&gt;</c> typed by a user
    /// stays inert), then turns the templates' own Markdown (<c>**bold**</c>, <c>[label](url)</c>) into Slack's.
    /// A card mixes template text and user text in one string; escaping first is what keeps user text inert
    /// while the formatting added afterwards is the bot's.
    /// </summary>
    public static string FromCardMarkdown(string text)
    {
        var escaped = Escape(text);
        escaped = Link().Replace(escaped, m => $"<{m.Groups["url"].Value}|{m.Groups["label"].Value}>");
        return Bold().Replace(escaped, m => $"*{m.Groups["text"].Value}*");
    }

    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Plain text for places that show no formatting (headers, buttons): Markdown markers removed.</summary>
    public static string Plain(string text) =>
        Bold().Replace(Link().Replace(text, m => m.Groups["label"].Value), m => m.Groups["text"].Value);

    [GeneratedRegex(@"\[(?<label>[^\]\r\n]+)\]\((?<url>https?://[^\s)]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"\*\*(?<text>[^*\r\n]+)\*\*")]
    private static partial Regex Bold();
}
