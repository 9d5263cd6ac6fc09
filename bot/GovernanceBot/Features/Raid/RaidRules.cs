using System.Globalization;
using System.Text.RegularExpressions;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Raid;

/// <summary>
/// The RAID log's vocabulary, in one place for chat, cards, the file and the answers: the 1–5 scale
/// and its words, a risk's score (probability × impact) and RAG, statuses per type, and item keys.
/// </summary>
public static partial class RaidRules
{
    /// <summary>The scale's words, 1 … 5.</summary>
    public static readonly string[] Levels = ["very-low", "low", "medium", "high", "very-high"];

    /// <summary>A risk scoring this much or more is Red; from <see cref="AmberFrom"/> it is Amber (a 5 × 5 matrix's usual bands).</summary>
    public const int RedFrom = 15;

    public const int AmberFrom = 5;

    /// <summary>"high", "very high", "4", "critical" (severity) → 1–5; null when it is not on the scale.</summary>
    public static int? Level(string text)
    {
        var word = text.Trim().ToLowerInvariant().Replace(' ', '-');
        if (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n is >= 1 and <= 5 ? n : null;
        }

        return word switch
        {
            "very-low" or "minimal" => 1,
            "low" => 2,
            "medium" or "med" or "moderate" => 3,
            "high" => 4,
            "very-high" or "critical" => 5,
            _ => null,
        };
    }

    public static string LevelWord(int level) => Levels[Math.Clamp(level, 1, 5) - 1];

    /// <summary>"high (4)", for cards and replies.</summary>
    public static string LevelText(int? level) => level is { } l ? $"{LevelWord(l).Replace('-', ' ')} ({l})" : "not set";

    public const string ScaleHint = "very-low, low, medium, high, very-high, or 1–5";

    public static string Prefix(RaidType type) => type switch
    {
        RaidType.Risk => "r",
        RaidType.Assumption => "a",
        RaidType.Issue => "i",
        RaidType.Action => "act",
        _ => "d",
    };

    public static string TypeWord(RaidType type) => type.ToString().ToLowerInvariant();

    public static string TypeLabel(RaidType type) => type switch
    {
        RaidType.Risk => "⚠️ Risk",
        RaidType.Assumption => "💭 Assumption",
        RaidType.Issue => "⛔ Issue",
        RaidType.Action => "📌 Action",
        _ => "🔗 Dependency",
    };

    /// <summary>Keys raised in chat are shown as R-3, A-1 …; a file's own keys as written.</summary>
    public static string Display(string key) => ChatKey().IsMatch(key) ? key.ToUpperInvariant() : key;

