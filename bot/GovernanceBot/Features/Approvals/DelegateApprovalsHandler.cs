using System.Globalization;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Approvals;

/// <summary>
/// <c>delegate approvals to @x until DATE [for PROGRAM]</c>: until the end of DATE (program time) the
/// delegate may vote on the asker's behalf; the asker's own vote still counts and replaces the
/// delegate's. <c>delegate approvals stop</c> ends it early. The delegate is told (with the cards
/// still waiting), the approver is told whenever the delegate votes, and the audit names both.
/// </summary>
internal sealed class DelegateApprovalsHandler(
    GovernanceDb db,
    ProgramDirectory directory,
    Governance governance,
    ApprovalBook book,
    Outbox outbox) : ITurnHandler
{
    private const string Example = "delegate approvals to @leeg until 2026-12-19";

    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var words = CommandText.Tokenize(context.Arguments).ToList();
        string? programName = null;
        var forAt = words.FindIndex(w => string.Equals(w, "for", StringComparison.OrdinalIgnoreCase));
        if (forAt >= 0)
        {
            programName = string.Join(' ', words.Skip(forAt + 1));
            words = words.Take(forAt).ToList();
        }

        var (program, error) = await directory.ResolveAsync(context.WorkspaceId, context.Turn.Conversation, programName, $"{Example} for Phoenix", cancellationToken);
        if (program is null)
        {
            return [Reply.Text(error!)];
        }

        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program.Id);
        if (me is null)
        {
            var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
            return await governance.RefuseAsync(context, program.Id, "approval.delegate", $"program:{program.Key}", "not a stakeholder of the program",
                $"Only {program.Name}'s stakeholders can delegate their approvals, and I don't know you as one (I match people by e-mail). {Governance.Names(managers)} can add you.",
                cancellationToken);
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var today = book.Today(zone);
        var now = book.Now;
        var current = await db.Delegations.Where(d => d.ProgramId == program.Id && d.FromId == me.Id && d.RevokedAt == null && d.Until >= today)
            .ToListAsync(cancellationToken);
        var people = await db.Stakeholders.Where(s => s.ProgramId == program.Id).ToListAsync(cancellationToken);

        if (words.Count == 1 && words[0].ToLowerInvariant() is "stop" or "off" or "cancel" or "end")
        {
            if (current.Count == 0)
            {
                return [Reply.Text("You have no delegation running, so there is nothing to stop.")];
            }

            foreach (var d in current)
            {
                d.RevokedAt = now;
                var stand = people.First(p => p.Id == d.ToId);
                db.AppendAudit(now, context.WorkspaceId, program.Id, me.Key, context.Turn.Channel, "approval.delegation.stopped",
                    $"delegation:{me.Key}->{stand.Key}", $"until {d.Until:yyyy-MM-dd}", "stopped");
                if (stand.Email is { } email)
                {
                    await outbox.ToPersonAsync(db, context.WorkspaceId, email, stand.Name,
                        Reply.Text($"{me.Name} stopped delegating their {program.Name} approvals to you; you can no longer vote for them."),
                        $"delegation:{d.Id}:stopped", cancellationToken: cancellationToken);
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            return [Reply.Text("Done: you vote on your own approvals again.")];
        }

        if (words.Count != 4 || !string.Equals(words[0], "to", StringComparison.OrdinalIgnoreCase) || !string.Equals(words[2], "until", StringComparison.OrdinalIgnoreCase))
        {
            return [Reply.Text($"Say who and until when, for example: **{Example}** (or **delegate approvals stop**).")];
        }

        var (found, _) = PersonReferences.Resolve(people, [words[1]], context.Turn.Mentions);
        if (found.Count == 0)
        {
            return [Reply.Text($"I don't know \"{words[1]}\" in {program.Name}. Name them by key, e-mail or full name: {string.Join(", ", people.OrderBy(p => p.Key).Select(p => p.Key))}.")];
        }

        var target = found[0];
        if (target.Id == me.Id)
        {
            return [Reply.Text("You can't delegate to yourself. Name someone else, for example: **" + Example + "**.")];
        }

        if (!DateOnly.TryParseExact(words[3], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var until))
        {
            return [Reply.Text($"Write the end date as yyyy-MM-dd, for example **{Example}**.")];
        }

        if (until < today)
        {
            return [Reply.Text($"{until:yyyy-MM-dd} has already passed ({program.Name} is on {today:yyyy-MM-dd}). Pick today or a later date.")];
        }

        if (until > today.AddYears(1))
        {
            return [Reply.Text("Delegations last at most a year; pick an earlier end date.")];
        }

        var before = current.Count == 0 ? null : string.Join("; ", current.Select(d => $"to {people.First(p => p.Id == d.ToId).Key} until {d.Until:yyyy-MM-dd}"));
        foreach (var d in current)
        {
            d.RevokedAt = now;
        }

        var delegation = new Delegation { ProgramId = program.Id, FromId = me.Id, ToId = target.Id, Until = until, CreatedAt = now };
        db.Delegations.Add(delegation);
        db.AppendAudit(now, context.WorkspaceId, program.Id, me.Key, context.Turn.Channel, "approval.delegated",
            $"delegation:{me.Key}->{target.Key}", before, $"{me.Key} delegates approvals to {target.Key} until {until:yyyy-MM-dd}");

        // The delegate gets the requests that still wait for the approver's vote, with buttons.
        var waiting = await db.Approvals.AsNoTracking()
            .Where(a => a.ProgramId == program.Id && a.Status == ApprovalStatus.Pending
                && a.Approvers.Any(x => x.StakeholderId == me.Id) && !a.Votes.Any(v => v.ApproverId == me.Id))
            .Select(a => a.Id)
            .ToListAsync(cancellationToken);
        var unreachable = await Outbox.KnownUnreachableAsync(db, context.WorkspaceId, [(target.Name, target.Email)], cancellationToken);
        var notice = me.Email is null ? null : new FailureNotice(me.Email, me.Name, $"your delegation of {program.Name} approvals");
        if (target.Email is { } to && unreachable.Count == 0)
        {
            await outbox.ToPersonAsync(db, context.WorkspaceId, to, target.Name,
                Reply.Text($"{me.Name} delegated their {program.Name} approvals to you until {until:ddd d MMM yyyy}. You can vote on their behalf; they are told when you do.{(waiting.Count > 0 ? $" {waiting.Count} waiting now:" : "")}"),
                $"delegation:{delegation.Id}:told", notice: notice, cancellationToken: cancellationToken);
            foreach (var id in waiting)
            {
                var snapshot = (await book.LoadAsync(context.WorkspaceId, id.ToString(), cancellationToken))!;
                var withThis = snapshot with { Delegations = [.. snapshot.Delegations, delegation] };
                await outbox.ToPersonAsync(db, context.WorkspaceId, to, target.Name, ApprovalCardFactory.Request(withThis, target, [], now),
                    $"approval:{id}:dm:{target.Key}:{delegation.Id}", ApprovalSubjects.Direct(id, target.Key), cancellationToken: cancellationToken);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        var told = unreachable.Count > 0
            ? $"I could not tell them: I can't reach {Outbox.Describe(unreachable)}. {Outbox.ReachAdvice} Until then, let them know yourself"
                + (waiting.Count > 0 ? $"; {(waiting.Count == 1 ? "the request" : $"the {waiting.Count} requests")} waiting for you can be voted on from the channel card" : string.Empty) + "."
            : $"I've told them{(waiting.Count > 0 ? $" and sent them the {(waiting.Count == 1 ? "request" : $"{waiting.Count} requests")} waiting for you" : "")} (if I can't reach them, I'll tell you).";
        return [Reply.Text($"Done: **{target.Name}** can vote on your {program.Name} approvals until the end of {until:ddd d MMM yyyy}. {told} I'll tell you whenever they vote for you; your own vote always counts.")];
    }
}
