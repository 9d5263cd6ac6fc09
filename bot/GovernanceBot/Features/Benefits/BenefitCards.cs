using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;

namespace GovernanceBot.Features.Benefits;

/// <summary>Data of the <c>benefits.status</c> card: the benefits register.</summary>
public sealed record BenefitsStatusCard(CardProgram Program, string AsOfText, BenefitCounts Counts, IReadOnlyList<BenefitRow> Benefits);

/// <summary>One benefit; status realised|onTrack|atRisk|offTrack|planned.</summary>
public sealed record BenefitRow(string Id, [property: UserText] string Name, [property: UserText] string Owner, string Status, string RealisationDateText, IReadOnlyList<BenefitKpi> Kpis);

/// <summary>A KPI that measures the benefit, from baseline through current to target.</summary>
public sealed record BenefitKpi(string KpiId, [property: UserText] string Name, string BaselineText, string CurrentText, string TargetText, string Rag);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BenefitsStatusCard))]
internal sealed partial class BenefitsJson : JsonSerializerContext;
