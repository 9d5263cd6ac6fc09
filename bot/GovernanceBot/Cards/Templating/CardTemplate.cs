using System.Text.Json.Nodes;

namespace GovernanceBot.Cards.Templating;

/// <summary>
/// A parsed Adaptive Card template, expanded the way <c>adaptivecards-templating</c> 2.3.1 does:
/// <c>$data</c> repeats or rescopes an object, <c>$when</c> keeps it only when true, a string that is
/// exactly one <c>${…}</c> keeps the value's JSON type, other strings interpolate.
/// </summary>
public sealed class CardTemplate
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "$data", "$when", "$root", "$index", "$host", "$_acTemplateVersion",
    };

    private readonly Node root;

    private CardTemplate(Node root) => this.root = root;

    /// <exception cref="CardTemplateException">An expression is malformed or uses an unsupported function.</exception>
    public static CardTemplate Parse(JsonNode template) => new(Prepare(template));

    /// <summary>Expands the template with <paramref name="data"/> as <c>$root</c>; the data is read, never changed.</summary>
    /// <exception cref="CardTemplateException">An expression fails in a way the reference engine also throws on.</exception>
    public JsonNode? Expand(JsonNode? data)
    {
        var rootValue = JsValue.FromNode(data);
        var (undefined, node) = Expand(root, new Scope(rootValue, rootValue, null));
        return undefined ? null : node;
    }

    private static Node Prepare(JsonNode? node) => node switch
    {
        JsonObject obj => new ObjectNode(
            obj.Select(p => new KeyValuePair<string, Node>(p.Key, Prepare(p.Value))).ToList(),
            obj.TryGetPropertyValue("$when", out var when) ? Prepare(when) : null,
            obj.TryGetPropertyValue("$data", out var data) ? Prepare(data) : null),
        JsonArray array => new ArrayNode(array.Select(Prepare).ToList()),
        JsonValue value when JsValue.FromNode(value) is string text => PrepareString(text, value),
        _ => new LiteralNode(node?.DeepClone()),
    };

    private static Node PrepareString(string text, JsonValue original)
    {
        if (ExpressionParser.ParseInterpolation(text) is not { } interpolation)
        {
            return new LiteralNode(original.DeepClone());
        }

        if (!interpolation.Parts.Any(p => p is Expr))
        {
            return new LiteralNode(JsonValue.Create(string.Concat(interpolation.Parts.Cast<string>())));
        }

        return interpolation.Parts is [Expr single] ? new ExpressionNode(single) : new ExpressionNode(interpolation);
    }

    private static (bool Undefined, JsonNode? Node) Expand(Node node, Scope scope)
    {
        switch (node)
        {
            case LiteralNode literal:
                return (false, literal.Value?.DeepClone());
            case ExpressionNode expression:
                var value = EvaluateValue(expression.Expr, scope);
                return value is Undefined ? (true, null) : (false, JsValue.ToNode(value));
            case ArrayNode array:
                var items = new JsonArray();
                foreach (var item in array.Items)
                {
                    var (undefined, expanded) = Expand(item, scope);
                    if (undefined)
                    {
                        items.Add(null);
                    }
                    else if (expanded is JsonArray many)
                    {
                        // Arrays inside arrays are flattened: this is how a repeated element joins its siblings.
                        var children = many.ToArray();
                        many.Clear();
                        foreach (var child in children)
                        {
                            items.Add(child);
                        }
                    }
                    else if (expanded is not null)
                    {
                        items.Add(expanded);
                    }
                }

                return (false, items);
            case ObjectNode obj:
                return (false, ExpandObject(obj, scope));
            default:
                throw new CardTemplateException($"Unknown template node {node.GetType().Name}.");
        }
    }

    private static JsonNode? ExpandObject(ObjectNode obj, Scope scope)
    {
        var contexts = new List<Scope>();
        if (obj.Data is null)
        {
            contexts.Add(scope);
        }
        else
        {
            var data = obj.Data switch
            {
                ExpressionNode e => EvaluateValue(e.Expr, scope),
                LiteralNode l => JsValue.FromNode(l.Value),
                _ => Undefined.Value,
            };
            if (data is JsonArray array)
            {
                contexts.AddRange(array.Select((item, i) => scope with { Data = JsValue.FromNode(item), Index = i }));
            }
            else
            {
                contexts.Add(data is Undefined ? scope : scope with { Data = data });
            }
        }

        var results = new List<JsonObject>();
        foreach (var context in contexts)
        {
            if (!Keep(obj.When, context))
            {
                continue;
            }

            var expanded = new JsonObject();
            foreach (var (key, value) in obj.Properties)
            {
                if (Reserved.Contains(key))
                {
                    continue;
                }

                var (undefined, node) = Expand(value, context);
                if (!undefined)
                {
                    expanded[key] = node;
                }
            }

            results.Add(expanded);
        }

        return results.Count switch
        {
            0 => null,
            1 => results[0],
            _ => new JsonArray([.. results]),
        };
    }

    /// <summary><c>$when</c>: only a boolean true keeps the object; a failure or any other value drops it,
    /// and a <c>$when</c> that is not an expression drops it when truthy (the reference engine's rule).</summary>
    private static bool Keep(Node? when, Scope scope) => when switch
    {
        null => true,
        ExpressionNode { Expr: InterpolationExpr } => false,
        ExpressionNode e => ExpressionEvaluator.Evaluate(e.Expr, scope, false) is { Error: null, Value: true },
        LiteralNode l => !JsValue.IsTruthy(l.Value),
        _ => false,
    };

    /// <summary>
    /// A template string's value. Interpolations (and, as in the reference engine, a top-level
    /// <c>concat(…)</c>) are joined part by part: a failing part stays as its literal <c>${…}</c>.
    /// Anything else keeps its type, and a failure is an error in the template.
    /// </summary>
    private static object? EvaluateValue(Expr expr, Scope scope)
    {
        IReadOnlyList<Expr>? parts = expr switch
        {
            InterpolationExpr i => i.Parts.Select(p => p as Expr ?? new ConstantExpr(p)).ToList(),
            CallExpr { Name: "concat" } c => c.Args,
            _ => null,
        };
        if (parts is null)
        {
            var result = ExpressionEvaluator.Evaluate(expr, scope, true);
            return result.Error is null ? result.Value : throw new CardTemplateException($"${{{expr}}}: {result.Error}");
        }

        var text = new System.Text.StringBuilder();
        foreach (var part in parts)
        {
            var result = ExpressionEvaluator.Evaluate(part, scope, true);
            if (result.Error is not null)
            {
                text.Append("${").Append(part).Append('}');
            }
            else if (JsValue.IsNullish(result.Value))
            {
                throw new CardTemplateException($"${{{part}}} is null: card data must use \"\" or [] instead of null.");
            }
            else
            {
                text.Append(JsValue.ToJsString(result.Value));
            }
        }

        return text.ToString();
    }

    private abstract record Node;

    private sealed record LiteralNode(JsonNode? Value) : Node;

    private sealed record ExpressionNode(Expr Expr) : Node;

    private sealed record ArrayNode(IReadOnlyList<Node> Items) : Node;

    private sealed record ObjectNode(IReadOnlyList<KeyValuePair<string, Node>> Properties, Node? When, Node? Data) : Node;
}
