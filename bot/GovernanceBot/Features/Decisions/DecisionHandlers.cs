using System.Globalization;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.Audit;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.Programs;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Decisions;

/// <summary>
/// <c>decisions [program]</c> and the <c>decisions.show</c> button: the program's decision log as a
/// card, latest first — decided approvals and decisions recorded directly (managers, PMO, sponsors
/// and approvers; only to the person who asked).
/// </summary>
internal sealed class DecisionsHandler(GovernanceDb db, ReaderPolicy readers, TimeProvider time) : ITurnHandler
{
    internal const int Shown = 12;

    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var typed = context.Turn.Action?.Data["program"]?.ToString() ?? context.Arguments;
        var (program, refusal) = await readers.ResolveAsync(context, typed, "decisions Phoenix", Reading.Decisions, cancellationToken);
        if (program is null)
        {
            return [refusal!];
        }

        var entries = await DecisionBook.EntriesAsync(db, program, cancellationToken);
        if (entries.Count == 0)
        {
            return [Reply.Text($"No decisions are logged for {program.Name} yet. Record one a meeting took with **decision record {program.Name} \"<what was decided>\" because \"<why>\"**; pending approvals: **status {program.Name}**.")
                with { Audience = ReaderPolicy.AudienceFor(Reading.Decisions) }];
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        // Only the asker sees the log: a moment reads in their own zone, named where the platform cannot localise it.
        var me = (await readers.ReaderAsync(context, cancellationToken)).People.FirstOrDefault(p => p.ProgramId == program.Id);
        var myZone = ApprovalText.ZoneOf(me, zone);
        var rows = entries.Take(Shown).Select(e => new DecisionRow(
            e.Id, e.Recorded ? "recorded" : "approval", e.Title, e.Status, e.StatusText,
            (e.Timed ? LocalTime.Of(e.DecidedAt, myZone) : TimeZoneInfo.ConvertTime(e.DecidedAt, zone).ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)) + (e.DecidedBy.Length > 0 ? $" · decided by {Cards.UserText.Escape(e.DecidedBy)}" : string.Empty),
            e.Rationale,
            e.Alternatives.Count > 0 ? $"Alternatives considered: {string.Join("; ", e.Alternatives)}" : string.Empty,
            e.Links.Count > 0 ? $"Concerns: {string.Join(" · ", e.Links)}" : string.Empty,
            e.Supersession)).ToList();
        var recorded = entries.Count(e => e.Recorded);
        var active = entries.Count(e => e.Recorded && e.Status == "active");
        var counts = $"{entries.Count} decision{(entries.Count == 1 ? "" : "s")}: {entries.Count - recorded} from approvals, {recorded} recorded ({active} active)";
        var asOf = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);
        var card = new DecisionsLogCard(KpiViews.ProgramOf(program), asOf, counts, rows,
            entries.Count > Shown ? $"The latest {Shown} of {entries.Count}. The whole log is in the governance file: `governancebot export`." : string.Empty);
        return [Reply.Card("decisions.log", card, DecisionsJson.Default.DecisionsLogCard, $"{program.Name} decision log: {counts}.")
            with { Audience = ReaderPolicy.AudienceFor(Reading.Decisions) }];
    }

    /// <summary>Who may record, reverse and supersede decisions: program managers, the PMO and sponsors.</summary>
    internal static bool MayRecord(Stakeholder? me) => Governance.IsManager(me) || me?.HasRole(StakeholderRoles.Sponsor) == true;
}

