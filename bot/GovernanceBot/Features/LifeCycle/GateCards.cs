using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;
using GovernanceBot.Features.Approvals;

namespace GovernanceBot.Features.LifeCycle;

/// <summary>Data of the <c>gates.status</c> card: the life cycle, its phases and gates.</summary>
internal sealed record GatesStatusCard(CardProgram Program, string AsOfText, string PhaseText, [property: UserText] string NextGateText,
    IReadOnlyList<PhaseView> Phases, IReadOnlyList<GateRow> Gates);

/// <summary>A phase; state done|current|ahead.</summary>
internal sealed record PhaseView(string Name, string State);

/// <summary>A gate in the list; state passed|next|ahead.</summary>
internal sealed record GateRow(string Key, string Label, [property: UserText] string Name, string Between, string DateText, string State, string StateText,
    string CriteriaText, string ReviewText);

/// <summary>Data of the <c>gate.detail</c> card: one gate with its criteria, its review and the evidence for it.</summary>
internal sealed record GateDetailCard(CardProgram Program, GateViewer Viewer, GateView Gate, IReadOnlyList<CriterionView> Criteria,
    string EvidenceAsOfText, IReadOnlyList<EvidenceSection> Evidence);

/// <summary>What the viewer may do: request the review (program managers, at the current gate, none open); the note says why not or what next.</summary>
internal sealed record GateViewer(bool CanRequestReview, [property: UserText] string Note);

/// <summary>The gate; state passed|next|ahead; review status none|pending|escalated|approved|rejected|expired|withdrawn.</summary>
internal sealed record GateView(string Key, string Label, [property: UserText] string Name, string Between, string DateText, string State, string StateText,
    [property: UserText] string ApproversText, string ReviewStatus, string ReviewText, string ReviewKey, string CriteriaText);

/// <summary>An entry criterion; <see cref="CanConfirm"/> shows its Confirm button.</summary>
internal sealed record CriterionView(string Key, [property: UserText] string Text, [property: UserText] string Owner, bool Confirmed,
    [property: UserText] string ConfirmedText, bool CanConfirm);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(GatesStatusCard))]
[JsonSerializable(typeof(GateDetailCard))]
internal sealed partial class LifeCycleJson : JsonSerializerContext;
