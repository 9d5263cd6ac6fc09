using System.Text.Json;
using System.Text.Json.Nodes;

namespace GovernanceBot.Cards;

/// <summary>
/// How a rendered Adaptive Card is read wherever it is translated (Block Kit for Slack, text for the
/// terminal): which elements are inputs, which actions submit, and what a submit sends.
/// </summary>
internal static class CardElements
{
    public static bool IsSubmit(JsonObject action) => (string?)action["type"] is "Action.Execute" or "Action.Submit";

    public static bool IsInput(JsonObject element) => ((string?)element["type"])?.StartsWith("Input.", StringComparison.Ordinal) == true;

    /// <summary>The inputs of a card body, not those inside a ShowCard (they belong to its own actions).</summary>
    public static List<JsonObject> Inputs(JsonNode? body)
    {
        var found = new List<JsonObject>();
        Visit(body);
        return found;

        void Visit(JsonNode? node)
        {
            switch (node)
            {
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Visit(item);
                    }

                    break;
                case JsonObject obj:
                    if (IsInput(obj))
                    {
                        found.Add(obj);
                        return;
                    }

                    foreach (var (key, child) in obj)
                    {
                        if (key is not ("actions" or "selectAction" or "fallback"))
                        {
                            Visit(child);
                        }
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// The verb and data a submit sends: <c>Action.Execute</c> carries its verb, an <c>Action.Submit</c>
    /// (the fallback for older clients) carries it in its data.
    /// </summary>
    public static (string Verb, JsonObject Data) VerbAndData(JsonObject action)
    {
        var data = action["data"] is JsonObject d ? (JsonObject)d.DeepClone() : [];
        var verb = (string?)action["verb"];
        if (verb is null && data["verb"] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            verb = (string?)v;
            data.Remove("verb");
        }

        return (verb ?? (string?)action["id"] ?? "action", data);
    }
}
