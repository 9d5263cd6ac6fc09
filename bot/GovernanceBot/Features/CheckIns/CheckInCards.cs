using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;

namespace GovernanceBot.Features.CheckIns;

/// <summary>A check-in round as cards show it. <see cref="Intro"/> is only on the prompt (null elsewhere, and then left out).</summary>
public sealed record CheckInRoundView(string Id, string Title, string PeriodText, string ClosesText, bool Anonymous, bool IsOpen, string? Intro = null);

/// <summary>Data of the <c>checkin.prompt</c> card; each input is named <c>q_&lt;questionId&gt;</c>.</summary>
public sealed record CheckInPromptCard(CardProgram Program, CardPerson Respondent, CheckInRoundView Round, IReadOnlyList<CheckInQuestionView> Questions);

/// <summary>A question: kind scale|choice|text; style expanded|compact|""; value "" when unanswered.</summary>
public sealed record CheckInQuestionView(
    string Id,
    string Kind,
    string Text,
    bool Required,
    string ErrorMessage,
    string Style,
    string Placeholder,
    bool Multiline,
    int MaxLength,
    string Value,
    IReadOnlyList<CheckInChoice> Choices);

public sealed record CheckInChoice(string Title, string Value);

/// <summary>Data of the <c>checkin.thanks</c> card.</summary>
public sealed record CheckInThanksCard(CardProgram Program, CardPerson Respondent, CheckInRoundView Round, string SubmittedAtText, IReadOnlyList<CheckInAnswer> Answers);

public sealed record CheckInAnswer(string QuestionId, string Question, string AnswerText);

/// <summary>Data of the <c>checkin.summary</c> card.</summary>
public sealed record CheckInSummaryCard(
    CardProgram Program,
    CheckInRoundView Round,
    CheckInResponses Responses,
    IReadOnlyList<ScaleQuestionSummary> ScaleQuestions,
    IReadOnlyList<ChoiceQuestionSummary> ChoiceQuestions,
    IReadOnlyList<CheckInQuote> Quotes,
    IReadOnlyList<string> NonResponders);

/// <summary>Response rate; <see cref="Rate"/> is 0–1.</summary>
public sealed record CheckInResponses(int Invited, int Received, double Rate, string RateText, string PreviousRateText, string Trend, string Movement, string DeltaText);

public sealed record ScaleQuestionSummary(
    string Id,
    string Text,
    double Average,
    string AverageText,
    string MaxText,
    string PreviousAverageText,
    string Trend,
    string Movement,
    string DeltaText,
    IReadOnlyList<DistributionItem> Distribution);

public sealed record ChoiceQuestionSummary(string Id, string Text, IReadOnlyList<DistributionItem> Distribution);

/// <summary>One bar: <see cref="Bar"/> is up to 20 █ (· for zero).</summary>
public sealed record DistributionItem(string Label, int Count, string PercentText, string Bar);

/// <summary>A risk or blocker raised; <see cref="Author"/> is "" in anonymous rounds.</summary>
public sealed record CheckInQuote(string Kind, string Text, string Author);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CheckInPromptCard))]
[JsonSerializable(typeof(CheckInThanksCard))]
[JsonSerializable(typeof(CheckInSummaryCard))]
internal sealed partial class CheckInsJson : JsonSerializerContext;
