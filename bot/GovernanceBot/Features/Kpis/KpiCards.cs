using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;

namespace GovernanceBot.Features.Kpis;

/// <summary>Data of the <c>kpis.status</c> card.</summary>
public sealed record KpisStatusCard(CardProgram Program, string AsOfText, RagCounts Counts, IReadOnlyList<KpiSummary> Kpis);

/// <summary>What every KPI card says about a KPI. Enums are camelCase words: rag green|amber|red|none,
/// direction higherIsBetter|lowerIsBetter.</summary>
public abstract record KpiFacts
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Owner { get; init; }

    public required string Unit { get; init; }

    public required double Value { get; init; }

    public required string ValueText { get; init; }

    public required double Target { get; init; }

    public required string TargetText { get; init; }

    public required string Direction { get; init; }

    public required string Rag { get; init; }

    public required string LastUpdatedText { get; init; }
}

/// <summary>A KPI with its latest movement: trend up|down|flat, movement better|worse|same.</summary>
public abstract record KpiTrendFacts : KpiFacts
{
    public required string Trend { get; init; }

    public required string Movement { get; init; }

    public required string DeltaText { get; init; }
}

/// <summary>One row of the <c>kpis.status</c> card.</summary>
public sealed record KpiSummary : KpiTrendFacts;

/// <summary>Data of the <c>kpi.detail</c> card.</summary>
public sealed record KpiDetailCard(CardProgram Program, KpiViewer Viewer, KpiForm Form, KpiDetail Kpi);

public sealed record KpiViewer(bool CanRecord);

/// <summary>The record-a-value form: dates are <c>yyyy-MM-dd</c>.</summary>
public sealed record KpiForm(string Date, string MaxDate, string Placeholder, string DueText);

/// <summary>The KPI of the <c>kpi.detail</c> card: its facts, thresholds, chart series and history (newest first).</summary>
public sealed record KpiDetail : KpiTrendFacts
{
    public required string Description { get; init; }

    public required string DeltaPeriodText { get; init; }

    public required KpiThresholds Thresholds { get; init; }

    public required string CadenceText { get; init; }

    public required string NextDueText { get; init; }

    public required string ChartTitle { get; init; }

    public required string PeriodLabel { get; init; }

    public required string Sparkline { get; init; }

    public required KpiSeries Series { get; init; }

    public required IReadOnlyList<KpiHistoryRow> History { get; init; }
}

public sealed record KpiThresholds(string GreenText, string AmberText, string RedText);

/// <summary>The chart's data: <c>x</c> is the period label, <c>y</c> the value.</summary>
public sealed record KpiSeries(IReadOnlyList<KpiPoint> Actual, IReadOnlyList<KpiPoint> Target);

public sealed record KpiPoint(string X, double Y);

public sealed record KpiHistoryRow(string PeriodText, string ValueText, string TargetText, string Rag);

/// <summary>Data of the <c>kpi.record</c> card.</summary>
public sealed record KpiRecordCard(CardProgram Program, KpiForm Form, KpiRecordKpi Kpi);

/// <summary>The KPI of the <c>kpi.record</c> form.</summary>
public sealed record KpiRecordKpi : KpiFacts
{
    public required string CadenceText { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(KpisStatusCard))]
[JsonSerializable(typeof(KpiDetailCard))]
[JsonSerializable(typeof(KpiRecordCard))]
internal sealed partial class KpisJson : JsonSerializerContext;
