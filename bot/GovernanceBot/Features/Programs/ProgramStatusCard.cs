using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;
using GovernanceBot.Features.Health;

namespace GovernanceBot.Features.Programs;

/// <summary>Data of the <c>program.status</c> card. RAG values are green|amber|red|none.</summary>
public sealed record ProgramStatusCard(
    ProgramSummary Program,
    string AsOfText,
    OverallStatus Overall,
    RagCounts KpiCounts,
    BenefitCounts BenefitCounts,
    CheckInStatus Checkin,
    NextGate NextGate,
    IReadOnlyList<StatusDimension> Dimensions,
    [property: UserText] IReadOnlyList<string> Highlights,
    IReadOnlyList<StatusRisk> Risks,
    IReadOnlyList<PendingApproval> PendingApprovals);

public sealed record ProgramSummary(string Id, [property: UserText] string Name, string Phase, [property: UserText] string Manager, [property: UserText] string Sponsor);

public sealed record OverallStatus(string Rag, [property: UserText] string Summary);

/// <summary>The latest check-in round in one line, e.g. "Weekly pulse of 23 Nov: 5 answers so far".</summary>
public sealed record CheckInStatus([property: UserText] string Text);

/// <summary>The first stage gate waiting for a decision and its deadline, or that none is waiting.</summary>
public sealed record NextGate([property: UserText] string Text);

/// <summary>Health of one area (schedule, KPIs, benefits…).</summary>
public sealed record StatusDimension(string Name, string Rag, [property: UserText] string Note);

public sealed record StatusRisk([property: UserText] string Title, [property: UserText] string Owner, string Rag);

public sealed record PendingApproval(string Id, [property: UserText] string Title, string TallyText, string DeadlineText);

internal sealed record ProgramListItem([property: UserText] string Name, string Key, string Phase, int Red, int Amber, int Green, int PendingApprovals);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ProgramStatusCard))]
internal sealed partial class ProgramsJson : JsonSerializerContext;
