using System.Globalization;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.Audit;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.LifeCycle;

/// <summary>What a gate command names: the program (by its name's first words) and what follows.</summary>
internal sealed class GateLookup(GovernanceDb db, ProgramDirectory directory, ReaderPolicy readers, GateBook book)
{
    /// <summary>
    /// The program the words start with (or this conversation's program when they name none) and the
    /// gate after it; the reader must be allowed to see the program's status. <paramref name="rest"/>
    /// gets the words after the gate (a criterion, a due date).
    /// </summary>
    public async Task<(GateSet? Set, StageGate? Gate, IReadOnlyList<string> After, Reply? Reply)> ResolveAsync(
        TurnContext context, string example, CancellationToken cancellationToken)
    {
        string? programText;
        List<string> words;
        if (context.Turn.Action is { } action)
        {
            programText = action.Data["program"]?.ToString();
            words = [action.Data["gate"]?.ToString() ?? string.Empty, .. action.Data["criterion"]?.ToString() is { Length: > 0 } c ? new[] { c } : []];
        }
        else
        {
            var all = context.Words.ToList();
            programText = null;
            words = all;
            if (all.Count == 1 && (await directory.FindAsync(context.WorkspaceId, all[0], cancellationToken)).Program is not null)
            {
                // "gate Phoenix": the program, no gate.
                programText = all[0];
                words = [];
            }

            for (var i = all.Count - 1; i >= 1; i--)
            {
                var (found, _) = await directory.FindAsync(context.WorkspaceId, string.Join(' ', all.Take(i)), cancellationToken);
                if (found is not null)
                {
                    programText = string.Join(' ', all.Take(i));
                    words = all.Skip(i).ToList();
                    break;
                }
            }
        }

        if (words.Count == 0 || string.IsNullOrWhiteSpace(words[0]) || words[0].Length > 200)
        {
            return (null, null, [], Reply.Text($"Which gate? For example: **{example}**. **gates Phoenix** lists them."));
        }

        var (program, refusal) = await readers.ResolveAsync(context, programText, example, Reading.Status, cancellationToken);
        if (program is null)
        {
            return (null, null, [], refusal);
        }

        var set = await book.LoadAsync(program.Id, cancellationToken);
        var gate = GateBook.Find(set, words[0]);
        if (gate is null)
        {
            var known = set.Gates.Count == 0
                ? $"{program.Name} has no stage gates yet: a program manager adds them under lifeCycle.gates in its governance file."
                : $"{program.Name}'s gates: {string.Join(", ", set.Gates.Select(g => $"**{g.Key}** ({g.Name})"))}.";
            return (set, null, [], Reply.Text($"{program.Name} has no gate called \"{Clip(words[0])}\". {known}"));
        }

        return (set, gate, words.Skip(1).ToList(), null);
    }

    public async Task<Stakeholder?> MeAsync(TurnContext context, GovernanceProgram program, CancellationToken cancellationToken) =>
        (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program.Id);

    public GovernanceDb Db => db;

    internal static string Clip(string text) => text.Length > 60 ? text[..60] + "…" : text;
}

/// <summary><c>gates &lt;program&gt;</c> and the <c>gates.show</c> button: the life cycle with its phases and gates.</summary>
internal sealed class GatesHandler(ReaderPolicy readers, GateBook book) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var words = context.Turn.Action?.Data["program"]?.ToString() ?? context.Arguments.Trim();
        var (program, refusal) = await readers.ResolveAsync(context, words, "gates Phoenix", Reading.Status, cancellationToken);
        if (program is null)
        {
            return [refusal!];
        }

        return [book.GatesCard(await book.LoadAsync(program.Id, cancellationToken))];
    }
}

/// <summary><c>gate &lt;program&gt; &lt;gate&gt;</c> and the <c>gate.detail</c> button: one gate, its criteria, review and evidence.</summary>
internal sealed class GateDetailHandler(GateLookup lookup, GateBook book) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var (set, gate, _, reply) = await lookup.ResolveAsync(context, "gate Phoenix gate-3", cancellationToken);
        if (gate is null)
        {
            return [reply!];
        }

        var me = await lookup.MeAsync(context, set!.Program, cancellationToken);
        return [await book.GateCardAsync(set, gate, me, context.Turn.Conversation.Kind, cancellationToken)];
    }
}

/// <summary>
/// <c>gate confirm &lt;program&gt; &lt;gate&gt; &lt;criterion&gt;</c> and the card's Confirm button: the
/// criterion's owner confirms it is met. Nobody else can (refused and audited); confirmed once.
/// </summary>
internal sealed class ConfirmCriterionHandler(GateLookup lookup, GateBook book, Governance governance, TimeProvider time) : ITurnHandler
{
    private const string Example = "gate confirm Phoenix gate-3 security-test";

    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var fromCard = context.Turn.Action is not null;
        var (set, gate, rest, reply) = await lookup.ResolveAsync(context, Example, cancellationToken);
        if (gate is null)
        {
            return [reply!];
        }

