using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Features.Kpis;

namespace GovernanceBot.Features.Benefits;

/// <summary>Data of the <c>benefits.status</c> card: the benefits register.</summary>
public sealed record BenefitsStatusCard(CardProgram Program, string AsOfText, BenefitCounts Counts, IReadOnlyList<BenefitRow> Benefits);

public sealed record BenefitCounts(int Realised, int OnTrack, int AtRisk, int OffTrack, int Planned, int Total);

/// <param name="Status"><c>realised</c>, <c>onTrack</c>, <c>atRisk</c>, <c>offTrack</c> or <c>planned</c>.</param>
public sealed record BenefitRow(string Id, string Name, string Owner, string Status, string RealisationDateText, IReadOnlyList<BenefitKpi> Kpis);

public sealed record BenefitKpi(string KpiId, string Name, string BaselineText, string CurrentText, string TargetText, string Rag);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BenefitsStatusCard))]
internal sealed partial class BenefitCardsJson : JsonSerializerContext;
