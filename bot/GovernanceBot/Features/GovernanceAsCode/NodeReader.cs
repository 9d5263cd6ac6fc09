using System.Globalization;
using GovernanceBot.Conversation;

namespace GovernanceBot.Features.GovernanceAsCode;

/// <summary>Typed reads from <see cref="YNode"/>s that record a positioned error instead of throwing.</summary>
internal sealed class NodeReader(List<FileError> errors)
{
    public List<FileError> Errors => errors;

    public void Error(YNode at, string message, string? hint = null) => errors.Add(new FileError(at.Line, at.Column, message, hint));

    /// <summary>The node as a mapping whose keys are all known; unknown keys get a "did you mean".</summary>
    public YMap? Map(YNode? node, string what, IReadOnlyCollection<string> allowed)
    {
        if (node is not YMap map)
        {
            if (node is not null)
            {
                Error(node, $"{what} must be a mapping of 'key: value' lines");
            }

            return null;
        }

        foreach (var (key, _) in map.Entries)
        {
            if (!allowed.Contains(key.Value!))
            {
                var near = allowed.OrderBy(a => CommandText.Distance(a, key.Value!)).First();
                Error(key, $"unknown field '{key.Value}' in {what}",
                    CommandText.Distance(near, key.Value!) <= 3 ? $"did you mean '{near}'?" : $"allowed fields: {string.Join(", ", allowed)}");
            }
        }

        return map;
    }

    public IReadOnlyList<YNode> Sequence(YNode? node, string what)
    {
        switch (node)
        {
            case null:
            case YScalar { Value: null }:
                return [];
            case YSeq seq:
                return seq.Items;
            default:
                Error(node, $"{what} must be a list (lines starting with '- ')");
                return [];
        }
    }

    public string? OptionalString(YMap map, string key)
    {
        var node = map[key];
        switch (node)
        {
            case null:
                return null;
            case YScalar scalar:
                return scalar.Value;
            default:
                Error(node, $"'{key}' must be a single value, not a list or mapping");
                return null;
        }
    }

    public string RequiredString(YMap map, string key, string what, string example)
    {
        var value = OptionalString(map, key);
        if (string.IsNullOrWhiteSpace(value))
        {
            Error(map[key] ?? map, $"{what} needs '{key}'", $"for example '{key}: {example}'");
            return "";
        }

        return value.Trim();
    }

    public string RequiredKey(YMap map, string what, HashSet<string> seen)
    {
        var key = RequiredString(map, "key", what, "my-key");
        if (key.Length == 0)
        {
            return key;
        }

        if (!Keys.IsKey(key))
        {
            Error(map["key"]!, $"'{key}' is not a valid key", "use lower-case letters, digits and '-', e.g. 'on-time-delivery'");
        }
        else if (!seen.Add(key))
        {
            Error(map["key"]!, $"the key '{key}' is used twice in {what}s", "every key must be unique in its list");
        }

        return key;
    }

    public double? OptionalNumber(YMap map, string key)
    {
        var node = map[key];
        var text = OptionalString(map, key);
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        Error(node!, $"'{key}' must be a number, not '{text}'", "use a dot for decimals and no unit, e.g. 93.5");
        return null;
    }

    public double RequiredNumber(YMap map, string key, string what)
    {
        if (map[key] is null)
        {
            Error(map, $"{what} needs '{key}'", $"for example '{key}: 90'");
            return 0;
        }

        return OptionalNumber(map, key) ?? 0;
    }

    public int? OptionalInt(YMap map, string key, int min)
    {
        var number = OptionalNumber(map, key);
        if (number is null)
        {
            return null;
        }

        if (number != Math.Floor(number.Value) || number < min)
        {
            Error(map[key]!, $"'{key}' must be a whole number of at least {min}");
            return null;
        }

        return (int)number;
    }

    public bool Bool(YMap map, string key, bool fallback)
    {
        var text = OptionalString(map, key);
        if (text is null)
        {
            return fallback;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Error(map[key]!, $"'{key}' must be true or false, not '{text}'");
        return fallback;
    }

    public List<string> Strings(YMap map, string key)
    {
        var node = map[key];
        if (node is YScalar { Value: { } single })
        {
            // Accept "roles: sponsor" as a one-item list; people write it that way.
            return [single.Trim()];
        }

        var result = new List<string>();
        foreach (var item in Sequence(node, $"'{key}'"))
        {
            if (item is YScalar { Value: { } value })
            {
                result.Add(value.Trim());
            }
            else
            {
                Error(item, $"every item of '{key}' must be a single value");
            }
        }

        return result;
    }

    public string Word(YMap map, string key, IReadOnlyCollection<string> allowed, string fallback)
    {
        var text = OptionalString(map, key);
        if (text is null)
        {
            return fallback;
        }

        var word = text.Trim().ToLowerInvariant();
        if (allowed.Contains(word))
        {
            return word;
        }

        var near = allowed.OrderBy(a => CommandText.Distance(a, word)).First();
        Error(map[key]!, $"'{text}' is not a valid {key}",
            CommandText.Distance(near, word) <= 2 ? $"did you mean '{near}'?" : $"use one of: {string.Join(", ", allowed)}");
        return fallback;
    }
}
