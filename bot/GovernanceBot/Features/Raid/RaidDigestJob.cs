using System.Globalization;
using System.Text;
using GovernanceBot.Features.Programs;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Raid;

/// <summary>
/// Once a week, from Monday 08:00 in each owner's own time zone, an owner gets one message listing
/// their open RAID items due for review that week or overdue, and their actions due that week or
/// overdue, across the workspace's programs — not a message per item. The outbox key carries the person and the ISO week, so re-runs, catch-ups
/// after downtime and other instances add nothing. Owners who are away are skipped that week.
/// </summary>
internal sealed class RaidDigestJob(GovernanceDb db, Outbox outbox, TimeProvider time, ILogger<RaidDigestJob> logger) : IGovernanceJob
{
    public static string JobId => "raid.digest";

    public static string Cron => "*/15 * * * *";

    /// <summary>The local hour on Monday from which the week's digest goes out.</summary>
    internal const int Hour = 8;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var items = await db.RaidItems.AsNoTracking().Include(r => r.Program).Include(r => r.Owner)
            .Where(r => r.Owner != null && r.Owner.Email != null && r.DueDate != null
                && (r.Status == RaidStatus.Open || r.Status == RaidStatus.Mitigating || r.Status == RaidStatus.Unvalidated))
            .ToListAsync(cancellationToken);
        foreach (var person in items.GroupBy(i => (i.Program!.WorkspaceId, Email: i.Owner!.Email!)))
        {
            var owner = person.First().Owner!;
            var zone = TimeZoneInfo.TryFindSystemTimeZoneById(owner.TimeZone, out var z) ? z : TimeZoneInfo.FindSystemTimeZoneById(person.First().Program!.TimeZone);
            var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
            var today = DateOnly.FromDateTime(local);
            var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
            if ((today == monday && local.Hour < Hour) || person.Any(i => i.Owner!.AwayUntil is { } away && away >= today))
            {
                continue;
            }

            var sunday = monday.AddDays(6);
            var due = person.Where(i => i.DueDate <= sunday)
                .OrderBy(i => i.DueDate).ThenByDescending(i => RaidRules.Score(i) ?? 0).ToList();
            if (due.Count == 0)
            {
                continue;
            }

            var week = $"{ISOWeek.GetYear(monday.ToDateTime(TimeOnly.MinValue))}-W{ISOWeek.GetWeekOfYear(monday.ToDateTime(TimeOnly.MinValue)):D2}";
            var message = Reply.Text(Text(owner, due, today));
            if (await outbox.ToPersonAsync(db, person.Key.WorkspaceId, person.Key.Email, owner.Name, message,
                    $"raid-digest:{person.Key.WorkspaceId}:{person.Key.Email}:{week}", cancellationToken: cancellationToken))
            {
                await db.SaveChangesAsync(cancellationToken);
                Log.RaidDigestQueued(logger, due[0].ProgramId, 1, week);
            }
        }
    }

    internal static string Text(Stakeholder owner, IReadOnlyList<RaidItem> due, DateOnly today)
    {
        // Actions are done, not reviewed: they are counted and worded apart from the RAID items.
        var items = due.Where(i => i.Type != RaidType.Action).ToList();
        var actions = due.Where(i => i.Type == RaidType.Action).ToList();
        var parts = new List<string>();
        if (items.Count > 0)
        {
            var overdue = items.Count(i => RaidRules.IsOverdue(i, today));
            parts.Add($"{(items.Count == 1 ? "1 RAID item you own is" : $"{items.Count} RAID items you own are")} due for review this week{(overdue > 0 ? $", {overdue} of them overdue" : string.Empty)}");
        }

        if (actions.Count > 0)
        {
            var overdue = actions.Count(i => RaidRules.IsOverdue(i, today));
            var count = actions.Count == 1 ? "1 action you own is" : $"{actions.Count} actions you own are";
            parts.Add(overdue == 0 ? $"{count} due this week" : overdue == actions.Count ? $"{count} overdue" : $"{count} due, {overdue} of them overdue");
        }

        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"{PersonReferences.FirstName(owner.Name)}, your {(items.Count > 0 ? "RAID review" : "actions")} for this week: {string.Join("; ", parts)}.\n");
        var several = due.Select(i => i.ProgramId).Distinct().Count() > 1;
        foreach (var item in due)
        {
            text.Append(CultureInfo.InvariantCulture, $"- {(RaidRules.IsOverdue(item, today) ? "⏰ " : "")}**{RaidRules.Display(item.Key)}** {Cards.UserText.Escape(item.Title)}");
            text.Append(several ? $" ({item.Program!.Name})" : string.Empty);
            text.Append(CultureInfo.InvariantCulture, $" — {RaidViews.DueText(item, today).Replace("⏰ ", string.Empty, StringComparison.Ordinal)}\n");
        }

        var first = RaidRules.Display(due[0].Key);
        return text.Append(CultureInfo.InvariantCulture, $"Open one to update or close it, for example **raid {first}**. You get this once a week, only when something is due.").ToString();
    }
}
