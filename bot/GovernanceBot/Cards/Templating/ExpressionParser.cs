using System.Globalization;
using System.Text;

namespace GovernanceBot.Cards.Templating;

/// <summary>A template uses something outside the supported expression subset, or is malformed.</summary>
public sealed class CardTemplateException(string message) : Exception(message);

/// <summary>
/// Parses the expression subset documented in adaptivecards/README.md, with the operator
/// precedence of adaptive-expressions (where <c>==</c> binds tighter than <c>&lt;</c>).
/// </summary>
internal sealed class ExpressionParser
{
    /// <summary>The functions templates may call; anything else is rejected when the template loads.</summary>
    public static readonly IReadOnlySet<string> Functions = new HashSet<string>(StringComparer.Ordinal)
    {
        "if", "equals", "not", "and", "or", "greater", "greaterOrEquals", "less", "lessOrEquals", "count", "empty",
        "concat", "join", "string", "formatNumber", "toUpper", "toLower", "add", "sub", "mul", "div", "exists",
    };

    // Lowest to highest; each level is left-associative.
    private static readonly string[][] BinaryLevels =
    [
        ["||"],
        ["&&"],
        ["<", "<=", ">", ">="],
        ["==", "!="],
        ["+", "-"],
        ["*", "/"],
    ];

    private readonly string text;
    private readonly List<Token> tokens;
    private int position;

    private ExpressionParser(string text)
    {
        this.text = text;
        tokens = Tokenize(text);
    }

    public static Expr Parse(string expression)
    {
        var parser = new ExpressionParser(expression);
        var result = parser.ParseLevel(0);
        if (parser.Peek.Kind != TokenKind.End)
        {
            throw parser.Error($"unexpected '{parser.Peek.Text}'");
        }

        return result;
    }

