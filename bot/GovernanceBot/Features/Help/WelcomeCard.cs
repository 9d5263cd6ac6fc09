using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;

namespace GovernanceBot.Features.Help;

/// <summary>Data of the <c>welcome</c> card, sent when the bot is installed or a person first talks to it.</summary>
public sealed record WelcomeCard(
    string BotName,
    CardPerson User,
    CardProgram Program,
    string Intro,
    IReadOnlyList<WelcomeFeature> Features,
    IReadOnlyList<string> YourPart,
    string PrivacyNote,
    IReadOnlyList<CardSuggestion> Suggestions);

public sealed record WelcomeFeature(string Icon, string Title, string Text);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WelcomeCard))]
internal sealed partial class HelpJson : JsonSerializerContext;
