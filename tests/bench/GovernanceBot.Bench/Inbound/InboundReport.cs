using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GovernanceBot.Bench.Inbound;

/// <summary>One target's figures.</summary>
public sealed record TargetResult(
    string Target,
    long Acknowledged,
    long Errors,
    IReadOnlyDictionary<string, int> ErrorKinds,
    double Seconds,
    double PerSecond,
    double P50Ms,
    double P99Ms,
    double CpuSeconds,
    double BenchCpuSeconds,
    long? Answered,
    double? AllAnsweredAfterSeconds,
    string LoadAverage,
    string? SampleAnswer)
{
    public static TargetResult From(string target, LoadResult load, TimeSpan cpu, TimeSpan benchCpu, long? answered, double? allAnsweredAfter, string loadAverage, string? sampleAnswer) =>
        new(target, load.Acknowledged, load.Errors, load.ErrorKinds, load.Elapsed.TotalSeconds, load.PerSecond, load.P50Ms, load.P99Ms,
            cpu.TotalSeconds, benchCpu.TotalSeconds, answered, allAnsweredAfter, loadAverage, sampleAnswer);

    /// <summary>Share of one core the target used while under load.</summary>
    public double CpuPercent => Seconds > 0 ? 100 * CpuSeconds / Seconds : 0;

    /// <summary>Share of one core the benchmark itself (load generator and fakes) used meanwhile.</summary>
    public double BenchCpuPercent => Seconds > 0 ? 100 * BenchCpuSeconds / Seconds : 0;

    public bool EveryAcknowledgedAnswered => Answered is { } answered && answered >= Acknowledged;

    /// <summary>Which round of <see cref="InboundOptions.Rounds"/> this was.</summary>
    public int Round { get; init; } = 1;

    /// <summary>Answered when the load ended (the rest came after the last acknowledgement).</summary>
    public long? AnsweredAtLastAck { get; init; }

    /// <summary>The target's CPU from the start of the timed load until every answer was out.</summary>
    public double? CpuSecondsUntilAnswered { get; init; }

    /// <summary>Answers per second after the last acknowledgement: how fast the backlog is worked off.</summary>
    public double? AnswersPerSecondAfterLoad =>
        Answered is { } answered && AnsweredAtLastAck is { } before && AllAnsweredAfterSeconds is { } s && s > 0 ? (answered - before) / s : null;

    /// <summary>The target's CPU per acknowledged message, acknowledging and answering it: less moved by a busy machine than rates are.</summary>
    public double? CpuMsPerMessage => CpuSecondsUntilAnswered is { } cpu && Acknowledged > 0 && EveryAcknowledgedAnswered ? 1000 * cpu / Acknowledged : null;
}

/// <summary>A ratio or threshold the inbound issue sets as a goal, with whether this run met it.</summary>
public sealed record GoalCheck(string Measure, string Value, string Goal, bool Met);

