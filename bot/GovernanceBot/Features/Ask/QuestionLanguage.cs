using System.Collections.Frozen;

namespace GovernanceBot.Features.Ask;

/// <summary>
/// Tells an English question from one in another language, offline and in microseconds: by script
/// (Cyrillic, Han, Arabic…) and, for Latin-script languages, by their everyday function words ("est",
/// "und", "qué"). It leans towards English: a question is foreign only when it holds at least two
/// function words of one other language and more of them than English ones, so misspelt or terse
/// English ("wat is teh diffrence") is never taken for something else.
/// </summary>
internal static class QuestionLanguage
{
    private const int MinForeignWords = 2;

    // Function words that are not also English words (no "a", "in", "die", "was", "is"), lower case, accents kept.
    private static readonly (string Language, FrozenSet<string> Words)[] Latin =
    [
        ("French", Set("le la les des un une fait est sont du qu que quoi quel quelle quels quelles comment pourquoi pour avec dans sur entre et ce cette ces cest qui au aux de mon ma mes notre nos nous vous je il elle ils ne pas quand où faut différence projet")),
        ("German", Set("der das ist und ein eine einen einem was wie warum wer wann wo nicht mit für zwischen dem den des ich wir sie es zu von im auf bei sind unterschied gibt welche welcher kann")),
        ("Spanish", Set("de el la los las es un una que qué cómo como por para con entre del y en cuál cual quién quien cuándo dónde diferencia mi nuestro se lo hace hay programa proyecto")),
        ("Italian", Set("il lo la gli è un una che come perché per con tra fra del della dei di e cosa qual quale chi non sono differenza programma progetto")),
        ("Portuguese", Set("de o os é um uma que como por para com entre do da dos das e qual quem não são diferença programa projeto")),
        ("Dutch", Set("de het een is wat hoe waarom wie en van met voor tussen niet ik wij zijn verschil welke")),
    ];

    /// <summary>The question's language when it is not English, e.g. "French"; null for English (or too little to tell).</summary>
    public static string? Detect(string question)
    {
        if (ByScript(question) is { } scripted)
        {
            return scripted;
        }

        var words = Words(question);
        var english = words.Count(TextAnalyzer.IsStopWord);
        var best = Latin
            .Select(l => (l.Language, Hits: words.Distinct(StringComparer.Ordinal).Count(l.Words.Contains)))
            .OrderByDescending(l => l.Hits)
            .First();
        return best.Hits >= MinForeignWords && best.Hits > english ? best.Language : null;
    }

    /// <summary>Most letters in one non-Latin script: that script's language (or "the question's language" where one script serves many).</summary>
    private static string? ByScript(string text)
    {
        var letters = 0;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in text)
        {
            if (!char.IsLetter(c))
            {
                continue;
            }

            letters++;
            if (Script(c) is { } script)
            {
                counts[script] = counts.GetValueOrDefault(script) + 1;
            }
        }

        if (letters == 0 || counts.Count == 0)
        {
            return null;
        }

        var (name, count) = counts.MaxBy(kv => kv.Value);
        // Kana beside Han is Japanese, whichever has more letters.
        if (name == "Chinese" && counts.ContainsKey("Japanese"))
        {
            name = "Japanese";
        }

        return count * 2 > letters ? name : null;
    }

    private static string? Script(char c) => c switch
    {
        >= '\u0400' and <= '\u04FF' => "the question's language (Cyrillic script)",
        >= '\u0370' and <= '\u03FF' => "Greek",
        >= '\u0590' and <= '\u05FF' => "Hebrew",
        >= '\u0600' and <= '\u06FF' => "the question's language (Arabic script)",
        >= '\u0900' and <= '\u097F' => "Hindi",
        >= '\u0E00' and <= '\u0E7F' => "Thai",
        >= '\u3040' and <= '\u30FF' => "Japanese",
        >= '\uAC00' and <= '\uD7AF' => "Korean",
        >= '\u4E00' and <= '\u9FFF' => "Chinese",
        _ => null,
    };

    /// <summary>Lower-case words with their accents, split like the analyzer splits ("qu'est-ce" gives "quest" and "ce").</summary>
    private static List<string> Words(string text) => TextAnalyzer.Words(text);

    private static FrozenSet<string> Set(string words) => words.Split(' ').ToFrozenSet(StringComparer.Ordinal);
}
