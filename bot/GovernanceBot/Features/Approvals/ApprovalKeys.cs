using System.Globalization;
using System.Text.RegularExpressions;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Approvals;

/// <summary>
/// The short key of a new request (what people type in commands, and the decision log's
/// <c>DL-…</c> id). A title that starts with a reference — <c>CR-16: …</c>, <c>GATE-3 …</c>,
/// <c>RFC 42: …</c>, <c>[CR#7] …</c> — gives its key (<c>cr-16</c>, <c>gate-3</c>, <c>rfc-42</c>,
/// <c>cr-7</c>), since that is how the program's own register names it; any other title gets the next
/// number of its kind (<c>gate-4</c>, <c>cr-13</c>).
/// </summary>
internal static partial class ApprovalKeys
{
    /// <summary>An approval already in the program, as far as keys are concerned.</summary>
    public sealed record Existing(string Key, string Title, ApprovalStatus Status);

    /// <summary>
    /// The key for a request with this title. A reference already used is taken as a resubmission,
    /// or as another item that happened to get that number, and gets the next free suffix
    /// (<c>cr-16-2</c>) with a note saying so — except when the request using it carries the same
    /// reference and is still open: that is the same item raised twice, returned as
    /// <paramref name="Duplicate"/> so the caller can refuse instead of opening a second vote on it.
    /// </summary>
    public static (string Key, string Note, Existing? Duplicate) For(string title, ApprovalKind kind, IReadOnlyCollection<Existing> existing)
    {
        var taken = existing.Select(e => e.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (Reference(title) is not { } reference)
        {
            return (NextKey(kind, taken), string.Empty, null);
        }

        var holder = existing.FirstOrDefault(e => string.Equals(e.Key, reference, StringComparison.OrdinalIgnoreCase));
        if (holder is null)
        {
            return (reference, string.Empty, null);
        }

        if (holder.Status is ApprovalStatus.Pending or ApprovalStatus.Escalated
            && string.Equals(Reference(holder.Title), reference, StringComparison.OrdinalIgnoreCase))
        {
            return (reference, string.Empty, holder);
        }

        var n = 2;
        while (taken.Contains($"{reference}-{n}"))
        {
            n++;
        }

        var key = $"{reference}-{n}";
        return (key, $" {reference.ToUpperInvariant()} was used before (“{holder.Title}”, {ApprovalText.StatusWord(holder.Status)}), so this one is **{key}**.", null);
    }

    /// <summary>The key a title's leading reference gives (<c>"CR-16: move pilot date"</c> → <c>cr-16</c>), or null when it has none.</summary>
    public static string? Reference(string title)
    {
        var match = LeadingReference().Match(title);
        if (!match.Success)
        {
            return null;
        }

        // "RFC 42: …" and "CR16: …" are references; "Phase 2 rollout" is a title that happens to hold a number.
        var joined = match.Groups["sep"].Value is "-" or "#" or "_" or "-#";
        var rest = title[match.Length..];
        if (!joined && !EndsReference().IsMatch(rest))
        {
            return null;
        }

        return $"{match.Groups["prefix"].Value.ToLowerInvariant()}-{match.Groups["number"].Value}";
    }

    /// <summary>A short key people can type: gate-4, cr-13, scope-1, budget-2 (one more than the highest so far).</summary>
    internal static string NextKey(ApprovalKind kind, IReadOnlySet<string> existing)
    {
        var prefix = kind switch
        {
            ApprovalKind.StageGate => "gate",
            ApprovalKind.ChangeRequest => "cr",
            ApprovalKind.ScopeChange => "scope",
            _ => "budget",
        };
        var highest = existing
            .Where(k => k.StartsWith(prefix + "-", StringComparison.OrdinalIgnoreCase))
            .Select(k => int.TryParse(k[(prefix.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .DefaultIfEmpty(0)
            .Max();
        var next = highest + 1;
        while (existing.Contains($"{prefix}-{next}"))
        {
            next++;
        }

        return $"{prefix}-{next}";
    }

    // Letters, then an optional -, #, _ or space, then digits; optionally in [brackets] or (parentheses).
    [GeneratedRegex(@"^\s*[\[(]?(?<prefix>[A-Za-z]{1,12})(?<sep>-#|[-#_]| ?)(?<number>[0-9]{1,6})[\])]?(?![A-Za-z0-9])")]
    private static partial Regex LeadingReference();

    // What may follow a reference written with a space or nothing: the end, a colon, or a dash between spaces.
    [GeneratedRegex(@"^\s*($|[:–—]|-\s)")]
    private static partial Regex EndsReference();
}
