using System.Collections.Frozen;
using System.Text;
using Lucene.Net.Tartarus.Snowball.Ext;

namespace GovernanceBot.Features.Ask;

/// <summary>What the analyzer made of a text: index terms, synonym concepts, and typo corrections.</summary>
/// <param name="Terms">Stemmed content words, stop words removed, in order (repeats kept).</param>
/// <param name="Concepts">Synonym groups the text mentions, as concept terms (<c>~12</c>).</param>
/// <param name="Corrections">Typos fixed, as <c>typed → meant</c>.</param>
public sealed record AnalyzedText(IReadOnlyList<string> Terms, IReadOnlyList<string> Concepts, IReadOnlyList<(string Typed, string Meant)> Corrections)
{
    /// <summary>Terms that only a typo correction produced: weaker evidence that the question is ours.</summary>
    public IReadOnlySet<string> CorrectedOnly { get; init; } = new HashSet<string>();

    /// <summary>The text names a governance concept (a synonym group not marked weak): the sign that a question is ours.</summary>
    public bool Anchored { get; init; }
}

/// <summary>
/// Turns text into terms for ranking: lower case, split on anything not a letter or digit, English
/// (Porter2) stems, stop words dropped, governance synonyms mapped to one concept term per group (so
/// "steerco" and "governance board" meet on both the question and the passage side), and, for
/// questions, misspelt words corrected against the knowledge base's own vocabulary.
/// </summary>
public sealed class TextAnalyzer
{
    private static readonly FrozenSet<string> StopWords = (
        "a about above after again against all am an and any are aren as at be because been before being below between both but by " +
        "can cannot could couldn did didn do does doesn doing don dont down during each few for from further had hadn has hasn have haven " +
        "having he her here hers herself him himself his how i if im in into is isn it its itself just let me more most my myself " +
        "no nor not of off on once only or other ought our ours ourselves out over own same she should shouldn so some such than that " +
        "the their theirs them themselves then there these they this those through to too under until up very was wasn we were weren " +
        "what whats when where which while who whom why will with won would wouldn you your yours yourself yourselves " +
        "s t d ll re ve m pls please plz hi hello hey thanks thank really actually basically exactly anyway tell know like get got " +
        "whether also one ones thing things stuff us lot lots much many may might must shall " +
        // Words that frame a question rather than say what it is about ("what does X involve?").
        "involve involves involved mean means meant count counts exactly basically").Split(' ').ToFrozenSet(StringComparer.Ordinal);

    // In a fixed order, so that a word two stop words are near ("hwo": how, who) always gets the same one.
    private static readonly string[] OrderedStopWords = [.. StopWords.Order(StringComparer.Ordinal)];

    [ThreadStatic]
    private static EnglishStemmer? stemmer;

    // Porter2 stems "manager" and "management" alike; here they differ: "program management" is a
    // discipline, "program manager" a role, and merging them sent discipline questions to role topics.
    // "Programme" is the same word as "program" (the knowledge base follows PMI's spelling): as a stem
    // of its own it was a rare, heavily weighted term that pulled British questions to the one
    // passage about spelling.
    private static readonly FrozenDictionary<string, string> StemOverrides = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["manager"] = "manager",
        ["managers"] = "manager",
        ["programme"] = "program",
        ["programmes"] = "program",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly Dictionary<string, List<(string[] Phrase, int Group)>> phrasesByFirstStem = new(StringComparer.Ordinal);
    private readonly HashSet<int> weakGroups = [];
    private readonly FrozenSet<string> vocabulary;
    private readonly FrozenSet<string> stemVocabulary;
    private readonly Dictionary<int, List<(string Word, int Count)>> vocabularyByLength;

    /// <param name="synonymGroups">Groups of words and phrases that mean the same here.</param>
    /// <param name="corpusWordCounts">Surface words of the knowledge base with their counts, for typo correction.</param>
    public TextAnalyzer(IReadOnlyList<SynonymGroup> synonymGroups, IReadOnlyDictionary<string, int> corpusWordCounts)
    {
        for (var g = 0; g < synonymGroups.Count; g++)
        {
            if (synonymGroups[g].Weak)
            {
                weakGroups.Add(g);
            }

            foreach (var member in synonymGroups[g].Members)
            {
                var phrase = Words(member).Select(Stem).ToArray();
                if (phrase.Length == 0)
                {
                    continue;
                }

                if (!phrasesByFirstStem.TryGetValue(phrase[0], out var list))
                {
                    phrasesByFirstStem[phrase[0]] = list = [];
                }

                list.Add((phrase, g));
            }
        }

        var counts = new Dictionary<string, int>(corpusWordCounts, StringComparer.Ordinal);
        foreach (var word in synonymGroups.SelectMany(g => g.Members).SelectMany(Words))
        {
            counts[word] = counts.GetValueOrDefault(word) + 1;
        }

        vocabulary = counts.Keys.ToFrozenSet(StringComparer.Ordinal);
        stemVocabulary = counts.Keys.Select(Stem).ToFrozenSet(StringComparer.Ordinal);
        vocabularyByLength = counts
            .Where(kv => kv.Key.Length >= 3 && kv.Key.All(char.IsLetter))
            .GroupBy(kv => kv.Key.Length)
            .ToDictionary(g => g.Key, g => g.Select(kv => (kv.Key, kv.Value)).ToList());
    }

