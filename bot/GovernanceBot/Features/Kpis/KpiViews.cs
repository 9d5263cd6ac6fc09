using System.Globalization;
using GovernanceBot.Cards;
using GovernanceBot.Features.Health;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Kpis;

/// <summary>Turns KPIs and their measurements into the words and numbers the KPI cards show.</summary>
public static class KpiViews
{
    private const string Bars = "▁▂▃▄▅▆▇█";
    internal const int ChartPoints = 8;
    internal const int HistoryRows = 8;

    /// <summary>The id cards carry: <c>program-key.kpi-key</c>.</summary>
    public static string IdOf(GovernanceProgram program, Kpi kpi) => $"{program.Key}.{kpi.Key}";

    public static CardProgram ProgramOf(GovernanceProgram program) => new(program.Key, program.Name);

    public static string RagWord(Rag rag) => rag switch
    {
        Rag.Green => "green",
        Rag.Amber => "amber",
        Rag.Red => "red",
        _ => "none",
    };

    public static List<KpiMeasurement> Ordered(Kpi kpi) => kpi.Measurements.OrderBy(m => m.Date).ToList();

    public static KpiSummary Summary(GovernanceProgram program, Kpi kpi)
    {
        var ordered = Ordered(kpi);
        var latest = ordered.LastOrDefault();
        var (trend, movement) = TrendWords(kpi, ordered);
        return new KpiSummary(
            IdOf(program, kpi),
            kpi.Name,
            kpi.Owner?.Name ?? "no owner",
            kpi.Unit ?? string.Empty,
            latest?.Value ?? 0,
            latest is null ? "no data" : KpiRag.Format(latest.Value, kpi.Unit),
            kpi.Target,
            KpiRag.TargetText(kpi),
            DirectionWord(kpi.Direction),
            RagWord(KpiRag.Of(kpi, latest?.Value)),
            trend,
            movement,
            DeltaText(kpi, ordered),
            latest is null ? "no value yet" : $"updated {latest.Date.ToString("d MMM", CultureInfo.InvariantCulture)}");
    }

