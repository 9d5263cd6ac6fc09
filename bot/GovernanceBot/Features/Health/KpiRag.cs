using System.Globalization;
using GovernanceBot.Cards;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Health;

public enum Rag { Green, Amber, Red, NoData }

public enum Trend { Improving, Steady, Worsening, NoData }

/// <summary>Red/Amber/Green from a KPI's direction and thresholds; trend from its last two values.</summary>
public static class KpiRag
{
    /// <summary>
    /// Higher is better: Green at or above <c>Amber</c>, Amber from <c>Red</c> up to <c>Amber</c>,
    /// Red below <c>Red</c>. Lower is better: the mirror image.
    /// </summary>
    public static Rag Of(Kpi kpi, double? value)
    {
        if (value is not { } v || double.IsNaN(v))
        {
            return Rag.NoData;
        }

        return kpi.Direction == KpiDirection.HigherIsBetter
            ? v >= kpi.Amber ? Rag.Green : v >= kpi.Red ? Rag.Amber : Rag.Red
            : v <= kpi.Amber ? Rag.Green : v <= kpi.Red ? Rag.Amber : Rag.Red;
    }

    public static Trend TrendOf(Kpi kpi, IReadOnlyList<KpiMeasurement> ordered)
    {
        if (ordered.Count < 2)
        {
            return Trend.NoData;
        }

        var delta = ordered[^1].Value - ordered[^2].Value;
        var scale = Math.Max(Math.Abs(kpi.Target), 1e-9);
        if (Math.Abs(delta) / scale < 0.005)
        {
            return Trend.Steady;
        }

        var better = kpi.Direction == KpiDirection.HigherIsBetter ? delta > 0 : delta < 0;
        return better ? Trend.Improving : Trend.Worsening;
    }

    /// <summary>Checks the thresholds are in the order the direction needs; null when they are.</summary>
    public static string? ThresholdProblem(KpiDirection direction, double target, double amber, double red) =>
        direction == KpiDirection.HigherIsBetter
            ? red < amber && amber <= target ? null
                : $"higher is better, so thresholds must satisfy red < amber <= target (got red {F(red)}, amber {F(amber)}, target {F(target)})"
            : target <= amber && amber < red ? null
                : $"lower is better, so thresholds must satisfy target <= amber < red (got target {F(target)}, amber {F(amber)}, red {F(red)})";

    public static string Format(double value, string? unit)
    {
        var number = value.ToString("0.##", CultureInfo.InvariantCulture);
        return string.IsNullOrEmpty(unit) ? number
            : unit == "%" ? $"{number} %"
            : $"{number} {unit}";
    }

    private static string F(double v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>How many KPIs are green, amber, red and without data.</summary>
    public static RagCounts Count(IEnumerable<Rag> rags)
    {
        var list = rags.ToList();
        return new RagCounts(list.Count(r => r == Rag.Green), list.Count(r => r == Rag.Amber), list.Count(r => r == Rag.Red), list.Count(r => r == Rag.NoData), list.Count);
    }

    /// <summary>The target as the cards write it: <c>≥ 95 %</c> or <c>≤ 2 days</c>.</summary>
    public static string TargetText(Kpi kpi) => (kpi.Direction == KpiDirection.HigherIsBetter ? "≥ " : "≤ ") + Format(kpi.Target, kpi.Unit);
}