    /// <summary>
    /// Splits a JSON string of a template into text and <c>${…}</c> expressions, as the reference
    /// engine's string-interpolation lexer does (escapes \${ and \` included). Returns null when the
    /// string has no <c>${</c> at all.
    /// </summary>
    public static InterpolationExpr? ParseInterpolation(string value)
    {
        if (!value.Contains("${", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = new List<object>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < value.Length)
        {
            if (value[i] == '\\' && i + 1 < value.Length && value[i + 1] is '`' or '$')
            {
                Flush();
                parts.Add(value[i + 1].ToString());
                i += 2;
                continue;
            }

            if (value[i] == '$' && i + 1 < value.Length && value[i + 1] == '{' && TemplateEnd(value, i + 2) is { } end)
            {
                Flush();
                parts.Add(Parse(value[(i + 2)..end].Trim()));
                i = end + 1;
                continue;
            }

            literal.Append(value[i]);
            i++;
        }

        Flush();
        return new InterpolationExpr(parts);

        void Flush()
        {
            if (literal.Length > 0)
            {
                parts.Add(literal.ToString());
                literal.Clear();
            }
        }
    }

    /// <summary>The index of the <c>}</c> closing a <c>${</c> whose body starts at <paramref name="start"/>: quotes
    /// may hold anything, but a bare brace, backtick or line break ends the match (the reference lexer's TEMPLATE rule).</summary>
    private static int? TemplateEnd(string value, int start)
    {
        var i = start;
        while (i < value.Length)
        {
            var c = value[i];
            if (c is '\'' or '"')
            {
                var close = i + 1;
                while (close < value.Length && value[close] != c)
                {
                    close += value[close] == '\\' ? 2 : 1;
                }

                if (close >= value.Length)
                {
                    return null;
                }

                i = close + 1;
                continue;
            }

            if (c == '}')
            {
                return i > start ? i : null;
            }

            if (c is '{' or '`' or '\r' or '\n')
            {
                return null;
            }

            i++;
        }

        return null;
    }

    private Token Peek => tokens[position];

    private Token Next() => tokens[position++];

    private CardTemplateException Error(string problem) => new($"Expression \"{text}\": {problem}.");

    private Expr ParseLevel(int level)
    {
        if (level == BinaryLevels.Length)
        {
            return ParseUnary();
        }

        var left = ParseLevel(level + 1);
        while (Peek.Kind == TokenKind.Operator && BinaryLevels[level].Contains(Peek.Text))
        {
            var op = Next().Text;
            var right = ParseLevel(level + 1);
            left = new CallExpr(op, [left, right]);
        }

        return left;
    }

    private Expr ParseUnary()
    {
        if (Peek.Kind == TokenKind.Operator && Peek.Text is "!" or "-" or "+")
        {
            var op = Next().Text;
            var operand = ParseUnary();
            // adaptive-expressions turns -x into 0 - x and +x into 0 + x.
            return op == "!" ? new CallExpr("!", [operand]) : new CallExpr(op, [new ConstantExpr(0d), operand]);
        }

        return ParsePostfix(ParsePrimary());
    }

    private Expr ParsePrimary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.Number:
                return new ConstantExpr(double.Parse(token.Text, CultureInfo.InvariantCulture));
            case TokenKind.String:
                return new ConstantExpr(token.Text);
            case TokenKind.Identifier:
                return token.Text switch
                {
                    "true" => new ConstantExpr(true),
                    "false" => new ConstantExpr(false),
                    "null" => new ConstantExpr(null),
                    "undefined" => new ConstantExpr(Undefined.Value),
                    _ => new AccessorExpr(token.Text, null),
                };
            case TokenKind.Operator when token.Text == "(":
                var inner = ParseLevel(0);
                Expect(")");
                return inner;
            default:
                throw Error(token.Kind == TokenKind.End ? "unexpected end" : $"unexpected '{token.Text}'");
        }
    }

    private Expr ParsePostfix(Expr expr)
    {
        while (true)
        {
            if (IsOperator("."))
            {
                Next();
                var name = Next();
                if (name.Kind != TokenKind.Identifier)
                {
                    throw Error("a name must follow '.'");
                }

                expr = new AccessorExpr(name.Text, expr);
            }
            else if (IsOperator("["))
            {
                Next();
                var index = ParseLevel(0);
                Expect("]");
                expr = new ElementExpr(expr, index);
            }
            else if (IsOperator("("))
            {
                if (expr is not AccessorExpr { Left: null } function)
                {
                    throw Error("only named functions can be called");
                }

                if (!Functions.Contains(function.Name))
                {
                    throw Error($"the function '{function.Name}' is not supported (supported: {string.Join(", ", Functions)})");
                }

                Next();
                var args = new List<Expr>();
                if (!IsOperator(")"))
                {
                    args.Add(ParseLevel(0));
                    while (IsOperator(","))
                    {
                        Next();
                        args.Add(ParseLevel(0));
                    }
                }

                Expect(")");
                expr = new CallExpr(function.Name, args);
            }
            else
            {
                return expr;
            }
        }
    }

    private bool IsOperator(string op) => Peek.Kind == TokenKind.Operator && Peek.Text == op;

    private void Expect(string op)
    {
        if (!IsOperator(op))
        {
            throw Error($"expected '{op}'");
        }

        Next();
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is ' ' or '\t' or '\r' or '\n' or '\ufeff' or '\u00a0')
            {
                i++;
            }
            else if (char.IsAsciiDigit(c))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
                {
                    i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i]))
                    {
                        i++;
                    }
                }

                tokens.Add(new Token(TokenKind.Number, text[start..i]));
            }
            else if (c is '\'' or '"')
            {
                var start = i;
                i++;
                while (i < text.Length && text[i] != c)
                {
                    i += text[i] == '\\' && i + 1 < text.Length ? 2 : 1;
                }

                if (i >= text.Length)
                {
                    throw new CardTemplateException($"Expression \"{text}\": unterminated string.");
                }

                i++;
                tokens.Add(new Token(TokenKind.String, Unescape(text[(start + 1)..(i - 1)], c)));
            }
            else if (char.IsAsciiLetter(c) || c is '_' or '$' or '#' or '@' or '%')
            {
                var start = i;
                i++;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, text[start..i]));
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
                if (two is "==" or "!=" or "<=" or ">=" or "&&" or "||")
                {
                    tokens.Add(new Token(TokenKind.Operator, two));
                    i += 2;
                }
                else if (c is '!' or '<' or '>' or '+' or '-' or '*' or '/' or '(' or ')' or '[' or ']' or '.' or ',')
                {
                    tokens.Add(new Token(TokenKind.Operator, c.ToString()));
                    i++;
                }
                else
                {
                    throw new CardTemplateException($"Expression \"{text}\": '{c}' is not supported.");
                }
            }
        }

        tokens.Add(new Token(TokenKind.End, string.Empty));
        return tokens;
    }

    /// <summary>A string literal's escapes as adaptive-expressions reads them: \' (or \"), \\, \r, \n, \t; any other
    /// backslash stays.</summary>
    private static string Unescape(string body, char quote)
    {
        body = body.Replace("\\" + quote, quote.ToString(), StringComparison.Ordinal);
        var result = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '\\' && i + 1 < body.Length && body[i + 1] is 'r' or 'n' or 't' or '\\')
            {
                result.Append(body[i + 1] switch { 'r' => '\r', 'n' => '\n', 't' => '\t', _ => '\\' });
                i++;
            }
            else
            {
                result.Append(body[i]);
            }
        }

        return result.ToString();
    }

    private enum TokenKind
    {
        Number,
        String,
        Identifier,
        Operator,
        End,
    }

    private readonly record struct Token(TokenKind Kind, string Text);
}
