using System.Globalization;
using System.Text.RegularExpressions;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Kpis;

/// <summary>Checks what people type as a KPI value and date; every error says what is wrong and shows a right example.</summary>
public static partial class KpiValue
{
    internal const int MaxValueLength = 40;
    internal const int MaxNoteLength = 500;

    public static (double? Value, string? Error) Parse(string text, Kpi kpi)
    {
        var example = Example(kpi);
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return (null, $"What value? For example **kpi record \"{kpi.Name}\" {example}**.");
        }

        if (trimmed.Length > MaxValueLength)
        {
            return (null, $"That is not a value I can record for {kpi.Name} ({trimmed.Length:N0} characters). Send just the number, for example **{example}**.");
        }

        var match = Number().Match(trimmed);
        if (!match.Success)
        {
            return (null, $"\"{trimmed}\" is not a number. {kpi.Name} needs a number{UnitHint(kpi)}, for example **{example}**.");
        }

        var suffix = match.Groups["unit"].Value.Trim();
        if (suffix.Length > 0 && !SameUnit(suffix, kpi.Unit))
        {
            return (null, string.IsNullOrEmpty(kpi.Unit)
                ? $"{kpi.Name} has no unit, so \"{suffix}\" doesn't fit. Send just the number, for example **{example}**."
                : $"\"{trimmed}\" is in {suffix}, but {kpi.Name} is measured in {kpi.Unit}. Send the number in {kpi.Unit}, for example **{example}**.");
        }

        var digits = match.Groups["number"].Value.Replace(",", string.Empty, StringComparison.Ordinal);
        var sign = match.Groups["sign"].Value is "-" or "−" ? -1 : 1;
        if (!double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return (null, $"\"{trimmed}\" is not a number I can store. For example **{example}**.");
        }

        return (sign * value, null);
    }

    /// <summary>An optional date: <c>yyyy-MM-dd</c>, <c>today</c> or <c>yesterday</c>; not in the future, not more than two years back.</summary>
    public static (DateOnly? Date, string? Error) ParseDate(string? text, DateOnly today)
    {
        if (string.IsNullOrWhiteSpace(text) || string.Equals(text, "today", StringComparison.OrdinalIgnoreCase))
        {
            return (today, null);
        }

        if (string.Equals(text, "yesterday", StringComparison.OrdinalIgnoreCase))
        {
            return (today.AddDays(-1), null);
        }

        if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return (null, $"\"{(text.Length > 20 ? text[..20] + "…" : text)}\" is not a date. Write it as yyyy-MM-dd, for example {today:yyyy-MM-dd}, or leave it out for today.");
        }

        if (date > today)
        {
            return (null, $"{date:yyyy-MM-dd} is in the future; values can only be recorded for today ({today:yyyy-MM-dd}) or earlier.");
        }

        if (date < today.AddYears(-2))
        {
            return (null, $"{date:yyyy-MM-dd} is more than two years ago; correct old history with governance-as-code (`governancebot import`).");
        }

        return (date, null);
    }

    /// <summary>
    /// A recorded value's date and note, checked alike for a KPI's measurement and a benefit's
    /// actual; the error says what was wrong and that nothing was stored.
    /// </summary>
    public static (DateOnly Date, string? Note, string? Error) DateAndNote(string? dateText, string? note, DateOnly today)
    {
        var (date, dateError) = ParseDate(dateText, today);
        if (date is null)
        {
            return (today, null, dateError + " Nothing was stored.");
        }

        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        return note is { Length: > MaxNoteLength }
            ? (today, null, $"The note is {note.Length:N0} characters; keep it under {MaxNoteLength}. Nothing was stored.")
            : (date.Value, note, null);
    }

    public static bool LooksLikeValue(string word) => Number().IsMatch(word) && char.IsDigit(word.TrimStart('+', '-', '−')[0]);

    private static bool SameUnit(string typed, string? unit) =>
        unit is not null && string.Equals(Squash(typed), Squash(unit), StringComparison.OrdinalIgnoreCase);

    private static string Squash(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private static string Example(Kpi kpi)
    {
        var latest = kpi.Measurements.MaxBy(m => m.Date)?.Value ?? kpi.Target;
        return latest.ToString("0.##", CultureInfo.InvariantCulture);
    }

    private static string UnitHint(Kpi kpi) => string.IsNullOrEmpty(kpi.Unit) ? string.Empty : $" in {kpi.Unit}";

    [GeneratedRegex(@"^(?<sign>[+\-−]?)\s*(?<number>\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?|\.\d+)(?<unit>\D.*)?$")]
    private static partial Regex Number();
}
