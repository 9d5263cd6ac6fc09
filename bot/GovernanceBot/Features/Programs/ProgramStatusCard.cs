using System.Text.Json;
using System.Text.Json.Serialization;

namespace GovernanceBot.Features.Programs;

/// <summary>Data of the <c>program.status</c> card.</summary>
public sealed record ProgramStatusCard(
    string Program,
    string ProgramKey,
    string Phase,
    string? Stage,
    string? Description,
    string AsOf,
    KpiCounts Kpis,
    IReadOnlyList<KpiHighlight> KpiHighlights,
    BenefitSummary Benefits,
    IReadOnlyList<PendingApproval> PendingApprovals,
    string Overall);

public sealed record KpiCounts(int Total, int Green, int Amber, int Red, int NoData);

public sealed record KpiHighlight(string Name, string ValueText, string TargetText, string Rag, string Color);

public sealed record BenefitSummary(int Total, IReadOnlyList<BenefitStatusCount> ByStatus, IReadOnlyList<string> AtRisk);

public sealed record BenefitStatusCount(string Status, int Count);

public sealed record PendingApproval(string Key, string Title, string Kind, string Deadline, string Votes);

public sealed record ProgramListItem(string Name, string Key, string Phase, int Red, int Amber, int Green, int PendingApprovals);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ProgramStatusCard))]
internal sealed partial class ProgramsJson : JsonSerializerContext;
