using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Cards.BlockKit;
using GovernanceBot.Cards.Templating;

namespace GovernanceBot.Cards;

/// <summary><c>cards render NAME [--data FILE] [--for teams|slack]</c>: the payload the bot would send for a card.</summary>
public static class CardsCli
{
    private static readonly JsonSerializerOptions Pretty = new()
    {
        WriteIndented = true,
        // The output is read by people and pasted into tools: keep emoji and punctuation as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Command()
    {
        var name = new Argument<string>("name") { Description = "The card template, e.g. program.status (adaptivecards/<name>.json)." };
        var data = new Option<FileInfo?>("--data") { Description = "The card data (JSON). Default: adaptivecards/samples/<name>.data.json." };
        var target = new Option<string>("--for") { Description = "teams: the activity with the Adaptive Card attachment; slack: the chat.postMessage body.", DefaultValueFactory = _ => "teams" };
        target.AcceptOnlyFromAmong("teams", "slack");
        var render = new Command("render", "Print the payload that would be sent for a card.") { name, data, target };
        render.SetAction(result => Render(result.GetRequiredValue(name), result.GetValue(data), result.GetValue(target) ?? "teams", Console.Out, Console.Error));
        return new Command("cards", "Adaptive Card templates.") { render };
    }

    /// <returns>0 on success, 1 when the data or template is invalid, 2 when a file or template does not exist.</returns>
    public static int Render(string name, FileInfo? dataFile, string target, TextWriter output, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        var renderer = new TemplateCardRenderer();
        if (!renderer.TemplateNames.Contains(name, StringComparer.Ordinal))
        {
            errors.WriteLine($"No card template named \"{name}\". Templates: {string.Join(", ", renderer.TemplateNames)}.");
            return 2;
        }

        var path = dataFile?.FullName ?? Path.Combine(renderer.TemplateDirectory, "samples", name + ".data.json");
        if (!File.Exists(path))
        {
            errors.WriteLine($"{path}: no such file. Pass the card data with --data FILE.");
            return 2;
        }

        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is not JsonObject cardData)
            {
                errors.WriteLine($"{path}: card data must be a JSON object.");
                return 1;
            }

            var card = renderer.Render(name, cardData);
            var summary = (string?)cardData["title"] ?? (string?)cardData["program"]?["name"] ?? name;
            output.WriteLine(target == "slack" ? SlackPayload(card, summary, errors) : TeamsPayload(card, summary));
            return 0;
        }
        catch (Exception e) when (e is JsonException or CardTemplateException)
        {
            errors.WriteLine($"{path}: {e.Message}");
            return 1;
        }
    }

    private static string TeamsPayload(JsonObject card, string summary) => new JsonObject
    {
        ["type"] = "message",
        ["summary"] = summary,
        ["attachments"] = new JsonArray(new JsonObject
        {
            ["contentType"] = "application/vnd.microsoft.card.adaptive",
            ["content"] = card,
        }),
    }.ToJsonString(Pretty);

    private static string SlackPayload(JsonObject card, string summary, TextWriter errors)
    {
        var message = new BlockKitTranslator().Translate(card, summary);
        foreach (var (actionId, modal) in message.Modals)
        {
            // Modals are opened later (views.open) by their button; they are not part of the message.
            errors.WriteLine($"Button {actionId} opens this modal:");
            errors.WriteLine(modal.ToJsonString(Pretty));
        }

        return new JsonObject { ["text"] = message.Text, ["blocks"] = message.Blocks.DeepClone() }.ToJsonString(Pretty);
    }
}
