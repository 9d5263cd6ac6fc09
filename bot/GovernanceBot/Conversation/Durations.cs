using System.Globalization;
using System.Text.RegularExpressions;

namespace GovernanceBot.Conversation;

/// <summary>Durations as people write them, in governance files and chat forms alike: <c>1d</c>, <c>24h</c>, <c>90m</c>, <c>1d12h</c>.</summary>
public static partial class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        var match = DurationPattern().Match(text.Trim().ToLowerInvariant());
        value = TimeSpan.Zero;
        if (!match.Success || match.Length == 0)
        {
            return false;
        }

        int Part(int group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        value = new TimeSpan(Part(1), Part(2), Part(3), 0);
        return value > TimeSpan.Zero;
    }

    /// <summary>The duration as <see cref="TryParse"/> reads it back.</summary>
    public static string Format(TimeSpan value)
    {
        var text = (value.Days > 0 ? $"{value.Days}d" : "") + (value.Hours > 0 ? $"{value.Hours}h" : "") + (value.Minutes > 0 ? $"{value.Minutes}m" : "");
        return text.Length == 0 ? "0m" : text;
    }

    [GeneratedRegex(@"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")]
    private static partial Regex DurationPattern();
}
