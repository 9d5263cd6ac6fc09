using System.Globalization;
using GovernanceBot.Conversation;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Approvals;

/// <summary>How approvals read in cards, replies and the audit.</summary>
public static class ApprovalText
{
    public static string StatusWord(ApprovalStatus status) => status switch
    {
        ApprovalStatus.Pending => "pending",
        ApprovalStatus.Approved => "approved",
        ApprovalStatus.Rejected => "rejected",
        ApprovalStatus.Expired => "expired",
        ApprovalStatus.Escalated => "escalated",
        _ => "withdrawn",
    };

    /// <summary>The emoji that goes with a closed request's status in messages.</summary>
    public static string OutcomeIcon(ApprovalStatus status) => status switch
    {
        ApprovalStatus.Approved => "✅",
        ApprovalStatus.Rejected => "❌",
        ApprovalStatus.Cancelled => "↩️",
        _ => "⌛",
    };

    public static string DecisionWord(VoteDecision decision) => decision switch
    {
        VoteDecision.Approve => "approve",
        VoteDecision.Reject => "reject",
        _ => "abstain",
    };

    public static string DecisionLabel(VoteDecision decision) => decision switch
    {
        VoteDecision.Approve => "✅ Approve",
        VoteDecision.Reject => "❌ Reject",
        _ => "➖ Abstain",
    };

    public static string KindWord(ApprovalKind kind) => kind switch
    {
        ApprovalKind.StageGate => "stage-gate",
        ApprovalKind.ChangeRequest => "change-request",
        ApprovalKind.ScopeChange => "scope-change",
        _ => "budget-change",
    };

    /// <summary>
    /// "Fri 5 Dec 2026, 17:00 London time": a moment as plain text in one zone, for pages that cannot
    /// carry a <see cref="Local"/> moment (the web dashboard). Chat text and cards use <see cref="Local"/>.
    /// </summary>
    public static string Moment(DateTimeOffset at, TimeZoneInfo zone, bool withYear = true) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString(withYear ? "ddd d MMM yyyy, HH:mm" : "ddd d MMM, HH:mm", CultureInfo.InvariantCulture)
        + " " + ZoneName(zone);

    /// <summary>
    /// A moment on a card, which each reader sees in their own time zone (<see cref="LocalTime"/>:
    /// Slack date tokens, Teams DATE/TIME); <paramref name="zone"/>, named, where a platform cannot.
    /// </summary>
    public static string Local(DateTimeOffset at, TimeZoneInfo zone) => LocalTime.Of(at, zone);

    /// <summary>
    /// The zone a moment is written in for <paramref name="reader"/> where their platform cannot show
    /// it in their own: theirs, else the program's.
    /// </summary>
    public static TimeZoneInfo ZoneOf(Stakeholder? reader, TimeZoneInfo programZone) =>
        reader is not null && TimeZoneInfo.TryFindSystemTimeZoneById(reader.TimeZone, out var zone) ? zone : programZone;

    /// <summary>
    /// The zone for a reply to the turn in <paramref name="context"/>: in a 1:1, or when only the asker
    /// sees it, the asker's own; in a channel or group chat, which many read, the program's.
    /// </summary>
    public static TimeZoneInfo ReplyZone(TurnContext context, Stakeholder? me, TimeZoneInfo programZone, ReplyAudience audience = ReplyAudience.Conversation) =>
        audience == ReplyAudience.Requester || context.Turn.Conversation.Kind == ConversationKind.Personal ? ZoneOf(me, programZone) : programZone;

    /// <summary>The deadline as text, with what is left while it is open; <paramref name="local"/>: as a <see cref="Local"/> moment (chat text and cards).</summary>
    public static string Deadline(DateTimeOffset? deadline, DateTimeOffset now, TimeZoneInfo zone, bool open, bool local = false)
    {
        if (deadline is not { } d)
        {
            return "No deadline";
        }

        var text = local ? Local(d, zone) : Moment(d, zone);
        if (!open)
        {
            return text;
        }

        var left = d - now;
        return left <= TimeSpan.Zero ? $"{text} (passed)"
            : left < TimeSpan.FromHours(1) ? $"{text} (less than an hour left)"
            : left < TimeSpan.FromDays(1) ? $"{text} ({(int)left.TotalHours} h left)"
            : left < TimeSpan.FromDays(2) ? $"{text} (1 day left)"
            : $"{text} ({(int)left.TotalDays} days left)";
    }

    private static string ZoneName(TimeZoneInfo zone)
    {
        if (zone.Id is "UTC" or "Etc/UTC")
        {
            return "UTC";
        }

        var city = zone.Id.Split('/')[^1].Replace('_', ' ');
        return $"{city} time";
    }
}
