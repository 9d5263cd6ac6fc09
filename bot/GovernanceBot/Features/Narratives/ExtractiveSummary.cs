using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using GovernanceBot.Features.Ask;

namespace GovernanceBot.Features.Narratives;

/// <summary>
/// The offline narrative: the themes most written answers share, each with how many answers mention
/// it and a quote. Deterministic, and nothing in it is invented: a theme is a phrase (one to three
/// content words, as the Ask analyzer stems them, stop words skipped) that several answers contain,
/// named by the words one of them used; every count is of answers that contain it.
/// </summary>
internal static partial class ExtractiveSummary
{
    public const int MaxThemes = 3;
    private const int MaxPhrase = 3;
    private const int QuoteLength = 140;
    public const string ThemesNote = "Extractive summary: themes most answers share";

    // Words a check-in answer uses for everything ("still waiting this week"): as themes they say nothing.
    private static readonly FrozenSet<string> StatusWords = (
        "week weeks today yesterday tomorrow still now yet next last good great well fine ok okay bit going go need needs " +
        "think new done due day days time").Split(' ').ToFrozenSet(StringComparer.Ordinal);

    /// <param name="why">Why the extractive summary stands in for a configured model; null offline.</param>
    public static Narrative Of(IReadOnlyList<NarrativeSource> sources, string? why = null)
    {
        var answers = sources.Where(s => s.Kind == NarrativeSource.Answer && !string.IsNullOrWhiteSpace(s.Text)).Select(Analyse).ToList();
        var note = why is null ? ThemesNote : $"{ThemesNote} ({why})";
        if (answers.Count == 0)
        {
            return new Narrative(Narrative.Extractive, why is null ? "No written answers this round: nothing to summarise" : $"No written answers this round: nothing to summarise ({why})", []);
        }

        if (answers.Count == 1)
        {
            var only = answers[0];
            return new Narrative(Narrative.Extractive, note,
                [new NarrativeLine($"One written answer, so no shared theme: {Quote(only.Sentences.First(), only.Source)}", [only.Source.Id], string.Empty)]);
        }

        var lines = new List<NarrativeLine>();
        var covered = new HashSet<int>();
        var said = new HashSet<(int Answer, int Sentence)>();
        var themes = 0;
        foreach (var phrase in Candidates(answers))
        {
            // A phrase mostly found in the sentences of a theme already chosen is that theme again ("payment" after "payment provider").
            if (2 * phrase.Spots.Count(said.Contains) > phrase.Spots.Count)
            {
                continue;
            }

            themes++;
            said.UnionWith(phrase.Spots);
            covered.UnionWith(phrase.Answers);
            var members = phrase.Answers.Order().Select(i => answers[i]).ToList();
            var (sentence, source) = members
                .SelectMany(a => a.Sentences.Where(s => s.Phrases.Contains(phrase.Key)).Select(s => (Sentence: s, a.Source)))
                // The fullest sentence that fits uncut says most; when none fits, the shortest loses least to the cut.
                .OrderBy(q => q.Sentence.Text.Length <= QuoteLength ? 0 : 1)
                .ThenBy(q => q.Sentence.Text.Length <= QuoteLength ? -q.Sentence.Text.Length : q.Sentence.Text.Length)
                .ThenBy(q => q.Source.Id, StringComparer.Ordinal)
                .First();
            lines.Add(new NarrativeLine($"{Label(phrase.Key, members)} ({phrase.Answers.Count} of {answers.Count} answers): {Quote(sentence, source)}",
                members.Select(m => m.Source.Id).ToList(), string.Empty));
            if (themes == MaxThemes)
            {
                break;
            }
        }

        if (lines.Count == 0)
        {
            return new Narrative(Narrative.Extractive, note,
                [new NarrativeLine($"No theme comes up in more than one of the {answers.Count} written answers.", answers.Select(a => a.Source.Id).ToList(), string.Empty)]);
        }

        var rest = Enumerable.Range(0, answers.Count).Where(i => !covered.Contains(i)).ToList();
        if (rest.Count > 0)
        {
            lines.Add(new NarrativeLine($"{rest.Count} of {answers.Count} answers {(rest.Count == 1 ? "mentions" : "mention")} none of these.", rest.Select(i => answers[i].Source.Id).ToList(), string.Empty));
        }

        return new Narrative(Narrative.Extractive, note, lines);
    }

