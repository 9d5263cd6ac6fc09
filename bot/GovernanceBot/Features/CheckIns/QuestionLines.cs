using System.Text;
using System.Text.RegularExpressions;
using GovernanceBot.Conversation;

namespace GovernanceBot.Features.CheckIns;

/// <summary>
/// The questions field of the check-in form: one question per line,
/// <c>[key] Question text | kind | required | risks</c>, where kind is <c>scale</c>,
/// <c>scale: 5 labels, comma-separated</c>, <c>choice: option, option, …</c> or <c>text</c> (the
/// default). <c>[key]</c> is optional: without it the key comes from the text. Documented in
/// docs/governance-as-code.md ("Check-ins by chat").
/// </summary>
internal static partial class QuestionLines
{
    public const string Syntax =
        "One question per line. Free text is the default; add \"| scale\" (1 to 5), \"| scale: Very low, Low, Medium, High, Very high\" (5 labels), " +
        "or \"| choice: On track, Some risk, Off track\" (pick one). Add \"| required\" to make an answer compulsory and \"| risks\" to quote answers as risks in the summary. " +
        "\"[key]\" at the start keeps a question's answers together when you reword it.";

    public const string Example = "How confident are you in the next milestone? | scale: Very low, Low, Medium, High, Very high | required";

    private static readonly string[] Parts = ["scale", "choice", "text", "required", "optional", "risks"];

    /// <summary>One parsed line: the question and the 1-based line of the field it came from.</summary>
    public sealed record Line(int Number, QuestionSpec Question);

    /// <summary>The questions, in order, and what is wrong with the lines that don't parse (each "line N: …").</summary>
    public static (IReadOnlyList<Line> Lines, IReadOnlyList<string> Problems) Parse(string text)
    {
        var lines = new List<Line>();
        var problems = new List<string>();
        var rows = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i].Trim();
            if (row.Length == 0)
            {
                continue;
            }

            var question = new QuestionSpec();
            var key = KeyPrefix().Match(row);
            if (key.Success)
            {
                question.Key = key.Groups[1].Value.Trim();
                row = row[key.Length..];
            }

            var pieces = row.Split('|');
            question.Text = pieces[0].Trim();
            string? kind = null;
            foreach (var piece in pieces.Skip(1).Select(p => p.Trim()).Where(p => p.Length > 0))
            {
                var colon = piece.IndexOf(':', StringComparison.Ordinal);
                var word = (colon < 0 ? piece : piece[..colon]).Trim().ToLowerInvariant();
                var rest = colon < 0 ? null : piece[(colon + 1)..];
                switch (word)
                {
                    case "scale" or "choice" or "text" when kind is not null && kind != word:
                        problems.Add($"line {i + 1}: a question has one kind, not both '{kind}' and '{word}'.");
                        break;
                    case "scale" or "choice" or "text":
                        kind = word;
                        question.Options = rest is null ? [] : rest.Split(',').Select(o => o.Trim()).ToList();
                        break;
                    case "required":
                        question.Required = true;
                        break;
                    case "optional":
                        question.Required = false;
                        break;
                    case "risks":
                        question.FlagsRisks = true;
                        break;
                    default:
                        var near = Parts.OrderBy(p => CommandText.Distance(p, word)).First();
                        problems.Add($"line {i + 1}: '{CheckInRules.Shorten(piece)}' is not part of a question"
                            + (CommandText.Distance(near, word) <= 2 ? $" — did you mean '{near}'?" : $"; use {string.Join(", ", Parts)}."));
                        break;
                }
            }

            question.Kind = kind ?? "text";
            lines.Add(new Line(i + 1, question));
        }

        GiveKeys(lines.Select(l => l.Question).ToList());
        return (lines, problems);
    }

    /// <summary>The questions as the form shows them; <see cref="Parse"/> reads the result back to the same questions.</summary>
    public static string Format(IEnumerable<QuestionSpec> questions)
    {
        var text = new StringBuilder();
        foreach (var q in questions)
        {
            text.Append('[').Append(q.Key).Append("] ").Append(q.Text);
            if (q.Kind != "text" || q.Options.Count > 0)
            {
                text.Append(" | ").Append(q.Kind);
                if (q.Options.Count > 0)
                {
                    text.Append(": ").Append(string.Join(", ", q.Options));
                }
            }

            if (q.Required)
            {
                text.Append(" | required");
            }

            if (q.FlagsRisks)
            {
                text.Append(" | risks");
            }

            text.Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }

    /// <summary>Questions written without "[key]" get one from their first words, unique in the list.</summary>
    private static void GiveKeys(List<QuestionSpec> questions)
    {
        var used = questions.Where(q => q.Key.Length > 0).Select(q => q.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var q in questions.Where(q => q.Key.Length == 0))
        {
            var stem = Slug(q.Text, 4);
            stem = stem.Length == 0 ? "question" : stem;
            var candidate = stem;
            for (var n = 2; used.Contains(candidate); n++)
            {
                candidate = $"{stem}-{n}";
            }

            q.Key = candidate;
            used.Add(candidate);
        }
    }

    /// <summary>Lower-case words of <paramref name="text"/> (letters and digits only) joined by '-', at most <paramref name="words"/> of them.</summary>
    public static string Slug(string text, int words)
    {
        var parts = NonWord().Split(text.ToLowerInvariant()).Where(w => w.Length > 0).Take(words);
        var slug = string.Join('-', parts);
        return slug.Length > 40 ? slug[..40].TrimEnd('-') : slug;
    }

    [GeneratedRegex(@"^\[([^\]]*)\]\s*")]
    private static partial Regex KeyPrefix();

    [GeneratedRegex(@"[^a-z0-9]+")]
    private static partial Regex NonWord();
}
