using GovernanceBot.Conversation;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.CheckIns;

/// <summary><c>checkin new &lt;program&gt;</c> and <c>checkin edit &lt;program&gt; &lt;check-in&gt;</c>: the definition form, empty or filled in.</summary>
internal sealed class CheckInFormHandler(GovernanceDb db, CheckInDefinitions definitions) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var editing = context.Route == "checkin edit";
        var (target, refusal) = await definitions.ResolveAsync(context, editing ? "checkin.edit-definition" : "checkin.new",
            editing ? "checkin edit Phoenix weekly" : "checkin new Phoenix", cancellationToken);
        if (target is null)
        {
            return refusal!;
        }

        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == target.Program.Id).ToListAsync(cancellationToken);
        if (!editing)
        {
            return [CheckInForm.Card(target.Program, people, null) with { Audience = ReplyAudience.Requester }];
        }

        var (checkIn, error) = await definitions.FindAsync(target.Program, target.CheckInName, "checkin edit", cancellationToken);
        if (checkIn is null)
        {
            return [error!];
        }

        if (checkIn.ArchivedAt is not null)
        {
            return [Reply.Text($"{checkIn.Name} was removed (its history is kept), so it can't be edited. **checkin new {target.Program.Name}** starts a new one.") with { Audience = ReplyAudience.Requester }];
        }

        return [CheckInForm.Card(target.Program, people, CheckInSpecs.Of(checkIn)) with { Audience = ReplyAudience.Requester }];
    }
}
