using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;
using GovernanceBot.Features.Health;

namespace GovernanceBot.Features.Benefits;

/// <summary>Data of the <c>benefits.status</c> card: the benefits register.</summary>
public sealed record BenefitsStatusCard(CardProgram Program, string AsOfText, BenefitCounts Counts, IReadOnlyList<BenefitRow> Benefits);

/// <summary>
/// One benefit. <see cref="Status"/> is the stored status (identified|planned|inDelivery|realised|sustained|atRisk);
/// <see cref="StatusText"/> and <see cref="StatusColor"/> show it in the one vocabulary of <see cref="BenefitStatuses"/>.
/// <see cref="MeasureText"/> is the benefit's own baseline and target.
/// </summary>
public sealed record BenefitRow(
    string Id,
    [property: UserText] string Name,
    [property: UserText] string Owner,
    string Status,
    string StatusText,
    string StatusColor,
    [property: UserText] string MeasureText,
    string RealisationDateText,
    IReadOnlyList<BenefitKpi> Kpis);

/// <summary>A KPI that measures the benefit: its latest value against its target, and its RAG.</summary>
public sealed record BenefitKpi(string KpiId, [property: UserText] string Name, string CurrentText, string TargetText, string Rag);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BenefitsStatusCard))]
internal sealed partial class BenefitsJson : JsonSerializerContext;
