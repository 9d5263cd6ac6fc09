using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using GovernanceBot.Conversation;

namespace GovernanceBot.Features.Dashboard;

/// <summary>Markup the page itself wrote (never text a person typed): appended as is.</summary>
public readonly record struct Markup(string Value)
{
    public override string ToString() => Value;
}

/// <summary>
/// Builds a page where the literal parts of each interpolated string are markup and every value put
/// into one is HTML-encoded (<see cref="HtmlEncoder"/>), unless it is <see cref="Markup"/>: text a
/// person typed (a program's name, a KPI note, a check-in answer) can only ever be text. A moment in
/// a value (<see cref="LocalTime"/>, as the cards carry them) shows as its fallback: the time in the
/// program's zone, named.
/// </summary>
public sealed class Html
{
    private readonly StringBuilder builder = new(16 * 1024);

    public Html Append([InterpolatedStringHandlerArgument("")] ref HtmlHandler handler) => this;

    public Html AppendMarkup(Markup markup)
    {
        builder.Append(markup.Value);
        return this;
    }

    public override string ToString() => builder.ToString();

    internal StringBuilder Builder => builder;

    /// <summary>One value, encoded (for a <see cref="Markup"/> made of parts).</summary>
    public static string Encode(string? text) => HtmlEncoder.Default.Encode(LocalTime.Plain(text ?? string.Empty));

    [InterpolatedStringHandler]
    public ref struct HtmlHandler
    {
        private readonly StringBuilder builder;

        public HtmlHandler(int literalLength, int formattedCount, Html html)
        {
            builder = html.Builder;
            builder.EnsureCapacity(builder.Length + literalLength + (formattedCount * 16));
        }

        public readonly void AppendLiteral(string value) => builder.Append(value);

        public readonly void AppendFormatted(Markup markup) => builder.Append(markup.Value);

        public readonly void AppendFormatted(string? value) => builder.Append(Encode(value));

        public readonly void AppendFormatted(int value) => builder.Append(value.ToString(CultureInfo.InvariantCulture));

        public readonly void AppendFormatted(double value, string format) => builder.Append(value.ToString(format, CultureInfo.InvariantCulture));

        public readonly void AppendFormatted(double value) => builder.Append(value.ToString("0.##", CultureInfo.InvariantCulture));

        public readonly void AppendFormatted<T>(T value) =>
            builder.Append(HtmlEncoder.Default.Encode(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty));
    }
}
