using System.Globalization;
using System.Text;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Audit;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.CheckIns;

/// <summary>
/// What the check-in definition commands share: finding the program and the check-in a command names,
/// and making sure the person behind the turn manages the program (a refusal is audited).
/// </summary>
public sealed class CheckInDefinitions(GovernanceDb db, ProgramDirectory directory, Governance governance)
{
    public sealed record Target(GovernanceProgram Program, Stakeholder Manager, string CheckInName);

    /// <summary>
    /// "&lt;program&gt; &lt;check-in&gt;" (either may be quoted): the program a manager may change, or the reply that
    /// says why not. With one word that is not a program, the word is the check-in of the default program.
    /// </summary>
    public async Task<(Target? Target, IReadOnlyList<Reply>? Refusal)> ResolveAsync(
        TurnContext context, string action, string example, CancellationToken cancellationToken)
    {
        var words = context.Words;
        string? programText = words.Count > 0 ? words[0] : null;
        var rest = words.Count > 1 ? string.Join(' ', words.Skip(1)) : string.Empty;
        if (words.Count == 1 && (await directory.FindAsync(context.WorkspaceId, words[0], cancellationToken)).Program is null
            && await directory.DefaultAsync(context.WorkspaceId, context.Turn.Conversation, cancellationToken) is not null)
        {
            programText = null;
            rest = words[0];
        }

        var (program, error) = await directory.ResolveAsync(context.WorkspaceId, context.Turn.Conversation, programText, example, cancellationToken);
        if (program is null)
        {
            return (null, [Reply.Text(error!) with { Audience = ReplyAudience.Requester }]);
        }

        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program.Id);
        if (!Governance.IsManager(me))
        {
            var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
            return (null, await governance.RefuseAsync(context, program.Id, action, $"program:{program.Key}", "not a program manager or PMO member",
                $"Sorry — only {program.Name}'s program managers or PMO can define check-ins ({Governance.Names(managers)}). Ask one of them, or type **checkin** to answer your own.",
                cancellationToken));
        }

        return (new Target(program, me!, rest.Trim()), null);
    }

    /// <summary>The check-in named by key or name (case-insensitive), archived ones included; or the reply listing those that exist.</summary>
    public async Task<(CheckInDefinition? CheckIn, Reply? Error)> FindAsync(GovernanceProgram program, string name, string command, CancellationToken cancellationToken)
    {
        var all = await db.CheckIns.Include(c => c.Questions).Where(c => c.ProgramId == program.Id).ToListAsync(cancellationToken);
        var wanted = name.Trim().Trim('"');
        var match = all.FirstOrDefault(c => string.Equals(c.Key, wanted, StringComparison.OrdinalIgnoreCase))
            ?? all.FirstOrDefault(c => string.Equals(c.Name, wanted, StringComparison.OrdinalIgnoreCase));
        if (match is not null)
        {
            return (match, null);
        }

        var live = all.Where(c => c.ArchivedAt is null).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var known = live.Count == 0
            ? $"{program.Name} has no check-ins yet; **checkin new {program.Name}** creates one."
            : $"{program.Name}'s check-ins: {string.Join(", ", live.Select(c => $"**{c.Name}**"))}. Example: **{command} {program.Name} {live[0].Name}**";
        var text = wanted.Length == 0 ? $"Which check-in? {known}" : $"There is no check-in called \"{CheckInRules.Shorten(wanted)}\" in {program.Name}. {known}";
        return (null, Reply.Text(text) with { Audience = ReplyAudience.Requester });
    }

    /// <summary>One line for the audit log: what a check-in is set to.</summary>
    public static string Describe(CheckInDefinition c) =>
        $"{c.Name}: schedule \"{c.Cron}\", window {GovernanceFileReader.FormatDuration(c.Window)}, reminders [{string.Join(", ", c.Reminders.Select(GovernanceFileReader.FormatDuration))}], " +
        $"roles [{string.Join(", ", c.ParticipantRoles)}], people [{string.Join(", ", c.ParticipantKeys)}], holidays [{string.Join(", ", c.Holidays.Select(h => h.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))}], " +
        $"mention non-responders {(c.MentionNonResponders ? "on" : "off")}, {(c.Enabled ? "running" : "paused")}, questions [{string.Join(", ", c.Questions.OrderBy(q => q.Order).Select(q => $"{q.Key} ({CheckInRounds.Word(q.Kind)})"))}]";

    public static string ExportHint(GovernanceProgram program) =>
        $"If {program.Name} is managed as code, export it into the governance file (`governancebot export --program {program.Key}`): importing a file replaces the program's check-ins with the file's.";
}

