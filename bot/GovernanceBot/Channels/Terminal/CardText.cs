using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Cards.BlockKit;

namespace GovernanceBot.Channels.Terminal;

/// <summary>
/// A button of a printed card, pressed by typing its number: the card's action as rendered, and the
/// inputs it sends (asked one by one when it is pressed).
/// </summary>
internal sealed record TerminalAction(string Title, JsonObject Action, IReadOnlyList<JsonObject> Inputs)
{
    public string Type => (string?)Action["type"] ?? string.Empty;
}

/// <summary>
/// An Adaptive Card (as <see cref="ICardRenderer"/> expands it for Teams) as plain text: headings
/// underlined, facts as "title: value", tables and columns on one line each, inputs listed, and every
/// button numbered in <paramref name="actions"/>, which several cards of one answer share. Buttons read
/// <c>[#1]</c>, apart from the <c>[1]</c> of a cited source.
/// </summary>
internal sealed class CardText(List<TerminalAction> actions)
{
    private readonly List<string> lines = [];

    /// <summary>The card as lines of text; its buttons are appended to <paramref name="actions"/>.</summary>
    public static string Render(JsonObject card, List<TerminalAction> actions, IReadOnlyList<JsonObject>? outerInputs = null)
    {
        var text = new CardText(actions);
        text.Card(card, outerInputs ?? []);
        return string.Join(Environment.NewLine, text.lines).Trim('\r', '\n');
    }

    /// <summary>What a person sees of an input's name: its label, else its placeholder or title.</summary>
    public static string Label(JsonObject input) =>
        Mrkdwn.Plain(LabelKeys.Select(k => Value(input[k])).FirstOrDefault(v => v.Length > 0) ?? Value(input["id"]));

    private static readonly string[] LabelKeys = ["label", "placeholder", "title"];

    /// <summary>A JSON value as the text a card shows (or a form sends) for it.</summary>
    public static string Value(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValueKind() == JsonValueKind.True ? "true" : "false",
        _ => node.ToJsonString(),
    };

    private void Card(JsonObject card, IReadOnlyList<JsonObject> outerInputs)
    {
        // A button sends the inputs of its own card and of the cards around it (Adaptive Cards' rule).
        var inputs = outerInputs.Concat(CardElements.Inputs(card["body"])).ToList();
        Elements(card["body"] as JsonArray, inputs);
        Actions(card["actions"] as JsonArray, inputs);
    }

    private void Elements(JsonArray? elements, List<JsonObject> inputs)
    {
        foreach (var element in (elements ?? []).OfType<JsonObject>())
        {
            Element(element, inputs);
        }
    }