/// <summary>What <c>decision record …</c> asks for, once parsed.</summary>
internal sealed record DecisionRecordCommand(string? Program, string Title, string Rationale, IReadOnlyList<string> Alternatives, IReadOnlyList<string> By,
    DateOnly? On, IReadOnlyList<string> Concerns, string? Supersedes)
{
    public const string Example = "decision record Phoenix \"Move the pilot start to 12 January\" because \"two pilot customers freeze changes in December\" alternatives \"Start on 1 December with 38 customers\" by @meganb concerns gate-3";

    private static readonly string[] Keywords = ["because", "alternatives", "by", "on", "concerns", "supersedes"];

    public static (DecisionRecordCommand? Command, string? Error) Parse(IReadOnlyList<string> words)
    {
        var head = words.TakeWhile(w => !Keywords.Contains(w, StringComparer.OrdinalIgnoreCase)).ToList();
        if (head.Count is 0 or > 2)
        {
            return (null, head.Count == 0
                ? $"Start with the program and what was decided, in quotes. For example: **{Example}**"
                : $"Put what was decided in quotes, so I can tell it from the program's name. For example: **{Example}**");
        }

        var values = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        string? current = null;
        foreach (var word in words.Skip(head.Count))
        {
            if (Keywords.Contains(word, StringComparer.OrdinalIgnoreCase))
            {
                current = word.ToLowerInvariant();
                if (!values.TryAdd(current, []))
                {
                    return (null, $"**{current}** is given twice. Example: **{Example}**");
                }
            }
            else
            {
                values[current!].Add(word);
            }
        }

        var title = head[^1].Trim();
        if (title.Length is 0 or > 200)
        {
            return (null, title.Length == 0 ? $"Say what was decided. Example: **{Example}**" : $"What was decided is {title.Length} characters; keep it under 200 and put the reasons after **because**.");
        }

        if (!values.TryGetValue("because", out var because) || string.Join(' ', because).Trim().Length == 0)
        {
            return (null, $"Why? A decision log keeps the reason: add **because \"…\"**. For example: **{Example}**");
        }

        var rationale = string.Join(' ', because).Trim();
        var alternatives = values.GetValueOrDefault("alternatives") ?? [];
        if (rationale.Length > 2000 || alternatives.Any(a => a.Length > 500) || alternatives.Count > 10)
        {
            return (null, "Keep the reason under 2,000 characters and the alternatives to ten, each in quotes and under 500 characters.");
        }

        DateOnly? on = null;
        if (values.TryGetValue("on", out var d))
        {
            if (d.Count != 1 || !DateOnly.TryParseExact(d[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return (null, "Write the day it was decided as yyyy-MM-dd, for example **on 2026-12-01**.");
            }

            on = date;
        }

        var supersedes = values.GetValueOrDefault("supersedes");
        if (supersedes is { Count: not 1 })
        {
            return (null, "Name the one decision this one replaces, for example **supersedes DEC-2**.");
        }

        return (new DecisionRecordCommand(head.Count == 2 ? head[0] : null, title, rationale, alternatives, values.GetValueOrDefault("by") ?? [], on,
            values.GetValueOrDefault("concerns") ?? [], supersedes?[0]), null);
    }
}

/// <summary>
/// <c>decision record [program] "&lt;title&gt;" because "&lt;rationale&gt;" [alternatives "…" "…"] [by @a @b|group]
/// [on DATE] [concerns gate-3 R-2 cost-savings] [supersedes DEC-1]</c>: what a meeting decided, by a
/// program manager, the PMO or a sponsor. Audited; superseding marks the old one and links both.
/// </summary>
internal sealed class RecordDecisionHandler(GovernanceDb db, ProgramDirectory directory, Governance governance, TimeProvider time, ILogger<RecordDecisionHandler> logger) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var (command, error) = DecisionRecordCommand.Parse(CommandText.Tokenize(context.Arguments));
        if (command is null)
        {
            return [Private(error!)];
        }

        var (program, programError) = await directory.ResolveAsync(context.WorkspaceId, context.Turn.Conversation, command.Program, DecisionRecordCommand.Example, cancellationToken);
        if (program is null)
        {
            return [Private(programError!)];
        }

        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program.Id);
        if (!DecisionsHandler.MayRecord(me))
        {
            var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
            return await governance.RefuseAsync(context, program.Id, "decision.record", $"program:{program.Key}", "not a program manager, PMO member or sponsor",
                $"Only {program.Name}'s program managers, PMO and sponsors can record decisions ({Governance.Names(managers)} among them). Nothing was recorded.", cancellationToken);
        }

        var now = time.GetUtcNow();
        var today = Raid.RaidRules.Today(now, program.TimeZone);
        if (command.On is { } on && on > today)
        {
            return [Private($"{Raid.RaidRules.Day(on)} is after today: a decision is recorded once it is taken. Leave **on** out for today. Nothing was recorded.")];
        }

        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).ToListAsync(cancellationToken);
        var groups = await db.ApproverGroups.AsNoTracking().Where(g => g.ProgramId == program.Id).ToListAsync(cancellationToken);
        var deciders = new List<string>();
        var named = command.By.Where(b => groups.All(g => !string.Equals(g.Key, b.TrimStart('@'), StringComparison.OrdinalIgnoreCase))).ToList();
        deciders.AddRange(command.By.Select(b => groups.FirstOrDefault(g => string.Equals(g.Key, b.TrimStart('@'), StringComparison.OrdinalIgnoreCase))?.Key).OfType<string>());
        var (found, unknown) = PersonReferences.Resolve(people, named, context.Turn.Mentions);
        if (unknown.Count > 0)
        {
            return [Private($"I don't know {string.Join(", ", unknown.Select(u => $"\"{u}\""))} in {program.Name}. Name who decided by key, e-mail or full name, or an approver group ({string.Join(", ", groups.Select(g => g.Key))}). Nothing was recorded.")];
        }

        deciders.AddRange(found.Select(p => p.Key));
        if (deciders.Count == 0)
        {
            deciders.Add(me!.Key);
        }

        var (links, unknownLinks) = await DecisionBook.LinksAsync(db, program, command.Concerns, cancellationToken);
        if (unknownLinks.Count > 0)
        {
            return [Private($"I can't find {string.Join(", ", unknownLinks.Select(u => $"\"{u}\""))} in {program.Name}. After **concerns** name approvals (gate-3), RAID items (R-2) or benefits (cost-savings). Nothing was recorded.")];
        }

        var existing = await db.DecisionLog.Where(d => d.ProgramId == program.Id && d.Key != null).ToListAsync(cancellationToken);
        DecisionLogEntry? old = null;
        if (command.Supersedes is { } supersedes)
        {
            old = existing.FirstOrDefault(d => string.Equals(d.Key, supersedes.Split('.')[^1], StringComparison.OrdinalIgnoreCase));
            if (old is null)
            {
                return [Private($"There is no recorded decision {supersedes} in {program.Name} to supersede (recorded decisions are DEC-1, DEC-2 …). Nothing was recorded.")];
            }

            if (old.Status != DecisionStatus.Active)
            {
                return [Private($"{DecisionBook.Display(old.Key!)} is already {DecisionBook.StatusWord(old.Status)}; only an active decision can be superseded. Nothing was recorded.")];
            }
        }

        var decidedAt = command.On is { } day && day != today
            ? new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone).GetUtcOffset(day.ToDateTime(new TimeOnly(12, 0))))
            : now;
        var entry = await DecisionBook.AddRecordedAsync(db, program, command.Title, command.Rationale, command.Alternatives, deciders, links, decidedAt, me!.Key,
            context.Turn.Channel, now, cancellationToken);
        var superseded = string.Empty;
        if (old is not null)
        {
            old.Status = DecisionStatus.Superseded;
            old.SupersededById = entry.Id;
            entry.SupersedesId = old.Id;
            db.AppendAudit(now, context.WorkspaceId, program.Id, me.Key, context.Turn.Channel, "decision.superseded", DecisionBook.AuditSubject(program, old.Key!), "active",
                $"superseded by {DecisionBook.Display(entry.Key!)}");
            superseded = $" It supersedes **{DecisionBook.Display(old.Key!)}** (“{Cards.UserText.Escape(old.Title)}”), now marked superseded.";
        }

        await db.SaveChangesAsync(cancellationToken);
        Log.DecisionRecorded(logger, entry.Key!, program.Id);
        return [Reply.Text($"Recorded **{DecisionBook.Display(entry.Key!)}** in {program.Name}'s decision log: “{Cards.UserText.Escape(entry.Title)}”.{superseded} See the log: **decisions {program.Name}**.")];
    }

    internal static TextReply Private(string text) => Reply.Text(text) with { Audience = ReplyAudience.Requester };
}

