namespace GovernanceBot.Features.Ask;

/// <summary>A passage with its relevance to one question.</summary>
internal sealed record RankedPassage(KnowledgePassage Passage, double Score);

/// <summary>A topic with its relevance and its passages, best first.</summary>
internal sealed record RankedTopic(KnowledgeTopic Topic, double Score, IReadOnlyList<RankedPassage> Passages);

/// <summary>What the retrieval found for one question.</summary>
/// <param name="Topics">Topics, best first (empty when nothing matched at all).</param>
/// <param name="OffTopic">The question is outside what the knowledge base covers: decline it.</param>
/// <param name="Coverage">Share of the question's content words the knowledge base knows (0–1).</param>
/// <param name="Strength">The best topic's score per content word of the question.</param>
/// <param name="Corrections">Typos fixed before searching.</param>
internal sealed record Retrieval(string Question, IReadOnlyList<RankedTopic> Topics, bool OffTopic, double Coverage, double Strength, IReadOnlyList<(string Typed, string Meant)> Corrections)
{
    /// <summary>The question as the analyzer saw it (after typo correction).</summary>
    public AnalyzedText? Analyzed { get; init; }

    public RankedTopic? Best => Topics.Count > 0 ? Topics[0] : null;
}

/// <summary>The kind of question a question or a passage heading asks.</summary>
internal enum QuestionShape { None, Who, How, Why, When, Where, What, WhatDoes }

/// <summary>Knobs of the ranking; the defaults are the ones the evaluation set was measured with.</summary>
internal sealed record RankingOptions
{
    public double K1 { get; init; } = 1.2;
    public double B { get; init; } = 0.75;
    public double TitleWeight { get; init; } = 1.0;
    public double TagsWeight { get; init; } = 4.5;
    public double HeadingWeight { get; init; } = 2.0;
    public double BodyWeight { get; init; } = 1.0;
    /// <summary>Weight of a synonym concept term relative to a word.</summary>
    public double ConceptWeight { get; init; } = 1.5;
    /// <summary>A topic scores its best passage plus this share of its second best.</summary>
    public double SecondPassageShare { get; init; } = 0.15;
    /// <summary>Below this share of known content words a question is off-topic.</summary>
    public double MinCoverage { get; init; } = 0.66;
    /// <summary>Below this best-topic score (per known query term) a question is off-topic.</summary>
    public double MinScorePerTerm { get; init; } = 0.5;
    /// <summary>A question that names no governance concept (see <see cref="AnalyzedText.Anchored"/>) is off-topic, however many everyday words it shares with the knowledge base.</summary>
    public bool RequireAnchor { get; init; } = true;
    /// <summary>A topic whose <see cref="KnowledgeTopic.Needs"/> the question does not meet keeps this share of its score.</summary>
    public double NeedsPenalty { get; init; } = 0.5;
    /// <summary>
    /// A passage whose heading is nearly the question ("what is a program?" and "What is a program?":
    /// an overlap (Jaccard) of at least <see cref="HeadingMatchMinOverlap"/>) scores this share of the overlap more.
    /// </summary>
    public double HeadingMatchWeight { get; init; } = 0.5;
    public double HeadingMatchMinOverlap { get; init; } = 0.5;
    /// <summary>A broad topic keeps this share of its score when the question names the aspect one of its <see cref="KnowledgeTopic.Narrower"/> topics is about.</summary>
    public double BroadPenalty { get; init; } = 0.6;
    /// <summary>Within a topic, a passage whose heading asks the question's kind of question (who, how, why, what … does) is preferred by this factor; one that asks another kind loses it.</summary>
    public double ShapeFactor { get; init; } = 1.2;
}

/// <summary>
/// BM25F over the knowledge base's passages: each passage is scored on four fields (its topic's
/// title and tags, its heading, its text) with per-field length normalisation, then topics are
/// ranked by their best passages. Built once; searching allocates little and takes well under a
/// millisecond for the whole knowledge base.
/// </summary>
internal sealed class PassageIndex
{
    private readonly KnowledgeBase knowledge;
    private readonly RankingOptions options;
    private readonly KnowledgePassage[] passages;
    private readonly KnowledgeTopic[] topicOfPassage;
    private readonly Dictionary<string, (double Idf, (int Passage, double Tf)[] Postings)> postings = new(StringComparer.Ordinal);
    private readonly HashSet<string>[] headingTerms;
    private readonly QuestionShape[] headingShapes;
    private readonly Dictionary<string, List<AnalyzedText>> needsByTopic = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> aspectsByBroadTopic = new(StringComparer.Ordinal);

