using System.Globalization;

namespace GovernanceBot.Bench.Inbound;

/// <summary>The <c>inbound</c> command line.</summary>
public sealed record InboundOptions(
    string Store,
    int Seconds,
    int WarmUpSeconds,
    int Connections,
    int Users,
    int WebApiLatencyMs,
    int DrainSeconds,
    IReadOnlySet<string> Targets,
    string? OutDirectory)
{
    /// <summary>
    /// How many times every target runs, in turn (bare, bot, peer, bare, bot, peer …). The machine is
    /// shared: a peer measured a minute apart can differ by half, so each goal is judged on the ratios
    /// of one round (targets measured side by side) and the report gives their median.
    /// </summary>
    public int Rounds { get; init; } = 1;

    public const string Usage =
        "inbound [--store sqlite|postgres] [--seconds 10] [--warmup 2] [--connections 10] [--users 1000] " +
        "[--web-api-latency-ms 0] [--drain-seconds 60] [--rounds 1] [--only bare,bot,bot-slack,bot-teams,bolt,botbuilder] [--out DIR]";

    private static readonly string[] Known = ["bare", "bot-slack", "bolt", "bot-teams", "botbuilder"];

    /// <summary>The options, or null (after saying why) when the command line is wrong.</summary>
    public static InboundOptions? Parse(string[] args)
    {
        var store = Text(args, "--store") ?? "sqlite";
        if (store is not ("sqlite" or "postgres"))
        {
            return Refuse($"--store must be sqlite or postgres, not '{store}'.");
        }

        HashSet<string> targets = [.. Known];
        if (Text(args, "--only") is { } only)
        {
            targets = [];
            foreach (var name in only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                // "bot" is GovernanceBot on both channels.
                string[] expanded = name == "bot" ? ["bot-slack", "bot-teams"] : [name];
                if (expanded.Any(e => !Known.Contains(e)))
                {
                    return Refuse($"--only takes {string.Join(", ", Known)} or bot, not '{name}'.");
                }

                targets.UnionWith(expanded);
            }
        }

        var numbers = new[] { ("--seconds", 10, 1), ("--warmup", 2, 0), ("--connections", 10, 1), ("--users", 1000, 1), ("--web-api-latency-ms", 0, 0), ("--drain-seconds", 60, 1), ("--rounds", 1, 1) }
            .Select(o => (o.Item1, Value: Number(args, o.Item1, o.Item2), Min: o.Item3))
            .ToList();
        if (numbers.FirstOrDefault(n => n.Value is null || n.Value < n.Min) is { Item1: { } bad } wrong)
        {
            return Refuse($"{bad} takes a whole number of at least {wrong.Min}.");
        }

        var values = numbers.ToDictionary(n => n.Item1, n => n.Value!.Value);
        return new InboundOptions(store, values["--seconds"], values["--warmup"], values["--connections"], values["--users"],
            values["--web-api-latency-ms"], values["--drain-seconds"], targets, Text(args, "--out"))
        {
            Rounds = values["--rounds"],
        };
    }

    private static InboundOptions? Refuse(string message)
    {
        Console.Error.WriteLine(message);
        Console.Error.WriteLine("usage: dotnet run --project tests/bench/GovernanceBot.Bench -c Release -- " + Usage);
        return null;
    }

    private static string? Text(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static int? Number(string[] args, string name, int fallback) =>
        Text(args, name) is not { } text ? fallback
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value
        : null;
}
