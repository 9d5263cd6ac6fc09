using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GovernanceBot.Cards.Templating;

/// <summary>Where names resolve: <c>$root</c>, the current <c>$data</c> and <c>$index</c> (null outside a <c>$data</c> array).</summary>
internal sealed record Scope(object? Root, object? Data, int? Index);

/// <summary>An evaluation outcome; adaptive-expressions reports failures as values, not exceptions.</summary>
internal readonly record struct Result(object? Value, string? Error)
{
    public static Result Ok(object? value) => new(value, null);

    public static Result Fail(string error) => new(null, error);
}

/// <summary>
/// Evaluates expressions with adaptive-expressions' semantics, including its quirks: a missing path
/// becomes the literal <c>${path}</c> when substitution is on, and comparisons, <c>if</c> conditions and
/// logic operators evaluate their operands with substitution off and treat failures as false.
/// </summary>
internal static partial class ExpressionEvaluator
{
    public static Result Evaluate(Expr expr, Scope scope, bool substitute) => expr switch
    {
        ConstantExpr c => Result.Ok(c.Value),
        AccessorExpr a => Accessor(a, scope, substitute),
        ElementExpr e => Element(e, scope, substitute),
        CallExpr call => Call(call, scope, substitute),
        InterpolationExpr i => Concatenate(i.Parts.Select(p => p as Expr ?? new ConstantExpr(p)).ToList(), scope, substitute),
        _ => Result.Fail($"unknown expression {expr}"),
    };

    private static Result Accessor(AccessorExpr expr, Scope scope, bool substitute)
    {
        var path = string.Empty;
        Expr? left = expr;
        while (left is not null)
        {
            if (left is AccessorExpr accessor)
            {
                path = accessor.Name + "." + path;
                left = accessor.Left;
            }
            else if (left is ElementExpr element)
            {
                var index = Evaluate(element.Index, scope, substitute);
                if (index.Error is not null)
                {
                    return index;
                }

                if (index.Value is not (null or Undefined or JsonNode) && JsValue.ParseLeadingInt(JsValue.ToJsString(index.Value)) is not null)
                {
                    path = "[" + JsValue.ToJsString(index.Value) + "]." + path;
                }
                else if (index.Value is string name)
                {
                    path = "['" + name + "']." + path;
                }
                else
                {
                    return Result.Fail($"{element.Index} doesn't return an int or string");
                }

                left = element.Instance;
            }
            else
            {
                break;
            }
        }

        path = TrailingDots().Replace(path, string.Empty).Replace(".[", "[", StringComparison.Ordinal);
        object? value;
        if (left is null)
        {
            value = GetValue(scope, path);
        }
        else
        {
            var target = Evaluate(left, scope, substitute);
            if (target.Error is not null)
            {
                return target;
            }

            value = path.Length == 0 ? Undefined.Value : Resolve(target.Value, SplitPath(path));
        }

        return Result.Ok(value is Undefined && substitute ? "${" + path + "}" : value);
    }

    /// <summary>The reference memory: a path not starting with <c>$</c> is read from <c>$data</c>.</summary>
    private static object? GetValue(Scope scope, string path)
    {
        if (path.Length == 0)
        {
            return Undefined.Value;
        }

        var parts = SplitPath(path.StartsWith('$') ? path : "$data." + path);
        if (parts.Count == 0)
        {
            return Undefined.Value;
        }

        object? start = parts[0].ToLowerInvariant() switch
        {
            "$root" => scope.Root,
            "$data" => scope.Data,
            "$index" => scope.Index is { } i ? (double)i : Undefined.Value,
            _ => Undefined.Value,
        };
        return parts.Count == 1 ? start : Resolve(start, parts.Skip(1).ToList());
    }

    private static List<string> SplitPath(string path) =>
        PathSeparators().Split(path)
            .Where(p => p.Length > 0)
            .Select(p => p.Length >= 2 && ((p[0] == '"' && p[^1] == '"') || (p[0] == '\'' && p[^1] == '\'')) ? p[1..^1] : p)
            .ToList();

