using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;

namespace GovernanceBot.Conversation;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConversationRef))]
[JsonSerializable(typeof(ChatUserRef))]
[JsonSerializable(typeof(ErrorCard))]
[JsonSerializable(typeof(HelpCard))]
[JsonSerializable(typeof(WelcomeCard))]
internal sealed partial class ConversationJson : JsonSerializerContext;

/// <summary>Data of the <c>error</c> card: what went wrong and what to try.</summary>
/// <param name="Reference">A reference for support (the log entry), or <c>""</c>.</param>
public sealed record ErrorCard(string Title, string WhatHappened, IReadOnlyList<string> TryThis, string Reference, IReadOnlyList<CardSuggestion> Suggestions);

/// <summary>Data of the <c>help</c> card: the commands, in sections.</summary>
public sealed record HelpCard(string Title, string Intro, IReadOnlyList<HelpSection> Sections, IReadOnlyList<CardSuggestion> Suggestions, string Footer);

public sealed record HelpSection(string Title, IReadOnlyList<HelpCommand> Commands);

public sealed record HelpCommand(string Usage, string Description);
