using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Cards.Charts;

namespace GovernanceBot.Cards.BlockKit;

/// <summary>
/// Adaptive Card → Block Kit. Buttons carry the card action's verb as <c>action_id</c> (suffixed
/// <c>#2</c>, <c>#3</c>… when a verb repeats in one message) and its data as JSON in <c>value</c>.
/// A card with inputs becomes buttons whose <c>action_id</c> starts with <see cref="FormPrefix"/>; each
/// opens the modal of the same key in <see cref="BlockKitMessage.Modals"/>, whose <c>callback_id</c> is
/// the verb and whose <c>private_metadata</c> is <c>{"verb", "data"}</c>.
/// </summary>
public sealed class BlockKitTranslator(ChartStore? charts = null) : IBlockKitTranslator
{
    public const string FormPrefix = "form:";

    public BlockKitMessage Translate(JsonObject adaptiveCard, string fallbackText)
    {
        ArgumentNullException.ThrowIfNull(adaptiveCard);
        var context = new TranslationContext(charts);
        var blocks = context.Card(adaptiveCard);
        return new BlockKitMessage(
            BlockLimits.Truncate(Mrkdwn.Escape(fallbackText ?? string.Empty), 3000),
            Limit(blocks, BlockLimits.MessageBlocks),
            context.Modals);
    }

    /// <summary>Keeps at most <paramref name="max"/> blocks: the trailing buttons stay, the middle gives way to "…and N more".</summary>
    internal static JsonArray Limit(List<JsonObject> blocks, int max)
    {
        if (blocks.Count <= max)
        {
            return new JsonArray([.. blocks]);
        }

        var trailing = new List<JsonObject>();
        for (var i = blocks.Count - 1; i >= 0 && (string?)blocks[i]["type"] == "actions" && trailing.Count < max / 2; i--)
        {
            trailing.Insert(0, blocks[i]);
        }

        var room = max - trailing.Count - 1;
        var shown = blocks.Take(room).ToList();
        var hidden = blocks.Count - trailing.Count - shown.Count;
        shown.Add(Block.Context($"…and {hidden} more not shown here. Ask for a narrower view, or open the card in Teams."));
        shown.AddRange(trailing);
        return new JsonArray([.. shown]);
    }
}

/// <summary>One translation: collects blocks, modals and the verbs used so far (action ids must be unique).</summary>
internal sealed class TranslationContext(ChartStore? charts)
{
    private readonly Dictionary<string, int> verbCounts = new(StringComparer.Ordinal);

    public Dictionary<string, JsonObject> Modals { get; } = new(StringComparer.Ordinal);

    private string? cardTitle;

    public List<JsonObject> Card(JsonObject card)
    {
        var inputs = CardElements.Inputs(card["body"]);
        var blocks = new List<JsonObject>();
        Elements(card["body"] as JsonArray, blocks, inputs);
        Actions(card["actions"] as JsonArray, blocks, inputs);
        return blocks;
    }

    private void Elements(JsonArray? elements, List<JsonObject> blocks, List<JsonObject> inputs)
    {
        foreach (var element in (elements ?? []).OfType<JsonObject>())
        {
            Element(element, blocks, inputs);
        }
    }

