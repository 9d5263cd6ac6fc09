using System.Globalization;
using System.Text;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.CheckIns;

/// <summary><c>checkins &lt;program&gt;</c> (also <c>checkin list</c>): each check-in's cadence, window, participants and next round.</summary>
internal sealed class CheckInListHandler(GovernanceDb db, ReaderPolicy readers, TimeProvider time) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var (program, refusal) = await readers.ResolveAsync(context, context.Arguments, "checkins Phoenix", Reading.Status, cancellationToken);
        if (program is null)
        {
            return [refusal!];
        }

        var checkIns = await db.CheckIns.AsNoTracking().Include(c => c.Questions).Where(c => c.ProgramId == program.Id).ToListAsync(cancellationToken);
        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).ToListAsync(cancellationToken);
        var live = checkIns.Where(c => c.ArchivedAt is null).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
        if (live.Count == 0)
        {
            return [Reply.Text($"{program.Name} has no check-ins. A program manager can create one with **checkin new {program.Name}**.")];
        }

        var now = time.GetUtcNow();
        var text = new StringBuilder($"{program.Name} check-ins:\n");
        foreach (var c in live)
        {
            var participants = CheckInRounds.Participants(c, people);
            // The schedule's time is each participant's own, so a round's first prompts go out when it is
            // that time for whoever's day starts first: say so rather than show a bare, surprising time.
            var next = !c.Enabled ? "paused" : CheckInForm.NextOpening(c, participants, now) is { } at ? $"next round's first prompts go out {When(at, program.TimeZone)}" : "no next round in the coming year";
            text.Append(CultureInfo.InvariantCulture,
                $"- **{c.Name}** — {CheckInForm.Schedule(c.Cron)}, open {Durations.Format(c.Window)}, {participants.Count} participant{(participants.Count == 1 ? "" : "s")}, {c.Questions.Count} question{(c.Questions.Count == 1 ? "" : "s")}; {next}\n");
        }

        var archived = checkIns.Count(c => c.ArchivedAt is not null);
        if (archived > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{archived} removed check-in{(archived == 1 ? " is" : "s are")} kept for {(archived == 1 ? "its" : "their")} history.\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Program managers: **checkin new {program.Name}**, **checkin edit {program.Name} <name>**, **checkin pause|resume|remove {program.Name} <name>**.");
        return [Reply.Text(text.ToString())];
    }

    /// <summary>"Mon 7 Dec 2026, 09:00 (Europe/London)", in the program's time zone.</summary>
    /// <summary>A moment each reader sees in their own zone (<see cref="LocalTime"/>); the program's zone where they cannot.</summary>
    public static string When(DateTimeOffset at, string timeZone) => LocalTime.Of(at, TimeZoneInfo.FindSystemTimeZoneById(timeZone));
}
