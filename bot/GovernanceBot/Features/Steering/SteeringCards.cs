using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;
using GovernanceBot.Features.Narratives;

namespace GovernanceBot.Features.Steering;

/// <summary>
/// Data of the <c>steering.pack</c> card (and of its HTML file): the program's state for the steering
/// committee, one section per agenda item, and the written summary of the latest check-in answers
/// (<see cref="Narrative"/>, shaped as on the check-in summary card), from the rounds <see cref="NarrativeFrom"/> names.
/// </summary>
internal sealed record SteeringPackCard(CardProgram Program, string AsOfText, string SinceText, IReadOnlyList<PackSection> Sections, Narrative Narrative,
    [property: UserText] string NarrativeFrom);

/// <summary>One part of the pack: <see cref="Summary"/> in a sentence, then its lines (<see cref="Empty"/> when it has none).</summary>
internal sealed record PackSection(string Id, string Title, [property: UserText] string Summary, IReadOnlyList<PackLine> Lines, string Empty);

/// <summary>
/// A line of a section. <see cref="Rag"/> is green|amber|red|none, shown with its word in <see cref="RagText"/>.
/// <see cref="WhenText"/> is the line's moment (an approval's deadline, when a change was made), shown
/// after the detail: apart from it because the detail is escaped user text, which would strip the
/// moment's marker.
/// </summary>
internal sealed record PackLine([property: UserText] string Title, [property: UserText] string Detail, string Rag, string RagText, string WhenText = "");

/// <summary>Data of the <c>steering.meeting</c> card: the open meeting's agenda and its forms to record decisions and actions.</summary>
internal sealed record SteeringMeetingCard(CardProgram Program, string MeetingId, string StartedText, IReadOnlyList<AgendaItem> Agenda,
    IReadOnlyList<PackLine> Recorded, IReadOnlyList<MeetingChoice> People, string MinDate, string DefaultDue);

internal sealed record AgendaItem(string Number, string Title, [property: UserText] string Summary);

internal sealed record MeetingChoice(string Title, string Value);

/// <summary>Data of the <c>steering.minutes</c> card: what the meeting decided, the actions it agreed, the RAID log's changes during it.</summary>
internal sealed record SteeringMinutesCard(CardProgram Program, string HeldText, string SummaryText, IReadOnlyList<PackSection> Sections);

/// <summary>Data of the <c>steering.actions</c> card: open actions, overdue first.</summary>
internal sealed record SteeringActionsCard(CardProgram Program, string AsOfText, string CountsText, IReadOnlyList<ActionRow> Actions);

internal sealed record ActionRow(string ItemId, string Key, [property: UserText] string Title, [property: UserText] string Owner, string DueText, bool Overdue);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SteeringPackCard))]
[JsonSerializable(typeof(SteeringMeetingCard))]
[JsonSerializable(typeof(SteeringMinutesCard))]
[JsonSerializable(typeof(SteeringActionsCard))]
internal sealed partial class SteeringJson : JsonSerializerContext;
