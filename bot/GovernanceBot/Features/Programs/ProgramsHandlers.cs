using System.Globalization;
using System.Text;
using System.Text.Json;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Health;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Programs;

/// <summary><c>programs</c>: the programs in this workspace, one line each.</summary>
internal sealed class ListProgramsHandler(GovernanceDb db, ReaderPolicy readers) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        if (await readers.RefusalAsync(context, null, Reading.Status, cancellationToken) is { } refusal)
        {
            return [refusal];
        }

        var programs = await db.ProgramsOf(context.WorkspaceId).AsNoTracking().AsSplitQuery()
            .Include(p => p.Kpis).ThenInclude(k => k.Measurements)
            .Include(p => p.Approvals)
            .OrderBy(p => p.Name)
            .ToListAsync(cancellationToken);
        if (programs.Count == 0)
        {
            return [Reply.Text("No programs are set up in this workspace yet. A program manager can import one: `governancebot import program.yaml`.")];
        }

        var text = new StringBuilder("**Programs**\n");
        foreach (var p in programs)
        {
            var rags = p.Kpis.Select(k => KpiRag.Of(k, k.Measurements.MaxBy(m => m.Date)?.Value)).ToList();
            var pending = p.Approvals.Count(a => a.Status == ApprovalStatus.Pending);
            text.Append(CultureInfo.InvariantCulture, $"- **{p.Name}** ({ProgramStatusQuery.PhaseWord(p.Phase)}) — KPIs: {rags.Count(r => r == Rag.Red)} red, {rags.Count(r => r == Rag.Amber)} amber, {rags.Count(r => r == Rag.Green)} green; {pending} pending approval{(pending == 1 ? "" : "s")}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nFor one program's status: **status {programs[0].Name}**");
        return [Reply.Text(text.ToString())];
    }
}

/// <summary><c>status [program]</c>: the program status card.</summary>
internal sealed class ProgramStatusHandler(ReaderPolicy readers, ProgramStatusQuery query) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var (program, refusal) = await readers.ResolveAsync(context, context.Arguments, "status Phoenix", Reading.Status, cancellationToken);
        if (program is null)
        {
            return [refusal!];
        }

        var card = await query.GetAsync(program.Id, cancellationToken);
        var summary = $"{card.Program.Name}: {card.Program.Phase}, overall {card.Overall.Rag}. KPIs {card.KpiCounts.Red} red, {card.KpiCounts.Amber} amber, {card.KpiCounts.Green} green; {card.PendingApprovals.Count} pending approvals.";
        return [Reply.Card("program.status", card, ProgramsJson.Default.ProgramStatusCard, summary)];
    }
}

/// <summary>
/// <c>link &lt;program&gt;</c>: binds a program to the conversation it is typed in; summaries, status
/// posts and approval cards for the program go there. Program managers and the PMO only.
/// </summary>
internal sealed class LinkProgramHandler(GovernanceDb db, ProgramDirectory directory, TimeProvider time) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(context.Arguments))
        {
            return [Reply.Text("Which program should post here? For example: **link Phoenix**.")];
        }

        var (found, known) = await directory.FindAsync(context.WorkspaceId, context.Arguments, cancellationToken);
        if (found is null)
        {
            return [Reply.Text(ProgramDirectory.UnknownProgram(context.Arguments, known))];
        }

        var turn = context.Turn;
        if (!turn.ConversationLasts)
        {
            // Summaries, status posts and approval cards go out later, through the outbox: bound to a
            // conversation that ends with this session, every one of them would fail.
            return [Reply.Text($"I can't post {found.Name}'s updates here: this conversation ends when you leave it, so nothing I send later would reach it. " +
                $"Type **link {found.Name}** in the team's channel where the bot is added, and check-in summaries, KPI status posts and approval cards for {found.Name} will be posted there.")];
        }

        var now = time.GetUtcNow();
        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, turn, cancellationToken))
            .FirstOrDefault(s => s.ProgramId == found.Id);
        if (me is null || !Governance.IsManager(me))
        {
            var managers = await db.Stakeholders.AsNoTracking()
                .Where(s => s.ProgramId == found.Id)
                .ToListAsync(cancellationToken);
            var names = managers.Where(Governance.IsManager)
                .Select(s => s.Name).ToList();
            db.AppendAudit(now, context.WorkspaceId, found.Id, ActorName(turn), turn.Channel, "link.refused", $"program:{found.Key}",
                after: "not a program manager or PMO member");
            await db.SaveChangesAsync(cancellationToken);
            return [Reply.Text($"Only {found.Name}'s program managers or PMO can link it to a channel{(names.Count > 0 ? $" ({string.Join(", ", names)})" : "")}. Ask one of them to type **link {found.Name}** here.")
                with { Audience = ReplyAudience.Requester }];
        }

        var conversation = JsonSerializer.Serialize(turn.Conversation with { ThreadId = null }, ConversationJson.Default.ConversationRef);
        var binding = await db.ProgramChannels.FirstOrDefaultAsync(c => c.ProgramId == found.Id && c.Channel == turn.Channel, cancellationToken);
        var before = binding?.ConversationJson;
        if (binding is null)
        {
            binding = new ProgramChannel { ProgramId = found.Id, Channel = turn.Channel, ConversationJson = conversation };
            db.ProgramChannels.Add(binding);
        }

        binding.ConversationJson = conversation;
        binding.LinkedBy = me.Key;
        binding.LinkedAt = now;
        db.AppendAudit(now, context.WorkspaceId, found.Id, me.Key, turn.Channel, "program.linked", $"program:{found.Key}", before, conversation);
        await db.SaveChangesAsync(cancellationToken);
        return [Reply.Text($"Linked **{found.Name}** to this conversation. Check-in summaries, KPI status posts and approval cards for {found.Name} will be posted here.")];
    }

    internal static string ActorName(Turn turn) => turn.User.Email ?? turn.User.Name ?? turn.User.Id;
}
