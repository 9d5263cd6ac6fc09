using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.CheckIns;

/// <summary><c>checkin pause</c> / <c>checkin resume &lt;program&gt; &lt;check-in&gt;</c>: no new rounds while paused; a round already open runs to its close.</summary>
internal sealed class PauseCheckInHandler(GovernanceDb db, CheckInDefinitions definitions, TimeProvider time) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var pause = context.Route == "checkin pause";
        var command = pause ? "checkin pause" : "checkin resume";
        var (target, refusal) = await definitions.ResolveAsync(context, pause ? "checkin.pause" : "checkin.resume", $"{command} Phoenix weekly", cancellationToken);
        if (target is null)
        {
            return refusal!;
        }

        var (checkIn, error) = await definitions.FindAsync(target.Program, target.CheckInName, command, cancellationToken);
        if (checkIn is null)
        {
            return [error!];
        }

        var program = target.Program;
        if (checkIn.ArchivedAt is not null)
        {
            return [Reply.Text($"{checkIn.Name} was removed (its history is kept), so it can't be {(pause ? "paused" : "resumed")}.") with { Audience = ReplyAudience.Requester }];
        }

        if (checkIn.Enabled != pause)
        {
            return [Reply.Text(pause
                ? $"{checkIn.Name} is already paused. **checkin resume {program.Name} {checkIn.Name}** starts it again."
                : $"{checkIn.Name} is already running.") with { Audience = ReplyAudience.Requester }];
        }

        var now = time.GetUtcNow();
        checkIn.Enabled = !pause;
        if (!pause)
        {
            // What fell due while it was paused is not caught up on.
            checkIn.ScheduledFrom = now;
        }
        db.AppendAudit(now, context.WorkspaceId, program.Id, Governance.Actor(context.Turn, target.Manager), context.Turn.Channel,
            pause ? "checkin.paused" : "checkin.resumed", $"checkin:{checkIn.Key}", pause ? "running" : "paused", pause ? "paused" : "running");
        await db.SaveChangesAsync(cancellationToken);

        if (pause)
        {
            var open = await db.CheckInRounds.AnyAsync(r => r.CheckInId == checkIn.Id && r.Status == CheckInRoundStatus.Open, cancellationToken);
            return [Reply.Text($"Paused **{checkIn.Name}**: no new rounds open until **checkin resume {program.Name} {checkIn.Name}**."
                + (open ? " The round open now still runs to its close and posts its summary." : string.Empty))];
        }

        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).ToListAsync(cancellationToken);
        var next = CheckInForm.NextOpening(checkIn, CheckInRounds.Participants(checkIn, people), now);
        return [Reply.Text($"Resumed **{checkIn.Name}**." + (next is { } at ? $" The next round opens {CheckInListHandler.When(at, program.TimeZone)}." : string.Empty))];
    }
}