        var program = set!.Program;
        var typed = string.Join(' ', rest).Trim();
        var ordered = gate.Criteria.OrderBy(c => c.Order).ToList();
        var criterion = ordered.FirstOrDefault(c => string.Equals(c.Key, typed, StringComparison.OrdinalIgnoreCase))
            ?? ordered.FirstOrDefault(c => string.Equals(c.Text, typed, StringComparison.OrdinalIgnoreCase))
            ?? (int.TryParse(typed, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= ordered.Count ? ordered[n - 1] : null);
        if (criterion is null)
        {
            var list = ordered.Count == 0 ? $"{LifeCycleRules.Label(gate)} has no entry criteria." : $"{LifeCycleRules.Label(gate)}'s criteria: {string.Join(", ", ordered.Select(c => $"**{c.Key}** ({c.Text})"))}.";
            return [Reply.Text($"{(typed.Length == 0 ? "Which criterion?" : $"{LifeCycleRules.Label(gate)} has no criterion \"{GateLookup.Clip(typed)}\".")} {list} For example: **gate confirm {program.Name} {gate.Key} {ordered.FirstOrDefault()?.Key ?? "criterion"}**.")
                with { Audience = ReplyAudience.Requester }];
        }

        var subject = $"gate:{program.Key}.{gate.Key}.{criterion.Key}";
        var me = await lookup.MeAsync(context, program, cancellationToken);
        if (gate.PassedAt is not null)
        {
            return [Reply.Text($"{LifeCycleRules.ReviewTitle(gate)} is already passed; its criteria no longer change. Nothing was recorded.") with { Audience = ReplyAudience.Requester }];
        }

        if (criterion.ConfirmedAt is { } confirmedAt)
        {
            var by = program.Stakeholders.FirstOrDefault(s => s.Id == criterion.ConfirmedById)?.Name ?? criterion.Owner?.Name ?? "its owner";
            return [Reply.Text($"“{criterion.Text}” is already confirmed, by {by} on {GateBook.Day(confirmedAt, set.Zone)}. Nothing changed.") with { Audience = ReplyAudience.Requester }];
        }

        if (me is null || criterion.OwnerId != me.Id)
        {
            var owner = criterion.Owner?.Name;
            return await governance.RefuseAsync(context, program.Id, "gate.criterion.confirm", subject, "not the criterion's owner",
                owner is null
                    ? $"“{criterion.Text}” has no owner, so nobody can confirm it yet: a program manager names one in {program.Name}'s governance file. Nothing was recorded."
                    : $"Only {owner}, who owns “{criterion.Text}”, can confirm it: an entry criterion is confirmed by the person accountable for it. Nothing was recorded.",
                cancellationToken);
        }

        var db = lookup.Db;
        var now = time.GetUtcNow();
        // Confirmed once, whoever presses first: the update only applies to a criterion still unconfirmed.
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var updated = await db.GateCriteria.Where(c => c.Id == criterion.Id && c.ConfirmedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.ConfirmedAt, now).SetProperty(c => c.ConfirmedById, me.Id), cancellationToken);
            if (updated == 0)
            {
                return [Reply.Text($"“{criterion.Text}” was confirmed a moment ago. Nothing changed.") with { Audience = ReplyAudience.Requester }];
            }

            db.ChangeTracker.Clear();
            db.AppendAudit(now, context.WorkspaceId, program.Id, me.Key, context.Turn.Channel, "gate.criterion.confirmed", subject, "not confirmed", $"confirmed: {criterion.Text}");
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        db.ChangeTracker.Clear();
        var fresh = await book.LoadAsync(program.Id, cancellationToken);
        var freshGate = fresh.Gates.First(g => g.Id == gate.Id);
        var left = freshGate.Criteria.Count(c => c.ConfirmedAt is null);
        var next = left == 0
            ? LifeCycleRules.IsCurrent(fresh.Program, freshGate)
                ? $" Every entry criterion is confirmed: a program manager can now request the review (**gate review {program.Name} {gate.Key}**)."
                : " Every entry criterion is confirmed."
            : $" {GateBook.CriteriaText(freshGate)}.";
        var text = Reply.Text($"Confirmed “{criterion.Text}” for {LifeCycleRules.ReviewTitle(gate)} ({program.Name}).{next}");
        if (!fromCard)
        {
            return [text];
        }

        var card = await book.GateCardAsync(fresh, freshGate, me, context.Turn.Conversation.Kind, cancellationToken);
        return [card with { ReplacesSourceCard = true }, text with { Audience = ReplyAudience.Requester }];
    }
}

/// <summary>
/// <c>gate review &lt;program&gt; &lt;gate&gt; [due DATE]</c> and the card's button: program managers ask the
/// gate's approver group to decide it, through the approval engine, with the gate's evidence attached
/// (frozen as it is now). Approved, the gate is passed and the program enters its next phase.
/// </summary>
internal sealed class RequestGateReviewHandler(GateLookup lookup, GateBook book, Governance governance, RequestApprovalHandler approvals, TimeProvider time) : ITurnHandler
{
    private const string Example = "gate review Phoenix gate-3";

    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var (set, gate, rest, reply) = await lookup.ResolveAsync(context, Example, cancellationToken);
        if (gate is null)
        {
            return [reply!];
        }

