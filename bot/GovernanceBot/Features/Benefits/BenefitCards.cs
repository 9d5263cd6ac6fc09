using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;
using GovernanceBot.Features.Health;

namespace GovernanceBot.Features.Benefits;

/// <summary>Data of the <c>benefits.status</c> card: the benefits register.</summary>
internal sealed record BenefitsStatusCard(CardProgram Program, string AsOfText, BenefitCounts Counts, IReadOnlyList<BenefitRow> Benefits);

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

/// <summary>Data of the <c>benefit.detail</c> card: one benefit, its realisation curve and its actuals.</summary>
internal sealed record BenefitDetailCard(CardProgram Program, BenefitViewer Viewer, BenefitForm Form, BenefitDetail Benefit);

internal sealed record BenefitViewer(bool CanRecord);

/// <summary>The record-an-actual form: dates are <c>yyyy-MM-dd</c>.</summary>
internal sealed record BenefitForm(string Date, string MaxDate, string Placeholder);

/// <summary>
/// One benefit. <see cref="Kind"/> benefit|disBenefit; <see cref="Rag"/> against the plan
/// green|amber|red|none; the series' <c>x</c> are dates ("31 Aug 26").
/// </summary>
internal sealed record BenefitDetail(
    string Id,
    [property: UserText] string Name,
    [property: UserText] string Description,
    [property: UserText] string Owner,
    string Kind,
    string KindText,
    string Status,
    string StatusText,
    string StatusColor,
    [property: UserText] string Unit,
    string BaselineText,
    string TargetText,
    string LatestText,
    string PlanText,
    string Rag,
    string RealisationDateText,
    string ChartTitle,
    string Sparkline,
    BenefitSeries Series,
    IReadOnlyList<BenefitHistoryRow> History,
    IReadOnlyList<BenefitKpi> Kpis);

internal sealed record BenefitSeries(IReadOnlyList<BenefitPoint> Actual, IReadOnlyList<BenefitPoint> Planned);

internal sealed record BenefitPoint(string X, double Y);

internal sealed record BenefitHistoryRow(string DateText, string ValueText, string PlannedText, string Rag, [property: UserText] string Note);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BenefitDetailCard))]
[JsonSerializable(typeof(BenefitsStatusCard))]
internal sealed partial class BenefitsJson : JsonSerializerContext;
