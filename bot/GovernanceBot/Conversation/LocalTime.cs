using System.Globalization;
using System.Text.Json.Nodes;
using System.Text;

namespace GovernanceBot.Conversation;

/// <summary>
/// A moment that each reader sees in their own time zone. Handlers put <see cref="Of"/> into reply
/// text and card data; channels render it where it is delivered: Slack as a
/// <c>&lt;!date^…&gt;</c> token (each client shows its user's local time), Teams as
/// <c>{{DATE(…)}}</c>/<c>{{TIME(…)}}</c> in a card's TextBlock (the same, done by the Teams client),
/// and everywhere else as the fallback: the time in the zone the handler chose, with the zone named.
/// </summary>
/// <remarks>
/// The marker is delimited by two private-use characters (U+F8F0, U+F8F1; clear of the U+E000 block
/// that <see cref="Cards.BlockKit.Mrkdwn"/> shields escapes with) that no keyboard types and
/// <see cref="Cards.UserText.Escape"/> never lets through, so only the bot's own times become tokens.
/// </remarks>
public static class LocalTime
{
    private const char Open = '\uF8F0';
    private const char Close = '\uF8F1';

    /// <summary>The moment <paramref name="at"/>, shown as "Tue 1 Dec 2026, 17:00 (Europe/London)" where the reader's own zone is unknown.</summary>
    public static string Of(DateTimeOffset at, TimeZoneInfo fallbackZone)
    {
        var fallback = TimeZoneInfo.ConvertTime(at, fallbackZone).ToString("ddd d MMM yyyy, HH:mm", CultureInfo.InvariantCulture) + $" ({ZoneName(fallbackZone)})";
        return $"{Open}{at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}|{fallback}{Close}";
    }

    /// <summary>Replaces every marker in <paramref name="text"/> with what <paramref name="render"/> makes of its moment and fallback.</summary>
    public static string Render(string text, Func<DateTimeOffset, string, string> render)
    {
        var open = text.IndexOf(Open, StringComparison.Ordinal);
        if (open < 0)
        {
            return text;
        }

        var shown = new StringBuilder(text.Length);
        var from = 0;
        while (open >= 0)
        {
            var close = text.IndexOf(Close, open + 1);
            var bar = close < 0 ? -1 : text.IndexOf('|', open + 1, close - open - 1);
            if (close < 0 || bar < 0
                || !long.TryParse(text.AsSpan(open + 1, bar - open - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
            {
                // Not a marker of ours (cut short, or typed): show the text without the marker characters.
                break;
            }

            shown.Append(text, from, open - from).Append(render(DateTimeOffset.FromUnixTimeSeconds(seconds), text[(bar + 1)..close]));
            from = close + 1;
            open = text.IndexOf(Open, from);
        }

        return Inert(shown.Append(text, from, text.Length - from).ToString());
    }

    /// <summary>The text with each moment as its fallback: for channels that cannot localise.</summary>
    public static string Plain(string text) => Render(text, (_, fallback) => fallback);

    /// <summary>Slack's date token: every reader's client shows the moment in their own zone.</summary>
    public static string Slack(string text) =>
        Render(text, (at, fallback) => $"<!date^{at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}^{{date_short_pretty}} at {{time}}|{fallback}>");

    /// <summary>Teams' date functions for a card's TextBlock: the Teams client shows the reader's local date and time.</summary>
    public static string Teams(string text) =>
        Render(text, (at, _) =>
        {
            var iso = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            return $"{{{{DATE({iso}, SHORT)}}}} at {{{{TIME({iso})}}}}";
        });

    /// <summary>
    /// Renders the moments in a message's JSON: a string property for which <paramref name="localises"/>
    /// holds gets <paramref name="render"/> (the platform's token), every other string its fallback.
    /// </summary>
    public static void Localise(JsonNode? node, Func<JsonObject, string, bool> localises, Func<string, string> render)
    {
        switch (node)
        {
            case JsonObject element:
                foreach (var (property, child) in element.ToList())
                {
                    if (child is JsonValue value && value.TryGetValue<string>(out var text))
                    {
                        var shown = localises(element, property) ? render(text) : Plain(text);
                        if (!ReferenceEquals(shown, text))
                        {
                            element[property] = shown;
                        }
                    }
                    else
                    {
                        Localise(child, localises, render);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.TryGetValue<string>(out var text))
                    {
                        var shown = Plain(text);
                        if (!ReferenceEquals(shown, text))
                        {
                            array[i] = shown;
                        }
                    }
                    else
                    {
                        Localise(array[i], localises, render);
                    }
                }

                break;
        }
    }

    /// <summary>Takes the marker characters out of text someone typed, so it can never pose as a time.</summary>
    public static string Inert(string text) => text.Replace(Open.ToString(), string.Empty, StringComparison.Ordinal).Replace(Close.ToString(), string.Empty, StringComparison.Ordinal);

    private static string ZoneName(TimeZoneInfo zone) => zone.Id is "Etc/UTC" ? "UTC" : zone.Id;
}