    private void Element(JsonObject element, List<JsonObject> blocks, List<JsonObject> inputs)
    {
        if (element["isVisible"] is JsonValue visible && visible.GetValueKind() == JsonValueKind.False)
        {
            return;
        }

        if ((bool?)element["separator"] == true && blocks.Count > 0)
        {
            blocks.Add(Block.Divider());
        }

        var start = blocks.Count;
        var type = (string?)element["type"] ?? string.Empty;
        switch (type)
        {
            case "TextBlock":
                TextBlock(element, blocks);
                break;
            case "RichTextBlock":
                var runs = (element["inlines"] as JsonArray ?? []).Select(Inline);
                Section(string.Concat(runs), blocks);
                break;
            case "FactSet":
                var facts = (element["facts"] as JsonArray ?? []).OfType<JsonObject>()
                    .Select(f => $"*{Mrkdwn.FromCardMarkdown((string?)f["title"] ?? string.Empty)}*\n{Mrkdwn.FromCardMarkdown((string?)f["value"] ?? string.Empty)}");
                Fields(facts.ToList(), blocks);
                break;
            case "ColumnSet":
                ColumnSet(element, blocks, inputs);
                break;
            case "Container" or "Column":
                Elements(element["items"] as JsonArray, blocks, inputs);
                break;
            case "Table":
                Table(element, blocks);
                break;
            case "Image":
                if ((string?)element["url"] is { Length: > 0 } url)
                {
                    blocks.Add(Block.Image(url, (string?)element["altText"] ?? cardTitle ?? "image"));
                }

                break;
            case "ImageSet":
                foreach (var image in (element["images"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    Element(image, blocks, inputs);
                }

                break;
            case "ActionSet":
                Actions(element["actions"] as JsonArray, blocks, inputs);
                break;
            case "Chart.Line" when charts?.CanPublish == true:
                if (charts.PublishLine(element) is { } chartUrl)
                {
                    blocks.Add(Block.Image(chartUrl.ToString(), (string?)element["title"] ?? "KPI chart"));
                    ChartFallbackWithoutSparkline(element, blocks, inputs);
                }
                else
                {
                    Fallback(element, blocks, inputs);
                }

                break;
            default:
                // Inputs live in the modal; Teams-only and unknown elements use their fallback or disappear.
                if (!type.StartsWith("Input.", StringComparison.Ordinal))
                {
                    Fallback(element, blocks, inputs);
                }

                break;
        }

        if (element["selectAction"] is JsonObject select && blocks.Count > start)
        {
            AddAccessory(blocks, start, select, inputs);
        }
    }

    private void Fallback(JsonObject element, List<JsonObject> blocks, List<JsonObject> inputs)
    {
        if (element["fallback"] is JsonObject fallback)
        {
            Element(fallback, blocks, inputs);
        }
    }

    /// <summary>With a chart image, the fallback's text sparkline says nothing new; its table still does.</summary>
    private void ChartFallbackWithoutSparkline(JsonObject chart, List<JsonObject> blocks, List<JsonObject> inputs)
    {
        if (chart["fallback"] is not JsonObject fallback)
        {
            return;
        }

        var items = (fallback["items"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(i => (string?)i["type"] != "TextBlock" || (string?)i["fontType"] != "Monospace")
            .Skip(1);
        foreach (var item in items)
        {
            Element(item, blocks, inputs);
        }
    }

    private void TextBlock(JsonObject element, List<JsonObject> blocks)
    {
        var text = (string?)element["text"] ?? string.Empty;
        if (text.Trim().Length == 0)
        {
            return;
        }

        var size = (string?)element["size"];
        if ((string?)element["style"] == "heading" || size is "Large" or "ExtraLarge")
        {
            cardTitle ??= Mrkdwn.Plain(text);
            blocks.Add(Block.Header(Mrkdwn.Plain(text)));
        }
        else if ((bool?)element["isSubtle"] == true || size == "Small")
        {
            foreach (var chunk in BlockLimits.Split(Mrkdwn.FromCardMarkdown(text), BlockLimits.SectionText))
            {
                blocks.Add(Block.Context(chunk));
            }
        }
        else
        {
            var mrkdwn = Mrkdwn.FromCardMarkdown(text);
            Section((string?)element["weight"] == "Bolder" && !mrkdwn.Contains('*', StringComparison.Ordinal) ? $"*{mrkdwn}*" : mrkdwn, blocks);
        }
    }

    private static string Inline(JsonNode? inline)
    {
        if (inline is not JsonObject run)
        {
            return Mrkdwn.Escape((string?)inline ?? string.Empty);
        }

        var text = Mrkdwn.Escape((string?)run["text"] ?? string.Empty);
        if (text.Trim().Length == 0)
        {
            return text;
        }

        if ((string?)run["weight"] == "Bolder")
        {
            text = $"*{text}*";
        }

        if ((bool?)run["italic"] == true)
        {
            text = $"_{text}_";
        }

        if ((bool?)run["strikethrough"] == true)
        {
            text = $"~{text}~";
        }

        return (string?)run["selectAction"]?["url"] is { } url ? $"<{Mrkdwn.Escape(url)}|{text}>" : text;
    }

    private static void Section(string mrkdwn, List<JsonObject> blocks)
    {
        foreach (var chunk in BlockLimits.Split(mrkdwn, BlockLimits.SectionText))
        {
            blocks.Add(Block.Section(chunk));
        }
    }

    private static void Fields(List<string> fields, List<JsonObject> blocks)
    {
        foreach (var group in fields.Chunk(BlockLimits.SectionFields))
        {
            blocks.Add(Block.Fields(group.Select(f => BlockLimits.Truncate(f, BlockLimits.FieldText))));
        }
    }

    /// <summary>Columns of plain text sit side by side as section fields; anything richer is laid out top to bottom.</summary>
    private void ColumnSet(JsonObject element, List<JsonObject> blocks, List<JsonObject> inputs)
    {
        var columns = (element["columns"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var texts = columns.Select(ColumnText).ToList();
        if (texts.All(t => t is not null) && texts.Count is > 0 and <= BlockLimits.SectionFields)
        {
            var nonEmpty = texts.Where(t => t!.Length > 0).ToList();
            if (nonEmpty.Count == 1)
            {
                Section(nonEmpty[0]!, blocks);
            }
            else if (nonEmpty.Count > 1)
            {
                Fields(nonEmpty!, blocks);
            }

            return;
        }

        foreach (var column in columns)
        {
            Element(column, blocks, inputs);
        }
    }

    /// <summary>The column as mrkdwn when it holds only text, else null.</summary>
    private static string? ColumnText(JsonObject column)
    {
        var items = (column["items"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (items.Any(i => (string?)i["type"] != "TextBlock"))
        {
            return null;
        }

        return string.Join('\n', items
            .Select(i => (Text: Mrkdwn.FromCardMarkdown((string?)i["text"] ?? string.Empty), Bold: (string?)i["weight"] == "Bolder"))
            .Where(t => t.Text.Trim().Length > 0)
            .Select(t => t.Bold && !t.Text.Contains('*', StringComparison.Ordinal) ? $"*{t.Text}*" : t.Text));
    }

    private static void Table(JsonObject element, List<JsonObject> blocks)
    {
        var rows = (element["rows"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var header = (bool?)element["firstRowAsHeader"] ?? true;
        var lines = rows.Select((row, index) =>
        {
            var cells = (row["cells"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(cell => string.Join(' ', (cell["items"] as JsonArray ?? []).OfType<JsonObject>()
                    .Select(i => Mrkdwn.FromCardMarkdown((string?)i["text"] ?? string.Empty))));
            var line = string.Join("  ·  ", cells);
            return index == 0 && header ? $"*{line}*" : line;
        }).ToList();
        Section(string.Join('\n', lines), blocks);
    }

    private void Actions(JsonArray? actions, List<JsonObject> blocks, List<JsonObject> inputs)
    {
        var buttons = new List<JsonObject>();
        var shown = new List<JsonObject>();
        foreach (var action in (actions ?? []).OfType<JsonObject>())
        {
            if (action["isVisible"] is JsonValue v && v.GetValueKind() == JsonValueKind.False)
            {
                continue;
            }

            if ((string?)action["type"] == "Action.ShowCard" && action["card"] is JsonObject card)
            {
                var cardInputs = CardElements.Inputs(card["body"]);
                var submit = (card["actions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(CardElements.IsSubmit);
                if (cardInputs.Count > 0 && submit is not null)
                {
                    buttons.Add(FormButton(Title(action), submit, cardInputs));
                    Elements(new JsonArray([.. (card["body"] as JsonArray ?? []).OfType<JsonObject>().Where(e => !CardElements.IsInput(e)).Select(e => e.DeepClone())]), shown, cardInputs);
                }
                else
                {
                    // Slack has no collapsible section: a ShowCard without inputs is simply shown below.
                    shown.Add(Block.Context($"*{Mrkdwn.Literal(Title(action))}*"));
                    shown.AddRange(Card(card));
                }

                continue;
            }

            if (Button(action, inputs) is { } button)
            {
                buttons.Add(button);
            }
        }

        foreach (var group in buttons.Chunk(BlockLimits.ActionElements))
        {
            blocks.Add(Block.Actions(group));
        }

        blocks.AddRange(shown);
    }

    private JsonObject? Button(JsonObject action, List<JsonObject> inputs)
    {
        var type = (string?)action["type"];
        if (type == "Action.OpenUrl" && (string?)action["url"] is { Length: > 0 } url)
        {
            return Block.UrlButton(Title(action), url);
        }

        if (!CardElements.IsSubmit(action))
        {
            return null;
        }

        if (inputs.Count > 0 && (string?)action["associatedInputs"] != "none")
        {
            // In Slack the button opens the form rather than sending it: a template may name it for that
            // ("Answer"), while the modal's own button keeps the action's title ("Submit").
            var opens = (string?)action["formButtonTitle"] is { Length: > 0 } named ? Mrkdwn.Plain(named) : Title(action);
            return FormButton(opens, action, inputs);
        }

        var (verb, data) = CardElements.VerbAndData(action);
        return Block.Button(Title(action), UniqueId(verb), Shrink(data, BlockLimits.ButtonValue).ToJsonString(), Style(action));
    }

    private JsonObject FormButton(string title, JsonObject submit, List<JsonObject> inputs)
    {
        var (verb, data) = CardElements.VerbAndData(submit);
        var actionId = UniqueId(BlockKitTranslator.FormPrefix + verb);
        var metadata = new JsonObject { ["verb"] = verb, ["data"] = Shrink(data, BlockLimits.PrivateMetadata - verb.Length - 32) };
        var blocks = new List<JsonObject>();
        if (cardTitle is not null)
        {
            blocks.Add(Block.Section($"*{Mrkdwn.Literal(cardTitle)}*"));
        }

        blocks.AddRange(inputs.Select(InputBlocks.From).OfType<JsonObject>());
        Modals[actionId] = new JsonObject
        {
            ["type"] = "modal",
            ["callback_id"] = BlockLimits.Truncate(verb, BlockLimits.Id),
            ["title"] = Block.PlainText(BlockLimits.Truncate(Mrkdwn.Plain(cardTitle ?? title), BlockLimits.ModalTitle)),
            ["submit"] = Block.PlainText(BlockLimits.Truncate(Title(submit), BlockLimits.ModalTitle)),
            ["close"] = Block.PlainText("Cancel"),
            ["private_metadata"] = metadata.ToJsonString(),
            ["blocks"] = BlockKitTranslator.Limit(blocks, BlockLimits.ModalBlocks),
        };
        return Block.Button(title, actionId, null, Style(submit));
    }

    private void AddAccessory(List<JsonObject> blocks, int start, JsonObject select, List<JsonObject> inputs)
    {
        var section = blocks.Skip(start).FirstOrDefault(b => (string?)b["type"] == "section" && b["accessory"] is null);
        if (section is not null && Button(select, []) is { } button)
        {
            button["text"] = Block.PlainText(BlockLimits.Truncate(Mrkdwn.Plain((string?)select["title"] ?? "Open"), BlockLimits.ButtonText));
            section["accessory"] = button;
        }
    }

    /// <summary>Data that fits in <paramref name="max"/> characters of JSON: the shortest properties are kept first,
    /// because ids and keys (what a handler needs) are short and long free text is what overflows.</summary>
    private static JsonObject Shrink(JsonObject data, int max)
    {
        if (data.ToJsonString().Length <= max)
        {
            return data;
        }

        var kept = new JsonObject();
        foreach (var (key, value) in data.OrderBy(p => p.Value?.ToJsonString().Length ?? 4).ToList())
        {
            kept[key] = value?.DeepClone();
            if (kept.ToJsonString().Length > max)
            {
                kept.Remove(key);
                break;
            }
        }

        return kept;
    }

    private string UniqueId(string verb)
    {
        var count = verbCounts[verb] = verbCounts.GetValueOrDefault(verb) + 1;
        var id = count == 1 ? verb : $"{verb}#{count}";
        return id.Length <= BlockLimits.Id ? id : id[..BlockLimits.Id];
    }

    private static string Title(JsonObject action) => Mrkdwn.Plain((string?)action["title"] ?? "Open");

    private static string? Style(JsonObject action) => (string?)action["style"] switch
    {
        "positive" => "primary",
        "destructive" => "danger",
        _ => null,
    };
}
