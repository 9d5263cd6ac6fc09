using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;
using GovernanceBot.Features.Health;
using GovernanceBot.Features.Narratives;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.CheckIns;

// Data of the check-in cards; the shapes are those of adaptivecards/samples/checkin.*.data.json.

internal sealed record Respondent([property: UserText] string Name, [property: UserText] string FirstName);

/// <param name="Reminder">The card reminds someone who has not answered (it says so, and when the round closes).</param>
internal sealed record PromptRound(string Id, [property: UserText] string Title, string PeriodText, string ClosesText, [property: UserText] string Intro, bool Anonymous, bool IsOpen, bool Reminder);

public sealed record RoundInfo(string Id, [property: UserText] string Title, string PeriodText, string ClosesText, bool Anonymous, bool IsOpen);

internal sealed record PromptChoice(string Title, string Value);

internal sealed record PromptQuestion(
    string Id, string Kind, string Text, bool Required, string ErrorMessage, string Style, string Placeholder,
    bool Multiline, int MaxLength, string Value, IReadOnlyList<PromptChoice> Choices);

internal sealed record CheckInPromptCard(CardProgram Program, Respondent Respondent, PromptRound Round, IReadOnlyList<PromptQuestion> Questions);

internal sealed record AnswerLine(string QuestionId, [property: UserText] string Question, [property: UserText] string AnswerText);

internal sealed record CheckInThanksCard(CardProgram Program, Respondent Respondent, RoundInfo Round, string SubmittedAtText, IReadOnlyList<AnswerLine> Answers);

internal sealed record ResponseStats(int Invited, int Received, double Rate, string RateText, string PreviousRateText, string Trend, string Movement, string DeltaText);

internal sealed record DistributionBar([property: UserText] string Label, int Count, string PercentText, string Bar);

internal sealed record ScaleSummary(
    string Id, [property: UserText] string Text, double Average, string AverageText, string MaxText, string PreviousAverageText,
    string Trend, string Movement, string DeltaText, IReadOnlyList<DistributionBar> Distribution);

internal sealed record ChoiceSummary(string Id, [property: UserText] string Text, IReadOnlyList<DistributionBar> Distribution);

/// <param name="AnswerId">For a quoted risk or blocker, the answer it comes from (<c>{response}:{question}</c>), which "Add to RAID log" links to; "" otherwise.</param>
public sealed record Quote(string Kind, [property: UserText] string Text, [property: UserText] string Author, string AnswerId = "");

/// <summary>A written question's answers, with who gave them.</summary>
internal sealed record WrittenAnswers(string Id, [property: UserText] string Text, IReadOnlyList<Quote> Answers);

internal sealed record CheckInSummaryCard(
    CardProgram Program, RoundInfo Round, ResponseStats Responses, IReadOnlyList<ScaleSummary> ScaleQuestions,
    IReadOnlyList<ChoiceSummary> ChoiceQuestions, Narrative Narrative, IReadOnlyList<Quote> Quotes, IReadOnlyList<WrittenAnswers> WrittenAnswers,
    [property: UserText] IReadOnlyList<string> NonResponders);

/// <summary>The inputs of the <c>checkin.define</c> form, as strings the inputs show (lists comma-separated).</summary>
internal sealed record CheckInDefineForm(
    string CheckInKey, string Name, string Days, string Time, string Cron, string Window, string Reminders,
    string Roles, string People, string Questions, string Holidays, string MentionNonResponders);

internal sealed record CheckInDefineCard(
    CardProgram Program, [property: UserText] string Title, [property: UserText] string Intro, string SubmitTitle, CheckInDefineForm Form,
    IReadOnlyList<PromptChoice> Days, IReadOnlyList<PromptChoice> Roles, IReadOnlyList<PromptChoice> People,
    string QuestionHelp, string QuestionExample);

/// <summary>A question as a round keeps it (<see cref="GovernanceBot.Store.Entities.CheckInRound.QuestionsJson"/>).</summary>
internal sealed record RoundQuestion(string Key, CheckInQuestionKind Kind, string Text, bool Required, List<string> Options, bool FlagsRisks);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CheckInPromptCard))]
[JsonSerializable(typeof(CheckInThanksCard))]
[JsonSerializable(typeof(CheckInSummaryCard))]
[JsonSerializable(typeof(CheckInDefineCard))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(List<RoundQuestion>))]
internal sealed partial class CheckInJson : JsonSerializerContext;