    public static KpiDetail Detail(GovernanceProgram program, Kpi kpi)
    {
        var s = Summary(program, kpi);
        var ordered = Ordered(kpi);
        var latest = ordered.LastOrDefault();
        // One point per period: a value corrected or re-measured within the same week (month…) replaces
        // the earlier one on the chart, so the axis never shows the same period twice. The history
        // keeps every value, labelled by its date as well.
        var recent = ordered
            .GroupBy(m => PeriodKey(kpi.Cadence, m.Date))
            .Select(g => g.Last())
            .TakeLast(ChartPoints)
            .ToList();
        var label = PeriodLabel(kpi.Cadence);
        return new KpiDetail(
            s.Id, s.Name, kpi.Description ?? string.Empty, s.Owner, s.Unit, s.Value, s.ValueText, s.Target, s.TargetText, s.Direction,
            s.Rag, s.Trend, s.Movement, s.DeltaText,
            ordered.Count < 2 ? string.Empty : "since the previous value",
            Thresholds(kpi),
            CadenceText(kpi.Cadence),
            latest is null ? "no value yet" : $"{latest.Date.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)}{(latest.RecordedBy is { Length: > 0 } by ? $" by {by}" : "")}",
            NextDue(kpi, latest)?.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture) ?? "now",
            recent.Count == 0 ? "No values yet" : $"Last {recent.Count} {(recent.Count == 1 ? label.ToLowerInvariant() : Plural(label))}",
            label,
            Sparkline(recent.Select(m => m.Value).ToList()),
            new KpiSeries(
                recent.Select(m => new KpiPoint(PeriodText(kpi.Cadence, m.Date), m.Value)).ToList(),
                recent.Select(m => new KpiPoint(PeriodText(kpi.Cadence, m.Date), kpi.Target)).ToList()),
            ordered.AsEnumerable().Reverse().Take(HistoryRows)
                .Select(m => new KpiHistoryRow(HistoryText(kpi.Cadence, m.Date), KpiRag.Format(m.Value, kpi.Unit), KpiRag.Format(kpi.Target, kpi.Unit), RagWord(KpiRag.Of(kpi, m.Value))))
                .ToList());
    }

    public static KpiRecordKpi RecordKpi(GovernanceProgram program, Kpi kpi)
    {
        var s = Summary(program, kpi);
        return new KpiRecordKpi(s.Id, s.Name, s.Owner, s.Unit, s.Value, s.ValueText, s.Target, s.TargetText, s.Direction, s.Rag,
            CadenceText(kpi.Cadence), s.LastUpdatedText);
    }

    public static KpiForm Form(Kpi kpi, DateOnly today)
    {
        var latest = kpi.Measurements.MaxBy(m => m.Date);
        var due = NextDue(kpi, latest);
        var placeholder = (latest?.Value ?? kpi.Target).ToString("0.##", CultureInfo.InvariantCulture);
        var dueText = due is not { } d ? "first value due now"
            : d < today ? $"value overdue since {d.ToString("ddd d MMM", CultureInfo.InvariantCulture)}"
            : d == today ? "next value due today"
            : $"next value due {d.ToString("ddd d MMM", CultureInfo.InvariantCulture)}";
        var date = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new KpiForm(date, date, placeholder, dueText);
    }

    /// <summary>When the next value is due: one cadence after the latest; null when there is none yet.</summary>
    public static DateOnly? NextDue(Kpi kpi, KpiMeasurement? latest) => latest is null ? null : kpi.Cadence switch
    {
        KpiCadence.Daily => latest.Date.AddDays(1),
        KpiCadence.Weekly => latest.Date.AddDays(7),
        KpiCadence.Fortnightly => latest.Date.AddDays(14),
        KpiCadence.Monthly => latest.Date.AddMonths(1),
        _ => latest.Date.AddMonths(3),
    };


    public static string CadenceText(KpiCadence cadence) => cadence switch
    {
        KpiCadence.Daily => "Daily",
        KpiCadence.Weekly => "Weekly",
        KpiCadence.Fortnightly => "Every two weeks",
        KpiCadence.Monthly => "Monthly",
        _ => "Quarterly",
    };

    private static string DirectionWord(KpiDirection direction) => direction == KpiDirection.HigherIsBetter ? "higherIsBetter" : "lowerIsBetter";

    private static (string Trend, string Movement) TrendWords(Kpi kpi, List<KpiMeasurement> ordered)
    {
        if (ordered.Count < 2)
        {
            return ("flat", "same");
        }

        var delta = ordered[^1].Value - ordered[^2].Value;
        var trend = KpiRag.TrendOf(kpi, ordered);
        return trend switch
        {
            Trend.Improving => (delta > 0 ? "up" : "down", "better"),
            Trend.Worsening => (delta > 0 ? "up" : "down", "worse"),
            _ => ("flat", "same"),
        };
    }

    private static string DeltaText(Kpi kpi, List<KpiMeasurement> ordered)
    {
        if (ordered.Count < 2)
        {
            return string.Empty;
        }

        var delta = ordered[^1].Value - ordered[^2].Value;
        var number = Math.Abs(delta).ToString("0.##", CultureInfo.InvariantCulture);
        var sign = delta > 0 ? "+" : delta < 0 ? "−" : "±";
        var unit = kpi.Unit switch
        {
            "%" => " pts",
            null or "" => string.Empty,
            { } u => " " + u,
        };
        return sign + number + unit;
    }

    private static KpiThresholds Thresholds(Kpi kpi)
    {
        string F(double v) => KpiRag.Format(v, kpi.Unit);
        return kpi.Direction == KpiDirection.HigherIsBetter
            ? new KpiThresholds($"≥ {F(kpi.Amber)}", $"{F(kpi.Red)} – {F(kpi.Amber)}", $"< {F(kpi.Red)}")
            : new KpiThresholds($"≤ {F(kpi.Amber)}", $"{F(kpi.Amber)} – {F(kpi.Red)}", $"> {F(kpi.Red)}");
    }

    private static string PeriodLabel(KpiCadence cadence) => cadence switch
    {
        KpiCadence.Daily => "Day",
        KpiCadence.Weekly => "Week",
        KpiCadence.Fortnightly => "Fortnight",
        KpiCadence.Monthly => "Month",
        _ => "Quarter",
    };

    private static string Plural(string label) => label == "Day" ? "days" : label.ToLowerInvariant() + "s";

    private static string PeriodText(KpiCadence cadence, DateOnly date) => cadence switch
    {
        KpiCadence.Weekly or KpiCadence.Fortnightly => $"W{ISOWeek.GetWeekOfYear(date.ToDateTime(TimeOnly.MinValue))}",
        KpiCadence.Monthly => date.ToString("MMM yyyy", CultureInfo.InvariantCulture),
        KpiCadence.Quarterly => $"Q{(date.Month - 1) / 3 + 1} {date.Year}",
        _ => date.ToString("d MMM", CultureInfo.InvariantCulture),
    };

    /// <summary>Which period a date falls in, with its (ISO week-numbering) year: W49 of one year is not W49 of the next.</summary>
    private static (int Year, int Period) PeriodKey(KpiCadence cadence, DateOnly date) => cadence switch
    {
        KpiCadence.Weekly or KpiCadence.Fortnightly => (ISOWeek.GetYear(date.ToDateTime(TimeOnly.MinValue)), ISOWeek.GetWeekOfYear(date.ToDateTime(TimeOnly.MinValue))),
        KpiCadence.Monthly => (date.Year, date.Month),
        KpiCadence.Quarterly => (date.Year, (date.Month - 1) / 3),
        _ => (date.Year, date.DayOfYear),
    };

    /// <summary>A history row's label: the period, and the day too where a period holds several days.</summary>
    private static string HistoryText(KpiCadence cadence, DateOnly date) => cadence == KpiCadence.Daily
        ? PeriodText(cadence, date)
        : $"{PeriodText(cadence, date)} · {date.ToString("d MMM", CultureInfo.InvariantCulture)}";

    /// <summary>The values as a text sparkline (▁▂▃…), for cards where charts are not drawn.</summary>
    public static string SparklineOf(List<double> values) => Sparkline(values);

    private static string Sparkline(List<double> values)
    {
        if (values.Count == 0)
        {
            return string.Empty;
        }

        var min = values.Min();
        var span = values.Max() - min;
        return string.Concat(values.Select(v => Bars[span <= 0 ? 3 : (int)Math.Round((v - min) / span * (Bars.Length - 1))]));
    }
}
