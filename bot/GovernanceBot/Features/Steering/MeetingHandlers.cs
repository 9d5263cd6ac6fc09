using System.Globalization;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Decisions;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.Programs;
using GovernanceBot.Features.Raid;
using GovernanceBot.Hosting;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Steering;

/// <summary>
/// <c>meeting start [program]</c>: a program manager opens the steering meeting; the agenda (the pack's
/// sections, from the latest pack, or one produced now) is posted to the conversation with forms to
/// record decisions and actions. <c>meeting end [program]</c> (and its button) closes it and posts the
/// minutes. One meeting is open per program at a time; both are audited.
/// </summary>
internal sealed class MeetingHandler(GovernanceDb db, ProgramDirectory directory, Governance governance, SteeringPacks packs, Outbox outbox, ILogger<MeetingHandler> logger) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var start = context.Route == "meeting start";
        var typed = context.Turn.Action?.Data["program"]?.ToString() ?? context.Arguments.Trim();
        var (program, error) = await directory.ResolveAsync(context.WorkspaceId, context.Turn.Conversation, typed.Length == 0 ? null : typed,
            start ? "meeting start Phoenix" : "meeting end Phoenix", cancellationToken);
        if (program is null)
        {
            return [Private(error!)];
        }

        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program.Id);
        if (!Governance.IsManager(me))
        {
            var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
            return await governance.RefuseAsync(context, program.Id, context.Route, SteeringPacks.Subject(program), "not a program manager or PMO member",
                $"Only {program.Name}'s program managers and PMO ({Governance.Names(managers)}) can {(start ? "start" : "end")} its steering meeting.", cancellationToken);
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var open = await db.SteeringMeetings.FirstOrDefaultAsync(m => m.ProgramId == program.Id && m.EndedAt == null, cancellationToken);
        return start ? await StartAsync(context, program, me!, open, zone, cancellationToken) : await EndAsync(context, program, me!, open, zone, cancellationToken);
    }

    private async Task<IReadOnlyList<Reply>> StartAsync(TurnContext context, GovernanceProgram program, Stakeholder me, SteeringMeeting? open, TimeZoneInfo zone,
        CancellationToken cancellationToken)
    {
        if (open is not null)
        {
            return [await AlreadyOpenAsync(program, open, zone, cancellationToken)];
        }

        var now = packs.Now;
        var last = await packs.LastPackAsync(program, cancellationToken);
        var packAt = last ?? now;
        var (since, first) = await packs.WindowAsync(program, packAt, cancellationToken);
        // The agenda is the latest pack's; without one, the meeting produces the pack it discusses.
        if (last is null)
        {
            packs.Record(program, me.Key, context.Turn.Channel, now, since, first);
        }

        var pack = await packs.SectionsAsync(program, packAt, since, first, cancellationToken);
        var meeting = new SteeringMeeting { ProgramId = program.Id, StartedAt = now, StartedBy = me.Key, PackAt = packAt };
        db.SteeringMeetings.Add(meeting);
        db.AppendAudit(now, program.WorkspaceId, program.Id, me.Key, context.Turn.Channel, "meeting.started", SteeringPacks.Subject(program), null,
            $"Steering meeting started; agenda from the pack of {meeting.PackAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}.");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another manager started one at the same moment: the unique index on open meetings refused this one.
            db.ChangeTracker.Clear();
            var earlier = await db.SteeringMeetings.AsNoTracking().FirstAsync(m => m.ProgramId == program.Id && m.EndedAt == null, cancellationToken);
            return [await AlreadyOpenAsync(program, earlier, zone, cancellationToken)];
        }

        Log.SteeringMeetingStarted(logger, meeting.Id, program.Id);
        return [Reply.Text($"{me.Name} started {program.Name}'s steering meeting. Record decisions and actions from the agenda card as they are agreed; **meeting end {program.Name}** posts the minutes."),
            await MeetingCards.AgendaAsync(db, program, meeting, pack, now, cancellationToken)];
    }

    private async Task<Reply> AlreadyOpenAsync(GovernanceProgram program, SteeringMeeting open, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var by = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id && s.Key == open.StartedBy).Select(s => s.Name).FirstOrDefaultAsync(cancellationToken) ?? open.StartedBy;
        return Private($"{program.Name}'s steering meeting is already open: {by} started it {LocalTime.Of(open.StartedAt, zone)}. Record on its agenda card, or end it with **meeting end {program.Name}** before starting another.");
    }

    private async Task<IReadOnlyList<Reply>> EndAsync(TurnContext context, GovernanceProgram program, Stakeholder me, SteeringMeeting? open, TimeZoneInfo zone,
        CancellationToken cancellationToken)
    {
        if (open is null)
        {
            return [Private($"No steering meeting is open for {program.Name}, so there are no minutes to post. Start one with **meeting start {program.Name}**.")];
        }

        var now = packs.Now;
        open.EndedAt = now;
        open.EndedBy = me.Key;
        open.Version++;
        var minutes = await MeetingCards.MinutesAsync(db, program, open, cancellationToken);
        db.AppendAudit(now, program.WorkspaceId, program.Id, me.Key, context.Turn.Channel, "meeting.ended", SteeringPacks.Subject(program), null,
            $"Steering meeting ended. Minutes: {minutes.Card.SummaryText} " + string.Join(" ", minutes.Card.Sections.SelectMany(s => s.Lines).Select(l => $"{l.Title} ({l.Detail}).")));
        var unreachable = await TellOwnersAsync(program, open, me, now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return [Private($"{program.Name}'s steering meeting was ended by someone else a moment ago; its minutes are in the conversation.")];
        }

        Log.SteeringMeetingEnded(logger, open.Id, program.Id);
        return unreachable.Count == 0 ? [minutes.Reply]
            : [minutes.Reply, Private($"I couldn't send {Governance.Names(unreachable.Select(u => u.Name).ToList())} their actions: {string.Join("; ", unreachable.Select(u => $"{u.Name}, {u.Reason}"))}. Tell them yourself, or point them to **actions {program.Name}**.")];
    }

    /// <summary>
    /// Queues one direct message per owner of the meeting's actions, listing theirs with due dates (the
    /// chair too, for their own): in the unit of work that ends the meeting, keyed by meeting and owner,
    /// so a re-run turn sends nothing twice. Returns the owners the bot already knows it cannot reach.
    /// </summary>
    private async Task<List<Unreachable>> TellOwnersAsync(GovernanceProgram program, SteeringMeeting meeting, Stakeholder chair, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var actions = await MeetingCards.ActionsAsync(db, program, meeting, now, cancellationToken);
        var owners = actions.Where(a => a.Owner is not null).GroupBy(a => a.Owner!.Id).Select(g => (Owner: g.First().Owner!, Actions: g.ToList())).ToList();
        var unreachable = await Outbox.KnownUnreachableAsync(db, program.WorkspaceId, owners.Select(o => (o.Owner.Name, o.Owner.Email)), cancellationToken);
        var today = RaidRules.Today(now, program.TimeZone);
        var day = TimeZoneInfo.ConvertTime(meeting.StartedAt, TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone)).ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);
        var notice = chair.Email is null ? null : new FailureNotice(chair.Email, chair.Name, $"the actions of {program.Name}'s steering meeting");
        foreach (var (owner, theirs) in owners.Where(o => o.Owner.Email is not null && !Unreachable.Includes(unreachable, o.Owner.Email)))
        {
            var intro = $"{PersonReferences.FirstName(owner.Name)}, {(theirs.Count == 1 ? "an action is" : $"{theirs.Count} actions are")} yours from {program.Name}'s steering meeting of {day}:";
            await outbox.ToPersonAsync(db, program.WorkspaceId, owner.Email!, owner.Name, Reply.Text(ActionNotices.Text(intro, theirs, today)),
                $"meeting:{meeting.Id}:actions:{owner.Key}", notice: notice, cancellationToken: cancellationToken);
        }

        return unreachable;
    }

    internal static TextReply Private(string text) => Reply.Text(text) with { Audience = ReplyAudience.Requester };
}

