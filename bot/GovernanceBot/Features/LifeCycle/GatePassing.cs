using GovernanceBot.Features.Programs;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Hosting;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.LifeCycle;

/// <summary>
/// A gate review decided: approved, the gate is passed and the program enters the next phase, in
/// the decision's own save. Exactly once: the review's Version token (and the decision log's unique
/// index) let one decision save; the gate's own Version token stops a second review passing it again.
/// </summary>
internal sealed class GatePassing(GovernanceDb db, Outbox outbox, TimeProvider time, ILogger<GatePassing> logger) : IApprovalOutcome
{
    public async Task OnDecidedAsync(ApprovalSnapshot snapshot, DecisionLogEntry decision, string actor, string channel, CancellationToken cancellationToken)
    {
        var request = snapshot.Request;
        if (request.Kind != ApprovalKind.StageGate)
        {
            return;
        }

        var gate = await db.StageGates.FirstOrDefaultAsync(g => g.ApprovalRequestId == request.Id, cancellationToken);
        if (gate is null || gate.PassedAt is not null || request.Status != ApprovalStatus.Approved)
        {
            return;
        }

        var program = await db.Programs.FirstAsync(p => p.Id == request.ProgramId, cancellationToken);
        var now = time.GetUtcNow();
        gate.PassedAt = now;
        gate.PassedBy = request.Key;
        gate.Version++;
        var subject = $"gate:{program.Key}.{gate.Key}";
        var next = LifeCycleRules.PhaseAfter(program, gate);
        string outcome;
        if (next is not null && program.Phase == gate.AfterPhase)
        {
            db.AppendAudit(now, program.WorkspaceId, program.Id, actor, channel, "program.phase", $"program:{program.Key}", program.Phase, next);
            program.Phase = next;
            outcome = $"{program.Name} is now in **{LifeCyclePhases.Name(next)}**.";
        }
        else
        {
            // The program moved on some other way (an import) before the review ended: the gate is passed, the phase stays.
            outcome = $"{program.Name} stays in {LifeCyclePhases.Name(program.Phase)}: it was no longer at this gate when the review ended.";
        }

        db.AppendAudit(now, program.WorkspaceId, program.Id, actor, channel, "gate.passed", subject, "not passed", $"passed by review {request.Key}; {outcome}");
        Log.GatePassed(logger, gate.Id, program.Id, program.Phase);
        var gates = await db.StageGates.Include(g => g.Criteria).Where(g => g.ProgramId == program.Id).ToListAsync(cancellationToken);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var following = LifeCycleRules.NextGateText(program, gates, today);
        var text = $"🚦 **{program.Name} passed {LifeCycleRules.ReviewTitle(gate)}**: review {request.Key} is approved. {outcome} Next gate: {following}.";
        await outbox.ToProgramChannelsAsync(db, program, Reply.Text(text), $"gate:{gate.Id}:passed", cancellationToken: cancellationToken);
    }
}
