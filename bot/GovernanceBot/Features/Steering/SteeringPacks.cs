using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Benefits;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.Decisions;
using GovernanceBot.Features.Health;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.Narratives;
using GovernanceBot.Features.Programs;
using GovernanceBot.Features.Raid;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Steering;

/// <summary>
/// The steering pack, built from the store by the features' own rules (life cycle, KPI RAG,
/// benefit realisation, RAID ordering, the decision log, check-in trend points). When each pack was
/// produced is its <c>steering.packed</c> audit entry: the audit trail is where the bot already keeps
/// who did what when, and "decisions since the last pack" reads the latest one.
/// </summary>
internal sealed class SteeringPacks(GovernanceDb db, ProgramStatusQuery status, CheckInSummaries checkIns, TimeProvider time)
{
    /// <summary>The first pack of a program looks back this far for decisions.</summary>
    internal const int FirstPackDays = 30;

    internal const int TopRaid = 5;

    internal const int Rounds = 4;

    internal const string PackedAction = "steering.packed";

    public DateTimeOffset Now => time.GetUtcNow();

    public static string Subject(GovernanceProgram program) => $"steering:{program.Key}";

    /// <summary>When the program's latest pack was produced, if one was.</summary>
    public async Task<DateTimeOffset?> LastPackAsync(GovernanceProgram program, CancellationToken cancellationToken)
    {
        var subject = Subject(program);
        var last = await db.Audit.AsNoTracking()
            .Where(a => a.ProgramId == program.Id && a.Action == PackedAction && a.Subject == subject)
            .OrderByDescending(a => a.Seq).Select(a => (DateTimeOffset?)a.At).FirstOrDefaultAsync(cancellationToken);
        return last;
    }

    /// <summary>
    /// What a pack produced at <paramref name="packAt"/> covers: decisions since the pack before it, or
    /// for the first pack the last <see cref="FirstPackDays"/> days.
    /// </summary>
    public async Task<(DateTimeOffset Since, bool First)> WindowAsync(GovernanceProgram program, DateTimeOffset packAt, CancellationToken cancellationToken)
    {
        var subject = Subject(program);
        var before = await db.Audit.AsNoTracking()
            .Where(a => a.ProgramId == program.Id && a.Action == PackedAction && a.Subject == subject && a.At < packAt)
            .OrderByDescending(a => a.At).Select(a => (DateTimeOffset?)a.At).FirstOrDefaultAsync(cancellationToken);
        return before is { } b ? (b, false) : (packAt.AddDays(-FirstPackDays), true);
    }

    /// <summary>Records a pack produced now, looking back to <paramref name="since"/>; added to the context, not saved.</summary>
    public void Record(GovernanceProgram program, string actor, string channel, DateTimeOffset at, DateTimeOffset since, bool first) =>
        db.AppendAudit(at, program.WorkspaceId, program.Id, actor, channel, PackedAction, Subject(program), null,
            $"Steering pack produced; decisions since {since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}{(first ? " (first pack: the last 30 days)" : string.Empty)}.");