    private void Element(JsonObject element, List<JsonObject> inputs)
    {
        if (element["isVisible"] is JsonValue visible && visible.GetValueKind() == JsonValueKind.False)
        {
            return;
        }

        if ((bool?)element["separator"] == true && lines.Count > 0 && lines[^1].Length > 0)
        {
            lines.Add(string.Empty);
        }

        var start = lines.Count;
        var type = (string?)element["type"] ?? string.Empty;
        switch (type)
        {
            case "TextBlock":
                TextBlock(element);
                break;
            case "RichTextBlock":
                Line(string.Concat((element["inlines"] as JsonArray ?? []).Select(i => i is JsonObject run ? Value(run["text"]) : Value(i))));
                break;
            case "FactSet":
                foreach (var fact in (element["facts"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    Line($"{Plain(fact["title"])}: {Plain(fact["value"])}");
                }

                break;
            case "ColumnSet":
                ColumnSet(element, inputs);
                break;
            case "Container" or "Column":
                Elements(element["items"] as JsonArray, inputs);
                break;
            case "Table":
                foreach (var row in (element["rows"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    Line(string.Join(" | ", (row["cells"] as JsonArray ?? []).OfType<JsonObject>().Select(c => TextOf(c["items"] as JsonArray))));
                }

                break;
            case "Image" when Plain(element["altText"]) is { Length: > 0 } alt:
                Line($"[image: {alt}]");
                break;
            case "ActionSet":
                Actions(element["actions"] as JsonArray, inputs);
                break;
            case var input when input.StartsWith("Input.", StringComparison.Ordinal):
                var now = Value(element["value"]);
                var shown = input == "Input.Toggle" || now.Length == 0 ? string.Empty : $" — now: {now}";
                Line($"  ▸ {Label(element)}{((bool?)element["isRequired"] == true ? " (required)" : string.Empty)}{shown}");
                break;
            default:
                // Elements only some hosts know (a chart) carry a fallback made for everyone else.
                if (element["fallback"] is JsonObject fallback)
                {
                    Element(fallback, inputs);
                }

                break;
        }

        if (element["selectAction"] is JsonObject select && lines.Count > start && Press(select, inputs) is { } number)
        {
            lines[start] += $"  [#{number}] {Title(select)}";
        }
    }

    private void TextBlock(JsonObject element)
    {
        var text = Plain(element["text"]);
        if (text.Trim().Length == 0)
        {
            return;
        }

        Line(text);
        // Headings are underlined; a large monospace line is a sparkline, not a heading.
        if (((string?)element["style"] == "heading" || (string?)element["size"] is "Large" or "ExtraLarge") && (string?)element["fontType"] != "Monospace")
        {
            Line(new string('=', Math.Min(72, new StringInfo(text).LengthInTextElements)));
        }
    }

    /// <summary>Columns of text side by side on one line; anything richer, column after column.</summary>
    private void ColumnSet(JsonObject element, List<JsonObject> inputs)
    {
        var columns = (element["columns"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (columns.All(c => (c["items"] as JsonArray ?? []).OfType<JsonObject>().All(i => (string?)i["type"] == "TextBlock" && i["selectAction"] is null)))
        {
            var text = string.Join(" | ", columns.Select(c => TextOf(c["items"] as JsonArray)).Where(t => t.Length > 0));
            if (text.Length > 0)
            {
                var start = lines.Count;
                Line(text);
                foreach (var column in columns.Where(c => c["selectAction"] is JsonObject))
                {
                    if (Press((JsonObject)column["selectAction"]!, inputs) is { } number)
                    {
                        lines[start] += $"  [#{number}] {Title((JsonObject)column["selectAction"]!)}";
                    }
                }
            }

            return;
        }

        foreach (var column in columns)
        {
            Element(column, inputs);
        }
    }

    private void Actions(JsonArray? list, List<JsonObject> inputs)
    {
        var buttons = (list ?? []).OfType<JsonObject>()
            .Where(a => a["isVisible"] is not JsonValue v || v.GetValueKind() != JsonValueKind.False)
            .Select(a => Press(a, inputs) is { } number ? $"[#{number}] {Title(a)}{Hint(a)}" : null)
            .OfType<string>()
            .ToList();
        if (buttons.Count > 0)
        {
            Line(string.Join("   ", buttons));
        }
    }

    /// <summary>Numbers a button the terminal can press; null for one it cannot (a Teams-only toggle).</summary>
    private int? Press(JsonObject action, List<JsonObject> inputs)
    {
        var pressable = (string?)action["type"] switch
        {
            "Action.Execute" or "Action.Submit" => new TerminalAction(Title(action), action, (string?)action["associatedInputs"] == "none" ? [] : inputs),
            "Action.OpenUrl" when Value(action["url"]).Length > 0 => new TerminalAction(Title(action), action, []),
            "Action.ShowCard" when action["card"] is JsonObject => new TerminalAction(Title(action), action, inputs),
            _ => null,
        };
        if (pressable is null)
        {
            return null;
        }

        actions.Add(pressable);
        return actions.Count;
    }

    private static string Hint(JsonObject action) => (string?)action["type"] switch
    {
        "Action.OpenUrl" => $" ({Value(action["url"])})",
        // A form behind the button; a title that already ends in "…" says so itself.
        "Action.ShowCard" when !Value(action["title"]).EndsWith('…') => " …",
        _ => string.Empty,
    };

    private static string TextOf(JsonArray? items) =>
        string.Join(" ", (items ?? []).OfType<JsonObject>().Where(i => (string?)i["type"] == "TextBlock").Select(i => Plain(i["text"])).Where(t => t.Trim().Length > 0));

    private static string Title(JsonObject action) => Plain(action["title"]) is { Length: > 0 } title ? title : "Open";

    private static string Plain(JsonNode? node) => Mrkdwn.Plain(Value(node), withAddresses: true);

    private void Line(string text) => lines.AddRange(text.Split('\n').Select(l => l.TrimEnd('\r')));
}
