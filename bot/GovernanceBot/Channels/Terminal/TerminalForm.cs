using System.Globalization;
using System.Text.Json.Nodes;
using GovernanceBot.Cards.BlockKit;

namespace GovernanceBot.Channels.Terminal;

/// <summary>
/// The answers a pressed button sends, typed in one by one and checked as a card client checks them:
/// choices by number (or by name), numbers, dates and times in their formats, required answers
/// required. Enter keeps the current value or skips an optional answer.
/// </summary>
internal sealed class TerminalForm(TextReader input, TextWriter output, bool prompt)
{
    public const string Cancel = "/cancel";

    /// <summary>
    /// <paramref name="data"/> with an answer for each of the button's inputs (by input id, as text,
    /// as a card client sends them); null when the person cancels, or the input ends: nothing is sent.
    /// </summary>
    public async Task<JsonObject?> FillAsync(TerminalAction button, JsonObject data, CancellationToken cancellationToken)
    {
        var count = button.Inputs.Count == 1 ? "One question" : $"{button.Inputs.Count} questions";
        output.WriteLine($"{count} before \"{button.Title}\" is sent. Enter keeps the current answer or skips an optional one; {Cancel} sends nothing.");
        foreach (var field in button.Inputs)
        {
            var answer = await AskAsync(field, cancellationToken);
            if (answer is null)
            {
                return null;
            }

            data[CardText.Value(field["id"])] = answer;
        }

        return data;
    }

    private async Task<string?> AskAsync(JsonObject field, CancellationToken cancellationToken)
    {
        var type = CardText.Value(field["type"]);
        var required = CardText.Value(field["isRequired"]) == "true";
        var multi = CardText.Value(field["isMultiSelect"]) == "true";
        var choices = (field["choices"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(c => new Choice(Mrkdwn.Plain(CardText.Value(c["title"])), CardText.Value(c["value"]))).ToList();
        var current = CardText.Value(field["value"]);
        if (type == "Input.Toggle" && current.Length == 0)
        {
            current = Toggle(field, on: false);
        }

        output.WriteLine();
        output.WriteLine($"{CardText.Label(field)}{(required ? " (required)" : string.Empty)}{Format(type, field, multi)}{(current.Length > 0 ? $" — now: {Shown(type, field, current, choices)}" : string.Empty)}");
        for (var i = 0; i < choices.Count; i++)
        {
            output.WriteLine($"  {i + 1}) {choices[i].Title}");
        }

        while (true)
        {
            if (prompt)
            {
                output.Write("  > ");
            }

            var line = (await input.ReadLineAsync(cancellationToken))?.Trim();
            if (line is null || line.Equals(Cancel, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            if (line.Length == 0)
            {
                if (current.Length > 0 || !required)
                {
                    return current;
                }

                output.WriteLine($"  {ErrorMessage(field, "This one needs an answer.")}");
                continue;
            }

            var (value, problem) = Read(type, field, line, choices, multi);
            if (problem is null)
            {
                return value;
            }

            output.WriteLine($"  {problem}");
        }
    }

    private static (string? Value, string? Problem) Read(string type, JsonObject field, string line, List<Choice> choices, bool multi)
    {
        switch (type)
        {
            case "Input.ChoiceSet":
                var picked = new List<string>();
                foreach (var word in multi ? line.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [line])
                {
                    var choice = int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= choices.Count
                        ? choices[n - 1]
                        : choices.FirstOrDefault(c => c.Title.Equals(word, StringComparison.OrdinalIgnoreCase) || c.Value.Equals(word, StringComparison.OrdinalIgnoreCase));
                    if (choice is null)
                    {
                        return (null, $"\"{word}\" is not one of the choices: type its number, 1 to {choices.Count}{(multi ? " (several separated by commas)" : string.Empty)}.");
                    }

                    picked.Add(choice.Value);
                }

                return (string.Join(',', picked.Distinct()), null);
            case "Input.Number":
                var (min, max) = (Number(field["min"]), Number(field["max"]));
                return !double.TryParse(line, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? (null, "Type a number, for example 42 or 3.5.")
                    : number < min || number > max ? (null, ErrorMessage(field, $"Type a number{Range(min, max)}."))
                    : (line, null);
            case "Input.Date":
                return DateOnly.TryParseExact(line, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                    ? (line, null) : (null, "Type the date as YYYY-MM-DD, for example 2027-01-31.");
            case "Input.Time":
                return TimeOnly.TryParseExact(line, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                    ? (line, null) : (null, "Type the time as HH:MM on a 24-hour clock, for example 09:30.");
            case "Input.Toggle":
                return line.ToLowerInvariant() switch
                {
                    "y" or "yes" or "true" or "on" => (Toggle(field, on: true), null),
                    "n" or "no" or "false" or "off" => (Toggle(field, on: false), null),
                    _ => (null, "Type y for yes or n for no."),
                };
            default:
                var longest = Number(field["maxLength"]);
                return longest > 0 && line.Length > longest ? (null, $"That is {line.Length} characters; this answer takes up to {longest}.") : (line, null);
        }
    }

    private static string Format(string type, JsonObject field, bool multi) => type switch
    {
        "Input.ChoiceSet" => multi ? " — type one or more numbers, separated by commas" : " — type a number",
        "Input.Number" => $" — a number{Range(Number(field["min"]), Number(field["max"]))}",
        "Input.Date" => " — YYYY-MM-DD",
        "Input.Time" => " — HH:MM",
        "Input.Toggle" => " — y/n",
        _ => string.Empty,
    };

    private static string Shown(string type, JsonObject field, string current, List<Choice> choices) => type switch
    {
        "Input.Toggle" => current == Toggle(field, on: true) ? "yes" : "no",
        "Input.ChoiceSet" => string.Join(", ", current.Split(',').Select(v => choices.FirstOrDefault(c => c.Value == v)?.Title ?? v)),
        _ => current,
    };

    private static string Range(double? min, double? max) => (min, max) switch
    {
        ({ } low, { } high) => string.Create(CultureInfo.InvariantCulture, $" from {low} to {high}"),
        ({ } low, null) => string.Create(CultureInfo.InvariantCulture, $" of at least {low}"),
        (null, { } high) => string.Create(CultureInfo.InvariantCulture, $" of at most {high}"),
        _ => string.Empty,
    };

    private static string Toggle(JsonObject field, bool on) =>
        CardText.Value(field[on ? "valueOn" : "valueOff"]) is { Length: > 0 } value ? value : on ? "true" : "false";

    private static string ErrorMessage(JsonObject field, string otherwise) =>
        CardText.Value(field["errorMessage"]) is { Length: > 0 } message ? message : otherwise;

    private static double? Number(JsonNode? node) =>
        double.TryParse(CardText.Value(node), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private sealed record Choice(string Title, string Value);
}
