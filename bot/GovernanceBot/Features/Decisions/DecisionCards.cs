using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;

namespace GovernanceBot.Features.Decisions;

/// <summary>Data of the <c>decisions.log</c> card: decided approvals and decisions recorded directly, latest first.</summary>
internal sealed record DecisionsLogCard(CardProgram Program, string AsOfText, string CountsText, IReadOnlyList<DecisionRow> Decisions, string ShownText);

/// <summary>
/// One entry. <see cref="Kind"/> is recorded|approval; <see cref="Status"/> active|superseded|reversed for
/// recorded decisions, the outcome (approved|rejected|expired|escalated|withdrawn) for approvals.
/// </summary>
internal sealed record DecisionRow(
    string Id,
    string Kind,
    [property: UserText] string Title,
    string Status,
    string StatusText,
    string DecidedText, // a moment (LocalTime) and names the handler escaped itself: escaping would strip the moment's marker
    [property: UserText] string Rationale,
    [property: UserText] string AlternativesText,
    [property: UserText] string LinksText,
    string SupersessionText);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DecisionsLogCard))]
internal sealed partial class DecisionsJson : JsonSerializerContext;
