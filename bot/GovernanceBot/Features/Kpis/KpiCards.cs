using System.Text.Json;
using System.Text.Json.Serialization;

namespace GovernanceBot.Features.Kpis;

/// <summary><c>program {id, name}</c> on the KPI and benefit cards.</summary>
public sealed record CardProgram(string Id, string Name);

public sealed record RagCounts(int Green, int Amber, int Red, int None, int Total);

/// <summary>One KPI row (adaptivecards/README.md, KpiSummary). No nulls: no data is <c>value 0, rag "none"</c>.</summary>
public sealed record KpiSummary(
    string Id,
    string Name,
    string Owner,
    string Unit,
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

/// <summary>Data of the <c>kpis.status</c> card.</summary>
public sealed record KpisStatusCard(CardProgram Program, string AsOfText, RagCounts Counts, IReadOnlyList<KpiSummary> Kpis);

/// <summary>The record-a-value form: dates are <c>yyyy-MM-dd</c>.</summary>
public sealed record KpiForm(string Date, string MaxDate, string Placeholder, string DueText);

public sealed record KpiViewer(bool CanRecord);

public sealed record KpiThresholds(string GreenText, string AmberText, string RedText);

public sealed record ChartPoint(string X, double Y);

public sealed record KpiSeries(IReadOnlyList<ChartPoint> Actual, IReadOnlyList<ChartPoint> Target);

public sealed record KpiHistoryRow(string PeriodText, string ValueText, string TargetText, string Rag);

public sealed record KpiDetail(
    string Id,
    string Name,
    string Description,
    string Owner,
    string Unit,
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

/// <summary>Data of the <c>kpi.detail</c> card.</summary>
public sealed record KpiDetailCard(CardProgram Program, KpiViewer Viewer, KpiForm Form, KpiDetail Kpi);

public sealed record KpiRecordKpi(
    string Id,
    string Name,
    string Owner,
    string Unit,
    double Value,
    string ValueText,
    double Target,
    string TargetText,
    string Direction,
    string Rag,
    string CadenceText,
    string LastUpdatedText);

/// <summary>Data of the <c>kpi.record</c> card. Inputs: <c>value</c>, <c>date</c>, <c>note</c>.</summary>
public sealed record KpiRecordCard(CardProgram Program, KpiForm Form, KpiRecordKpi Kpi);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(KpisStatusCard))]
[JsonSerializable(typeof(KpiDetailCard))]
[JsonSerializable(typeof(KpiRecordCard))]
internal sealed partial class KpiCardsJson : JsonSerializerContext;
