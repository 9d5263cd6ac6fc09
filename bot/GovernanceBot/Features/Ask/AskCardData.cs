using System.Text.Json;
using System.Text.Json.Serialization;

namespace GovernanceBot.Features.Ask;

/// <summary>Data of the <c>answer</c> card.</summary>
/// <param name="GroundedByAi">The answer was written by the model from the numbered passages only.</param>
public sealed record AnswerCard(
    string Question,
    string Answer,
    bool GroundedByAi,
    IReadOnlyList<AnswerPassage> Passages,
    IReadOnlyList<AnswerSuggestion> Suggestions);

/// <summary>A numbered source the answer cites as <c>[n]</c>.</summary>
public sealed record AnswerPassage(int Number, string Text, AnswerSource Source);

public sealed record AnswerSource(string Title, string Detail, string Url);

/// <summary>A button that runs a command (<c>help.run</c>).</summary>
public sealed record AnswerSuggestion(string Title, string Command);

/// <summary>Data of the <c>roles.comparison</c> card.</summary>
public sealed record RolesComparisonCard(
    string Title,
    string Intro,
    RoleSummary LeftRole,
    RoleSummary RightRole,
    IReadOnlyList<RolesComparisonRow> Rows,
    string Common,
    IReadOnlyList<RolesComparisonSource> Sources,
    IReadOnlyList<AnswerSuggestion> Suggestions);

public sealed record RoleSummary(string Title, string Summary);

public sealed record RolesComparisonRow(string Aspect, string Left, string Right);

public sealed record RolesComparisonSource(string Title, string Detail, string Url);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AnswerCard))]
[JsonSerializable(typeof(RolesComparisonCard))]
[JsonSerializable(typeof(RolesComparisonTable))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(ModelReply))]
[JsonSerializable(typeof(ModelReplySchema))]
internal sealed partial class AskJson : JsonSerializerContext;
