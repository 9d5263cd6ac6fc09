using System.Text.Json;
using System.Text.Json.Serialization;

namespace GovernanceBot.Conversation;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConversationRef))]
[JsonSerializable(typeof(ChatUserRef))]
[JsonSerializable(typeof(ErrorCard))]
[JsonSerializable(typeof(HelpCard))]
[JsonSerializable(typeof(WelcomeCard))]
internal sealed partial class ConversationJson : JsonSerializerContext;

/// <summary>Data of the <c>error</c> card: what went wrong and what to try.</summary>
public sealed record ErrorCard(string Title, string Message, IReadOnlyList<string> TryNext, string? Reference = null);

/// <summary>Data of the <c>help</c> card: the commands, grouped.</summary>
public sealed record HelpCard(string Title, string Intro, IReadOnlyList<HelpGroup> Groups, string? Note = null);

public sealed record HelpGroup(string Name, IReadOnlyList<HelpCommand> Commands);

public sealed record HelpCommand(string Usage, string Description);