/// <summary>The run, as markdown for people and JSON for tools.</summary>
public sealed record InboundReport(
    DateTimeOffset At,
    InboundOptions Options,
    int Cores,
    string? Commit,
    string? BoltVersion,
    string? BotbuilderVersion,
    IReadOnlyList<TargetResult> Results)
{
    public static string Line(TargetResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{InboundBenchmark.Title(r.Target)}: {r.PerSecond:N0} req/s, {r.Errors} errors, p50 {r.P50Ms:0.0} ms, p99 {r.P99Ms:0.0} ms, CPU {r.CpuPercent:0}%, {Answers(r)}{(r.CpuMsPerMessage is { } ms ? $", {ms:0.00} ms CPU per message" : "")}");

    /// <summary>
    /// The goals, each judged on targets measured side by side: a ratio is taken within a round and
    /// the median of the rounds' ratios is judged; p99 is the worst round's; every round must have
    /// answered everything it acknowledged.
    /// </summary>
    public IReadOnlyList<GoalCheck> Goals()
    {
        var rounds = Results.GroupBy(r => r.Round).OrderBy(g => g.Key).Select(g => g.ToDictionary(r => r.Target)).ToList();
        var goals = new List<GoalCheck>();
        foreach (var (bot, peer, peerName) in new[] { ("bot-slack", "bolt", "@slack/bolt"), ("bot-teams", "botbuilder", "botbuilder-js") })
        {
            var mine = rounds.Where(r => r.ContainsKey(bot)).Select(r => r[bot]).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            var channel = bot == "bot-slack" ? "Slack" : "Teams";
            var ratios = Ratios(rounds, bot, peer);
            if (ratios.Count > 0)
            {
                var ratio = Median(ratios);
                goals.Add(new($"GovernanceBot {channel} ÷ {peerName} (req/s)", Spread(ratio, ratios, v => Format($"{v:0.00}×")), "≥ 4×", ratio >= 4));
            }

            var shares = Ratios(rounds, bot, "bare");
            if (shares.Count > 0)
            {
                var share = Median(shares);
                goals.Add(new($"GovernanceBot {channel} ÷ bare Kestrel (req/s)", Spread(share, shares, v => Format($"{v:P1}")), "≥ 50 %", share >= 0.5));
            }

            var p99 = mine.Max(r => r.P99Ms);
            goals.Add(new($"GovernanceBot {channel} ack p99 at {Options.Connections} connections{(mine.Count > 1 ? " (worst round)" : "")}", Format($"{p99:0.0} ms"), "≤ 50 ms", p99 <= 50));
            goals.Add(new($"GovernanceBot {channel}: every acknowledged message answered", string.Join(" · ", mine.Select(Answers)), "all", mine.All(r => r.EveryAcknowledgedAnswered)));
        }

        return goals;
    }

    /// <summary><paramref name="target"/>'s rate over <paramref name="baseline"/>'s, in each round that ran both.</summary>
    private static List<double> Ratios(List<Dictionary<string, TargetResult>> rounds, string target, string baseline) =>
        [.. rounds.Where(r => r.ContainsKey(target) && r.TryGetValue(baseline, out var b) && b.PerSecond > 0).Select(r => r[target].PerSecond / r[baseline].PerSecond)];

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static string Spread(double median, List<double> values, Func<double, string> format) =>
        values.Count == 1 ? format(median) : $"{format(median)} (median of {string.Join(", ", values.Select(format))})";

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Inbound benchmark, {At:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Store **{Options.Store}** · {Options.Connections} connections · {Options.Seconds} s timed after {Options.WarmUpSeconds} s warm-up{(Options.Rounds > 1 ? $" · {Options.Rounds} rounds, the targets in turn" : "")} · {Options.Users} senders · fake Web API/connector latency {Options.WebApiLatencyMs} ms · {Cores} cores · commit {Commit ?? "unknown"} · @slack/bolt {BoltVersion ?? "-"} · botbuilder {BotbuilderVersion ?? "-"}");
        text.AppendLine();
        var round = Options.Rounds > 1;
        text.AppendLine((round ? "| round " : "") + "| target | req/s (2xx) | errors | ack p50 | ack p99 | target CPU | load gen + fakes CPU | answered / acknowledged | all answered, s after last ack | answers/s after last ack | target CPU per message | load avg before |");
        text.AppendLine((round ? "|---:" : "") + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Results)
        {
            var errors = r.Errors == 0 ? "0" : $"{r.Errors} ({string.Join(", ", r.ErrorKinds.Select(e => $"{e.Key}: {e.Value}"))})";
            var after = r.Answered is null ? "-" : r.AllAnsweredAfterSeconds is { } s ? Format($"{s:0.00}") : "never (drain limit)";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{(round ? $"| {r.Round} " : "")}| {InboundBenchmark.Title(r.Target)} | {r.PerSecond:N0} | {errors} | {r.P50Ms:0.0} ms | {r.P99Ms:0.0} ms | {r.CpuPercent:0} % | {r.BenchCpuPercent:0} % | {(r.Answered is null ? "-" : Answers(r))} | {after} | {(r.AnswersPerSecondAfterLoad is { } rate ? Format($"{rate:N0}") : "-")} | {(r.CpuMsPerMessage is { } ms ? Format($"{ms:0.00} ms") : "-")} | {r.LoadAverage} |");
        }

        text.AppendLine();
        text.AppendLine("First answer each target sent (to check it is the help, not an error):");
        text.AppendLine();
        foreach (var r in Results.Where(r => r.Answered is not null && r.Round == 1))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {InboundBenchmark.Title(r.Target)}: `{(r.SampleAnswer ?? "none").ReplaceLineEndings(" ").Replace('`', '\'')}`");
        }

        var goals = Goals();
        if (goals.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(round ? "| goal (issue 13) | this run (median of the rounds) | goal | met |" : "| goal (issue 13) | this run | goal | met |");
            text.AppendLine("|---|---:|---:|:---:|");
            foreach (var g in goals)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {g.Measure} | {g.Value} | {g.Goal} | {(g.Met ? "yes" : "**no**")} |");
            }
        }

        return text.ToString();
    }

    public InboundRunJson ToJson() => new(
        At,
        Options.Store,
        Options.Connections,
        Options.Seconds,
        Options.WarmUpSeconds,
        Options.Users,
        Options.WebApiLatencyMs,
        Cores,
        Commit,
        BoltVersion,
        BotbuilderVersion,
        [.. Results.Select(r => new InboundTargetJson(r.Target, InboundBenchmark.Title(r.Target), r.Acknowledged, r.Errors, r.ErrorKinds.ToDictionary(),
            Round(r.Seconds), Round(r.PerSecond), Round(r.P50Ms), Round(r.P99Ms), Round(r.CpuPercent), Round(r.BenchCpuPercent), r.Answered, r.AllAnsweredAfterSeconds is { } s ? Round(s) : null, r.LoadAverage, r.SampleAnswer)
        {
            AnswersPerSecondAfterLoad = r.AnswersPerSecondAfterLoad is { } rate ? Round(rate) : null,
            CpuMsPerMessage = r.CpuMsPerMessage is { } ms ? Round(ms) : null,
            Round = r.Round,
        })],
        [.. Goals()])
    {
        Rounds = Options.Rounds,
    };

    private static string Answers(TargetResult r) =>
        r.Answered is { } answered ? Format($"{answered:N0} / {r.Acknowledged:N0}") : "no answers expected";

    private static string Format(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 2) : -1;
}

public sealed record InboundTargetJson(
    string Target,
    string Title,
    long Acknowledged,
    long Errors,
    Dictionary<string, int> ErrorKinds,
    double Seconds,
    double RequestsPerSecond,
    double AckP50Ms,
    double AckP99Ms,
    double CpuPercent,
    double BenchCpuPercent,
    long? Answered,
    double? AllAnsweredAfterSeconds,
    string LoadAverage,
    string? SampleAnswer)
{
    public double? AnswersPerSecondAfterLoad { get; init; }

    public double? CpuMsPerMessage { get; init; }

    public int Round { get; init; } = 1;
}

public sealed record InboundRunJson(
    DateTimeOffset At,
    string Store,
    int Connections,
    int Seconds,
    int WarmUpSeconds,
    int Users,
    int WebApiLatencyMs,
    int Cores,
    string? Commit,
    string? BoltVersion,
    string? BotbuilderVersion,
    List<InboundTargetJson> Targets,
    List<GoalCheck> Goals)
{
    public int Rounds { get; init; } = 1;
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(InboundRunJson))]
internal sealed partial class InboundJson : JsonSerializerContext;
