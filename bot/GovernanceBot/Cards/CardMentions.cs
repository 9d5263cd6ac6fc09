using System.Text.Json.Nodes;
using GovernanceBot.Conversation;

namespace GovernanceBot.Cards;

/// <summary>
/// Turns names into a platform's mentions in a rendered card: only in text elements whose <c>id</c> is
/// <c>mentions</c> (a list of people), so the same name elsewhere on the card (a quote's author) stays text.
/// </summary>
public static class CardMentions
{
    public const string ElementId = "mentions";

    /// <summary>
    /// Replaces each person's name (its first occurrence in the mentions elements) with
    /// <paramref name="replacements"/>' text; returns the people actually mentioned.
    /// </summary>
    public static IReadOnlyList<MentionedPerson> Apply(JsonObject card, IReadOnlyDictionary<MentionedPerson, string> replacements)
    {
        var applied = new List<MentionedPerson>();
        if (replacements.Count == 0)
        {
            return applied;
        }

        foreach (var element in Elements(card).Where(e => (string?)e["id"] == ElementId && e["text"] is JsonValue))
        {
            var text = (string?)element["text"] ?? string.Empty;
            foreach (var (person, replacement) in replacements)
            {
                var at = IndexOfWholeName(text, person.Name);
                if (at < 0 || applied.Contains(person))
                {
                    continue;
                }

                text = string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + person.Name.Length));
                applied.Add(person);
            }

            element["text"] = text;
        }

        return applied;
    }

    /// <summary>Where the name stands on its own in a list of names ("A, B, C"), or -1.</summary>
    private static int IndexOfWholeName(string text, string name)
    {
        for (var at = text.IndexOf(name, StringComparison.Ordinal); at >= 0; at = text.IndexOf(name, at + 1, StringComparison.Ordinal))
        {
            var end = at + name.Length;
            var startsAlone = at == 0 || text[at - 1] is ' ' or ',';
            var endsAlone = end == text.Length || text[end] is ',' or ' ';
            if (startsAlone && endsAlone)
            {
                return at;
            }
        }

        return -1;
    }

    private static IEnumerable<JsonObject> Elements(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                yield return obj;
                foreach (var (_, child) in obj)
                {
                    foreach (var inner in Elements(child))
                    {
                        yield return inner;
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    foreach (var inner in Elements(child))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }
}
