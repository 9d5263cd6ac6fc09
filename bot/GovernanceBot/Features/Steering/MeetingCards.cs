using System.Globalization;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Decisions;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.Programs;
using GovernanceBot.Features.Raid;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Steering;

/// <summary>The meeting's cards: the agenda with its forms (<c>steering.meeting</c>) and the minutes (<c>steering.minutes</c>).</summary>
internal static class MeetingCards
{
    /// <summary>Actions default to being due a fortnight after the meeting.</summary>
    private const int DefaultDueDays = 14;

    public static string Subject(SteeringMeeting meeting) => $"meeting:{meeting.Id}";

    public static async Task<CardReply> AgendaAsync(GovernanceDb db, GovernanceProgram program, SteeringMeeting meeting, IReadOnlyList<PackSection> pack, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var starter = people.FirstOrDefault(p => p.Key == meeting.StartedBy)?.Name ?? meeting.StartedBy;
        var agenda = pack.Select((s, i) => new AgendaItem((i + 1).ToString(CultureInfo.InvariantCulture), s.Title, s.Summary)).ToList();
        agenda.Add(new AgendaItem((agenda.Count + 1).ToString(CultureInfo.InvariantCulture), "Decisions and actions", "Record each decision and action below as it is agreed."));
        var (decisions, actions, _) = await RecordedAsync(db, program, meeting, now, cancellationToken);
        var today = RaidRules.Today(now, program.TimeZone);
        var card = new SteeringMeetingCard(KpiViews.ProgramOf(program), meeting.Id.ToString(),
            $"Started {LocalTime.Of(meeting.StartedAt, zone)} by {UserText.Escape(starter)} · pack of {LocalTime.Of(meeting.PackAt, zone)}",
            agenda, [.. decisions, .. actions],
            people.Select(p => new MeetingChoice(p.Name, p.Key)).ToList(),
            RaidRules.IsoDay(today), RaidRules.IsoDay(today.AddDays(DefaultDueDays)));
        return Reply.Card("steering.meeting", card, SteeringJson.Default.SteeringMeetingCard, $"{program.Name} steering meeting: agenda.") with { Subject = Subject(meeting) };
    }