    /// <summary>The pack: its sections, and the written summary of the latest check-in answers (a model may take seconds to write it).</summary>
    public async Task<SteeringPackCard> BuildAsync(GovernanceProgram program, DateTimeOffset at, DateTimeOffset since, bool first, CancellationToken cancellationToken)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var sections = await SectionsAsync(program, at, since, first, cancellationToken);
        // A month, whenever the last pack was: older answers say little about the program today.
        var written = await checkIns.LatestRoundsNarrativeAsync(program, at, FirstPackDays, cancellationToken);
        var sinceText = first
            ? $"First pack for {program.Name}: decisions of the last {FirstPackDays} days, since {Day(since, zone)}."
            : $"Decisions since the last pack, produced {LocalTime.Of(since, zone)}.";
        return new SteeringPackCard(KpiViews.ProgramOf(program), LocalTime.Of(at, zone), sinceText, sections, written.Narrative, written.RoundsText);
    }

    /// <summary>The pack's sections without its written summary: what a meeting's agenda is made of.</summary>
    public async Task<List<PackSection>> SectionsAsync(GovernanceProgram program, DateTimeOffset at, DateTimeOffset since, bool first, CancellationToken cancellationToken)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var today = RaidRules.Today(at, program.TimeZone);
        return
        [
            await PhaseAsync(program, today, cancellationToken),
            await KpisAsync(program, cancellationToken),
            await BenefitsAsync(program, cancellationToken),
            await RaidAsync(program, today, cancellationToken),
            await ApprovalsAsync(program, zone, cancellationToken),
            await DecisionsAsync(program, since, first, zone, cancellationToken),
            await CheckInsAsync(program, cancellationToken),
        ];
    }

    private async Task<PackSection> PhaseAsync(GovernanceProgram program, DateOnly today, CancellationToken cancellationToken)
    {
        var gates = await db.StageGates.AsNoTracking().Include(g => g.Criteria).Where(g => g.ProgramId == program.Id).ToListAsync(cancellationToken);
        var next = LifeCycleRules.NextGate(program, gates);
        var lines = new List<PackLine>();
        if (next is not null)
        {
            var unmet = next.Criteria.Count(c => c.ConfirmedAt is null);
            lines.Add(new PackLine(LifeCycleRules.Label(next), $"{LifeCycleRules.Between(program, next)} · {LifeCycleRules.DateText(next.Date)} · " +
                (next.Criteria.Count == 0 ? "no entry criteria" : $"{next.Criteria.Count - unmet} of {next.Criteria.Count} entry criteria confirmed"),
                unmet == 0 ? "green" : "amber", unmet == 0 ? "🟢 Criteria met" : $"🟠 {unmet} open"));
        }

        return new PackSection("phase", "Phase and next gate", $"Phase: {ProgramStatusQuery.PhaseWord(program.Phase)}. {LifeCycleRules.NextGateText(program, gates, today)}.",
            lines, "No gates are set for this program.");
    }

    private async Task<PackSection> KpisAsync(GovernanceProgram program, CancellationToken cancellationToken)
    {
        var kpis = await db.Kpis.Where(k => k.ProgramId == program.Id).AsNoTracking().ToListAsync(cancellationToken);
        await db.LoadLatestAsync(kpis, 1, cancellationToken);
        var health = (await status.HealthOfAsync([program.Id], cancellationToken))[0];
        var lines = kpis.Select(k => (Kpi: k, Latest: k.Measurements.MaxBy(m => m.Date)))
            .Select(x => (x.Kpi, x.Latest, Rag: KpiRag.Of(x.Kpi, x.Latest?.Value)))
            .OrderBy(x => x.Rag switch { Rag.Red => 0, Rag.Amber => 1, Rag.Green => 2, _ => 3 }).ThenBy(x => x.Kpi.Name, StringComparer.OrdinalIgnoreCase)
            .Select(x => new PackLine(x.Kpi.Name,
                x.Latest is null ? $"no value yet (target {KpiRag.TargetText(x.Kpi)})" : $"{KpiRag.Format(x.Latest.Value, x.Kpi.Unit)} on {x.Latest.Date.ToString("d MMM", CultureInfo.InvariantCulture)} (target {KpiRag.TargetText(x.Kpi)})",
                ProgramStatusQuery.RagKey(x.Rag), RagText(x.Rag)))
            .ToList();
        return new PackSection("kpis", "KPI health", $"Overall {ProgramStatusQuery.RagWord(health.Overall)}. {health.Summary}", lines, "No KPIs are tracked.");
    }

    private async Task<PackSection> BenefitsAsync(GovernanceProgram program, CancellationToken cancellationToken)
    {
        var benefits = await db.Benefits.AsNoTracking().Include(b => b.Actuals).Where(b => b.ProgramId == program.Id).ToListAsync(cancellationToken);
        var lines = benefits.OrderBy(b => b.Name, StringComparer.OrdinalIgnoreCase).Select(b =>
        {
            var realisation = BenefitRealisation.Of(b);
            return new PackLine(b.IsDisBenefit ? $"{b.Name} (dis-benefit)" : b.Name, $"{BenefitStatuses.Word(b.Status)} · {BenefitRealisation.Describe(b, realisation)}",
                ProgramStatusQuery.RagKey(realisation.Rag), RagText(realisation.Rag));
        }).ToList();
        var behind = lines.Count(l => l.Rag is "red" or "amber");
        return new PackSection("benefits", "Benefits", lines.Count == 0 ? "No benefits registered." : $"{ProgramStatusQuery.Plural(lines.Count, "benefit")}, {behind} behind plan.",
            lines, "No benefits are registered.");
    }

    private async Task<PackSection> RaidAsync(GovernanceProgram program, DateOnly today, CancellationToken cancellationToken)
    {
        var open = (await db.RaidItems.AsNoTracking().Include(r => r.Owner).Where(r => r.ProgramId == program.Id).ToListAsync(cancellationToken))
            .Where(i => RaidRules.IsOpen(i.Status)).ToList();
        var raid = RaidRules.Ordered(open.Where(i => i.Type != RaidType.Action), today).ToList();
        var actions = RaidRules.Ordered(open.Where(i => i.Type == RaidType.Action), today).ToList();
        var lines = raid.Take(TopRaid).Select(i => Item(i, today)).ToList();
        var overdueActions = actions.Count(i => RaidRules.IsOverdue(i, today));
        var summary = $"{ProgramStatusQuery.Plural(raid.Count, "open RAID item")}, {raid.Count(i => RaidRules.IsOverdue(i, today))} overdue" +
            (raid.Count > TopRaid ? $"; the top {TopRaid} by score" : string.Empty) +
            $". Actions: {actions.Count} open, {overdueActions} overdue; “actions {program.Name}” lists them.";
        lines.AddRange(actions.Where(i => RaidRules.IsOverdue(i, today)).Take(TopRaid).Select(i => Item(i, today)));
        return new PackSection("raid", "Top RAID items", summary, lines, "Nothing open in the RAID log.");
    }

    internal static PackLine Item(RaidItem item, DateOnly today)
    {
        var rag = RaidRules.Rag(item, today);
        // An issue's score is its severity ranked as a certain risk (5 × severity): "score 15" beside the RAID log's "Severity medium (3)" reads as
        // a different number, so an issue says its severity, as the log does.
        var score = item.Type == RaidType.Issue ? $" · severity {RaidRules.LevelText(item.Impact)}"
            : RaidRules.Score(item) is { } s ? $" · score {s}" : string.Empty;
        return new PackLine($"{RaidRules.Display(item.Key)} {RaidRules.TypeLabel(item.Type)}: {item.Title}",
            $"Owner {item.Owner?.Name ?? "none"} · {RaidRules.StatusLabel(item.Status)}{score} · {RaidRules.DueText(item, today)}", rag, RagWord(rag));
    }

    private async Task<PackSection> ApprovalsAsync(GovernanceProgram program, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var pending = await db.Approvals.AsNoTracking().AsSplitQuery().Include(a => a.Approvers).Include(a => a.Votes)
            .Where(a => a.ProgramId == program.Id && (a.Status == ApprovalStatus.Pending || a.Status == ApprovalStatus.Escalated))
            .ToListAsync(cancellationToken);
        var now = Now;
        var lines = pending.OrderBy(a => a.Deadline ?? DateTimeOffset.MaxValue).Select(a =>
        {
            var late = a.Status == ApprovalStatus.Escalated || a.Deadline < now;
            return new PackLine($"{a.Title} ({a.Key})",
                $"{ProgramStatusQuery.KindWord(a.Kind)} · {a.Votes.Count} of {a.Approvers.Count} voted{(a.Status == ApprovalStatus.Escalated ? " · escalated" : "")}",
                late ? "red" : "none", late ? "🔴 Late" : "⌛ Waiting", a.Deadline is { } d ? "deadline " + LocalTime.Of(d, zone) : "no deadline");
        }).ToList();
        return new PackSection("approvals", "Pending approvals", lines.Count == 0 ? "Nothing is waiting for a decision." : $"{ProgramStatusQuery.Plural(lines.Count, "request")} waiting for a decision.",
            lines, "No approvals pending.");
    }

    private async Task<PackSection> DecisionsAsync(GovernanceProgram program, DateTimeOffset since, bool first, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var entries = (await DecisionBook.EntriesAsync(db, program, cancellationToken)).Where(e => e.DecidedAt >= since).ToList();
        var lines = entries.Select(e => new PackLine($"{e.Id}: {e.Title}",
            $"{e.StatusText} · {Day(e.DecidedAt, zone)}{(e.DecidedBy.Length > 0 ? $" · decided by {e.DecidedBy}" : string.Empty)}{(e.Rationale.Length > 0 ? $" · {e.Rationale}" : string.Empty)}",
            "none", e.Recorded ? "Recorded" : "Approval")).ToList();
        var window = first ? $"in the last {FirstPackDays} days" : "since the last pack";
        return new PackSection("decisions", "Decisions since the last pack", lines.Count == 0 ? $"No decisions {window}." : $"{ProgramStatusQuery.Plural(lines.Count, "decision")} {window}.",
            lines, $"No decisions {window}.");
    }

    private async Task<PackSection> CheckInsAsync(GovernanceProgram program, CancellationToken cancellationToken)
    {
        var checkIns = await db.CheckIns.AsNoTracking().Include(c => c.Questions).Where(c => c.ProgramId == program.Id && c.ArchivedAt == null).ToListAsync(cancellationToken);
        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).ToListAsync(cancellationToken);
        var lines = new List<PackLine>();
        foreach (var checkIn in checkIns.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase))
        {
            var rounds = await db.CheckInRounds.AsNoTracking().Include(r => r.Responses).Where(r => r.CheckInId == checkIn.Id)
                .OrderByDescending(r => r.OccurrenceDate).Take(Rounds).ToListAsync(cancellationToken);
            if (rounds.Count == 0)
            {
                continue;
            }

            var points = rounds.OrderBy(r => r.OccurrenceDate).Select(r => CheckInSummaries.PointOf(checkIn, r, people)).ToList();
            double? Rate(RoundPoint p) => p.Invited == 0 ? null : (double)p.Answered / p.Invited;
            var trend = string.Join(" → ", points.Select(p => $"{p.Date.ToString("d MMM", CultureInfo.InvariantCulture)} {(Rate(p) is { } r ? (r * 100).ToString("0", CultureInfo.InvariantCulture) + " %" : "nobody asked")}"));
            var (latest, before) = (Rate(points[^1]), points.Count > 1 ? Rate(points[^2]) : null);
            var (rag, word) = latest is not { } l ? ("none", "No data") : l < 0.5 ? ("red", "🔴 Low") : before is { } b && l < b - 1e-9 ? ("amber", "🟠 Falling") : ("green", "🟢 Steady or rising");
            lines.Add(new PackLine(checkIn.Name, $"Response rate: {trend}", rag, word));
        }

        return new PackSection("checkins", "Check-in response rate", lines.Count == 0 ? "No check-in round has run yet." : $"Each check-in's response rate over its latest rounds (up to {Rounds}), oldest first.",
            lines, "No check-in rounds yet.");
    }

    private static string Day(DateTimeOffset at, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(at, zone).ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);

    internal static string RagText(Rag rag) => rag switch
    {
        Rag.Red => "🔴 Red",
        Rag.Amber => "🟠 Amber",
        Rag.Green => "🟢 Green",
        _ => "⚪ No data",
    };

    private static string RagWord(string rag) => rag switch
    {
        "red" => "🔴 Red",
        "amber" => "🟠 Amber",
        "green" => "🟢 Green",
        _ => "⚪ None",
    };

    /// <summary>
    /// The pack as a self-contained HTML page for a meeting invite: headings per section, a table per
    /// section with column headers, every text HTML-encoded, moments in the program's zone.
    /// </summary>
    public static string Html(SteeringPackCard pack)
    {
        var e = HtmlEncoder.Default;
        string T(string text) => e.Encode(LocalTime.Plain(text).Replace("**", string.Empty, StringComparison.Ordinal));
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{T(pack.Program.Name)} — steering pack</title>
            <style>
            body {"{"} font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #1b1b1b; line-height: 1.4; {"}"}
            table {"{"} border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; {"}"}
            caption {"{"} text-align: left; font-weight: 600; padding: .25rem 0; {"}"}
            th, td {"{"} border: 1px solid #c8c8c8; padding: .4rem .6rem; text-align: left; vertical-align: top; {"}"}
            th {"{"} background: #f0f0f0; {"}"}
            .red {"{"} color: #a4262c; {"}"} .amber {"{"} color: #8a5a00; {"}"} .green {"{"} color: #107c10; {"}"}
            </style>
            </head>
            <body>
            <main>
            <h1>{T(pack.Program.Name)} — steering pack</h1>
            <p>Produced {T(pack.AsOfText)}. {T(pack.SinceText)}</p>

            """);
        html.Append(CultureInfo.InvariantCulture, $"<section aria-labelledby=\"narrative\">\n<h2 id=\"narrative\">What people wrote</h2>\n");
        if (pack.NarrativeFrom.Length > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>{T(pack.NarrativeFrom)}</p>\n");
        }

        if (pack.Narrative.Lines.Count > 0)
        {
            html.Append("<ul>\n");
            foreach (var line in pack.Narrative.Lines)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{T(line.Text)}{(line.SourcesText.Length > 0 ? $"<br><small>{T(line.SourcesText)}</small>" : string.Empty)}</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append(CultureInfo.InvariantCulture, $"<p><small>{(pack.Narrative.Kind == Narrative.Model ? "✨ " : string.Empty)}{T(pack.Narrative.Note)}</small></p>\n</section>\n");

        foreach (var section in pack.Sections)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section aria-labelledby=\"{section.Id}\">\n<h2 id=\"{section.Id}\">{T(section.Title)}</h2>\n<p>{T(section.Summary)}</p>\n");
            if (section.Lines.Count == 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p>{T(section.Empty)}</p>\n</section>\n");
                continue;
            }

            html.Append(CultureInfo.InvariantCulture, $"<table>\n<caption>{T(section.Title)}</caption>\n<thead><tr><th scope=\"col\">Item</th><th scope=\"col\">Detail</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
            foreach (var line in section.Lines)
            {
                var detail = line.WhenText.Length > 0 ? $"{line.Detail} · {line.WhenText}" : line.Detail;
                html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{T(line.Title)}</th><td>{T(detail)}</td><td class=\"{e.Encode(line.Rag)}\">{T(line.RagText)}</td></tr>\n");
            }

            html.Append("</tbody>\n</table>\n</section>\n");
        }

        return html.Append("</main>\n</body>\n</html>\n").ToString();
    }
}

/// <summary>
/// <c>steering pack [program]</c> and the <c>steering.pack</c> button: the pack card for the asker, and
/// its HTML file (Slack uploads it, Teams sends an expiring link). Managers, PMO, sponsors and
/// approvers (who read the decision log); the pack's time is recorded so the next one starts there.
/// </summary>
internal sealed class SteeringPackHandler(GovernanceDb db, ReaderPolicy readers, SteeringPacks packs) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var typed = context.Turn.Action?.Data["program"]?.ToString() ?? context.Arguments;
        var (program, refusal) = await readers.ResolveAsync(context, typed, "steering pack Phoenix", Reading.Decisions, cancellationToken);
        if (program is null)
        {
            return [refusal!];
        }

        var now = packs.Now;
        var last = await packs.LastPackAsync(program, cancellationToken);
        var since = last ?? now.AddDays(-SteeringPacks.FirstPackDays);
        var pack = await packs.BuildAsync(program, now, since, last is null, cancellationToken);
        var me = await readers.ReaderAsync(context, cancellationToken);
        packs.Record(program, Governance.Actor(context.Turn, me.In(program.Id)), context.Turn.Channel, now, since, last is null);
        await db.SaveChangesAsync(cancellationToken);
        var file = await readers.FileRequestAsync(context, program, SteeringPackFile.FileKind, SteeringPackFile.FileName(program, now),
            SteeringPackFile.Arguments(now, since, last is null), cancellationToken);
        var audience = ReaderPolicy.AudienceFor(Reading.Decisions);
        return
        [
            Reply.Card("steering.pack", pack, SteeringJson.Default.SteeringPackCard, $"{program.Name} steering pack.") with { Audience = audience },
            Reply.PrivateFile(file, $"{program.Name} steering pack", $"**{program.Name} steering pack** as a web page, to attach to the meeting invite."),
        ];
    }
}

/// <summary>
/// Makes a pack's HTML when it is handed over, for someone who may still read the decision log. It
/// covers the same window as the card (its time and "since" travel in the request); the figures are
/// the store's when the file is opened.
/// </summary>
internal sealed class SteeringPackFile(GovernanceDb db, ReaderPolicy readers, SteeringPacks packs) : IFileSource
{
    public const string FileKind = "steering-pack";

    public string Kind => FileKind;

    public static JsonObject Arguments(DateTimeOffset at, DateTimeOffset since, bool first) => new()
    {
        ["at"] = at.ToUnixTimeMilliseconds(),
        ["since"] = since.ToUnixTimeMilliseconds(),
        ["first"] = first,
    };

    public static string FileName(GovernanceProgram program, DateTimeOffset at) =>
        $"{program.Key}-steering-pack-{RaidRules.IsoDay(RaidRules.Today(at, program.TimeZone))}.html";

    public async Task<FileMade> MakeAsync(FileRequest request, CancellationToken cancellationToken)
    {
        if (await readers.FileRefusalAsync(request, Reading.Decisions, "the steering pack", cancellationToken) is { } refused)
        {
            return FileMade.Refused(refused);
        }

        var program = await db.Programs.AsNoTracking().FirstAsync(p => p.Id == request.ProgramId, cancellationToken);
        var args = request.Arguments ?? [];
        var at = args["at"] is { } a ? DateTimeOffset.FromUnixTimeMilliseconds((long)a) : packs.Now;
        var since = args["since"] is { } s ? DateTimeOffset.FromUnixTimeMilliseconds((long)s) : at.AddDays(-SteeringPacks.FirstPackDays);
        var pack = await packs.BuildAsync(program, at, since, args["first"] is { } f && (bool)f, cancellationToken);
        return FileMade.Of(new FileContent(request.FileName, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(SteeringPacks.Html(pack))));
    }
}
