using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;

namespace GovernanceBot.Features.Ask;

/// <summary>Data of the <c>answer</c> card: <see cref="Answer"/> may hold <c>**bold**</c> and <c>[n]</c> citations.</summary>
internal sealed record AnswerCard([property: UserText] string Question, string Answer, bool GroundedByAi, IReadOnlyList<AnswerPassage> Passages, IReadOnlyList<CardSuggestion> Suggestions);

internal sealed record AnswerPassage(int Number, string Text, CardSource Source);

/// <summary>Data of the <c>roles.comparison</c> card.</summary>
public sealed record RolesComparisonCard(
    string Title,
    string Intro,
    RoleSummary LeftRole,
    RoleSummary RightRole,
    IReadOnlyList<RoleComparisonRow> Rows,
    string Common,
    IReadOnlyList<CardSource> Sources,
    IReadOnlyList<CardSuggestion> Suggestions);

public sealed record RoleSummary(string Title, string Summary);

public sealed record RoleComparisonRow(string Aspect, string Left, string Right);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AnswerCard))]
[JsonSerializable(typeof(RolesComparisonCard))]
[JsonSerializable(typeof(RolesComparisonTable))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(ModelReply))]
[JsonSerializable(typeof(ModelReplySchema))]
[JsonSerializable(typeof(ModelTranslation))]
[JsonSerializable(typeof(TranslationSchema))]
internal sealed partial class AskJson : JsonSerializerContext;
