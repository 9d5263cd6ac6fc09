using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Features.Ask;

namespace GovernanceBot.Bench;

/// <summary>One question of <c>tests/bench/qa/questions.json</c>.</summary>
public sealed record QaQuestion(string Q, string? Topic, string Kind);

/// <summary>
/// <c>qa</c>: runs both halves of the evaluation set (tuning and held-out) through the offline answer path and, in the same run, through a
/// plain TF-IDF baseline (no stemming, synonyms or typo correction), and reports top-1/top-3
/// accuracy and latency for both so the figures read as ratios.
/// </summary>
public static class QaBenchmark
{
    private const int TimedRounds = 10;

    public static int Run(string[] args)
    {
        var root = RepositoryRoot();
        var questionsPath = Option(args, "--questions") ?? Path.Combine(root, "tests", "bench", "qa", "questions.json");
        var heldOutPath = Option(args, "--heldout") ?? Path.Combine(Path.GetDirectoryName(questionsPath)!, "heldout.json");
        var knowledgeFolder = Option(args, "--knowledge") ?? Path.Combine(root, "bot", "knowledge");
        var outFolder = Option(args, "--out") ?? Path.Combine(root, "tests", "bench", "qa", "results");
        var showMisses = args.Contains("--misses");
        var explain = args.Contains("--explain");

        var questions = Load(questionsPath);
        // The held-out half is measured and reported, never swept or explained: tuning reads only the tuning half.
        var heldOut = File.Exists(heldOutPath) ? Load(heldOutPath) : [];
        var equivalentsPath = Path.Combine(Path.GetDirectoryName(questionsPath)!, "equivalents.json");
        var equivalents = File.Exists(equivalentsPath)
            ? JsonSerializer.Deserialize(File.ReadAllText(equivalentsPath), BenchJson.Default.DictionaryStringListString) ?? []
            : [];

        var build = Stopwatch.StartNew();
        var knowledge = KnowledgeBase.Load(knowledgeFolder);
        var index = new PassageIndex(knowledge);
        var answers = new KnowledgeAnswers(index);
        var buildTime = build.Elapsed;
        var baseline = new TfIdfBaseline(knowledge);
        if (args.Contains("--sweep"))
        {
            Sweep(knowledge, questions, equivalents);
            return 0;
        }

        if (explain)
        {
            foreach (var q in questions)
            {
                var r = index.Search(q.Q);
                var t0 = Stopwatch.GetTimestamp();
                index.Analyzer.AnalyzeQuery(q.Q);
                var analyzeMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                t0 = Stopwatch.GetTimestamp();
                answers.Compose(r);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"analyze {analyzeMs:0.00} ms, compose {Stopwatch.GetElapsedTime(t0).TotalMilliseconds:0.00} ms"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(q.Topic is null ? "OFF" : "on ")} cov={r.Coverage:0.00} str={r.Strength:0.00} top={r.Best?.Topic.Id}({r.Best?.Score:0.0}) fix={string.Join(",", r.Corrections.Select(c => c.Typed + ">" + c.Meant))} | {q.Q}"));
                foreach (var t in r.Topics.Take(3))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {t.Score:0.00} {t.Topic.Id}: {string.Join("; ", t.Passages.Take(2).Select(p => $"{p.Score:0.00} {p.Passage.Heading}"))}"));
                }
            }
        }

        Func<string, IReadOnlyList<string>> ours = q =>
        {
            var retrieval = index.Search(q);
            answers.Compose(retrieval);
            return retrieval.OffTopic ? [] : retrieval.Topics.Select(t => t.Topic.Id).ToList();
        };
        const string oursName = "GovernanceBot retrieval (BM25F, stems, synonyms, typos)";
        const string baselineName = "Baseline (plain TF-IDF cosine)";
        var halves = new List<Half> { new("Tuning half", Path.GetFileName(questionsPath), Measure(oursName, questions, equivalents, ours), Measure(baselineName, questions, equivalents, baseline.Rank)) };
        if (heldOut.Count > 0)
        {
            halves.Add(new("Held-out half", Path.GetFileName(heldOutPath), Measure(oursName, heldOut, equivalents, ours), Measure(baselineName, heldOut, equivalents, baseline.Rank)));
        }

        var report = Report(equivalents.Count, knowledge, index.PassageCount, buildTime, halves, showMisses);
        Directory.CreateDirectory(outFolder);
        var file = Path.Combine(outFolder, $"qa-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md");
        File.WriteAllText(file, report);
        Console.WriteLine(report);
        Console.WriteLine($"Report written to {file}");
        return 0;
    }

    private static List<QaQuestion> Load(string path) =>
        JsonSerializer.Deserialize(File.ReadAllText(path), BenchJson.Default.ListQaQuestion)
        ?? throw new InvalidDataException($"{path} holds no questions.");

    private sealed record Half(string Name, string File, Measurement Engine, Measurement Baseline);

    private sealed record Outcome(QaQuestion Question, IReadOnlyList<string> Ranked, bool Top1, bool Top3);

    /// <param name="P99OfMediansMs">p99 over questions of each question's median time: the slowest questions, without one-off scheduler stalls.</param>
    private sealed record Measurement(string Name, IReadOnlyList<Outcome> Outcomes, double P50Ms, double P99Ms, double P99OfMediansMs, IReadOnlyList<(string Question, double MedianMs)> Slowest)
    {
        public double Top1 => Outcomes.Count(o => o.Top1) * 100.0 / Outcomes.Count;
        public double Top3 => Outcomes.Count(o => o.Top3) * 100.0 / Outcomes.Count;

        /// <summary>"declined / off-topic questions", e.g. "12 of 12".</summary>
        public string OffTopicDeclined => $"{Outcomes.Count(o => o.Question.Topic is null && o.Top1)} of {Outcomes.Count(o => o.Question.Topic is null)}";
    }

    private static Measurement Measure(string name, List<QaQuestion> questions, Dictionary<string, List<string>> equivalents, Func<string, IReadOnlyList<string>> rank)
    {
        // Warm up (JIT, caches), then time every question several times.
        var outcomes = questions.Select(q => Judge(q, rank(q.Q), equivalents)).ToList();
        var timings = new List<double>(questions.Count * TimedRounds);
        var perQuestion = questions.Select(_ => new List<double>(TimedRounds)).ToList();
        for (var round = 0; round < TimedRounds; round++)
        {
            for (var i = 0; i < questions.Count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                rank(questions[i].Q);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                timings.Add(ms);
                perQuestion[i].Add(ms);
            }
        }

        timings.Sort();
        var medians = perQuestion.Select(t => Percentile([.. t.Order()], 0.5)).Order().ToList();
        var slowest = questions.Select((q, i) => (q.Q, Percentile([.. perQuestion[i].Order()], 0.5))).OrderByDescending(x => x.Item2).Take(3).ToList();
        return new Measurement(name, outcomes, Percentile(timings, 0.50), Percentile(timings, 0.99), Percentile(medians, 0.99), slowest);
    }

    private static Outcome Judge(QaQuestion q, IReadOnlyList<string> ranked, Dictionary<string, List<string>> equivalents)
    {
        if (q.Topic is null)
        {
            // Off-topic questions are right when declined, wherever that is counted.
            var declined = ranked.Count == 0;
            return new Outcome(q, ranked, declined, declined);
        }

        var accepted = new HashSet<string>(equivalents.GetValueOrDefault(q.Q) ?? [], StringComparer.Ordinal) { q.Topic };
        return new Outcome(q, ranked, ranked.Count > 0 && accepted.Contains(ranked[0]), ranked.Take(3).Any(accepted.Contains));
    }

    /// <summary>Tries a grid of ranking knobs and prints the best; for choosing defaults, not for the report.</summary>
    private static void Sweep(KnowledgeBase knowledge, List<QaQuestion> questions, Dictionary<string, List<string>> equivalents)
    {
        var results = new List<(double Top1, double Top3, string Knobs)>();
        foreach (var share in new[] { 0.0, 0.15, 0.3 })
        foreach (var title in new[] { 1.0, 2.0, 3.0 })
        foreach (var heading in new[] { 1.0, 2.0 })
        foreach (var tags in new[] { 1.5, 3.0, 4.5 })
        foreach (var concept in new[] { 0.5, 1.0, 1.5 })
        foreach (var b in new[] { 0.5, 0.75 })
        {
            var options = new RankingOptions { SecondPassageShare = share, TitleWeight = title, HeadingWeight = heading, TagsWeight = tags, ConceptWeight = concept, B = b };
            var index = new PassageIndex(knowledge, options);
            var outcomes = questions.Select(q =>
            {
                var r = index.Search(q.Q);
                return Judge(q, r.OffTopic ? [] : r.Topics.Select(t => t.Topic.Id).ToList(), equivalents);
            }).ToList();
            results.Add((outcomes.Count(o => o.Top1) * 100.0 / outcomes.Count, outcomes.Count(o => o.Top3) * 100.0 / outcomes.Count,
                string.Create(CultureInfo.InvariantCulture, $"share={share} title={title} heading={heading} tags={tags} concept={concept} b={b}")));
        }

        foreach (var r in results.OrderByDescending(r => r.Top1).ThenByDescending(r => r.Top3).Take(25))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Top1:0.0} {r.Top3:0.0} {r.Knobs}"));
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string Report(int equivalentCount, KnowledgeBase knowledge, int passages, TimeSpan build, IReadOnlyList<Half> halves, bool showMisses)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"# Q&A evaluation — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine(c, $"{string.Join(" and ", halves.Select(h => $"{h.Engine.Outcomes.Count} questions in the {h.Name.ToLowerInvariant()} ({h.File})"))}; {knowledge.Topics.Count} topics, {passages} passages; index built in {build.TotalMilliseconds:0} ms. " +
            $"{equivalentCount} question(s) accept a documented equivalent topic (tests/bench/qa/equivalents.json). Off-topic questions count as right when declined. " +
            $"Latency: {TimedRounds} timed rounds after a warm-up, offline, one thread.");
        text.AppendLine();
        text.AppendLine("| half | ranking | top-1 | top-3 | off-topic declined | p50 | p99 | p99 of per-question medians |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var half in halves)
        {
            foreach (var m in new[] { half.Engine, half.Baseline })
            {
                text.AppendLine(c, $"| {half.Name} | {m.Name} | {m.Top1:0.0} % | {m.Top3:0.0} % | {m.OffTopicDeclined} | {m.P50Ms:0.000} ms | {m.P99Ms:0.000} ms | {m.P99OfMediansMs:0.000} ms |");
            }
        }

        if (File.Exists("/proc/loadavg"))
        {
            // Wall-clock p99 includes time the thread was not scheduled: read it against the machine's load.
            text.AppendLine();
            text.AppendLine(c, $"Machine load average while measuring (1, 5, 15 min): {string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))} on {Environment.ProcessorCount} cores.");
        }

        foreach (var half in halves)
        {
            var (engine, baseline) = (half.Engine, half.Baseline);
            text.AppendLine();
            text.AppendLine(c, $"## {half.Name} ({half.File})");
            text.AppendLine();
            text.AppendLine(c, $"Slowest questions (median): {string.Join("; ", engine.Slowest.Select(s => $"\"{s.Question}\" {s.MedianMs:0.00} ms"))}.");
            text.AppendLine();
            text.AppendLine(c, $"Ratios (ours / baseline): top-1 ×{Ratio(engine.Top1, baseline.Top1)}, top-3 ×{Ratio(engine.Top3, baseline.Top3)}.");
            text.AppendLine();
            text.AppendLine("| kind | questions | top-1 | top-3 | baseline top-1 |");
            text.AppendLine("|---|---|---|---|---|");
            foreach (var kind in engine.Outcomes.GroupBy(o => o.Question.Kind))
            {
                var b = baseline.Outcomes.Where(o => o.Question.Kind == kind.Key).ToList();
                text.AppendLine(c, $"| {kind.Key} | {kind.Count()} | {kind.Count(o => o.Top1)} | {kind.Count(o => o.Top3)} | {b.Count(o => o.Top1)} |");
            }

            var misses = engine.Outcomes.Where(o => !o.Top1).ToList();
            text.AppendLine();
            text.AppendLine(c, $"### Top-1 misses ({misses.Count})");
            foreach (var miss in misses)
            {
                var got = miss.Ranked.Count == 0 ? "declined" : string.Join(", ", miss.Ranked.Take(3));
                text.AppendLine(c, $"- \"{miss.Question.Q}\" — expected {miss.Question.Topic ?? "decline"}; got {got}");
            }

            if (showMisses)
            {
                var baselineMisses = baseline.Outcomes.Where(o => !o.Top1).ToList();
                text.AppendLine();
                text.AppendLine(c, $"### Baseline top-1 misses ({baselineMisses.Count})");
                foreach (var miss in baselineMisses)
                {
                    text.AppendLine(c, $"- \"{miss.Question.Q}\" — expected {miss.Question.Topic ?? "decline"}; got {(miss.Ranked.Count == 0 ? "declined" : miss.Ranked[0])}");
                }
            }
        }

        return text.ToString();
    }

    private static string Ratio(double ours, double theirs) => theirs == 0 ? "∞" : (ours / theirs).ToString("0.00", CultureInfo.InvariantCulture);

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GovernanceBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Run from inside the repository (no GovernanceBot.sln above the current folder).");
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<QaQuestion>))]
[JsonSerializable(typeof(Dictionary<string, List<string>>))]
internal sealed partial class BenchJson : JsonSerializerContext;
