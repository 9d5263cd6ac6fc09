using System.Globalization;
using System.Text.Json.Nodes;
using GovernanceBot.Features.Health;
using ScottPlot;

namespace GovernanceBot.Cards.Charts;

/// <summary>
/// Draws a KPI trend as a PNG for Slack (Teams draws <c>Chart.Line</c> itself): the actual series, the
/// target as a dashed line, axis titles, and the latest point in its RAG colour.
/// </summary>
public sealed class KpiChartRenderer
{
    public const int Width = 640;
    public const int Height = 320;

    /// <summary>A PNG of a <c>Chart.Line</c> element (series "Actual" and "Target"), or null when there are no points.</summary>
    public byte[]? RenderLine(JsonObject chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var series = (chart["data"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        // The reference line is a KPI's target or a benefit's planned realisation curve.
        static bool IsReference(JsonObject s) => (string?)s["legend"] is "Target" or "Planned";
        var actual = Points(series.FirstOrDefault(s => !IsReference(s)) ?? series.FirstOrDefault());
        if (actual.Count == 0)
        {
            return null;
        }

        var reference = series.FirstOrDefault(IsReference);
        var target = Points(reference);
        // A plan runs on past the latest actual (to the realisation date): its later points extend the axis.
        var lastActual = target.FindIndex(t => t.X == actual[^1].X);
        var later = lastActual < 0 ? [] : target.Skip(lastActual + 1).Select(t => t.X);
        var labels = actual.Select(p => p.X).Concat(later).Distinct().ToArray();
        double X(string label) => Array.IndexOf(labels, label) is var i and >= 0 ? i : double.NaN;

        using var plot = new Plot();
        var line = plot.Add.Scatter(actual.Select(p => X(p.X)).ToArray(), actual.Select(p => p.Y).ToArray());
        line.LegendText = "Actual";
        line.LineWidth = 2;
        line.MarkerSize = 6;
        line.Color = Colors.SteelBlue;

        var targetPoints = target.Where(p => !double.IsNaN(X(p.X))).ToList();
        if (targetPoints.Count > 0)
        {
            var goal = plot.Add.Scatter(targetPoints.Select(p => X(p.X)).ToArray(), targetPoints.Select(p => p.Y).ToArray());
            goal.LegendText = (string?)reference!["legend"] ?? "Target";
            goal.LinePattern = LinePattern.Dashed;
            goal.LineWidth = 2;
            goal.MarkerSize = 0;
            goal.Color = Colors.Gray;
        }

        var last = plot.Add.Marker(X(actual[^1].X), actual[^1].Y);
        last.Size = 14;
        last.Color = RagColor(LatestRag(chart));

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, labels.Length).Select(i => (double)i).ToArray(), labels);
        plot.Title((string?)chart["title"] ?? string.Empty);
        plot.XLabel((string?)chart["xAxisTitle"] ?? string.Empty);
        plot.YLabel((string?)chart["yAxisTitle"] ?? string.Empty);
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Turns values into a one-line ▁▂▃▄▅▆▇█ sparkline, oldest first.</summary>
    public static string Sparkline(IReadOnlyList<double> values)
    {
        const string bars = "▁▂▃▄▅▆▇█";
        if (values.Count == 0)
        {
            return string.Empty;
        }

        var min = values.Min();
        var span = values.Max() - min;
        return string.Concat(values.Select(v => bars[span == 0 ? 3 : (int)Math.Round((v - min) / span * (bars.Length - 1))]));
    }

    private static List<(string X, double Y)> Points(JsonObject? series) =>
        (series?["values"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(p => (X: p["x"]?.ToString() ?? string.Empty, Y: p["y"] is JsonValue y && y.TryGetValue<double>(out var d) ? d
                : double.TryParse(p["y"]?.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : double.NaN))
            .Where(p => !double.IsNaN(p.Y))
            .ToList();

    /// <summary>The latest RAG, read from the status column of the chart's fallback table (newest row first): the
    /// chart element itself carries no thresholds.</summary>
    private static string? LatestRag(JsonObject chart)
    {
        var text = chart["fallback"]?.ToJsonString() ?? string.Empty;
        var marks = new[] { ("🔴", "red"), ("🟠", "amber"), ("🟢", "green") };
        return marks.Select(m => (Index: text.IndexOf(m.Item1, StringComparison.Ordinal), Rag: m.Item2))
            .Where(m => m.Index >= 0)
            .OrderBy(m => m.Index)
            .Select(m => m.Rag)
            .FirstOrDefault();
    }

    private static Color RagColor(string? rag) => rag switch
    {
        "red" => Colors.Red,
        "amber" => Colors.Orange,
        "green" => Colors.Green,
        _ => Colors.SteelBlue,
    };
}