/// <summary>
/// The agenda card's forms: <c>meeting.decision</c> records a decision in the decision log, linked to the
/// meeting; <c>meeting.action</c> records an action (owner, due date) in the RAID log as type action.
/// Program managers and PMO only, while the meeting is open. The card is refreshed with what was recorded.
/// </summary>
internal sealed class MeetingRecordHandler(GovernanceDb db, ProgramDirectory directory, Governance governance, SteeringPacks packs, ILogger<MeetingRecordHandler> logger) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var data = context.Turn.Action?.Data ?? [];
        var meetingId = Guid.TryParse(data["meetingId"]?.ToString(), out var id) ? id : Guid.Empty;
        var meeting = await db.SteeringMeetings.Include(m => m.Program)
            .FirstOrDefaultAsync(m => m.Id == meetingId && m.Program!.WorkspaceId == context.WorkspaceId, cancellationToken);
        if (meeting is null)
        {
            return [MeetingHandler.Private("I can't find that steering meeting in this workspace. Start one with **meeting start <program>**.")];
        }

        var program = meeting.Program!;
        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program.Id);
        var decision = context.Route == "meeting.decision";
        if (!Governance.IsManager(me))
        {
            var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
            return await governance.RefuseAsync(context, program.Id, context.Route, SteeringPacks.Subject(program), "not a program manager or PMO member",
                $"Only {program.Name}'s program managers and PMO ({Governance.Names(managers)}) record the meeting's {(decision ? "decisions" : "actions")}. Nothing was recorded.", cancellationToken);
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        if (meeting.EndedAt is { } ended)
        {
            return [MeetingHandler.Private($"This steering meeting ended {LocalTime.Of(ended, zone)}, so nothing more is recorded on it. Record a later decision with **decision record {program.Name} …**, an action with **action add {program.Name} …**.")];
        }

        var now = packs.Now;
        string text(string key) => data[key]?.ToString()?.Trim() ?? string.Empty;
        // The card's two forms are one card: their title inputs need ids of their own.
        var title = text(decision ? "decisionTitle" : "actionTitle");
        string confirmation;
        if (decision)
        {
            var rationale = text("rationale");
            var errors = new Dictionary<string, string>(StringComparer.Ordinal);
            if (title.Length is 0 or > 200)
            {
                errors["decisionTitle"] = title.Length == 0 ? "Say what was decided." : "Keep it under 200 characters.";
            }

            if (rationale.Length is 0 or > 2000)
            {
                errors["rationale"] = rationale.Length == 0 ? "A decision log keeps the reason: say why." : "Keep it under 2,000 characters.";
            }

            if (errors.Count > 0)
            {
                return [Reply.InvalidInput($"{string.Join(" ", errors.Values)} For example: “Move the pilot start to 12 January” because “two pilot customers freeze changes in December”. Nothing was recorded.", errors)];
            }

            var day = RaidRules.IsoDay(RaidRules.Today(meeting.StartedAt, program.TimeZone));
            var entry = await DecisionBook.AddRecordedAsync(db, program, title, rationale, [], [me!.Key], [$"meeting:{day}"], now, me.Key, context.Turn.Channel, now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            Log.DecisionRecorded(logger, entry.Key!, program.Id);
            confirmation = $"Recorded **{DecisionBook.Display(entry.Key!)}** in {program.Name}'s decision log: “{Cards.UserText.Escape(title)}”.";
        }
        else
        {
            var owner = text("owner");
            var dueText = text("due");
            var errors = new Dictionary<string, string>(StringComparer.Ordinal);
            if (title.Length is 0 or > 200)
            {
                errors["actionTitle"] = title.Length == 0 ? "Say what is to be done." : "Keep it under 200 characters.";
            }

            if (owner.Length == 0)
            {
                errors["owner"] = "Choose who does it.";
            }

            DateOnly due = default;
            if (!DateOnly.TryParseExact(dueText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out due))
            {
                errors["due"] = "Pick the date it is due.";
            }

            if (errors.Count > 0)
            {
                return [Reply.InvalidInput($"{string.Join(" ", errors.Values)} Nothing was recorded.", errors)];
            }

            var command = new RaidAddCommand(RaidType.Action, program.Key, title, owner, null, null, due, null, null);
            var (item, problem) = await RaidItems.CreateAsync(db, program, me!, command, context.Turn.Mentions, now, cancellationToken);
            if (item is null)
            {
                var field = problem!.StartsWith("I don't know", StringComparison.Ordinal) ? "owner" : "due";
                return [Reply.InvalidInput(problem, new Dictionary<string, string>(StringComparer.Ordinal) { [field] = field == "owner" ? "Choose a stakeholder of the program." : "Today or later." })];
            }

            var saved = await RaidItems.SaveNewAsync(db, program, item, me!.Key, context.Turn.Channel, cancellationToken);
            Log.RaidItemAdded(logger, saved.Id, program.Id, RaidRules.TypeWord(RaidType.Action));
            var ownerName = await db.Stakeholders.AsNoTracking().Where(s => s.Id == saved.OwnerId).Select(s => s.Name).FirstAsync(cancellationToken);
            confirmation = $"Recorded action **{RaidRules.Display(saved.Key)}** for {ownerName}, due {RaidRules.Day(due)}: “{Cards.UserText.Escape(title)}”. {ownerName} is sent it with the meeting's other actions when the meeting ends.";
        }

        var (since, first) = await packs.WindowAsync(program, meeting.PackAt, cancellationToken);
        var pack = await packs.SectionsAsync(program, meeting.PackAt, since, first, cancellationToken);
        return [await MeetingCards.AgendaAsync(db, program, meeting, pack, now, cancellationToken) with { ReplacesSourceCard = true }, Reply.Text(confirmation)];
    }
}

