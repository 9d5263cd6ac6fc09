using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GovernanceBot.Cards.Templating;

/// <summary>
/// JavaScript's <c>undefined</c>: the reference engine distinguishes a missing value from JSON
/// <c>null</c> (a missing path stays literal, a null one does not), so the evaluator must too.
/// </summary>
internal sealed class Undefined
{
    public static readonly Undefined Value = new();

    private Undefined()
    {
    }

    public override string ToString() => "undefined";
}

/// <summary>
/// Values as the reference engine (JavaScript) sees them: <c>null</c>, <see cref="Undefined"/>,
/// <see cref="bool"/>, <see cref="double"/>, <see cref="string"/>, <see cref="JsonArray"/> or
/// <see cref="JsonObject"/> (the data's own nodes, never modified).
/// </summary>
internal static class JsValue
{
    /// <summary>JavaScript's <c>Number.EPSILON</c>.</summary>
    private const double NumberEpsilon = 2.220446049250313e-16;

    public static object? FromNode(JsonNode? node)
    {
        // Not a switch expression: its arms would be target-typed to JsonNode, and JsonNode's implicit
        // conversions from string, bool and double would silently wrap the values again.
        if (node is null or JsonObject or JsonArray)
        {
            return node;
        }

        var value = (JsonValue)node;
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return value.GetValue<string>();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                return value.TryGetValue<double>(out var d) ? d : double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture);
            default:
                return null;
        }
    }

    public static JsonNode? ToNode(object? value) => value switch
    {
        null or Undefined => null,
        bool b => JsonValue.Create(b),
        double d => JsonValue.Create(d),
        string s => JsonValue.Create(s),
        JsonNode n => n.DeepClone(),
        _ => throw new InvalidOperationException($"Not a JSON value: {value.GetType().Name}"),
    };

    public static bool IsNullish(object? value) => value is null or Undefined;

    public static bool IsNumber(object? value) => value is double d && !double.IsNaN(d);

    /// <summary>AEL's isLogicTrue: booleans are themselves, null and undefined are false, anything else is true.</summary>
    public static bool IsLogicTrue(object? value) => value switch
    {
        bool b => b,
        null or Undefined => false,
        _ => true,
    };

    /// <summary>JavaScript truthiness (for a <c>$when</c> that is not an expression).</summary>
    public static bool IsTruthy(JsonNode? node) => FromNode(node) switch
    {
        null or Undefined => false,
        bool b => b,
        double d => d != 0 && !double.IsNaN(d),
        string s => s.Length > 0,
        _ => true,
    };

    /// <summary>JavaScript's <c>value.toString()</c>.</summary>
    public static string ToJsString(object? value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        double d => FormatNumber(d),
        JsonArray a => string.Join(',', a.Select(item => FromNode(item) is { } v and not Undefined ? ToJsString(v) : string.Empty)),
        JsonObject => "[object Object]",
        _ => throw new InvalidOperationException($"Cannot read properties of {value ?? "null"} (reading 'toString')"),
    };

    /// <summary>AEL's commonStringify: null is empty, objects are JSON without outer quotes, the rest toString.</summary>
    public static string Stringify(object? value) => value switch
    {
        null or Undefined => string.Empty,
        JsonNode node => node.ToJsonString().Trim('"', '\''),
        _ => ToJsString(value),
    };

    /// <summary><c>Number.prototype.toString()</c>: shortest round-trip digits, exponent outside 1e-7..1e21.</summary>
    public static string FormatNumber(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "Infinity" : "-Infinity";
        }

        if (d == 0)
        {
            return "0";
        }

        var shortest = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        // Digits and exponent from the shortest round-trip form ("1.5E-07", "123.45", "1E+21").
        var ePos = shortest.IndexOfAny(['E', 'e']);
        var mantissa = ePos >= 0 ? shortest[..ePos] : shortest;
        var exponent = ePos >= 0 ? int.Parse(shortest[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : string.Empty;
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        var n = intPart.Length + exponent - leadingZeros; // value = 0.digits × 10^n
        digits = digits.TrimEnd('0');

        var k = digits.Length;
        var sign = d < 0 ? "-" : string.Empty;
        string body;
        if (k <= n && n <= 21)
        {
            body = digits + new string('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            body = digits[..n] + "." + digits[n..];
        }
        else if (-6 < n && n <= 0)
        {
            body = "0." + new string('0', -n) + digits;
        }
        else
        {
            var e = n - 1;
            var expText = (e >= 0 ? "+" : "-") + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
            body = (k == 1 ? digits : digits[..1] + "." + digits[1..]) + "e" + expText;
        }

        return sign + body;
    }

    /// <summary>JavaScript's <c>Math.round</c>: halves go towards +∞.</summary>
    public static double JsRound(double x)
    {
        var floor = Math.Floor(x);
        return x - floor >= 0.5 ? floor + 1 : floor;
    }

    /// <summary>
    /// d3-format <c>",.Nf"</c> with the en-US locale, as <c>formatNumber</c> and <c>string</c> use it:
    /// thousands separators, U+2212 for negatives, and no sign on a value that rounds to zero.
    /// </summary>
    public static string FormatFixed(double value, int precision)
    {
        var negative = value < 0 || (value == 0 && double.IsNegative(value));
        var text = Math.Abs(value).ToString("F" + precision.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var integer = dot >= 0 ? text[..dot] : text;
        var fraction = dot >= 0 ? text[dot..] : string.Empty;
        var grouped = new StringBuilder();
        for (var i = 0; i < integer.Length; i++)
        {
            if (i > 0 && (integer.Length - i) % 3 == 0)
            {
                grouped.Append(',');
            }

            grouped.Append(integer[i]);
        }

        var result = grouped + fraction;
        var isZero = result.All(c => c is '0' or '.' or ',');
        return negative && !isZero ? "\u2212" + result : result;
    }

    /// <summary>JavaScript's <c>parseInt</c> on a path part: leading digits (with a sign), or null.</summary>
    public static int? ParseLeadingInt(string text)
    {
        var s = text.TrimStart();
        var i = 0;
        var negative = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-'))
        {
            negative = s[i] == '-';
            i++;
        }

        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        if (i == start || !int.TryParse(s.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        return negative ? -n : n;
    }

    /// <summary>AEL's commonEquals: null equals only null, lists and objects by content, numbers within epsilon.</summary>
    public static bool CommonEquals(object? a, object? b)
    {
        if (IsNullish(a) || IsNullish(b))
        {
            return IsNullish(a) && IsNullish(b);
        }

        if (a is JsonArray la && b is JsonArray lb)
        {
            return la.Count == lb.Count && la.Select((item, i) => CommonEquals(FromNode(item), FromNode(lb[i]))).All(x => x);
        }

        if (a is JsonObject oa && b is JsonObject ob)
        {
            return JsonNode.DeepEquals(oa, ob);
        }

        if (a is JsonObject || b is JsonObject)
        {
            return false;
        }

        if (a is double da && b is double db && Math.Abs(da - db) < NumberEpsilon)
        {
            return true;
        }

        return a switch
        {
            string sa => b is string sb && string.Equals(sa, sb, StringComparison.Ordinal),
            double xa => b is double xb && xa == xb,
            bool ba => b is bool bb && ba == bb,
            _ => ReferenceEquals(a, b),
        };
    }
}
