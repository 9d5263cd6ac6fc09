using GovernanceBot.Cards;
using System.Text;

namespace GovernanceBot.Features.Ask;

/// <summary>A numbered source for an answer: a knowledge passage or a fact from the store.</summary>
/// <param name="FromStore">True for facts read from the asker's workspace, false for the knowledge base.</param>
public sealed record Grounding(int Number, string Text, CardSource Source, bool FromStore);

/// <summary>The answer the knowledge base gives without a model.</summary>
/// <param name="Declined">The question is off-topic: say so rather than guess.</param>
/// <param name="Answer">A short answer citing <c>[1]</c>.</param>
/// <param name="Sources">The passages shown (and cited), best first.</param>
/// <param name="Topic">The best topic, when there is one.</param>
internal sealed record KnowledgeAnswer(bool Declined, string Answer, IReadOnlyList<Grounding> Sources, KnowledgeTopic? Topic)
{
    /// <summary>The broad program-vs-product topic won: the comparison card answers it best.</summary>
    public bool IsRolesComparison => !Declined && Topic?.Id == KnowledgeAnswers.RolesTopic;
}

/// <summary>Turns a retrieval into a concise, cited answer: the best sentences of the best passage, and up to three sources.</summary>
internal sealed class KnowledgeAnswers(PassageIndex index)
{
    public const string RolesTopic = "program-vs-product-manager";
    private const int MaxSources = 3;
    private const int MaxSourceChars = 420;

    public PassageIndex Index => index;

    public KnowledgeAnswer Compose(Retrieval retrieval)
    {
        if (retrieval.OffTopic || retrieval.Best is not { } best)
        {
            return new KnowledgeAnswer(true, string.Empty, [], null);
        }

        var chosen = new List<RankedPassage> { best.Passages[0] };
        var top = best.Passages[0].Score;
        // Another passage earns a place when it is nearly as relevant: from the same topic first, then the runners-up.
        chosen.AddRange(best.Passages.Skip(1).Where(p => p.Score >= 0.6 * top).Take(1));
        chosen.AddRange(retrieval.Topics.Skip(1).Select(t => t.Passages[0]).Where(p => p.Score >= 0.75 * top));
        var sources = chosen.Take(MaxSources)
            .Select((p, i) => new Grounding(i + 1, Trim(p.Passage.Text, MaxSourceChars), SourceOf(p.Passage), FromStore: false))
            .ToList();

        var terms = retrieval.Analyzed ?? index.Analyzer.AnalyzeQuery(retrieval.Question);
        var answer = BestSentences(best.Passages[0].Passage.Text, terms, 2) + " [1]";
        return new KnowledgeAnswer(false, answer, sources, best.Topic);
    }

    public CardSource SourceOf(KnowledgePassage passage)
    {
        var topic = index.Knowledge.Topic(passage.TopicId)!;
        var detail = new StringBuilder($"GovernanceBot knowledge base, {topic.Id}.md");
        if (topic.Sources.Count > 0)
        {
            detail.Append("; after ").Append(string.Join("; ", topic.Sources));
        }

        return new CardSource($"{topic.Title}: {passage.Heading}", detail.ToString(), string.Empty);
    }

    /// <summary>The sentences sharing most terms with the question, in their original order.</summary>
    public static string BestSentences(string text, AnalyzedText question, int count)
    {
        var sentences = Sentences(text);
        if (sentences.Count <= count)
        {
            return text;
        }

        var wanted = new HashSet<string>(question.Terms.Concat(question.Concepts), StringComparer.Ordinal);
        var analyzer = (Func<string, IEnumerable<string>>)(s => TextAnalyzer.Words(s).Where(w => !TextAnalyzer.IsStopWord(w)).Select(TextAnalyzer.Stem));
        var picked = sentences
            .Select((s, i) => (Sentence: s, Index: i, Score: analyzer(s).Distinct(StringComparer.Ordinal).Count(wanted.Contains) + (i == 0 ? 0.5 : 0)))
            .OrderByDescending(s => s.Score)
            .ThenBy(s => s.Index)
            .Take(count)
            .OrderBy(s => s.Index)
            .Select(s => s.Sentence);
        return string.Join(' ', picked);
    }

    public static List<string> Sentences(string text)
    {
        var sentences = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '.' or '?' or '!' && (i + 1 == text.Length || (text[i + 1] == ' ' && i + 2 < text.Length && char.IsUpper(text[i + 2]))))
            {
                sentences.Add(text[start..(i + 1)].Trim());
                start = i + 1;
            }
        }

        if (start < text.Length && text[start..].Trim() is { Length: > 0 } rest)
        {
            sentences.Add(rest);
        }

        return sentences;
    }

    /// <summary>Whole sentences up to about <paramref name="max"/> characters.</summary>
    public static string Trim(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var result = new StringBuilder();
        foreach (var sentence in Sentences(text))
        {
            if (result.Length > 0 && result.Length + sentence.Length + 1 > max)
            {
                break;
            }

            result.Append(result.Length > 0 ? " " : string.Empty).Append(sentence);
        }

        return result.Length <= max ? result.ToString() : result.ToString(0, max - 1).TrimEnd() + "…";
    }
}
