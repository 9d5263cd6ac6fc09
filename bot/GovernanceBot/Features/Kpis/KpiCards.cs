using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;
using GovernanceBot.Features.Health;

namespace GovernanceBot.Features.Kpis;

/// <summary>Data of the <c>kpis.status</c> card.</summary>
internal sealed record KpisStatusCard(CardProgram Program, string AsOfText, RagCounts Counts, IReadOnlyList<KpiSummary> Kpis);

/// <summary>One KPI row. Enums are camelCase words: rag green|amber|red|none, trend up|down|flat,
/// movement better|worse|same, direction higherIsBetter|lowerIsBetter.</summary>
public sealed record KpiSummary(
    string Id,
    [property: UserText] string Name,
    [property: UserText] string Owner,
    [property: UserText] string Unit,
    double Value,
    string ValueText,
    double Target,
    string TargetText,
    string Direction,
    string Rag,
    string Trend,
    string Movement,
    string DeltaText,
    string LastUpdatedText);

/// <summary>Data of the <c>kpi.detail</c> card.</summary>
internal sealed record KpiDetailCard(CardProgram Program, KpiViewer Viewer, KpiForm Form, KpiDetail Kpi);

internal sealed record KpiViewer(bool CanRecord);

/// <summary>The record-a-value form: dates are <c>yyyy-MM-dd</c>.</summary>
public sealed record KpiForm(string Date, string MaxDate, string Placeholder, string DueText);

public sealed record KpiDetail(
    string Id,
    [property: UserText] string Name,
    [property: UserText] string Description,
    [property: UserText] string Owner,
    [property: UserText] string Unit,
    double Value,
    string ValueText,
    double Target,
    string TargetText,
    string Direction,
    string Rag,
    string Trend,
    string Movement,
    string DeltaText,
    string DeltaPeriodText,
    KpiThresholds Thresholds,
    string CadenceText,
    string LastUpdatedText,
    string NextDueText,
    string ChartTitle,
    string PeriodLabel,
    string Sparkline,
    KpiSeries Series,
    IReadOnlyList<KpiHistoryRow> History);

public sealed record KpiThresholds(string GreenText, string AmberText, string RedText);

/// <summary>The chart's data: <c>x</c> is the period label, <c>y</c> the value.</summary>
public sealed record KpiSeries(IReadOnlyList<KpiPoint> Actual, IReadOnlyList<KpiPoint> Target);

public sealed record KpiPoint(string X, double Y);

public sealed record KpiHistoryRow(string PeriodText, string ValueText, string TargetText, string Rag);

/// <summary>Data of the <c>kpi.record</c> card.</summary>
internal sealed record KpiRecordCard(CardProgram Program, KpiForm Form, KpiRecordKpi Kpi);

public sealed record KpiRecordKpi(
    string Id,
    [property: UserText] string Name,
    [property: UserText] string Owner,
    [property: UserText] string Unit,
    double Value,
    string ValueText,
    double Target,
    string TargetText,
    string Direction,
    string Rag,
    string CadenceText,
    string LastUpdatedText);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(KpisStatusCard))]
[JsonSerializable(typeof(KpiDetailCard))]
[JsonSerializable(typeof(KpiRecordCard))]
internal sealed partial class KpisJson : JsonSerializerContext;
