using System.Globalization;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Audit;
using GovernanceBot.Features.Programs;
using GovernanceBot.Hosting;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Raid;

/// <summary>
/// The RAID item card's buttons: <c>raid.update</c> (status, probability, impact or severity, date,
/// response), <c>raid.close</c> (with a note) and <c>raid.escalate</c> (a risk, to the sponsor). Only the
/// item's owner and the program's managers may change it; anyone else is refused, and the refusal
/// audited. The presser's card is replaced; every other copy is updated through the outbox.
/// </summary>
internal sealed class RaidChangeHandler(
    GovernanceDb db,
    ProgramDirectory directory,
    Governance governance,
    RaidViews views,
    Outbox outbox,
    ILogger<RaidChangeHandler> logger) : ITurnHandler
{
    private const int MaxText = 2000;

    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var data = context.Turn.Action?.Data ?? [];
        var item = await RaidItems.ByIdAsync(db, context.WorkspaceId, data["itemId"]?.ToString(), cancellationToken);
        if (item is null)
        {
            return [Reply.Text("I can't find that RAID item in this workspace. See the log with **raid <program>**.") with { Audience = ReplyAudience.Requester }];
        }

        var program = item.Program!;
        var verb = context.Route;
        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program.Id);
        if (me is null || !(item.OwnerId == me.Id || Governance.IsManager(me)))
        {
            var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
            var owner = item.Owner is null ? string.Empty : $"its owner {item.Owner.Name} or ";
            return await governance.RefuseAsync(context, program.Id, verb, RaidRules.AuditSubject(program, item), "not the item's owner or a program manager",
                $"Only {owner}{program.Name}'s program managers ({Governance.Names(managers)}) can change **{RaidRules.Display(item.Key)}**. Nothing was changed.",
                cancellationToken);
        }

        var now = views.Now;
        var today = RaidRules.Today(now, program.TimeZone);
        var replies = new List<Reply>();
        string before, after;
        switch (verb)
        {
            case "raid.close":
                if (!RaidRules.IsOpen(item.Status))
                {
                    return [await views.ItemAsync(program, item, cancellationToken) with { ReplacesSourceCard = true },
                        Reply.Text($"**{RaidRules.Display(item.Key)}** is already {RaidRules.StatusLabel(item.Status).ToLowerInvariant()}; nothing changed.") with { Audience = ReplyAudience.Requester }];
                }

                var note = Text(data, "note");
                if (note.Length > MaxText)
                {
                    return [Reply.InvalidInput($"Keep the note under {MaxText:N0} characters. Nothing was changed.",
                        new Dictionary<string, string>(StringComparer.Ordinal) { ["note"] = $"Under {MaxText:N0} characters, please." })];
                }

                before = RaidRules.StatusLabel(item.Status);
                item.Status = RaidRules.ClosedStatus(item.Type);
                item.ClosedAt = now;
                if (note.Length > 0)
                {
                    item.Response = note;
                }

                after = $"{RaidRules.StatusLabel(item.Status)}{(note.Length > 0 ? $": {note}" : ".")}";
                db.AppendAudit(now, program.WorkspaceId, program.Id, me.Key, context.Turn.Channel, "raid.closed", RaidRules.AuditSubject(program, item), before, after);
                break;
            case "raid.escalate":
                if (item.Type != RaidType.Risk || !RaidRules.IsOpen(item.Status) || item.EscalatedAt is not null)
                {
                    return [Reply.Text($"**{RaidRules.Display(item.Key)}** can't be escalated: only an open risk that is not escalated yet can. Nothing was changed.") with { Audience = ReplyAudience.Requester }];
                }

                var sponsors = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).ToListAsync(cancellationToken);
                var to = sponsors.Where(s => s.HasRole(StakeholderRoles.Sponsor)).ToList();
                if (to.Count == 0)
                {
                    return [Reply.Text($"{program.Name} has no sponsor in its governance file, so there is nobody to escalate to. Nothing was changed.") with { Audience = ReplyAudience.Requester }];
                }

                item.EscalatedAt = now;
                before = "not escalated";
                after = $"Escalated to the sponsor ({string.Join(", ", to.Select(s => s.Name))}) by {me.Name}.";
                db.AppendAudit(now, program.WorkspaceId, program.Id, me.Key, context.Turn.Channel, "raid.escalated", RaidRules.AuditSubject(program, item), before, after);
                break;
            default:
                var (changes, problems) = Apply(item, data, today);
                if (problems.Count > 0)
                {
                    return [Reply.InvalidInput($"{string.Join(" ", problems.Values)} Nothing was changed.", problems)];
                }

                if (changes.Count == 0)
                {
                    return [await views.ItemAsync(program, item, cancellationToken) with { ReplacesSourceCard = true },
                        Reply.Text($"Nothing to change: **{RaidRules.Display(item.Key)}** already says that.") with { Audience = ReplyAudience.Requester }];
                }

                before = string.Join("; ", changes.Select(c => $"{c.Field} {c.Before}"));
                after = string.Join("; ", changes.Select(c => $"{c.Field} {c.After}"));
                db.AppendAudit(now, program.WorkspaceId, program.Id, me.Key, context.Turn.Channel, "raid.updated", RaidRules.AuditSubject(program, item), before, after);
                if (item.Type == RaidType.Assumption && item.Status == RaidStatus.Invalid && item.LinkedItemId is null)
                {
                    replies.Add(Reply.Text(await BecomeIssueAsync(program, item, me, context.Turn.Channel, cancellationToken)));
                }

                break;
        }

        item.Version++;
        item.UpdatedAt = now;
        if (!RaidRules.IsOpen(item.Status))
        {
            item.ClosedAt ??= now;
        }
        else
        {
            item.ClosedAt = null;
        }

        await db.SaveChangesAsync(cancellationToken);
        Log.RaidItemChanged(logger, item.Id, verb);
        var card = await views.ItemAsync(program, item, cancellationToken);
        await outbox.UpdateCardsAsync(db, program.WorkspaceId, RaidViews.Subject(item), card, $"{RaidViews.Subject(item)}:{item.Version}", cancellationToken);
        if (verb == "raid.escalate")
        {
            foreach (var sponsor in (await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).ToListAsync(cancellationToken))
                .Where(s => s.HasRole(StakeholderRoles.Sponsor) && s.Email is not null))
            {
                await outbox.ToPersonAsync(db, program.WorkspaceId, sponsor.Email!, sponsor.Name,
                    Reply.Text($"⚠️ {me.Name} escalated a risk on {program.Name} to you as sponsor: **{RaidRules.Display(item.Key)}** “{Cards.UserText.Escape(item.Title)}” (score {RaidRules.Score(item)} of 25)."),
                    $"raid:{item.Id}:escalated:{sponsor.Key}", cancellationToken: cancellationToken);
                await outbox.ToPersonAsync(db, program.WorkspaceId, sponsor.Email!, sponsor.Name, card with { ReplacesSourceCard = false },
                    $"raid:{item.Id}:escalated-card:{sponsor.Key}", RaidViews.Subject(item), cancellationToken: cancellationToken);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        replies.Insert(0, card with { ReplacesSourceCard = true });
        return replies;
    }

    private sealed record Change(string Field, string Before, string After);

    /// <summary>The form's values applied to the item; what changed, or each input that is wrong.</summary>
    private static (List<Change> Changes, Dictionary<string, string> Problems) Apply(RaidItem item, JsonObject data, DateOnly today)
    {
        var changes = new List<Change>();
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Text(data, "status") is { Length: > 0 } statusText)
        {
            if (RaidRules.ParseStatus(item.Type, statusText) is { } status)
            {
                if (status != item.Status)
                {
                    changes.Add(new("status", RaidRules.StatusWord(item.Status), RaidRules.StatusWord(status)));
                    item.Status = status;
                }
            }
            else
            {
                problems["status"] = $"A {RaidRules.TypeWord(item.Type)} is {string.Join(", ", RaidRules.StatusesOf(item.Type).Select(RaidRules.StatusWord))}.";
            }
        }

        foreach (var (input, field) in item.Type switch
        {
            RaidType.Risk => new[] { ("probability", "probability"), ("impact", "impact") },
            RaidType.Issue => [("impact", "severity")],
            _ => [],
        })
        {
            if (Text(data, input) is not { Length: > 0 } levelText)
            {
                continue;
            }

            if (RaidRules.Level(levelText) is not { } level)
            {
                problems[input] = $"The {field} is {RaidRules.ScaleHint}.";
                continue;
            }

            var current = input == "probability" ? item.Probability : item.Impact;
            if (current != level)
            {
                changes.Add(new(field, current?.ToString(CultureInfo.InvariantCulture) ?? "none", level.ToString(CultureInfo.InvariantCulture)));
                if (input == "probability")
                {
                    item.Probability = level;
                }
                else
                {
                    item.Impact = level;
                }
            }
        }

        if (Text(data, "due") is { Length: > 0 } dueText)
        {
            var label = RaidRules.DueLabel(item.Type).ToLowerInvariant();
            if (!DateOnly.TryParseExact(dueText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var due))
            {
                problems["due"] = $"Pick the {label} date from the calendar (yyyy-MM-dd).";
            }
            else if (due != item.DueDate)
            {
                var raised = DateOnly.FromDateTime(item.CreatedAt.UtcDateTime);
                if (due < raised || due < today)
                {
                    problems["due"] = $"The {label} date can't be before {(due < raised ? $"the item was raised ({RaidRules.Day(raised)})" : $"today ({RaidRules.Day(today)})")}.";
                }
                else
                {
                    changes.Add(new(label, item.DueDate is { } d ? RaidRules.Day(d) : "none", RaidRules.Day(due)));
                    item.DueDate = due;
                }
            }
        }

        if (data.ContainsKey("response"))
        {
            var response = Text(data, "response");
            if (response.Length > MaxText)
            {
                problems["response"] = $"Keep it under {MaxText:N0} characters.";
            }
            else if (response != (item.Response ?? string.Empty))
            {
                changes.Add(new(RaidRules.ResponseLabel(item.Type).ToLowerInvariant(), item.Response is { Length: > 0 } ? "“" + item.Response + "”" : "none", response.Length > 0 ? "“" + response + "”" : "none"));
                item.Response = response.Length > 0 ? response : null;
            }
        }

        return (changes, problems);
    }

    /// <summary>An assumption found invalid becomes an issue: same owner, medium severity, to resolve within a week, linked both ways.</summary>
    private async Task<string> BecomeIssueAsync(GovernanceProgram program, RaidItem assumption, Stakeholder me, string channel, CancellationToken cancellationToken)
    {
        var now = views.Now;
        var issue = new RaidItem
        {
            ProgramId = program.Id,
            Key = string.Empty,
            Type = RaidType.Issue,
            Title = $"Invalid assumption: {assumption.Title}",
            OwnerId = assumption.OwnerId,
            Impact = 3,
            DueDate = RaidRules.Today(now, program.TimeZone).AddDays(7),
            Status = RaidStatus.Open,
            LinkedItemId = assumption.Id,
            RaisedBy = me.Key,
            CreatedAt = now,
            UpdatedAt = now,
        };
        // Saved with the assumption's change, so both or neither are recorded.
        var keys = await db.RaidItems.AsNoTracking().Where(r => r.ProgramId == program.Id).Select(r => r.Key).ToListAsync(cancellationToken);
        issue.Key = $"i-{keys.Select(k => RaidRules.NumberOf(k, RaidType.Issue)).DefaultIfEmpty(0).Max() + 1}";
        db.RaidItems.Add(issue);
        assumption.LinkedItemId = issue.Id;
        db.AppendAudit(now, program.WorkspaceId, program.Id, me.Key, channel, "raid.added", RaidRules.AuditSubject(program, issue), null,
            $"{RaidItems.Describe(issue)} Raised because assumption {RaidRules.Display(assumption.Key)} is invalid.");
        return $"An invalid assumption is now an issue: I raised **{RaidRules.Display(issue.Key)}** (severity medium, resolve by {RaidRules.Day(issue.DueDate!.Value)}), with the same owner. Adjust it from its card: **raid {RaidRules.Display(issue.Key)}**.";
    }

    private static string Text(JsonObject data, string name) => (data[name]?.ToString() ?? string.Empty).Trim();
}