    /// <summary>The number of a chat key of this type (<c>r-12</c> → 12), else 0.</summary>
    public static int NumberOf(string key, RaidType type)
    {
        var match = ChatKey().Match(key);
        return match.Success && string.Equals(match.Groups[1].Value, Prefix(type), StringComparison.OrdinalIgnoreCase)
            ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)
            : 0;
    }

    /// <summary>Whether a word looks like an item's id (<c>R-3</c>, <c>phoenix.r-3</c>) rather than a program's name.</summary>
    public static bool LooksLikeId(string text) => ChatKey().IsMatch(text.Trim()) || QualifiedKey().IsMatch(text.Trim());

    public static RaidStatus[] StatusesOf(RaidType type) => type switch
    {
        RaidType.Risk => [RaidStatus.Open, RaidStatus.Mitigating, RaidStatus.Closed],
        RaidType.Assumption => [RaidStatus.Unvalidated, RaidStatus.Valid, RaidStatus.Invalid],
        RaidType.Issue => [RaidStatus.Open, RaidStatus.Closed],
        RaidType.Action => [RaidStatus.Open, RaidStatus.Done],
        _ => [RaidStatus.Open, RaidStatus.Met, RaidStatus.Closed],
    };

    public static RaidStatus InitialStatus(RaidType type) => type == RaidType.Assumption ? RaidStatus.Unvalidated : RaidStatus.Open;

    /// <summary>The status an item ends in when closed from the card.</summary>
    public static RaidStatus ClosedStatus(RaidType type) => type switch
    {
        RaidType.Assumption => RaidStatus.Valid,
        RaidType.Dependency => RaidStatus.Met,
        RaidType.Action => RaidStatus.Done,
        _ => RaidStatus.Closed,
    };

    /// <summary>The statuses of an item still being worked: also a query filter, so closed items stay in the store.</summary>
    public static readonly RaidStatus[] OpenStatuses = [RaidStatus.Open, RaidStatus.Mitigating, RaidStatus.Unvalidated];

    public static bool IsOpen(RaidStatus status) => OpenStatuses.Contains(status);

    public static string StatusWord(RaidStatus status) => status.ToString().ToLowerInvariant();

    public static string StatusLabel(RaidStatus status) => status switch
    {
        RaidStatus.Open => "Open",
        RaidStatus.Mitigating => "Mitigating",
        RaidStatus.Closed => "Closed",
        RaidStatus.Unvalidated => "Not yet validated",
        RaidStatus.Valid => "Valid",
        RaidStatus.Invalid => "Invalid",
        RaidStatus.Done => "Done",
        _ => "Met",
    };

    /// <summary>A status word valid for this type ("resolved" closes an issue), else null.</summary>
    public static RaidStatus? ParseStatus(RaidType type, string text)
    {
        var word = text.Trim().ToLowerInvariant();
        RaidStatus? status = word switch
        {
            "open" or "reopen" => RaidStatus.Open,
            "mitigating" or "mitigation" => RaidStatus.Mitigating,
            "done" or "completed" when type == RaidType.Action => RaidStatus.Done,
            "closed" or "close" or "resolved" or "done" => RaidStatus.Closed,
            "unvalidated" or "not-validated" => RaidStatus.Unvalidated,
            "valid" or "validated" => RaidStatus.Valid,
            "invalid" => RaidStatus.Invalid,
            "met" or "delivered" => RaidStatus.Met,
            _ => null,
        };
        return status is { } s && StatusesOf(type).Contains(s) ? s : null;
    }

    /// <summary>A risk's probability × impact; an issue (it has happened) counts as certain: 5 × severity; others none.</summary>
    public static int? Score(RaidItem item) => item.Type switch
    {
        RaidType.Risk when item.Probability is { } p && item.Impact is { } i => p * i,
        RaidType.Issue when item.Impact is { } s => 5 * s,
        _ => null,
    };

    /// <summary>
    /// Risks and issues by score; assumptions and dependencies by their date (overdue Red, due within
    /// two weeks Amber). Closed items are none.
    /// </summary>
    public static string Rag(RaidItem item, DateOnly today)
    {
        if (!IsOpen(item.Status))
        {
            return "none";
        }

        if (Score(item) is { } score)
        {
            return score >= RedFrom ? "red" : score >= AmberFrom ? "amber" : "green";
        }

        return item.DueDate is not { } due ? "none" : due < today ? "red" : due <= today.AddDays(14) ? "amber" : "green";
    }

    /// <summary>Overdue first (longest overdue first), then by score, then by date, then by when raised.</summary>
    public static IEnumerable<RaidItem> Ordered(IEnumerable<RaidItem> items, DateOnly today) => items
        .OrderByDescending(i => IsOverdue(i, today))
        .ThenByDescending(i => Score(i) ?? 0)
        .ThenBy(i => i.DueDate ?? DateOnly.MaxValue)
        .ThenBy(i => i.CreatedAt);

    /// <summary>"Review by Tue 15 Dec 2026", or "⏰ Overdue by 3 days: review by …".</summary>
    public static string DueText(RaidItem item, DateOnly today)
    {
        if (item.DueDate is not { } due)
        {
            return "No date set";
        }

        var label = DueLabel(item.Type);
        if (!IsOverdue(item, today))
        {
            return $"{label} {Day(due)}";
        }

        var days = today.DayNumber - due.DayNumber;
        return $"⏰ Overdue by {days} day{(days == 1 ? "" : "s")}: {label.ToLowerInvariant()} {Day(due)}";
    }

    public static bool IsOverdue(RaidItem item, DateOnly today) => IsOpen(item.Status) && item.DueDate is { } due && due < today;

    /// <summary>What the item's date means for its type.</summary>
    public static string DueLabel(RaidType type) => type switch
    {
        RaidType.Risk => "Review by",
        RaidType.Assumption => "Validate by",
        RaidType.Issue => "Resolve by",
        RaidType.Action => "Due",
        _ => "Needed by",
    };

    public static string ResponseLabel(RaidType type) => type switch
    {
        RaidType.Risk => "Response",
        RaidType.Issue => "Resolution",
        RaidType.Assumption => "Validation",
        _ => "Note",
    };

    public static string Day(DateOnly date) => date.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);

    public static string IsoDay(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Today in the program's time zone: the day dates are checked against.</summary>
    public static DateOnly Today(DateTimeOffset now, string timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime);

    public static string AuditSubject(GovernanceProgram program, RaidItem item) => $"raid:{program.Key}.{item.Key}";

    [GeneratedRegex(@"^(act|ACT|Act|[raidRAID])-(\d{1,6})$")]
    private static partial Regex ChatKey();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*\.[a-zA-Z0-9][a-zA-Z0-9_-]*$", RegexOptions.IgnoreCase)]
    private static partial Regex QualifiedKey();
}
