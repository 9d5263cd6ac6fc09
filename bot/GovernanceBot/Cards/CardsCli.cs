using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Cards.BlockKit;
using GovernanceBot.Cards.Templating;

namespace GovernanceBot.Cards;

/// <summary>
/// <c>cards render NAME [--data FILE] [--for teams|slack] [--modal ID]</c>: the payload the bot would
/// send for a card. Standard output is always exactly one JSON document (so it can be piped to a tool);
/// anything said about it goes to standard error.
/// </summary>
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
        var modal = new Option<string?>("--modal") { Description = "With --for slack: print the views.open modal that this button opens instead of the message, e.g. form:approval.vote." };
        var render = new Command("render", "Print the payload that would be sent for a card.") { name, data, target, modal };
        render.SetAction(result => Render(result.GetRequiredValue(name), result.GetValue(data), result.GetValue(target) ?? "teams", Console.Out, Console.Error, result.GetValue(modal)));
        return new Command("cards", "Adaptive Card templates.") { render };
    }

    /// <returns>0 on success, 1 when the data or template is invalid, 2 when a file or template does not exist.</returns>
    public static int Render(string name, FileInfo? dataFile, string target, TextWriter output, TextWriter errors, string? modal = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        if (modal is not null && target != "slack")
        {
            errors.WriteLine("--modal is for --for slack: Teams shows a card's form on the card itself.");
            return 2;
        }

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
            if (target != "slack")
            {
                output.WriteLine(TeamsPayload(card, summary));
                return 0;
            }

            var message = new BlockKitTranslator().Translate(card, summary);
            if (modal is null)
            {
                output.WriteLine(new JsonObject { ["text"] = message.Text, ["blocks"] = message.Blocks.DeepClone() }.ToJsonString(Pretty));
                if (message.Modals.Count > 0)
                {
                    // Modals are opened later (views.open) by their button; they are not part of the message.
                    errors.WriteLine($"This message's buttons open modals: {string.Join(", ", message.Modals.Select(m => m.Key))}. Print one with --modal <id>.");
                }

                return 0;
            }

            if (!message.Modals.TryGetValue(modal, out var view))
            {
                errors.WriteLine(message.Modals.Count == 0
                    ? $"No button of {name} opens a modal in Slack."
                    : $"No button of {name} opens a modal called \"{modal}\". Modals: {string.Join(", ", message.Modals.Select(m => m.Key))}.");
                return 2;
            }

            output.WriteLine(view.ToJsonString(Pretty));
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
}