/// <summary><c>actions [program]</c> and the <c>actions.show</c> button: the program's open actions, overdue first, for anyone who reads its status.</summary>
internal sealed class ActionsHandler(GovernanceDb db, ReaderPolicy readers, TimeProvider time) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var typed = context.Turn.Action?.Data["program"]?.ToString() ?? context.Arguments.Trim();
        var (program, refusal) = await readers.ResolveAsync(context, typed, "actions Phoenix", Reading.Status, cancellationToken);
        if (program is null)
        {
            return [refusal!];
        }

        var now = time.GetUtcNow();
        var today = RaidRules.Today(now, program.TimeZone);
        var all = await db.RaidItems.AsNoTracking().Include(r => r.Owner).Where(r => r.ProgramId == program.Id && r.Type == RaidType.Action).ToListAsync(cancellationToken);
        var open = RaidRules.Ordered(all.Where(a => RaidRules.IsOpen(a.Status)), today).ToList();
        var overdue = open.Count(a => RaidRules.IsOverdue(a, today));
        var counts = open.Count == 0 ? $"No open actions{(all.Count > 0 ? $" ({all.Count} done)" : string.Empty)}"
            : $"{open.Count} open{(overdue > 0 ? $", ⏰ {overdue} overdue" : string.Empty)}{(all.Count > open.Count ? $", {all.Count - open.Count} done" : string.Empty)}";
        var rows = open.Select(a => new ActionRow(a.Id.ToString(), RaidRules.Display(a.Key), a.Title, a.Owner?.Name ?? "no owner", RaidRules.DueText(a, today), RaidRules.IsOverdue(a, today))).ToList();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var card = new SteeringActionsCard(KpiViews.ProgramOf(program), TimeZoneInfo.ConvertTime(now, zone).ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture), counts, rows);
        return [Reply.Card("steering.actions", card, SteeringJson.Default.SteeringActionsCard, $"{program.Name} actions: {counts}.")];
    }
}