/// <summary><c>checkin new &lt;program&gt;</c> and <c>checkin edit &lt;program&gt; &lt;check-in&gt;</c>: the definition form, empty or filled in.</summary>
public sealed class CheckInFormHandler(GovernanceDb db, CheckInDefinitions definitions) : ITurnHandler
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

        return [CheckInForm.Card(target.Program, people, GovernanceExporter.CheckInSpecOf(checkIn)) with { Audience = ReplyAudience.Requester }];
    }
}

/// <summary>
/// <c>checkin.define</c>: the form's submission. Checked by the same rules as a governance file;
/// any problem is named under its input and nothing is stored. Creates or updates the check-in and audits it.
/// </summary>
public sealed class SaveCheckInDefinitionHandler(GovernanceDb db, ProgramDirectory directory, Governance governance, TimeProvider time) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var data = context.Turn.Action?.Data ?? [];
        var programKey = data["program"]?.ToString() ?? string.Empty;
        var program = programKey.Length == 0 ? null : (await directory.FindAsync(context.WorkspaceId, programKey, cancellationToken)).Program;
        if (program is null)
        {
            return await governance.RefuseAsync(context, null, "checkin.define", $"program:{CheckInRules.Shorten(programKey)}", "program not found in this workspace",
                "I can't find the program this form belongs to here. Type **checkin new <program>** for a fresh form.", cancellationToken);
        }

        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program.Id);
        if (!Governance.IsManager(me))
        {
            var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
            return await governance.RefuseAsync(context, program.Id, "checkin.define", $"program:{program.Key}", "not a program manager or PMO member",
                $"Sorry — only {program.Name}'s program managers or PMO can define check-ins ({Governance.Names(managers)}). Nothing was saved.", cancellationToken);
        }

        var all = await db.CheckIns.Include(c => c.Questions).Where(c => c.ProgramId == program.Id).ToListAsync(cancellationToken);
        var existingKey = data["checkIn"]?.ToString() ?? string.Empty;
        var existing = existingKey.Length == 0 ? null : all.FirstOrDefault(c => c.Key == existingKey);
        if (existingKey.Length > 0 && (existing is null || existing.ArchivedAt is not null))
        {
            return [Reply.Text($"The check-in this form edits no longer exists in {program.Name} (it was removed or re-imported). Nothing was saved; **checkin new {program.Name}** starts a new one.") with { Audience = ReplyAudience.Requester }];
        }

        var (spec, problems, questionLine) = CheckInForm.Read(data);
        var typedCron = (data["cron"]?.ToString() ?? string.Empty).Trim().Length > 0;
        if (existing is not null && CheckInForm.Split(spec.Schedule) == CheckInForm.Split(existing.Cron))
        {
            // The same days and time: keep the cron as it was written (e.g. "0 9 * * 1" stays, not "0 9 * * MON").
            spec.Schedule = existing.Cron;
        }

        spec.Key = existing?.Key ?? NewKey(spec.Name, all);
        spec.Enabled = existing?.Enabled ?? true;
        var clash = all.FirstOrDefault(c => c.ArchivedAt is null && c != existing && string.Equals(c.Name, spec.Name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (clash is not null)
        {
            Add(problems, "name", $"{program.Name} already has a check-in called \"{clash.Name}\"; pick another name, or edit that one with **checkin edit {program.Name} {clash.Name}**.");
        }

        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).ToListAsync(cancellationToken);
        foreach (var problem in CheckInRules.Check(spec, people.Select(p => new CheckInPerson(p.Key, p.Name, p.Roles)).ToList()))
        {
            var (input, message) = CheckInForm.Place(problem, questionLine, typedCron);
            Add(problems, input, message);
        }

        if (problems.Count > 0)
        {
            return [Refuse(problems)];
        }

        var now = time.GetUtcNow();
        var before = existing is null ? null : CheckInDefinitions.Describe(existing);
        var checkIn = existing ?? new CheckInDefinition { ProgramId = program.Id, Key = spec.Key, Name = spec.Name, Cron = spec.Schedule };
        if (existing is null)
        {
            db.CheckIns.Add(checkIn);
        }

        GovernanceImporter.ApplyCheckIn(db, checkIn, spec, [], now);
        db.AppendAudit(now, context.WorkspaceId, program.Id, Governance.Actor(context.Turn, me), context.Turn.Channel,
            existing is null ? "checkin.created" : "checkin.updated", $"checkin:{checkIn.Key}", before, CheckInDefinitions.Describe(checkIn));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Someone saved a check-in with the same key a moment earlier (a double click, two managers).
            db.ChangeTracker.Clear();
            return [Reply.Text($"{program.Name} changed while you were filling in the form (another check-in with this name was just saved). Nothing was saved; **checkins {program.Name}** shows what exists now.") with { Audience = ReplyAudience.Requester }];
        }

        var open = await db.CheckInRounds.AnyAsync(r => r.CheckInId == checkIn.Id && r.Status == CheckInRoundStatus.Open, cancellationToken);
        var participants = CheckInRounds.Participants(checkIn, people);
        var next = CheckInForm.NextOpening(checkIn, participants, now);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{(existing is null ? "Created" : "Saved")} **{checkIn.Name}** for {program.Name}: {CheckInForm.Cadence(checkIn.Cron)} (each participant's own time), ");
        text.Append(CultureInfo.InvariantCulture, $"open for {GovernanceFileReader.FormatDuration(checkIn.Window)}, {participants.Count} participant{(participants.Count == 1 ? "" : "s")}, {checkIn.Questions.Count} question{(checkIn.Questions.Count == 1 ? "" : "s")}.");
        if (!checkIn.Enabled)
        {
            text.Append(CultureInfo.InvariantCulture, $" It is paused: **checkin resume {program.Name} {checkIn.Name}** starts it again.");
        }
        else if (next is { } at)
        {
            text.Append(CultureInfo.InvariantCulture, $" The next round opens {CheckInListHandler.When(at, program.TimeZone)}.");
        }

        if (open)
        {
            text.Append(" The round open now keeps the questions it was sent with; your changes to the questions apply from the next round.");
        }

        text.Append("\n\n").Append(CheckInDefinitions.ExportHint(program));
        return [Reply.Text(text.ToString())];
    }

    private static string NewKey(string name, IReadOnlyList<CheckInDefinition> all)
    {
        var stem = QuestionLines.Slug(name, 6);
        stem = stem.Length == 0 ? "checkin" : stem;
        var key = stem;
        for (var n = 2; all.Any(c => c.Key == key); n++)
        {
            key = $"{stem}-{n}";
        }

        return key;
    }

    private static void Add(Dictionary<string, List<string>> problems, string input, string message)
    {
        if (!problems.TryGetValue(input, out var list))
        {
            problems[input] = list = [];
        }

        list.Add(message);
    }

    private static TextReply Refuse(Dictionary<string, List<string>> problems)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["name"] = "Name", ["days"] = "Days", ["time"] = "Time of day", ["cron"] = "Cron expression", ["window"] = "Response window",
            ["reminders"] = "Reminders", ["roles"] = "Participants", ["people"] = "Participants by name", ["questions"] = "Questions",
            ["holidays"] = "Holidays", ["mentionNonResponders"] = "Name non-responders",
        };
        var text = new StringBuilder("The check-in was not saved:\n");
        foreach (var (input, messages) in problems)
        {
            foreach (var message in messages)
            {
                text.Append(CultureInfo.InvariantCulture, $"- **{labels.GetValueOrDefault(input, input)}**: {message}\n");
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"Fix these on the form and submit again. A question line looks like: {QuestionLines.Example}");
        return Reply.InvalidInput(text.ToString(), problems.ToDictionary(p => p.Key, p => string.Join(" ", p.Value)));
    }
}

