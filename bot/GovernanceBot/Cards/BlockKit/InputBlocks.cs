using System.Text.Json.Nodes;

namespace GovernanceBot.Cards.BlockKit;

/// <summary>Adaptive Card inputs as Block Kit input blocks; <c>block_id</c> and <c>action_id</c> are the input's id,
/// so a view submission's <c>state.values[id][id]</c> is the value Teams would send under that id.</summary>
internal static class InputBlocks
{
    public static JsonObject? From(JsonObject input)
    {
        var id = BlockLimits.Truncate((string?)input["id"] ?? "input", BlockLimits.Id);
        var value = (string?)(input["value"] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v : null)
            ?? input["value"]?.ToJsonString();
        JsonObject? element = (string?)input["type"] switch
        {
            "Input.Text" => TextInput(input, id, value),
            "Input.Number" => NumberInput(input, id, value),
            "Input.Date" => DateInput(input, id, value),
            "Input.Time" => Optional(new JsonObject { ["type"] = "timepicker", ["action_id"] = id }, "initial_time", value),
            "Input.ChoiceSet" => ChoiceInput(input, id, value),
            "Input.Toggle" => ToggleInput(input, id, value),
            _ => null,
        };
        if (element is null)
        {
            return null;
        }

        var label = (string?)input["label"] ?? (string?)input["title"] ?? (string?)input["placeholder"] ?? id;
        return new JsonObject
        {
            ["type"] = "input",
            ["block_id"] = id,
            ["label"] = Block.PlainText(BlockLimits.Truncate(Mrkdwn.Plain(label), BlockLimits.InputLabel)),
            ["optional"] = (bool?)input["isRequired"] != true,
            ["element"] = element,
        };
    }

    private static JsonObject TextInput(JsonObject input, string id, string? value)
    {
        var element = new JsonObject { ["type"] = "plain_text_input", ["action_id"] = id, ["multiline"] = (bool?)input["isMultiline"] == true };
        if (input["maxLength"] is JsonValue maxLength && maxLength.TryGetValue<double>(out var max) && max >= 1)
        {
            element["max_length"] = (int)max;
        }

        Placeholder(element, input);
        return Optional(element, "initial_value", value);
    }

    private static JsonObject NumberInput(JsonObject input, string id, string? value)
    {
        var element = new JsonObject { ["type"] = "number_input", ["action_id"] = id, ["is_decimal_allowed"] = true };
        if (input["min"] is JsonValue min)
        {
            element["min_value"] = min.ToJsonString();
        }

        if (input["max"] is JsonValue max)
        {
            element["max_value"] = max.ToJsonString();
        }

        Placeholder(element, input);
        return Optional(element, "initial_value", value);
    }

    private static JsonObject DateInput(JsonObject input, string id, string? value)
    {
        var element = new JsonObject { ["type"] = "datepicker", ["action_id"] = id };
        Placeholder(element, input);
        return Optional(element, "initial_date", value);
    }

    private static JsonObject ChoiceInput(JsonObject input, string id, string? value)
    {
        var choices = (input["choices"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(c => Option((string?)c["title"] ?? string.Empty, (string?)c["value"] ?? string.Empty))
            .ToList();
        var multi = (bool?)input["isMultiSelect"] == true;
        var selected = (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var expanded = (string?)input["style"] == "expanded" && choices.Count <= BlockLimits.ChoiceOptions;
        var type = (multi, expanded) switch
        {
            (true, true) => "checkboxes",
            (true, false) => "multi_static_select",
            (false, true) => "radio_buttons",
            _ => "static_select",
        };
        var options = choices.Take(expanded ? BlockLimits.ChoiceOptions : BlockLimits.SelectOptions).ToList();
        var element = new JsonObject { ["type"] = type, ["action_id"] = id, ["options"] = new JsonArray([.. options]) };
        if (!expanded)
        {
            element["placeholder"] = Block.PlainText(BlockLimits.Truncate((string?)input["placeholder"] ?? "Choose…", BlockLimits.Placeholder));
        }

        var initial = options.Where(o => selected.Contains((string)o["value"]!)).Select(o => o.DeepClone()).ToList();
        if (initial.Count > 0)
        {
            if (multi)
            {
                element["initial_options"] = new JsonArray([.. initial]);
            }
            else
            {
                element["initial_option"] = initial[0];
            }
        }

        return element;
    }

    private static JsonObject ToggleInput(JsonObject input, string id, string? value)
    {
        var on = (string?)input["valueOn"] ?? "true";
        var option = Option((string?)input["title"] ?? "Yes", on);
        var element = new JsonObject { ["type"] = "checkboxes", ["action_id"] = id, ["options"] = new JsonArray(option) };
        if (value == on)
        {
            element["initial_options"] = new JsonArray(option.DeepClone());
        }

        return element;
    }

    private static JsonObject Option(string title, string value) => new()
    {
        ["text"] = Block.PlainText(BlockLimits.Truncate(Mrkdwn.Plain(title), BlockLimits.OptionText)),
        ["value"] = BlockLimits.Truncate(value, BlockLimits.OptionValue),
    };

    private static void Placeholder(JsonObject element, JsonObject input)
    {
        if ((string?)input["placeholder"] is { Length: > 0 } placeholder)
        {
            element["placeholder"] = Block.PlainText(BlockLimits.Truncate(placeholder, BlockLimits.Placeholder));
        }
    }

    private static JsonObject Optional(JsonObject element, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            element[key] = value;
        }

        return element;
    }
}