    /// <summary>Counts the surface words of some texts (the input to the constructor).</summary>
    public static Dictionary<string, int> CountWords(IEnumerable<string> texts)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var word in texts.SelectMany(Words))
        {
            counts[word] = counts.GetValueOrDefault(word) + 1;
        }

        return counts;
    }

    /// <summary>Lower-case words: letters and digits; everything else separates (apostrophes join).</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var raw in text)
        {
            var c = char.ToLowerInvariant(raw);
            if (char.IsLetterOrDigit(c))
            {
                current.Append(c);
            }
            else if (c is '\'' or '\u2019' && current.Length > 0)
            {
                // "what's" → "whats", "managers'" → "managers": keep the word whole.
                continue;
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }

        return words;
    }

    public static bool IsStopWord(string word) => StopWords.Contains(word);

    public static string Stem(string word)
    {
        if (word.Length <= 2 || !word.All(char.IsLetter))
        {
            return word;
        }

        if (StemOverrides.TryGetValue(word, out var overridden))
        {
            return overridden;
        }

        var s = stemmer ??= new EnglishStemmer();
        s.SetCurrent(word);
        s.Stem();
        return s.Current;
    }

    /// <summary>Analyzes a passage (no typo correction: the knowledge base is spelt right).</summary>
    public AnalyzedText AnalyzeDocument(string text) => Analyze(Words(text), []);

    /// <summary>Analyzes a question: fixes typos first, so a misspelt synonym still finds its group.</summary>
    public AnalyzedText AnalyzeQuery(string text)
    {
        var words = Words(text);
        var corrections = new List<(string, string)>();
        var corrected = new HashSet<string>(StringComparer.Ordinal);
        var asTyped = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (word.Length == 3 && !IsStopWord(word) && !vocabulary.Contains(word) && CorrectToStopWord(word) is { } framing)
            {
                // "wat is teh …": chat misspellings of framing words would otherwise count as unknown content.
                corrections.Add((word, framing));
                words[i] = framing;
                continue;
            }

            if (word.Length < 4 || IsStopWord(word) || vocabulary.Contains(word) || stemVocabulary.Contains(Stem(word)) || !word.All(char.IsLetter))
            {
                asTyped.Add(Stem(word));
                continue;
            }

            if (Correct(word) is { } meant)
            {
                corrections.Add((word, meant));
                corrected.Add(Stem(meant));
                words[i] = meant;
            }
            else
            {
                asTyped.Add(Stem(word));
            }
        }

        corrected.ExceptWith(asTyped);
        return Analyze(words, corrections) with { CorrectedOnly = corrected };
    }

    /// <summary>
    /// A stop word that a three-letter word misses by one letter ("wat") or by two swapped letters
    /// ("teh"). Substitutions are not tried: "cat" must not become "can" and vanish from the question.
    /// </summary>
    public static string? CorrectToStopWord(string word)
    {
        foreach (var stop in OrderedStopWords)
        {
            if (stop.Length == word.Length + 1 && Distance(word, stop, 1) == 1)
            {
                return stop;
            }

            if (stop.Length == word.Length && stop != word && Distance(word, stop, 1) == 1
                && string.Concat(stop.Order()) == string.Concat(word.Order()))
            {
                return stop;
            }
        }

        return null;
    }

    /// <summary>True when the stemmed term occurs in the knowledge base or the synonym list.</summary>
    public bool IsKnownStem(string stem) => stemVocabulary.Contains(stem);

    private AnalyzedText Analyze(List<string> words, List<(string, string)> corrections)
    {
        var stems = words.Select(Stem).ToArray();
        var terms = new List<string>(stems.Length);
        var concepts = new List<string>();
        var anchored = false;
        for (var i = 0; i < stems.Length; i++)
        {
            if (!IsStopWord(words[i]))
            {
                terms.Add(stems[i]);
            }

            if (!phrasesByFirstStem.TryGetValue(stems[i], out var phrases))
            {
                continue;
            }

            foreach (var (phrase, group) in phrases)
            {
                if (i + phrase.Length <= stems.Length && stems.AsSpan(i, phrase.Length).SequenceEqual(phrase))
                {
                    var concept = ConceptTerm(group);
                    anchored |= !weakGroups.Contains(group);
                    if (!concepts.Contains(concept))
                    {
                        concepts.Add(concept);
                    }
                }
            }
        }

        return new AnalyzedText(terms, concepts, corrections) { Anchored = anchored };
    }

    public static string ConceptTerm(int group) => $"~{group}";

    /// <summary>The most frequent knowledge-base word one edit away (two for long words), if any.</summary>
    private string? Correct(string word)
    {
        var allowed = word.Length >= 9 ? 2 : 1;
        string? best = null;
        var bestDistance = int.MaxValue;
        var bestCount = 0;
        for (var length = word.Length - allowed; length <= word.Length + allowed; length++)
        {
            if (!vocabularyByLength.TryGetValue(length, out var candidates))
            {
                continue;
            }

            foreach (var (candidate, count) in candidates)
            {
                var distance = Distance(word, candidate, allowed);
                if (distance <= allowed && (distance < bestDistance || (distance == bestDistance && count > bestCount)))
                {
                    (best, bestDistance, bestCount) = (candidate, distance, count);
                }
            }
        }

        return best;
    }

    /// <summary>Optimal string alignment distance (a swap of neighbours is one edit); stops early past <paramref name="limit"/>.</summary>
    public static int Distance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
        {
            return limit + 1;
        }

        var width = b.Length + 1;
        // Three rolling rows; words are short, so they fit on the stack.
        Span<int> rows = width * 3 <= 256 ? stackalloc int[width * 3] : new int[width * 3];
        for (var j = 0; j < width; j++)
        {
            rows[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var current = rows.Slice(i % 3 * width, width);
            var previous = rows.Slice((i + 2) % 3 * width, width);
            var older = rows.Slice((i + 1) % 3 * width, width);
            current[0] = i;
            var rowMin = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, older[j - 2] + 1);
                }

                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }

            if (rowMin > limit)
            {
                return rowMin;
            }
        }

        return rows[a.Length % 3 * width + b.Length];
    }
}
