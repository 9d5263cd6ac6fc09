using GovernanceBot.Features.Ask;

namespace GovernanceBot.Bench;

/// <summary>
/// The yardstick: TF-IDF vectors over the same passages, cosine similarity, words as typed (lower
/// case, stop words dropped) — no stems, synonyms, typo correction or fields. Declines only when no
/// word of the question occurs anywhere.
/// </summary>
public sealed class TfIdfBaseline
{
    private readonly (string Topic, Dictionary<string, double> Vector, double Norm)[] passages;
    private readonly Dictionary<string, double> idf;

    public TfIdfBaseline(KnowledgeBase knowledge)
    {
        var docs = knowledge.Topics
            .SelectMany(t => t.Passages.Select(p => (Topic: t.Id, Words: Words($"{t.Title} {p.Heading} {p.Text}"))))
            .ToList();
        idf = docs.SelectMany(d => d.Words.Distinct())
            .GroupBy(w => w)
            .ToDictionary(g => g.Key, g => Math.Log((double)docs.Count / g.Count()));
        passages = docs.Select(d =>
        {
            var vector = Vector(d.Words);
            return (d.Topic, vector, Norm(vector));
        }).ToArray();
    }

    public IReadOnlyList<string> Rank(string question)
    {
        var vector = Vector(Words(question));
        var norm = Norm(vector);
        if (norm == 0)
        {
            return [];
        }

        return passages
            .Select(p => (p.Topic, Score: vector.Sum(kv => kv.Value * p.Vector.GetValueOrDefault(kv.Key)) / (norm * p.Norm)))
            .Where(p => p.Score > 0)
            .GroupBy(p => p.Topic)
            .Select(g => (Topic: g.Key, Score: g.Max(p => p.Score)))
            .OrderByDescending(t => t.Score)
            .Select(t => t.Topic)
            .Take(5)
            .ToList();
    }

    private static List<string> Words(string text) => TextAnalyzer.Words(text).Where(w => !TextAnalyzer.IsStopWord(w)).ToList();

    private Dictionary<string, double> Vector(List<string> words) => words
        .Where(idf.ContainsKey)
        .GroupBy(w => w)
        .ToDictionary(g => g.Key, g => g.Count() * idf[g.Key]);

    private static double Norm(Dictionary<string, double> vector) => Math.Sqrt(vector.Values.Sum(v => v * v));
}
