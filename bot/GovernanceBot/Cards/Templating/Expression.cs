using System.Text;

namespace GovernanceBot.Cards.Templating;

/// <summary>A parsed Adaptive Expression. <see cref="ToString"/> prints it the way adaptive-expressions does,
/// because the reference engine writes that text back into the card when an expression fails.</summary>
internal abstract record Expr;

internal sealed record ConstantExpr(object? Value) : Expr
{
    public override string ToString() => Value switch
    {
        null => "null",
        Undefined => "undefined",
        string s => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'",
        bool b => b ? "true" : "false",
        double d => JsValue.FormatNumber(d),
        _ => Value.ToString() ?? string.Empty,
    };
}

/// <summary>A name, optionally on a left-hand expression: <c>a</c>, <c>a.b</c>.</summary>
internal sealed record AccessorExpr(string Name, Expr? Left) : Expr
{
    public override string ToString() => Left is null ? Name : $"{Left}.{Name}";
}

/// <summary>An index: <c>a[0]</c>, <c>a['b']</c>.</summary>
internal sealed record ElementExpr(Expr Instance, Expr Index) : Expr
{
    public override string ToString() => $"{Instance}[{Index}]";
}

/// <summary>A function or operator call; operators keep their symbol as <see cref="Name"/>.</summary>
internal sealed record CallExpr(string Name, IReadOnlyList<Expr> Args) : Expr
{
    public bool IsInfix => Name.Length > 0 && !char.IsAsciiLetter(Name[0]) && Args.Count >= 2;

    public override string ToString()
    {
        var builder = new StringBuilder();
        if (!IsInfix)
        {
            builder.Append(Name);
        }

        builder.Append('(');
        builder.AppendJoin(IsInfix ? $" {Name} " : ", ", Args.Select(a => a.ToString()));
        builder.Append(')');
        return builder.ToString();
    }
}

/// <summary>A string with embedded expressions (the reference engine's Concat of a template string).</summary>
/// <param name="Parts">Each a <see cref="string"/> or an <see cref="Expr"/>.</param>
internal sealed record InterpolationExpr(IReadOnlyList<object> Parts) : Expr
{
    public override string ToString() =>
        string.Concat(Parts.Select(p => p is Expr e ? "${" + e + "}" : (string)p));
}
