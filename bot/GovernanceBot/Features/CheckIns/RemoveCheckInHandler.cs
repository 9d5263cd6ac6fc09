using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.CheckIns;

/// <summary>
/// <c>checkin remove &lt;program&gt; &lt;check-in&gt;</c>: deletes a check-in that never ran; one with recorded
/// rounds is archived instead (kept with its rounds and responses, never runs again).
/// </summary>
internal sealed class RemoveCheckInHandler(GovernanceDb db, CheckInDefinitions definitions, TimeProvider time) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var (target, refusal) = await definitions.ResolveAsync(context, "checkin.remove", "checkin remove Phoenix weekly", cancellationToken);
        if (target is null)
        {
            return refusal!;
        }

        var (checkIn, error) = await definitions.FindAsync(target.Program, target.CheckInName, "checkin remove", cancellationToken);
        if (checkIn is null)
        {
            return [error!];
        }

        var program = target.Program;
        if (checkIn.ArchivedAt is not null)
        {
            return [Reply.Text($"{checkIn.Name} was already removed; its history is kept.") with { Audience = ReplyAudience.Requester }];
        }

        var now = time.GetUtcNow();
        var actor = Governance.Actor(context.Turn, target.Manager);
        var rounds = await db.CheckInRounds.CountAsync(r => r.CheckInId == checkIn.Id, cancellationToken);
        var before = CheckInDefinitions.Describe(checkIn);
        if (rounds == 0)
        {
            db.CheckIns.Remove(checkIn);
            db.AppendAudit(now, context.WorkspaceId, program.Id, actor, context.Turn.Channel, "checkin.removed", $"checkin:{checkIn.Key}", before, null);
            await db.SaveChangesAsync(cancellationToken);
            return [Reply.Text($"Removed **{checkIn.Name}** from {program.Name}; it had never run.\n\n{CheckInDefinitions.ExportHint(program)}")];
        }

        var open = await db.CheckInRounds.AnyAsync(r => r.CheckInId == checkIn.Id && r.Status == CheckInRoundStatus.Open, cancellationToken);
        checkIn.ArchivedAt = now;
        checkIn.Enabled = false;
        db.AppendAudit(now, context.WorkspaceId, program.Id, actor, context.Turn.Channel, "checkin.archived", $"checkin:{checkIn.Key}", before,
            $"archived with {rounds} recorded round{(rounds == 1 ? "" : "s")}");
        await db.SaveChangesAsync(cancellationToken);
        return [Reply.Text($"**{checkIn.Name}** has {rounds} recorded round{(rounds == 1 ? "" : "s")}, so I archived it rather than delete its history: it won't run again, and its rounds and answers stay in the store (and in `export`, as `archived: true`)."
            + (open ? " The round open now still runs to its close and posts its summary." : string.Empty)
            + $"\n\n{CheckInDefinitions.ExportHint(program)}")];
    }
}
