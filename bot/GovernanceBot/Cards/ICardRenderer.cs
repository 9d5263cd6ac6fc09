using System.Text.Json.Nodes;

namespace GovernanceBot.Cards;

/// <summary>
/// Expands an Adaptive Card template from <c>adaptivecards/</c> with a card's data. The result is
/// the Adaptive Card JSON (version 1.5) that Teams receives as is and Slack receives translated.
/// </summary>
public interface ICardRenderer
{
    /// <param name="templateName">The template name, e.g. <c>program.status</c> (file <c>adaptivecards/program.status.json</c>).</param>
    /// <param name="data">The card's data, as serialised from its typed record.</param>
    /// <exception cref="KeyNotFoundException">No template of that name exists.</exception>
    JsonObject Render(string templateName, JsonObject data);
}

/// <summary>A Slack message made from an Adaptive Card.</summary>
/// <param name="Text">Fallback for notifications and clients without blocks, as mrkdwn with user text already escaped.</param>
/// <param name="Blocks">Block Kit blocks (≤ 50), with user text escaped.</param>
/// <param name="Modals">Forms of the card, each a modal view opened by a button in <paramref name="Blocks"/>, keyed by that button's <c>action_id</c>.</param>
public sealed record BlockKitMessage(string Text, JsonArray Blocks, IReadOnlyDictionary<string, JsonObject> Modals);

/// <summary>Translates an Adaptive Card into Block Kit for Slack.</summary>
public interface IBlockKitTranslator
{
    BlockKitMessage Translate(JsonObject adaptiveCard, string fallbackText);
}
