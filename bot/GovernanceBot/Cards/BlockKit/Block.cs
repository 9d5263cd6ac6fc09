using System.Text.Json.Nodes;

namespace GovernanceBot.Cards.BlockKit;

/// <summary>Block Kit building blocks, each already within its limits.</summary>
internal static class Block
{
    public static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };

    public static JsonObject MrkdwnText(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    public static JsonObject Header(string text) =>
        new() { ["type"] = "header", ["text"] = PlainText(BlockLimits.Truncate(text, BlockLimits.HeaderText)) };

    public static JsonObject Section(string mrkdwn) =>
        new() { ["type"] = "section", ["text"] = MrkdwnText(BlockLimits.Truncate(mrkdwn, BlockLimits.SectionText)) };

    public static JsonObject Fields(IEnumerable<string> fields) =>
        new() { ["type"] = "section", ["fields"] = new JsonArray([.. fields.Take(BlockLimits.SectionFields).Select(f => (JsonNode)MrkdwnText(BlockLimits.Truncate(f, BlockLimits.FieldText)))]) };

    public static JsonObject Context(string mrkdwn) =>
        new() { ["type"] = "context", ["elements"] = new JsonArray(MrkdwnText(BlockLimits.Truncate(mrkdwn, BlockLimits.SectionText))) };

    public static JsonObject Divider() => new() { ["type"] = "divider" };

    public static JsonObject Image(string url, string altText) => new()
    {
        ["type"] = "image",
        ["image_url"] = url,
        ["alt_text"] = BlockLimits.Truncate(altText.Length == 0 ? "image" : altText, BlockLimits.ImageAltText),
    };

    public static JsonObject Actions(IEnumerable<JsonObject> buttons) =>
        new() { ["type"] = "actions", ["elements"] = new JsonArray([.. buttons.Take(BlockLimits.ActionElements)]) };

    public static JsonObject Button(string text, string actionId, string? value, string? style)
    {
        var button = new JsonObject
        {
            ["type"] = "button",
            ["text"] = PlainText(BlockLimits.Truncate(text, BlockLimits.ButtonText)),
            ["action_id"] = BlockLimits.Truncate(actionId, BlockLimits.Id),
        };
        if (value is not null)
        {
            button["value"] = value;
        }

        if (style is not null)
        {
            button["style"] = style;
        }

        return button;
    }

    public static JsonObject UrlButton(string text, string url) => new()
    {
        ["type"] = "button",
        ["text"] = PlainText(BlockLimits.Truncate(text, BlockLimits.ButtonText)),
        ["url"] = url,
        ["action_id"] = BlockLimits.Truncate("url:" + url, BlockLimits.Id),
    };
}
