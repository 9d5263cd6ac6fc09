using System.Globalization;

namespace GovernanceBot.Features.Dashboard;

/// <summary>One point of a chart: its label on the x axis and its value (none: a gap).</summary>
internal readonly record struct ChartPoint(string Label, double? Value);

/// <summary>
/// Line charts as server-rendered SVG: no script, no fonts to fetch, scaled by the browser. Each has
/// a title and a description for screen readers (<c>role="img"</c>); pages put the values in a
/// table beside it as the text alternative.
/// </summary>
internal static class SvgChart
{
    private const double Width = 320;
    private const double Height = 120;
    private const double Left = 8;
    private const double Right = 8;
    private const double Top = 10;
    private const double Bottom = 18;

    /// <param name="id">Unique on the page: the title and description are referred to by it.</param>
    /// <param name="reference">A horizontal line (a KPI's target), drawn dashed.</param>
    /// <param name="floor">The lowest value the axis shows (e.g. 0 for a rate); otherwise from the data.</param>
    /// <param name="ceiling">The highest value the axis shows; otherwise from the data.</param>
    public static Markup Line(string id, string title, string description, IReadOnlyList<ChartPoint> points,
        double? reference = null, double? floor = null, double? ceiling = null)
    {
        var html = new Html();
        html.Append($"<svg class=\"chart\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" focusable=\"false\">");
        html.Append($"<title id=\"{id}-t\">{title}</title><desc id=\"{id}-d\">{description}</desc>");
        var values = points.Where(p => p.Value is { } v && double.IsFinite(v)).Select(p => p.Value!.Value).ToList();
        if (reference is { } r && double.IsFinite(r))
        {
            values.Add(r);
        }

        if (values.Count == 0 || points.Count == 0)
        {
            html.Append($"<text class=\"chart-empty\" x=\"{Width / 2}\" y=\"{Height / 2}\" text-anchor=\"middle\">No values yet</text></svg>");
            return new Markup(html.ToString());
        }

        var min = floor ?? values.Min();
        var max = ceiling ?? values.Max();
        if (max - min < 1e-9)
        {
            // A flat series sits in the middle rather than on an edge.
            (min, max) = (min - 1, max + 1);
        }
        else if (floor is null || ceiling is null)
        {
            var pad = (max - min) * 0.1;
            min = floor ?? min - pad;
            max = ceiling ?? max + pad;
        }

        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        double X(int i) => Left + (points.Count == 1 ? plotWidth / 2 : i * plotWidth / (points.Count - 1));
        double Y(double v) => Top + ((max - v) / (max - min) * plotHeight);

        html.Append($"<line class=\"chart-axis\" x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\"/>");
        if (reference is { } target && double.IsFinite(target))
        {
            html.Append($"<line class=\"chart-target\" x1=\"{Left}\" y1=\"{Y(target):0.#}\" x2=\"{Width - Right}\" y2=\"{Y(target):0.#}\"/>");
        }

        // Gaps break the line: each run of values is its own polyline.
        var run = new List<string>();
        void Flush()
        {
            if (run.Count > 1)
            {
                html.Append($"<polyline class=\"chart-line\" points=\"{string.Join(' ', run)}\"/>");
            }

            run.Clear();
        }

        for (var i = 0; i < points.Count; i++)
        {
            if (points[i].Value is { } v && double.IsFinite(v))
            {
                run.Add(string.Create(CultureInfo.InvariantCulture, $"{X(i):0.#},{Y(v):0.#}"));
            }
            else
            {
                Flush();
            }
        }

        Flush();
        for (var i = 0; i < points.Count; i++)
        {
            if (points[i].Value is { } v && double.IsFinite(v))
            {
                html.Append($"<circle class=\"chart-dot\" cx=\"{X(i):0.#}\" cy=\"{Y(v):0.#}\" r=\"{(i == points.Count - 1 ? 3.5 : 2):0.#}\"/>");
            }
        }

        html.Append($"<text class=\"chart-label\" x=\"{Left}\" y=\"{Height - 4}\">{points[0].Label}</text>");
        if (points.Count > 1)
        {
            html.Append($"<text class=\"chart-label\" x=\"{Width - Right}\" y=\"{Height - 4}\" text-anchor=\"end\">{points[^1].Label}</text>");
        }

        html.Append($"</svg>");
        return new Markup(html.ToString());
    }
}