    /// <summary>Phrases at least two answers contain, most answers first; at equal counts the longer phrase, then the earlier.</summary>
    /// <returns>Each phrase with the answers that contain it and where (answer, sentence).</returns>
    private static IEnumerable<(string Key, HashSet<int> Answers, HashSet<(int, int)> Spots)> Candidates(List<AnalysedAnswer> answers)
    {
        var found = new Dictionary<string, (HashSet<int> Answers, HashSet<(int, int)> Spots, int First, int Length)>(StringComparer.Ordinal);
        var order = 0;
        for (var i = 0; i < answers.Count; i++)
        {
            for (var j = 0; j < answers[i].Sentences.Count; j++)
            {
                foreach (var key in answers[i].Sentences[j].Phrases)
                {
                    if (!found.TryGetValue(key, out var entry))
                    {
                        found[key] = entry = ([], [], order++, key.Count(c => c == ' ') + 1);
                    }

                    entry.Answers.Add(i);
                    entry.Spots.Add((i, j));
                }
            }
        }

        return found.Where(kv => kv.Value.Answers.Count >= 2)
            .OrderByDescending(kv => kv.Value.Answers.Count).ThenByDescending(kv => kv.Value.Length).ThenBy(kv => kv.Value.First)
            .Select(kv => (kv.Key, kv.Value.Answers, kv.Value.Spots));
    }

    /// <summary>The theme in the words its answers used most (the first answer's at a tie), capitalised.</summary>
    private static string Label(string key, List<AnalysedAnswer> members)
    {
        var surface = members
            .SelectMany(a => a.Sentences.SelectMany(s => s.Surfaces.Where(p => p.Key == key).Select(p => p.Text)))
            .GroupBy(t => t.ToLowerInvariant(), StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .First().First();
        return char.ToUpper(surface[0], CultureInfo.InvariantCulture) + surface[1..];
    }

    private static string Quote(AnalysedSentence sentence, NarrativeSource source)
    {
        var text = sentence.Text;
        if (text.Length > QuoteLength)
        {
            var cut = text.LastIndexOf(' ', QuoteLength);
            text = text[..(cut > QuoteLength / 2 ? cut : QuoteLength)].TrimEnd(',', ';', ':', ' ') + "…";
        }

        return source.Author.Length == 0 ? $"“{text}”" : $"“{text}” — {source.Author}";
    }

    private static AnalysedAnswer Analyse(NarrativeSource source) =>
        new(source, SentenceSplit().Split(source.Text).Select(s => s.Trim()).Where(s => s.Length > 0).Select(AnalyseSentence).ToList());

    private static AnalysedSentence AnalyseSentence(string text)
    {
        // Content words with where they stand, so that a theme can be named by the words as typed.
        var content = Word().Matches(text)
            .Select(m => (Match: m, Word: m.Value.ToLowerInvariant().Replace("'", "", StringComparison.Ordinal).Replace("’", "", StringComparison.Ordinal)))
            .Where(w => w.Word.Length >= 3 && w.Word.Any(char.IsLetter) && !TextAnalyzer.IsStopWord(w.Word) && !StatusWords.Contains(w.Word))
            .Select(w => (w.Match, Stem: TextAnalyzer.Stem(w.Word)))
            .ToList();
        var surfaces = new List<(string Key, string Text)>();
        for (var start = 0; start < content.Count; start++)
        {
            for (var length = 1; length <= MaxPhrase && start + length <= content.Count; length++)
            {
                var first = content[start].Match;
                var last = content[start + length - 1].Match;
                var key = string.Join(' ', content.Skip(start).Take(length).Select(c => c.Stem));
                surfaces.Add((key, text[first.Index..(last.Index + last.Length)]));
            }
        }

        return new AnalysedSentence(text, surfaces.Select(s => s.Key).ToHashSet(StringComparer.Ordinal), surfaces);
    }

    private sealed record AnalysedAnswer(NarrativeSource Source, List<AnalysedSentence> Sentences);

    private sealed record AnalysedSentence(string Text, HashSet<string> Phrases, List<(string Key, string Text)> Surfaces);

    [GeneratedRegex(@"(?<=[.!?])\s+|\n+")]
    private static partial Regex SentenceSplit();

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*")]
    private static partial Regex Word();
}