    /// <summary>The minutes of a meeting (ended, or up to <paramref name="meeting"/>'s end), and the card that posts them.</summary>
    public static async Task<(SteeringMinutesCard Card, CardReply Reply)> MinutesAsync(GovernanceDb db, GovernanceProgram program, SteeringMeeting meeting, CancellationToken cancellationToken)
    {
        var end = meeting.EndedAt ?? DateTimeOffset.MaxValue;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var (decisions, actions, changes) = await RecordedAsync(db, program, meeting, end, cancellationToken);
        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).ToListAsync(cancellationToken);
        string Name(string? key) => people.FirstOrDefault(p => p.Key == key)?.Name ?? key ?? "someone";
        // Each summary says when its section is empty, so the minutes give no "None." under it as well.
        var sections = new List<PackSection>
        {
            new("decisions", "Decisions", decisions.Count == 0 ? "No decisions were recorded." : $"{decisions.Count} recorded in the decision log.", decisions, string.Empty),
            new("actions", "Actions", actions.Count == 0 ? "No actions were agreed." : $"{actions.Count} in the RAID log; each owner is sent theirs with its due date, and sees them in their weekly review until done.", actions, string.Empty),
            new("raid", "RAID log changes", changes.Count == 0 ? "The RAID log did not change during the meeting." : $"{ProgramStatusQuery.Plural(changes.Count, "change")} during the meeting.", changes, string.Empty),
        };
        // The start is a moment each reader sees in their own zone; the end as a clock time would be in the program's zone (a meeting started
        // at 11:00 in Berlin "to 11:05" in London), so the minutes give how long it ran.
        var held = $"Held {LocalTime.Of(meeting.StartedAt, zone)}{(meeting.EndedAt is { } e ? $" for {Duration(e - meeting.StartedAt)}" : string.Empty)} · chaired by {UserText.Escape(Name(meeting.StartedBy))}";
        var summary = $"{ProgramStatusQuery.Plural(decisions.Count, "decision")}, {ProgramStatusQuery.Plural(actions.Count, "action")}, {ProgramStatusQuery.Plural(changes.Count, "RAID change")}.";
        var card = new SteeringMinutesCard(KpiViews.ProgramOf(program), held, summary, sections);
        return (card, Reply.Card("steering.minutes", card, SteeringJson.Default.SteeringMinutesCard, $"{program.Name} steering meeting minutes: {summary}"));
    }

    /// <summary>What the meeting recorded up to <paramref name="until"/>: decisions (recorded, and approvals decided), actions, other RAID changes from the audit trail.</summary>
    private static async Task<(List<PackLine> Decisions, List<PackLine> Actions, List<PackLine> Changes)> RecordedAsync(GovernanceDb db, GovernanceProgram program,
        SteeringMeeting meeting, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var from = meeting.StartedAt;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var today = RaidRules.Today(until == DateTimeOffset.MaxValue ? from : until, program.TimeZone);
        // Decisions recorded in chat during the meeting, as the audit trail has them (an import of the file in the meantime records none).
        var recordedIds = (await db.Audit.AsNoTracking()
            .Where(a => a.ProgramId == program.Id && a.Action == "decision.recorded" && a.At >= from && a.At <= until)
            .Select(a => a.Subject).ToListAsync(cancellationToken))
            .Select(subject => subject[(subject.LastIndexOf('.') + 1)..]).ToList();
        var decisions = (await DecisionBook.EntriesAsync(db, program, cancellationToken))
            .Where(e => e.Recorded ? recordedIds.Any(k => DecisionBook.Display(k) == e.Id) : e.DecidedAt >= from && e.DecidedAt <= until)
            .OrderBy(e => e.DecidedAt)
            .Select(e => new PackLine($"{e.Id}: {e.Title}", e.Rationale.Length > 0 ? e.Rationale : e.StatusText, "none", e.Recorded ? "Recorded" : "Approval"))
            .ToList();
        var actionItems = await ActionsAsync(db, program, meeting, until, cancellationToken);
        var actions = actionItems.OrderBy(a => a.CreatedAt).Select(a => SteeringPacks.Item(a, today)).ToList();
        var actionSubjects = actionItems.Select(a => RaidRules.AuditSubject(program, a)).ToHashSet(StringComparer.Ordinal);
        var audit = await db.Audit.AsNoTracking()
            .Where(a => a.ProgramId == program.Id && a.At >= from && a.At <= until && a.Subject.StartsWith("raid:"))
            .OrderBy(a => a.Seq).ToListAsync(cancellationToken);
        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).ToListAsync(cancellationToken);
        var changes = audit.Where(a => !a.Action.EndsWith(".refused", StringComparison.Ordinal) && !actionSubjects.Contains(a.Subject))
            .Select(a => new PackLine(
                $"{RaidRules.Display(a.Subject[(a.Subject.LastIndexOf('.') + 1)..])} {Verb(a.Action)}",
                a.Action == "raid.updated" ? $"{a.Before} → {a.After}" : a.After ?? string.Empty,
                "none",
                $"{UserText.Escape(people.FirstOrDefault(p => p.Key == a.Actor)?.Name ?? a.Actor)}, {Duration(a.At - from)} in"))
            .ToList();
        return (decisions, actions, changes);
    }

    /// <summary>"40 min", "1 h", "1 h 5 min": the same for every reader, whatever their zone.</summary>
    internal static string Duration(TimeSpan span)
    {
        var minutes = Math.Max(0, (int)Math.Round(span.TotalMinutes));
        var (hours, rest) = (minutes / 60, minutes % 60);
        return hours == 0 ? $"{rest} min" : rest == 0 ? $"{hours} h" : $"{hours} h {rest} min";
    }

    /// <summary>The actions agreed during the meeting (on its card, or with <c>action add</c> while it was open), with their owners.</summary>
    public static Task<List<RaidItem>> ActionsAsync(GovernanceDb db, GovernanceProgram program, SteeringMeeting meeting, DateTimeOffset until, CancellationToken cancellationToken) =>
        db.RaidItems.AsNoTracking().Include(r => r.Owner)
            .Where(r => r.ProgramId == program.Id && r.Type == RaidType.Action && r.CreatedAt >= meeting.StartedAt && r.CreatedAt <= until).ToListAsync(cancellationToken);

    private static string Verb(string action) => action switch
    {
        "raid.added" => "raised",
        "raid.closed" => "closed",
        "raid.escalated" => "escalated to the sponsor",
        "raid.updated" => "updated",
        _ => action.Replace("raid.", string.Empty, StringComparison.Ordinal),
    };
}
