using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;

namespace GovernanceBot.Features.Raid;

/// <summary>
/// Data of the <c>raid.log</c> card: the program's open RAID items, overdue first then by score, and
/// a probability × impact heatmap of its open risks.
/// </summary>
internal sealed record RaidLogCard(CardProgram Program, string AsOfText, string CountsText, int OverdueCount, IReadOnlyList<RaidRow> Items, string ShownText, RaidHeatmap Heatmap);

/// <summary>
/// One item. <see cref="Type"/> is risk|assumption|issue|dependency; <see cref="Rag"/> red|amber|green|none
/// (shown with its word and emoji in <see cref="RagText"/>).
/// </summary>
internal sealed record RaidRow(
    string ItemId,
    string Key,
    string Type,
    string TypeText,
    [property: UserText] string Title,
    [property: UserText] string Owner,
    string ScoreText,
    string Rag,
    string RagText,
    string StatusText,
    string DueText,
    bool Overdue);

/// <summary>The heatmap as table rows: the first is the header; each cell's <see cref="RaidCell.Style"/> is a table-cell style.</summary>
internal sealed record RaidHeatmap(int RiskCount, IReadOnlyList<RaidHeatmapRow> Rows, string Legend);

internal sealed record RaidHeatmapRow(IReadOnlyList<RaidCell> Cells);

internal sealed record RaidCell(string Text, string Style);

/// <summary>
/// Data of the <c>raid.item</c> card: one item, its facts, its history, and the forms to update or close it.
/// <see cref="RaidItemView.EscalatedText"/> (when it was escalated) is a moment, so it is not a fact: a
/// fact's value is escaped user text, which would strip the moment's marker, and Teams shows each
/// reader their own time only in a TextBlock.
/// </summary>
internal sealed record RaidItemCard(CardProgram Program, RaidItemView Item, IReadOnlyList<RaidFact> Facts, IReadOnlyList<RaidHistoryLine> History, RaidForm Form);

internal sealed record RaidItemView(
    string Id,
    string Key,
    string Type,
    string TypeText,
    [property: UserText] string Title,
    [property: UserText] string Description,
    string Rag,
    string RagText,
    string Status,
    string StatusText,
    bool IsOpen,
    bool CanEscalate,
    string EscalatedText);

/// <summary>A labelled line of the item card (owner, score, dates, response …).</summary>
internal sealed record RaidFact(string Title, [property: UserText] string Value);

internal sealed record RaidHistoryLine(string AtText, [property: UserText] string Who, [property: UserText] string Text);

/// <summary>
/// The update form's current values (raw, never shown as text: inputs take them as typed). Dates are
/// <c>yyyy-MM-dd</c>; <see cref="Probability"/> and <see cref="Impact"/> are "1"–"5" or "".
/// </summary>
internal sealed record RaidForm(
    string Status,
    IReadOnlyList<RaidChoice> Statuses,
    bool Scored,
    bool Severity,
    string Probability,
    string Impact,
    IReadOnlyList<RaidChoice> Levels,
    string DueLabel,
    string Due,
    string MinDate,
    string ResponseLabel,
    string Response);

internal sealed record RaidChoice(string Title, string Value);

/// <summary>
/// Data of the <c>raid.new</c> card: a program manager's form to add a risk or blocker quoted in a
/// check-in to the RAID log, pre-filled from the answer (<see cref="AnswerId"/> links the item to it).
/// </summary>
internal sealed record RaidNewCard(CardProgram Program, string AnswerId, [property: UserText] string Quote, [property: UserText] string Author, RaidNewForm Form);

/// <summary>The form's values (raw: inputs take them as they are). <see cref="Type"/> is risk|issue; dates <c>yyyy-MM-dd</c>.</summary>
internal sealed record RaidNewForm(
    string Type,
    IReadOnlyList<RaidChoice> Types,
    string Title,
    string Owner,
    IReadOnlyList<RaidChoice> People,
    string Probability,
    string Impact,
    IReadOnlyList<RaidChoice> Levels,
    string Due,
    string MinDate);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RaidNewCard))]
[JsonSerializable(typeof(RaidLogCard))]
[JsonSerializable(typeof(RaidItemCard))]
internal sealed partial class RaidJson : JsonSerializerContext;
