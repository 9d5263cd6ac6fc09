using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GovernanceBot.Features.GovernanceAsCode;

/// <summary>A YAML node with the position it started at, so every error can name line and column.</summary>
internal abstract record YNode(int Line, int Column);

internal sealed record YScalar(string? Value, int Line, int Column) : YNode(Line, Column);

internal sealed record YMap(IReadOnlyList<(YScalar Key, YNode Value)> Entries, int Line, int Column) : YNode(Line, Column)
{
    public YNode? this[string key] => Entries.FirstOrDefault(e => e.Key.Value == key).Value;
}

internal sealed record YSeq(IReadOnlyList<YNode> Items, int Line, int Column) : YNode(Line, Column);

/// <summary>A problem in a governance file, where it is, and how to put it right.</summary>
internal sealed record FileError(int Line, int Column, string Message, string? Hint = null)
{
    public string Format(string file) =>
        Hint is null ? $"{file}:{Line}:{Column}: {Message}" : $"{file}:{Line}:{Column}: {Message} (hint: {Hint})";
}

/// <summary>
/// Reads YAML into <see cref="YNode"/>s over YamlDotNet's event parser (not its object model),
/// so duplicate keys are reported rather than silently overwritten, with both positions.
/// </summary>
internal static class YamlTree
{
    /// <summary>
    /// The deepest nesting of mappings and sequences a file may have. A governance file needs about
    /// six levels; the reader below is recursive, so without a bound a deeply nested file would
    /// overflow the stack and kill the process instead of getting an error.
    /// </summary>
    public const int MaxDepth = 64;

    public static YNode? Parse(string text, List<FileError> errors)
    {
        if (TooDeep(text) is { } tooDeep)
        {
            errors.Add(tooDeep);
            return null;
        }

        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, YNode>(StringComparer.Ordinal);
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                errors.Add(new FileError(1, 1, "the file is empty", "start with 'version: 1' and a 'program:' section"));
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = Read(parser, anchors, errors);
            parser.Consume<DocumentEnd>();
            if (parser.Current is DocumentStart next)
            {
                errors.Add(new FileError((int)next.Start.Line, (int)next.Start.Column, "a second YAML document ('---') is not allowed", "put one program in each file"));
            }

            return root;
        }
        catch (YamlException ex)
        {
            errors.Add(new FileError((int)ex.Start.Line, (int)ex.Start.Column, $"YAML syntax error: {FirstSentence(ex.Message)}",
                "check the indentation and that values containing ': ' or '#' are quoted"));
            return null;
        }
    }

    /// <summary>
    /// Walks the parser's events (YamlDotNet's parser is a state machine, not recursive) counting
    /// depth, and reports where the nesting first goes past <see cref="MaxDepth"/>. Syntax errors
    /// are left to the real parse, which reports them with its own wording.
    /// </summary>
    private static FileError? TooDeep(string text)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case MappingStart or SequenceStart when ++depth > MaxDepth:
                        var start = parser.Current.Start;
                        return new FileError((int)start.Line, (int)start.Column,
                            $"the file nests mappings and lists more than {MaxDepth} levels deep",
                            "a governance file needs only a few levels; look for runaway '[' or '{' or indentation");
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                }
            }
        }
        catch (YamlException)
        {
            // Reported by the parse that follows, with line and column.
        }

        return null;
    }

    private static YNode Read(IParser parser, Dictionary<string, YNode> anchors, List<FileError> errors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (anchors.TryGetValue(alias.Value.Value, out var target))
            {
                return target;
            }

            errors.Add(new FileError((int)alias.Start.Line, (int)alias.Start.Column, $"unknown alias '*{alias.Value.Value}'"));
            return new YScalar(null, (int)alias.Start.Line, (int)alias.Start.Column);
        }

        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var isNull = scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";
            var node = new YScalar(isNull ? null : scalar.Value, (int)scalar.Start.Line, (int)scalar.Start.Column);
            Remember(scalar.Anchor, node, anchors);
            return node;
        }

        if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            var items = new List<YNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(Read(parser, anchors, errors));
            }

            var node = new YSeq(items, (int)sequenceStart.Start.Line, (int)sequenceStart.Start.Column);
            Remember(sequenceStart.Anchor, node, anchors);
            return node;
        }

        var mappingStart = parser.Consume<MappingStart>();
        var entries = new List<(YScalar, YNode)>();
        var seen = new Dictionary<string, YScalar>(StringComparer.Ordinal);
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var keyNode = Read(parser, anchors, errors);
            var value = Read(parser, anchors, errors);
            if (keyNode is not YScalar { Value: { } key } keyScalar)
            {
                errors.Add(new FileError(keyNode.Line, keyNode.Column, "a mapping key must be a plain word"));
                continue;
            }

            if (seen.TryGetValue(key, out var first))
            {
                errors.Add(new FileError(keyScalar.Line, keyScalar.Column, $"duplicate key '{key}' (first at line {first.Line})",
                    "remove one of them; the second would silently replace the first"));
                continue;
            }

            seen[key] = keyScalar;
            entries.Add((keyScalar, value));
        }

        var map = new YMap(entries, (int)mappingStart.Start.Line, (int)mappingStart.Start.Column);
        Remember(mappingStart.Anchor, map, anchors);
        return map;
    }

    private static void Remember(AnchorName anchor, YNode node, Dictionary<string, YNode> anchors)
    {
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }
    }

    private static string FirstSentence(string message)
    {
        var text = message;
        var close = text.IndexOf("): ", StringComparison.Ordinal);
        if (text.StartsWith('(') && close > 0)
        {
            text = text[(close + 3)..];
        }

        return text.Trim().TrimEnd('.');
    }
}