/// <summary>
/// <c>decision reverse &lt;id&gt; because "&lt;why&gt;"</c> and <c>decision supersede &lt;old&gt; with &lt;new&gt;</c>:
/// a recorded decision's status, by a program manager, the PMO or a sponsor; audited. A decision cannot
/// supersede itself, nor one that is no longer active.
/// </summary>
internal sealed class ChangeDecisionHandler(GovernanceDb db, ProgramDirectory directory, Governance governance, TimeProvider time, ILogger<ChangeDecisionHandler> logger) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var reverse = context.Route == "decision reverse";
        var words = CommandText.Tokenize(context.Arguments);
        var example = reverse ? "decision reverse DEC-2 because \"the vendor withdrew its offer\"" : "decision supersede DEC-1 with DEC-3";
        var joint = reverse ? "because" : "with";
        var at = words.ToList().FindIndex(w => string.Equals(w, joint, StringComparison.OrdinalIgnoreCase));
        if (at != 1 || at == words.Count - 1)
        {
            return [RecordDecisionHandler.Private($"Say which decision and {(reverse ? "why" : "which one replaces it")}, for example **{example}**.")];
        }

        var here = await directory.DefaultAsync(context.WorkspaceId, context.Turn.Conversation, cancellationToken);
        var (entry, program, problem) = await DecisionBook.FindAsync(db, context.WorkspaceId, words[0], here?.Id, cancellationToken);
        if (entry is null)
        {
            return [RecordDecisionHandler.Private(problem!)];
        }

        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program!.Id);
        if (!DecisionsHandler.MayRecord(me))
        {
            var managers = await governance.ManagerNamesAsync(program!.Id, cancellationToken);
            return await governance.RefuseAsync(context, program.Id, reverse ? "decision.reverse" : "decision.supersede", DecisionBook.AuditSubject(program, entry.Key!),
                "not a program manager, PMO member or sponsor",
                $"Only {program.Name}'s program managers, PMO and sponsors can change the decision log ({Governance.Names(managers)} among them). Nothing was changed.", cancellationToken);
        }

        var now = time.GetUtcNow();
        if (entry.Status != DecisionStatus.Active)
        {
            return [RecordDecisionHandler.Private($"{DecisionBook.Display(entry.Key!)} is already {DecisionBook.StatusWord(entry.Status)}. Nothing was changed.")];
        }

        if (reverse)
        {
            var why = string.Join(' ', words.Skip(2)).Trim();
            entry.Status = DecisionStatus.Reversed;
            db.AppendAudit(now, context.WorkspaceId, program!.Id, me!.Key, context.Turn.Channel, "decision.reversed", DecisionBook.AuditSubject(program, entry.Key!), "active", $"reversed: {why}");
            await db.SaveChangesAsync(cancellationToken);
            Log.DecisionStatusChanged(logger, entry.Key!, program.Id, "reversed");
            return [Reply.Text($"**{DecisionBook.Display(entry.Key!)}** (“{Cards.UserText.Escape(entry.Title)}”) is now reversed: {Cards.UserText.Escape(why)}. See the log: **decisions {program.Name}**.")];
        }

        var newer = words.Count == 3 ? words[2] : string.Empty;
        var (replacement, _, newerProblem) = await DecisionBook.FindAsync(db, context.WorkspaceId, newer, program!.Id, cancellationToken);
        if (replacement is null)
        {
            return [RecordDecisionHandler.Private(newerProblem!)];
        }

        if (replacement.Id == entry.Id)
        {
            return [RecordDecisionHandler.Private($"A decision can't supersede itself: name the later decision that replaces {DecisionBook.Display(entry.Key!)}, for example **decision supersede {DecisionBook.Display(entry.Key!)} with DEC-{DecisionBook.NumberOf(entry.Key!) + 1}**. Nothing was changed.")];
        }

        if (replacement.ProgramId != entry.ProgramId)
        {
            return [RecordDecisionHandler.Private($"{DecisionBook.Display(replacement.Key!)} belongs to another program; a decision is superseded by one of its own program. Nothing was changed.")];
        }

        if (replacement.Status != DecisionStatus.Active || replacement.SupersedesId is not null)
        {
            return [RecordDecisionHandler.Private($"{DecisionBook.Display(replacement.Key!)} is {DecisionBook.StatusWord(replacement.Status)}{(replacement.SupersedesId is not null ? " and already supersedes another decision" : "")}; name an active decision that replaces {DecisionBook.Display(entry.Key!)}. Nothing was changed.")];
        }

        entry.Status = DecisionStatus.Superseded;
        entry.SupersededById = replacement.Id;
        replacement.SupersedesId = entry.Id;
        db.AppendAudit(now, context.WorkspaceId, program.Id, me!.Key, context.Turn.Channel, "decision.superseded", DecisionBook.AuditSubject(program, entry.Key!), "active",
            $"superseded by {DecisionBook.Display(replacement.Key!)}");
        await db.SaveChangesAsync(cancellationToken);
        Log.DecisionStatusChanged(logger, entry.Key!, program.Id, "superseded");
        return [Reply.Text($"**{DecisionBook.Display(entry.Key!)}** is now superseded by **{DecisionBook.Display(replacement.Key!)}** (“{Cards.UserText.Escape(replacement.Title)}”); both entries link to each other. See the log: **decisions {program.Name}**.")];
    }
}