        var program = set!.Program;
        var me = await lookup.MeAsync(context, program, cancellationToken);
        var title = LifeCycleRules.ReviewTitle(gate);
        if (!Governance.IsManager(me))
        {
            var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
            return await governance.RefuseAsync(context, program.Id, "gate.review", $"gate:{program.Key}.{gate.Key}", "not a program manager or PMO member",
                $"Only {program.Name}'s program managers or PMO ({Governance.Names(managers)}) request gate reviews. Nothing was requested.", cancellationToken);
        }

        if (gate.PassedAt is { } passed)
        {
            return [Reply.Text($"{title} was passed on {GateBook.Day(passed, set.Zone)}; there is nothing left to review.")];
        }

        if (!LifeCycleRules.IsCurrent(program, gate))
        {
            return [Reply.Text($"{program.Name} is in {LifeCyclePhases.Name(program.Phase)}, and {title} closes {LifeCyclePhases.Name(gate.AfterPhase)}: it is reviewed when the program gets there. The next gate is {LifeCycleRules.NextGateText(program, set.Gates, set.Today)}.")];
        }

        if (set.ReviewOf(gate) is { Status: ApprovalStatus.Pending or ApprovalStatus.Escalated } open)
        {
            return [Reply.Text($"{title} is already under review ({open.Key}, {ApprovalText.StatusWord(open.Status)}). The approvers vote on its card; to start again, withdraw it first with **approval cancel {open.Key}**.")];
        }

        var group = program.ApproverGroups.FirstOrDefault(g => g.Key == gate.ApproverGroupKey);
        if (group is null)
        {
            return [Reply.Text($"{title} has no approver group, so I can't tell who reviews it. Name one in {program.Name}'s governance file (lifeCycle.gates, approverGroup: steering-committee) and import it.")];
        }

        var due = gate.Date;
        if (rest.Count >= 2 && string.Equals(rest[0], "due", StringComparison.OrdinalIgnoreCase))
        {
            if (!DateOnly.TryParseExact(rest[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var given))
            {
                return [Reply.Text($"Write the review's deadline as YYYY-MM-DD, for example **{Example} due {set.Today.AddDays(7):yyyy-MM-dd}**. Nothing was requested.")];
            }

            due = given;
        }
        else if (rest.Count > 0)
        {
            return [Reply.Text($"After the gate I only understand **due YYYY-MM-DD**, for example **{Example} due {set.Today.AddDays(7):yyyy-MM-dd}**. Nothing was requested.")];
        }

        if (due is not { } deadlineDay || ApprovalBook.DeadlineOn(deadlineDay, set.Zone) <= time.GetUtcNow())
        {
            var why = due is null ? $"{title} has no date" : $"{title}'s date ({LifeCycleRules.DateText(due)}) has passed";
            return [Reply.Text($"{why}, so give the review a deadline: **{Example.Replace("Phoenix", program.Name, StringComparison.Ordinal).Replace("gate-3", gate.Key, StringComparison.Ordinal)} due {set.Today.AddDays(7):yyyy-MM-dd}**. Nothing was requested.")];
        }

        var evidence = await book.EvidenceAsync(set, gate, cancellationToken);
        var unmet = gate.Criteria.Where(c => c.ConfirmedAt is null).OrderBy(c => c.Order).ToList();
        var next = LifeCycleRules.PhaseAfter(program, gate)!;
        var why2 = $"Passing it moves {program.Name} from {LifeCyclePhases.Name(gate.AfterPhase)} to {LifeCyclePhases.Name(next)}. {char.ToUpperInvariant(GateBook.CriteriaText(gate)[0])}{GateBook.CriteriaText(gate)[1..]}.";
        var command = new ApprovalRequestCommand(title, [group.Key], null, deadlineDay, ApprovalKind.StageGate, null, DeadlineAction.Escalate, program.Key, why2);
        var raised = false;
        var replies = await approvals.RequestAsync(context, command, request =>
        {
            raised = true;
            request.EvidenceJson = evidence.Write();
            gate.ApprovalRequestId = request.Id;
            gate.Version++;
            lookup.Db.AppendAudit(time.GetUtcNow(), context.WorkspaceId, program.Id, me!.Key, context.Turn.Channel, "gate.review.requested",
                $"gate:{program.Key}.{gate.Key}", null, $"review {request.Key}; {GateBook.CriteriaText(gate)}");
        }, cancellationToken);
        if (!raised || unmet.Count == 0)
        {
            return replies;
        }

        var note = Reply.Text($"Note: {(unmet.Count == 1 ? "1 entry criterion is" : $"{unmet.Count} entry criteria are")} not confirmed yet ({string.Join("; ", unmet.Select(c => $"“{c.Text}”, {c.Owner?.Name ?? "no owner"}"))}). The approvers see that in the evidence on their card.");
        return [.. replies, note];
    }
}
