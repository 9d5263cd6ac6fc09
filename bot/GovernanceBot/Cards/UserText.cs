using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace GovernanceBot.Cards;

/// <summary>
/// On a card-data property: the value is text someone typed (a title, a comment, an answer, a name),
/// so the card shows it as text. <see cref="Conversation.Reply.Card{T}"/> escapes it for Markdown,
/// so a <c>[label](https://…)</c> or <c>**bold**</c> in it is neither a link nor formatting on Teams,
/// and the Block Kit translator keeps it inert on Slack. On a list, every string in it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class UserTextAttribute : Attribute;

/// <summary>
/// User text in cards, made inert once, where card data is built: Markdown punctuation is escaped
/// with a backslash (the Adaptive Card Markdown rule; <see cref="BlockKit.Mrkdwn"/> reads the same
/// escapes for Slack), and web addresses are broken with an invisible word joiner so neither platform
/// turns them into links. The templates' own Markdown and the bot's links from trusted data are untouched.
/// </summary>
public static partial class UserText
{
    /// <summary>U+2060 WORD JOINER: invisible, not a space, and enough to stop an autolinker.</summary>
    public const char Joiner = '\u2060';

    private static readonly ConcurrentDictionary<Type, IReadOnlyList<(string Name, Type Type, bool IsUserText)>> Shapes = new();

    /// <summary>Escapes <paramref name="text"/> so Markdown shows it exactly as typed.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 16);
        var lineStart = true;
        foreach (var c in Conversation.LocalTime.Inert(text))
        {
            if (c is '\\' or '*' or '_' or '[' or ']' or '(' or ')' or '`' or '~' or '#' || (lineStart && c is '-' or '+' or '>'))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
            lineStart = c == '\n' || (lineStart && c is ' ' or '\t');
        }

        var inert = OrderedListMarker().Replace(escaped.ToString(), @"$1\.");
        return WebAddress().Replace(inert, Joiner.ToString());
    }

    /// <summary>Escapes, in the data serialised from <paramref name="type"/>, every property marked <see cref="UserTextAttribute"/>.</summary>
    public static void EscapeMarked(JsonNode? node, Type type, JsonSerializerOptions options)
    {
        switch (node)
        {
            case JsonObject obj when ElementType(type) is null:
                foreach (var (name, propertyType, isUserText) in Shape(type, options))
                {
                    if (!obj.TryGetPropertyValue(name, out var child))
                    {
                        continue;
                    }

                    if (isUserText)
                    {
                        obj[name] = EscapeAll(child);
                    }
                    else
                    {
                        EscapeMarked(child, propertyType, options);
                    }
                }

                break;
            case JsonArray array when ElementType(type) is { } element:
                foreach (var item in array)
                {
                    EscapeMarked(item, element, options);
                }

                break;
        }
    }

    private static JsonNode? EscapeAll(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => JsonValue.Create(Escape(text)),
        JsonArray array => new JsonArray([.. array.Select(item => EscapeAll(item?.DeepClone()))]),
        _ => node?.DeepClone(),
    };

    private static IReadOnlyList<(string Name, Type Type, bool IsUserText)> Shape(Type type, JsonSerializerOptions options) =>
        Shapes.GetOrAdd(type, t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => (
                p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? options.PropertyNamingPolicy?.ConvertName(p.Name) ?? p.Name,
                Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType,
                p.IsDefined(typeof(UserTextAttribute))))
            .ToList());

    /// <summary>The element type of a list type; null for anything else (strings included).</summary>
    private static Type? ElementType(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    /// <summary>"1." at the start of a line would start a numbered list.</summary>
    [GeneratedRegex(@"(?m)^(\s*\d+)\.")]
    private static partial Regex OrderedListMarker();

    /// <summary>The places for a joiner: between a scheme's ":" and "//", and between "www" and its dot.</summary>
    [GeneratedRegex(@"(?<=:)(?=//)|(?<=\bwww)(?=\.)", RegexOptions.IgnoreCase)]
    private static partial Regex WebAddress();
}