    public PassageIndex(KnowledgeBase knowledge, RankingOptions? options = null)
    {
        this.knowledge = knowledge;
        this.options = options ?? new RankingOptions();
        passages = knowledge.Topics.SelectMany(t => t.Passages).ToArray();
        topicOfPassage = knowledge.Topics.SelectMany(t => t.Passages.Select(_ => t)).ToArray();
        Analyzer = new TextAnalyzer(knowledge.SynonymGroups, TextAnalyzer.CountWords(
            knowledge.Topics.SelectMany(t => t.Passages.SelectMany(p => new[] { t.Title, string.Join(' ', t.Tags), p.Heading, p.Text })).Distinct()));

        var fieldWeights = new[] { this.options.TitleWeight, this.options.TagsWeight, this.options.HeadingWeight, this.options.BodyWeight };
        var fields = passages.Select((p, i) => new[]
        {
            Terms(Analyzer.AnalyzeDocument(topicOfPassage[i].Title)),
            Terms(Analyzer.AnalyzeDocument(string.Join(", ", topicOfPassage[i].Tags))),
            Terms(Analyzer.AnalyzeDocument(p.Heading)),
            Terms(Analyzer.AnalyzeDocument(p.Text)),
        }).ToArray();
        headingTerms = fields.Select(f => f[2].ToHashSet(StringComparer.Ordinal)).ToArray();
        headingShapes = passages.Select(p => Shape(p.Heading)).ToArray();
        foreach (var topic in knowledge.Topics.Where(t => t.Needs.Count > 0))
        {
            needsByTopic[topic.Id] = topic.Needs.Select(Analyzer.AnalyzeDocument).ToList();
        }

        foreach (var topic in knowledge.Topics.Where(t => t.Narrower.Count > 0))
        {
            aspectsByBroadTopic[topic.Id] = Aspects(topic);
        }

        var averageLength = Enumerable.Range(0, 4).Select(f => Math.Max(1.0, fields.Average(p => p[f].Count))).ToArray();

        var weighted = new Dictionary<string, List<(int, double)>>(StringComparer.Ordinal);
        for (var p = 0; p < passages.Length; p++)
        {
            var tf = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var f = 0; f < 4; f++)
            {
                var norm = 1 - this.options.B + this.options.B * fields[p][f].Count / averageLength[f];
                foreach (var group in fields[p][f].GroupBy(t => t, StringComparer.Ordinal))
                {
                    tf[group.Key] = tf.GetValueOrDefault(group.Key) + fieldWeights[f] * group.Count() / norm;
                }
            }

            foreach (var (term, value) in tf)
            {
                if (!weighted.TryGetValue(term, out var list))
                {
                    weighted[term] = list = [];
                }

                list.Add((p, value));
            }
        }

