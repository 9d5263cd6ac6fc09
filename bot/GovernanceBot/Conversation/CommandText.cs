using System.Text;

namespace GovernanceBot.Conversation;

/// <summary>Splits what people type into words, honouring quotes (straight or curly).</summary>
public static class CommandText
{
    public static IReadOnlyList<string> Tokenize(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        var quoted = false;
        foreach (var c in text)
        {
            if (quote is null && IsOpeningQuote(c))
            {
                quote = ClosingQuoteFor(c);
                quoted = true;
            }
            else if (quote is not null && (c == quote || (quote == '"' && c == '\u201D')))
            {
                quote = null;
            }
            else if (quote is null && char.IsWhiteSpace(c))
            {
                Flush();
            }
            else
            {
                current.Append(c);
            }
        }

        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0 || quoted)
            {
                words.Add(current.ToString());
            }

            current.Clear();
            quoted = false;
        }
    }

    /// <summary>
    /// A mention as every channel writes it into <see cref="Turn.Text"/>: <c>@"Name"</c>, one word to
    /// <see cref="Tokenize"/>; <see cref="Turn.Mentions"/> holds the person under the same name.
    /// </summary>
    public static string MentionWord(string name) => $"@\"{MentionName(name)}\"";

    /// <summary>The name as <see cref="MentionWord"/> writes it (quotes would end the word early).</summary>
    public static string MentionName(string name) =>
        string.Join(' ', name.Replace("\"", string.Empty, StringComparison.Ordinal).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Normalises for matching: lower case, single spaces, no surrounding punctuation.</summary>
    public static string Normalize(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Trim().ToLowerInvariant();

    private static bool IsOpeningQuote(char c) => c is '"' or '\u201C' or '\u2018' or '\'';

    private static char ClosingQuoteFor(char c) => c switch
    {
        '\u201C' => '\u201D',
        '\u2018' => '\u2019',
        _ => c,
    };

    /// <summary>Levenshtein distance, for "did you mean".</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