    private static object? Resolve(object? current, IReadOnlyList<string> parts)
    {
        object? value = Undefined.Value;
        foreach (var part in parts)
        {
            if (JsValue.ParseLeadingInt(part) is { } index && current is JsonArray array)
            {
                if (index < 0 || index >= array.Count)
                {
                    return Undefined.Value;
                }

                value = JsValue.FromNode(array[index]);
            }
            else
            {
                value = Property(current, part);
            }

            current = value;
        }

        return value;
    }

    /// <summary>A property, matched case-insensitively like adaptive-expressions; falsy instances have none.</summary>
    private static object? Property(object? instance, string name)
    {
        switch (instance)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                    {
                        return JsValue.FromNode(child);
                    }
                }

                return Undefined.Value;
            case string s when s.Length > 0 && int.TryParse(name, out var i) && i >= 0 && i < s.Length && i.ToString(System.Globalization.CultureInfo.InvariantCulture) == name:
                return s[i].ToString();
            default:
                return Undefined.Value;
        }
    }

    private static Result Element(ElementExpr expr, Scope scope, bool substitute)
    {
        var instance = Evaluate(expr.Instance, scope, substitute);
        if (instance.Error is not null)
        {
            return instance;
        }

        var index = Evaluate(expr.Index, scope, false);
        if (index.Error is not null)
        {
            return index;
        }

        if (index.Value is double d && double.IsInteger(d))
        {
            return instance.Value switch
            {
                null or Undefined => Result.Ok(Undefined.Value),
                JsonArray array when d >= 0 && d < array.Count => Result.Ok(JsValue.FromNode(array[(int)d])),
                JsonArray => Result.Fail($"{JsValue.FormatNumber(d)} is out of range"),
                _ => Result.Fail($"{JsValue.Stringify(instance.Value)} is not a collection."),
            };
        }

        return index.Value is string name
            ? Result.Ok(Property(instance.Value, name))
            : Result.Fail($"Could not coerce {expr.Index} to an int or string.");
    }

    private static Result Call(CallExpr call, Scope scope, bool substitute)
    {
        var args = call.Args;
        switch (call.Name)
        {
            case "if":
                var condition = Evaluate(args[0], scope, false);
                return Evaluate(condition.Error is null && JsValue.IsLogicTrue(condition.Value) ? args[1] : args[2], scope, substitute);
            case "==" or "equals":
                return Compare(args, scope, false, values => JsValue.CommonEquals(values[0], values[1]));
            case "!=":
                return Compare(args, scope, false, values => !JsValue.CommonEquals(values[0], values[1]));
            case "<" or "less":
                return Compare(args, scope, true, values => Order(values) is { } c ? c < 0 : null);
            case "<=" or "lessOrEquals":
                return Compare(args, scope, true, values => Order(values) is { } c ? c <= 0 : null);
            case ">" or "greater":
                return Compare(args, scope, true, values => Order(values) is { } c ? c > 0 : null);
            case ">=" or "greaterOrEquals":
                return Compare(args, scope, true, values => Order(values) is { } c ? c >= 0 : null);
            case "exists":
                return Compare(args, scope, true, _ => true);
            case "empty":
                return Empty(args, scope);
            case "!" or "not":
                var operand = Evaluate(args[0], scope, false);
                return Result.Ok(operand.Error is not null || !JsValue.IsLogicTrue(operand.Value));
            case "&&" or "and":
                foreach (var arg in args)
                {
                    var r = Evaluate(arg, scope, false);
                    if (r.Error is not null || !JsValue.IsLogicTrue(r.Value))
                    {
                        return Result.Ok(false);
                    }
                }

                return Result.Ok(true);
            case "||" or "or":
                return Result.Ok(args.Any(arg => Evaluate(arg, scope, false) is { Error: null } r && JsValue.IsLogicTrue(r.Value)));
            case "concat":
                return Concatenate(args, scope, substitute);
            default:
                return Apply(call, scope, substitute);
        }
    }

    /// <summary>Comparison functions: operands without substitution; a failed (or, for ordering, null) operand
    /// makes the result false rather than an error.</summary>
    private static Result Compare(IReadOnlyList<Expr> args, Scope scope, bool operandsMustExist, Func<object?[], bool?> compare)
    {
        var values = new object?[args.Count];
        for (var i = 0; i < args.Count; i++)
        {
            var r = Evaluate(args[i], scope, false);
            if (r.Error is not null || (operandsMustExist && JsValue.IsNullish(r.Value)))
            {
                return Result.Ok(false);
            }

            values[i] = r.Value;
        }

        return compare(values) is { } result
            ? Result.Ok(result)
            : Result.Fail($"{JsValue.Stringify(values[0])} and {JsValue.Stringify(values[1])} must be comparable.");
    }

    private static int? Order(object?[] values) => (values[0], values[1]) switch
    {
        (double a, double b) when !double.IsNaN(a) && !double.IsNaN(b) => a.CompareTo(b),
        (string a, string b) => Math.Sign(string.CompareOrdinal(a, b)),
        _ => null,
    };

    private static Result Empty(IReadOnlyList<Expr> args, Scope scope)
    {
        var r = Evaluate(args[0], scope, false);
        return r.Error is not null ? Result.Ok(false) : r.Value switch
        {
            null or Undefined => Result.Ok(true),
            string s => Result.Ok(s.Length == 0),
            JsonArray a => Result.Ok(a.Count == 0),
            JsonObject o => Result.Ok(o.Count == 0),
            _ => Result.Ok(false),
        };
    }

    private static Result Concatenate(IReadOnlyList<Expr> args, Scope scope, bool substitute)
    {
        var values = new List<object?>();
        foreach (var arg in args)
        {
            var r = Evaluate(arg, scope, substitute);
            if (r.Error is not null)
            {
                return r;
            }

            values.Add(r.Value);
        }

        var soFar = values[0];
        foreach (var next in values.Skip(1))
        {
            soFar = (soFar, next) switch
            {
                (null or Undefined, null or Undefined) => Undefined.Value,
                (null or Undefined, JsonArray) => next,
                (JsonArray, null or Undefined) => soFar,
                (JsonArray a, JsonArray b) => new JsonArray([.. a.Select(n => n?.DeepClone()), .. b.Select(n => n?.DeepClone())]),
                _ => JsValue.Stringify(soFar) + JsValue.Stringify(next),
            };
        }

        return Result.Ok(soFar);
    }

    /// <summary>Functions whose operands are all evaluated first (with the caller's substitution) and must pass a check.</summary>
    private static Result Apply(CallExpr call, Scope scope, bool substitute)
    {
        var values = new List<object?>();
        foreach (var arg in call.Args)
        {
            var r = Evaluate(arg, scope, substitute);
            if (r.Error is not null)
            {
                return r;
            }

            values.Add(r.Value);
        }

        try
        {
            return call.Name switch
            {
                "count" => Count(call, values[0]),
                "join" => Join(call, values),
                "string" => Result.Ok(values[0] is double d ? JsValue.FormatFixed(d, Precision(d)) : JsValue.Stringify(values[0])),
                "formatNumber" => FormatNumber(values),
                "toUpper" or "toLower" => values[0] switch
                {
                    string s => Result.Ok(call.Name == "toUpper" ? s.ToUpperInvariant() : s.ToLowerInvariant()),
                    Undefined => Result.Ok(string.Empty),
                    _ => Result.Fail($"{call.Args[0]} is neither a string nor a null object."),
                },
                "+" or "add" => Add(call, values),
                "-" or "sub" or "*" or "mul" or "/" or "div" => Arithmetic(call, values),
                _ => Result.Fail($"Unknown function {call.Name}"),
            };
        }
        catch (InvalidOperationException e)
        {
            return Result.Fail(e.Message);
        }
    }

    private static Result Count(CallExpr call, object? value) => value switch
    {
        string s => Result.Ok((double)s.Length),
        JsonArray a => Result.Ok((double)a.Count),
        JsonObject o => Result.Ok((double)o.Count),
        null => Result.Fail("Cannot convert undefined or null to object"),
        _ => Result.Fail($"{call.Args[0]} must be a string, list, map or object."),
    };

    private static Result Join(CallExpr call, List<object?> values)
    {
        if (values[0] is not JsonArray list)
        {
            return Result.Fail($"{call.Args[0]} evaluates to {JsValue.Stringify(values[0])} which is not a list.");
        }

        var items = list.Select(n => JsValue.FromNode(n) is { } v and not Undefined ? JsValue.ToJsString(v) : string.Empty).ToList();
        string Separator(int i) => i < values.Count && values[i] is not Undefined ? JsValue.ToJsString(values[i]) : ",";
        if (values.Count == 2)
        {
            return Result.Ok(string.Join(Separator(1), items));
        }

        return Result.Ok(items.Count < 3
            ? string.Join(Separator(2), items)
            : string.Join(Separator(1), items.Take(items.Count - 1)) + Separator(2) + items[^1]);
    }

    /// <summary>The number of decimals <c>string()</c> keeps: those of the number's JavaScript text.</summary>
    private static int Precision(double d)
    {
        var text = JsValue.FormatNumber(d);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? 0 : text.Length - dot - 1;
    }

    private static Result FormatNumber(List<object?> values)
    {
        if (!JsValue.IsNumber(values[0]))
        {
            return Result.Fail($"formatNumber first argument {JsValue.Stringify(values[0])} must be a number");
        }

        if (values.Count < 2 || !JsValue.IsNumber(values[1]))
        {
            return Result.Fail("formatNumber second argument must be a number");
        }

        var number = (double)values[0]!;
        var precision = (int)(double)values[1]!;
        var scale = Math.Pow(10, precision);
        return Result.Ok(JsValue.FormatFixed(JsValue.JsRound(number * scale) / scale, precision));
    }

    private static Result Add(CallExpr call, List<object?> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not (string or Undefined) && !JsValue.IsNumber(values[i]))
            {
                return Result.Fail($"{call.Args[i]} is neither a number nor string");
            }
        }

        var soFar = values[0];
        foreach (var next in values.Skip(1))
        {
            if ((soFar is Undefined && next is double) || (next is Undefined && soFar is double))
            {
                return Result.Fail("Operator '+' or add cannot be applied to operands of type 'number' and null object.");
            }

            soFar = (soFar, next) switch
            {
                (double a, double b) => a + b,
                (Undefined, Undefined) => string.Empty,
                (Undefined, _) => JsValue.ToJsString(next),
                (_, Undefined) => JsValue.ToJsString(soFar),
                _ => JsValue.ToJsString(soFar) + JsValue.ToJsString(next),
            };
        }

        return Result.Ok(soFar);
    }

    private static Result Arithmetic(CallExpr call, List<object?> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (!JsValue.IsNumber(values[i]))
            {
                return Result.Fail($"{call.Args[i]} is not a number.");
            }

            if (i > 0 && call.Name is "/" or "div" && (double)values[i]! == 0)
            {
                return Result.Fail($"Cannot divide by 0 from {call.Args[i]}");
            }
        }

        var soFar = (double)values[0]!;
        foreach (var next in values.Skip(1).Cast<double>())
        {
            soFar = call.Name switch
            {
                "-" or "sub" => soFar - next,
                "*" or "mul" => soFar * next,
                // Like adaptive-expressions: two integers divide to an integer.
                _ => double.IsInteger(soFar) && double.IsInteger(next) ? Math.Floor(soFar / next) : soFar / next,
            };
        }

        return Result.Ok(soFar);
    }

    [GeneratedRegex(@"[.\[\]]+")]
    private static partial Regex PathSeparators();

    [GeneratedRegex(@"\.*$")]
    private static partial Regex TrailingDots();
}