        var n = passages.Length;
        foreach (var (term, list) in weighted)
        {
            var idf = Math.Log(1 + (n - list.Count + 0.5) / (list.Count + 0.5));
            postings[term] = (idf, list.ToArray());
        }
    }

    public TextAnalyzer Analyzer { get; }

    public KnowledgeBase Knowledge => knowledge;

    public int PassageCount => passages.Length;

    public Retrieval Search(string question, int maxTopics = 5)
    {
        var analyzed = Analyzer.AnalyzeQuery(question);
        var scores = new double[passages.Length];
        var knownTerms = 0.0;
        foreach (var term in analyzed.Terms.Distinct(StringComparer.Ordinal))
        {
            // A word known only after a typo fix is half as good a sign that the question is ours,
            // unless the question names a governance concept anyway.
            var evidence = analyzed.CorrectedOnly.Contains(term) && !analyzed.Anchored ? 0.5 : 1.0;
            if (postings.TryGetValue(term, out var entry))
            {
                knownTerms += evidence;
                Accumulate(entry, 1.0, scores);
            }
            else if (Analyzer.IsKnownStem(term))
            {
                knownTerms += evidence;
            }
        }

        foreach (var concept in analyzed.Concepts)
        {
            if (postings.TryGetValue(concept, out var entry))
            {
                Accumulate(entry, options.ConceptWeight, scores);
            }
        }

        var contentTerms = analyzed.Terms.Distinct(StringComparer.Ordinal).Count();
        var coverage = contentTerms == 0 ? 0 : knownTerms / contentTerms;

        var asked = analyzed.Terms.Concat(analyzed.Concepts).ToHashSet(StringComparer.Ordinal);
        var shape = Shape(question);
        var topics = Enumerable.Range(0, passages.Length)
            .Where(p => scores[p] > 0)
            .Select(p => (Passage: p, Score: scores[p] * HeadingMatch(asked, headingTerms[p])))
            .GroupBy(p => topicOfPassage[p.Passage].Id, StringComparer.Ordinal)
            .Select(g =>
            {
                var ranked = g.OrderByDescending(p => p.Score).Select(p => new RankedPassage(passages[p.Passage], p.Score)).ToList();
                var score = ranked[0].Score + (ranked.Count > 1 ? options.SecondPassageShare * ranked[1].Score : 0);
                if (needsByTopic.TryGetValue(g.Key, out var needs) && !needs.Any(n => Meets(analyzed, n)))
                {
                    score *= options.NeedsPenalty;
                }

                if (aspectsByBroadTopic.TryGetValue(g.Key, out var aspects) && analyzed.Concepts.Any(aspects.Contains))
                {
                    score *= options.BroadPenalty;
                }

                // Which passage answers best also depends on the kind of question: "what does a
                // steering committee do" wants "What a governance board does", not "Who sits on…".
                var answering = g.OrderByDescending(p => p.Score * ShapeFit(shape, headingShapes[p.Passage]))
                    .Select(p => new RankedPassage(passages[p.Passage], p.Score)).ToList();
                return new RankedTopic(knowledge.Topic(g.Key)!, score, answering);
            })
            .OrderByDescending(t => t.Score)
            .Take(maxTopics)
            .ToList();

        var scorePerTerm = topics.Count == 0 || knownTerms == 0 ? 0 : topics[0].Score / Math.Max(1, contentTerms);
        var offTopic = topics.Count == 0 || coverage < options.MinCoverage || scorePerTerm < options.MinScorePerTerm
            || (options.RequireAnchor && !analyzed.Anchored);
        return new Retrieval(question, topics, offTopic, coverage, scorePerTerm, analyzed.Corrections) { Analyzed = analyzed };
    }

    /// <summary>
    /// The synonym concepts that name what a broad topic's narrower topics are each about: those in a
    /// narrower topic's title or tags but not in the broad topic's own ("scope", "skills"; not
    /// "program manager", which they all share).
    /// </summary>
    private HashSet<string> Aspects(KnowledgeTopic broad)
    {
        var own = Labels(broad);
        var aspects = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in broad.Narrower)
        {
            var narrower = knowledge.Topic(id) ?? throw new InvalidDataException($"{broad.Id}.md: narrower topic '{id}' does not exist.");
            aspects.UnionWith(Labels(narrower).Except(own));
        }

        return aspects;

        IEnumerable<string> Labels(KnowledgeTopic topic) => Analyzer.AnalyzeDocument($"{topic.Title}, {string.Join(", ", topic.Tags)}").Concepts;
    }

    /// <summary>A need is met by any of its synonym concepts, or by all of its words.</summary>
    private static bool Meets(AnalyzedText question, AnalyzedText need) =>
        need.Concepts.Count > 0
            ? need.Concepts.Any(question.Concepts.Contains)
            : need.Terms.Count > 0 && need.Terms.All(question.Terms.Contains);

    private double HeadingMatch(HashSet<string> asked, HashSet<string> heading)
    {
        if (asked.Count == 0 || heading.Count == 0)
        {
            return 1;
        }

        var shared = heading.Count(asked.Contains);
        var overlap = (double)shared / (asked.Count + heading.Count - shared);
        return overlap >= options.HeadingMatchMinOverlap ? 1 + options.HeadingMatchWeight * overlap : 1;
    }

    private double ShapeFit(QuestionShape question, QuestionShape heading) =>
        question == QuestionShape.None || heading == QuestionShape.None ? 1
        : question == heading ? options.ShapeFactor
        : 1 / options.ShapeFactor;

    /// <summary>The kind of question a text asks, from its first question word (and, for "what", whether it ends in "do").</summary>
    public static QuestionShape Shape(string text)
    {
        var words = TextAnalyzer.Words(text);
        var first = words.FirstOrDefault(w => w is "who" or "whom" or "whose" or "how" or "why" or "when" or "where" or "what" or "whats" or "which");
        return first switch
        {
            null => QuestionShape.None,
            "who" or "whom" or "whose" => QuestionShape.Who,
            "how" => QuestionShape.How,
            "why" => QuestionShape.Why,
            "when" => QuestionShape.When,
            "where" => QuestionShape.Where,
            _ => words[^1] is "do" or "does" or "did" ? QuestionShape.WhatDoes : QuestionShape.What,
        };
    }

    private void Accumulate((double Idf, (int Passage, double Tf)[] Postings) entry, double weight, double[] scores)
    {
        foreach (var (p, tf) in entry.Postings)
        {
            scores[p] += weight * entry.Idf * tf * (options.K1 + 1) / (options.K1 + tf);
        }
    }

    private static List<string> Terms(AnalyzedText text) => [.. text.Terms, .. text.Concepts];
}
