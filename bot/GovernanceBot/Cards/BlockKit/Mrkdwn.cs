using System.Text;
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
    /// <remarks>
    /// Backslash escapes (how <see cref="UserText"/> marks user text) are set aside before the
    /// conversion, so an escaped <c>[label](url)</c> or <c>**x**</c> is never converted, and come back as
    /// literal characters that Slack does not format either (it has no escapes of its own).
    /// </remarks>
    public static string FromCardMarkdown(string text)
    {
        var escaped = Escape(Shield(text));
        escaped = Link().Replace(escaped, m => $"<{m.Groups["url"].Value}|{m.Groups["label"].Value}>");
        return Unshield(Bold().Replace(escaped, m => $"*{m.Groups["text"].Value}*"), inMrkdwn: true);
    }

    /// <summary>
    /// Literal text inside mrkdwn: escaped, and Slack's formatting characters fenced with invisible
    /// word joiners, since Slack formats only at word boundaries and has no escape character.
    /// </summary>
    public static string Literal(string text) => Unshield(Escape(Shield(EscapedPunctuation().Replace(text, @"\$0"))), inMrkdwn: true);

    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Plain text for places that show no formatting (headers, buttons): Markdown markers removed, escapes resolved.</summary>
    /// <param name="text">Adaptive Card Markdown.</param>
    /// <param name="withAddresses">Links keep their address after the label (a terminal, where a label alone leads nowhere).</param>
    public static string Plain(string text, bool withAddresses = false) =>
        Unshield(Bold().Replace(Link().Replace(Shield(text), m => withAddresses ? $"{m.Groups["label"].Value} ({m.Groups["url"].Value})" : m.Groups["label"].Value),
            m => m.Groups["text"].Value), inMrkdwn: false);

    // An escaped character "\X" is held as a private-use character (U+E000 + X) while the Markdown
    // around it is converted: no pattern can match it, and nothing else produces those characters.
    private const char ShieldBase = '\uE000';

    private static string Shield(string text) =>
        EscapeSequence().Replace(text, m => ((char)(ShieldBase + m.Groups[1].Value[0])).ToString());

    private static string Unshield(string text, bool inMrkdwn)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c < ShieldBase || c > ShieldBase + 0x7F)
            {
                result.Append(c);
                continue;
            }

            var original = (char)(c - ShieldBase);
            result.Append(!inMrkdwn ? original.ToString() : original switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '*' or '_' or '~' or '`' => $"{UserText.Joiner}{original}{UserText.Joiner}",
                _ => original.ToString(),
            });
        }

        return result.ToString();
    }

    [GeneratedRegex(@"\\([!-/:-@\[-`{-~])")]
    private static partial Regex EscapeSequence();

    [GeneratedRegex(@"[*_~`\\]")]
    private static partial Regex EscapedPunctuation();

    [GeneratedRegex(@"\[(?<label>[^\]\r\n]+)\]\((?<url>https?://[^\s)]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"\*\*(?<text>[^*\r\n]+)\*\*")]
    private static partial Regex Bold();
}