/// <summary><c>checkins &lt;program&gt;</c> (also <c>checkin list</c>): each check-in's cadence, window, participants and next round.</summary>
public sealed class CheckInListHandler(GovernanceDb db, ReaderPolicy readers, TimeProvider time) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var (program, refusal) = await readers.ResolveAsync(context, context.Arguments, "checkins Phoenix", Reading.Status, cancellationToken);
        if (program is null)
        {
            return [refusal!];
        }

        var checkIns = await db.CheckIns.AsNoTracking().Include(c => c.Questions).Where(c => c.ProgramId == program.Id).ToListAsync(cancellationToken);
        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).ToListAsync(cancellationToken);
        var live = checkIns.Where(c => c.ArchivedAt is null).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
        if (live.Count == 0)
        {
            return [Reply.Text($"{program.Name} has no check-ins. A program manager can create one with **checkin new {program.Name}**.")];
        }

        var now = time.GetUtcNow();
        var text = new StringBuilder($"{program.Name} check-ins:\n");
        foreach (var c in live)
        {
            var participants = CheckInRounds.Participants(c, people);
            // The schedule's time is each participant's own, so a round's first prompts go out when it is
            // that time for whoever's day starts first: say so rather than show a bare, surprising time.
            var next = !c.Enabled ? "paused" : CheckInForm.NextOpening(c, participants, now) is { } at ? $"next round's first prompts go out {When(at, program.TimeZone)}" : "no next round in the coming year";
            text.Append(CultureInfo.InvariantCulture,
                $"- **{c.Name}** — {CheckInForm.Cadence(c.Cron)}{(CheckInForm.IsSimple(c.Cron) ? " in each person's time zone" : "")}, open {GovernanceFileReader.FormatDuration(c.Window)}, {participants.Count} participant{(participants.Count == 1 ? "" : "s")}, {c.Questions.Count} question{(c.Questions.Count == 1 ? "" : "s")}; {next}\n");
        }

        var archived = checkIns.Count(c => c.ArchivedAt is not null);
        if (archived > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{archived} removed check-in{(archived == 1 ? " is" : "s are")} kept for {(archived == 1 ? "its" : "their")} history.\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Program managers: **checkin new {program.Name}**, **checkin edit {program.Name} <name>**, **checkin pause|resume|remove {program.Name} <name>**.");
        return [Reply.Text(text.ToString())];
    }

    /// <summary>"Mon 7 Dec 2026, 09:00 (Europe/London)", in the program's time zone.</summary>
    /// <summary>A moment each reader sees in their own zone (<see cref="LocalTime"/>); the program's zone where they cannot.</summary>
    public static string When(DateTimeOffset at, string timeZone) => LocalTime.Of(at, TimeZoneInfo.FindSystemTimeZoneById(timeZone));
}

/// <summary><c>checkin pause</c> / <c>checkin resume &lt;program&gt; &lt;check-in&gt;</c>: no new rounds while paused; a round already open runs to its close.</summary>
public sealed class PauseCheckInHandler(GovernanceDb db, CheckInDefinitions definitions, TimeProvider time) : ITurnHandler
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

/// <summary>
/// <c>checkin remove &lt;program&gt; &lt;check-in&gt;</c>: deletes a check-in that never ran; one with recorded
/// rounds is archived instead (kept with its rounds and responses, never runs again).
/// </summary>
public sealed class RemoveCheckInHandler(GovernanceDb db, CheckInDefinitions definitions, TimeProvider time) : ITurnHandler
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
