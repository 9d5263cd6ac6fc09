using System.Globalization;
using System.Text;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.CheckIns;

/// <summary>
/// <c>checkin.define</c>: the form's submission. Checked by the same rules as a governance file;
/// any problem is named under its input and nothing is stored. Creates or updates the check-in and audits it.
/// </summary>
internal sealed class SaveCheckInDefinitionHandler(GovernanceDb db, ProgramDirectory directory, Governance governance, TimeProvider time) : ITurnHandler
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

        CheckInSpecs.Apply(db, checkIn, spec, [], now);
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
        text.Append(CultureInfo.InvariantCulture, $"{(existing is null ? "Created" : "Saved")} **{checkIn.Name}** for {program.Name}: {CheckInForm.Schedule(checkIn.Cron)}, ");
        text.Append(CultureInfo.InvariantCulture, $"open for {Durations.Format(checkIn.Window)}, {participants.Count} participant{(participants.Count == 1 ? "" : "s")}, {checkIn.Questions.Count} question{(checkIn.Questions.Count == 1 ? "" : "s")}.");
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
