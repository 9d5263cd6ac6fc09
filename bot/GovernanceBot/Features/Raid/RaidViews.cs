using System.Globalization;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Raid;

/// <summary>Builds the RAID cards from the store: the log (<c>raid.log</c>) and one item (<c>raid.item</c>).</summary>
internal sealed class RaidViews(GovernanceDb db, TimeProvider time)
{
    /// <summary>Rows on the log card; the rest are counted, and the log says how to see one.</summary>
    internal const int Shown = 15;

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task<CardReply> LogAsync(GovernanceProgram program, CancellationToken cancellationToken)
    {
        // Actions share the register but are not risks, assumptions, issues or dependencies: they are listed by 'actions <program>'.
        var items = await db.RaidItems.AsNoTracking().Include(r => r.Owner)
            .Where(r => r.ProgramId == program.Id && r.Type != RaidType.Action).ToListAsync(cancellationToken);
        var today = RaidRules.Today(Now, program.TimeZone);
        var open = Ordered(items.Where(i => RaidRules.IsOpen(i.Status)), today).ToList();
        var overdue = open.Count(i => RaidRules.IsOverdue(i, today));
        var rows = open.Take(Shown).Select(i => Row(i, today)).ToList();
        var counts = open.Count == 0
            ? $"Nothing open{(items.Count > 0 ? $" ({items.Count} closed)" : string.Empty)}"
            : $"{open.Count} open: " + string.Join(" · ", Enum.GetValues<RaidType>()
                .Select(t => (Type: t, Count: open.Count(i => i.Type == t)))
                .Where(x => x.Count > 0)
                .Select(x => $"{x.Count} {Plural(x.Type, x.Count)}"))
              + (overdue > 0 ? $" · ⏰ {overdue} overdue" : string.Empty);
        var shownText = open.Count > Shown ? $"The {Shown} most pressing of {open.Count} open items. Open any other with **raid <id>**." : string.Empty;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var asOf = TimeZoneInfo.ConvertTime(Now, zone).ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);
        var card = new RaidLogCard(KpiViews.ProgramOf(program), asOf, counts, overdue, rows, shownText, Heatmap(open));
        return Reply.Card("raid.log", card, RaidJson.Default.RaidLogCard, $"{program.Name} RAID log: {counts}.");
    }

    internal static IEnumerable<RaidItem> Ordered(IEnumerable<RaidItem> items, DateOnly today) => RaidRules.Ordered(items, today);

    internal static RaidRow Row(RaidItem item, DateOnly today)
    {
        var rag = RaidRules.Rag(item, today);
        return new RaidRow(item.Id.ToString(), RaidRules.Display(item.Key), RaidRules.TypeWord(item.Type), RaidRules.TypeLabel(item.Type),
            item.Title, item.Owner?.Name ?? "no owner", ScoreText(item), rag, RagText(rag), RaidRules.StatusLabel(item.Status), DueText(item, today),
            RaidRules.IsOverdue(item, today));
    }

    internal static string ScoreText(RaidItem item) => item.Type switch
    {
        RaidType.Risk when RaidRules.Score(item) is { } s => $"Score {s} (probability {item.Probability} × impact {item.Impact})",
        RaidType.Issue when item.Impact is { } sev => $"Severity {RaidRules.LevelText(sev)}",
        RaidType.Dependency => $"Depends on {item.DependsOn}",
        _ => string.Empty,
    };

    internal static string DueText(RaidItem item, DateOnly today) => RaidRules.DueText(item, today);

    internal static string RagText(string rag) => rag switch
    {
        "red" => "🔴 Red",
        "amber" => "🟠 Amber",
        "green" => "🟢 Green",
        _ => "⚪ Closed",
    };

    private static string Plural(RaidType type, int count) => count == 1 ? RaidRules.TypeWord(type) : type switch
    {
        RaidType.Dependency => "dependencies",
        _ => RaidRules.TypeWord(type) + "s",
    };

    /// <summary>Impact down the side (very high at the top), probability along the bottom; each cell counts open risks.</summary>
    internal static RaidHeatmap Heatmap(IReadOnlyList<RaidItem> open)
    {
        var risks = open.Where(i => i.Type == RaidType.Risk && i.Probability is not null && i.Impact is not null).ToList();
        var rows = new List<RaidHeatmapRow>
        {
            new([new RaidCell("Impact ↓ / probability →", "default"), .. Enumerable.Range(1, 5).Select(p => new RaidCell(Short(p), "default"))]),
        };
        for (var impact = 5; impact >= 1; impact--)
        {
            var cells = new List<RaidCell> { new(Short(impact), "default") };
            for (var probability = 1; probability <= 5; probability++)
            {
                var score = probability * impact;
                var count = risks.Count(r => r.Probability == probability && r.Impact == impact);
                var (mark, style) = score >= RaidRules.RedFrom ? ("🟥", "attention") : score >= RaidRules.AmberFrom ? ("🟧", "warning") : ("🟩", "good");
                cells.Add(new RaidCell(count == 0 ? mark : $"{mark} **{count}**", style));
            }

            rows.Add(new RaidHeatmapRow(cells));
        }

        return new RaidHeatmap(risks.Count, rows,
            $"🟥 Red: score {RaidRules.RedFrom}–25 · 🟧 Amber: {RaidRules.AmberFrom}–{RaidRules.RedFrom - 1} · 🟩 Green: 1–{RaidRules.AmberFrom - 1}. Score = probability × impact, each 1 (very low) to 5 (very high).");
    }

    /// <summary>The 1–5 scale as a form offers it, the same on the new-item and the update form ("Very low (1)" … "Very high (5)").</summary>
    internal static List<RaidChoice> LevelChoices() =>
        Enumerable.Range(1, 5).Select(l => new RaidChoice($"{Short(l)} ({l})", l.ToString(CultureInfo.InvariantCulture))).ToList();

    private static string Short(int level) => level switch
    {
        1 => "Very low",
        2 => "Low",
        3 => "Medium",
        4 => "High",
        _ => "Very high",
    };

    public async Task<CardReply> ItemAsync(GovernanceProgram program, RaidItem item, CancellationToken cancellationToken)
    {
        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).ToListAsync(cancellationToken);
        var subject = RaidRules.AuditSubject(program, item);
        var entries = await db.Audit.AsNoTracking()
            .Where(a => a.WorkspaceId == program.WorkspaceId && a.ProgramId == program.Id && a.Subject == subject)
            .OrderBy(a => a.Seq).ThenBy(a => a.At)
            .ToListAsync(cancellationToken);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var today = RaidRules.Today(Now, program.TimeZone);
        string Who(string actor) => people.FirstOrDefault(p => p.Key == actor)?.Name ?? (actor == "governance-as-code" ? "Governance file" : actor);
        var history = entries.Where(e => !e.Action.EndsWith(".refused", StringComparison.Ordinal))
            .Select(e => new RaidHistoryLine(ApprovalText.Local(e.At, zone), Who(e.Actor), HistoryText(e)))
            .ToList();
        if (!entries.Any(e => e.Action == "raid.added"))
        {
            // Its who is already "Governance file": "Governance file: Recorded in the governance file." said it twice.
            history.Insert(0, new RaidHistoryLine(ApprovalText.Local(item.CreatedAt, zone), "Governance file", "Recorded."));
        }

        var rag = RaidRules.Rag(item, today);
        var owner = people.FirstOrDefault(p => p.Id == item.OwnerId);
        var facts = new List<RaidFact> { new("Owner", owner?.Name ?? "no owner") };
        switch (item.Type)
        {
            case RaidType.Risk:
                facts.Add(new("Probability", RaidRules.LevelText(item.Probability)));
                facts.Add(new("Impact", RaidRules.LevelText(item.Impact)));
                facts.Add(new("Score", RaidRules.Score(item) is { } s ? $"{s} of 25 · {RagText(rag)}" : "not scored"));
                break;
            case RaidType.Issue:
                facts.Add(new("Severity", RaidRules.LevelText(item.Impact)));
                break;
            case RaidType.Dependency:
                facts.Add(new("Depends on", item.DependsOn ?? "not said"));
                break;
        }

        facts.Add(new(RaidRules.DueLabel(item.Type), DueText(item, today) is var due && due.StartsWith('⏰') ? due : item.DueDate is { } d ? RaidRules.Day(d) : "no date set"));
        if (item.Response is { Length: > 0 } response)
        {
            facts.Add(new(RaidRules.ResponseLabel(item.Type), response));
        }

        if (item.LinkedItemId is { } linkedId && await db.RaidItems.AsNoTracking().FirstOrDefaultAsync(r => r.Id == linkedId, cancellationToken) is { } linked)
        {
            facts.Add(new(item.Type == RaidType.Issue ? "From assumption" : "Became issue", $"{RaidRules.Display(linked.Key)}: {linked.Title}"));
        }

        if (item.SourceResponseId is not null)
        {
            facts.Add(new("Source", "raised from a check-in answer"));
        }

        var view = new RaidItemView(item.Id.ToString(), RaidRules.Display(item.Key), RaidRules.TypeWord(item.Type), RaidRules.TypeLabel(item.Type),
            item.Title, item.Description ?? string.Empty, rag, RagText(rag), RaidRules.StatusWord(item.Status), RaidRules.StatusLabel(item.Status),
            RaidRules.IsOpen(item.Status), item.Type == RaidType.Risk && RaidRules.IsOpen(item.Status) && item.EscalatedAt is null,
            item.EscalatedAt is { } escalated ? $"Escalated to the sponsor {ApprovalText.Local(escalated, zone)}." : string.Empty);
        var levels = LevelChoices();
        var form = new RaidForm(
            RaidRules.StatusWord(item.Status),
            RaidRules.StatusesOf(item.Type).Select(s => new RaidChoice(RaidRules.StatusLabel(s), RaidRules.StatusWord(s))).ToList(),
            item.Type == RaidType.Risk,
            item.Type == RaidType.Issue,
            item.Probability?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            item.Impact?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            levels,
            RaidRules.DueLabel(item.Type),
            item.DueDate is { } date ? RaidRules.IsoDay(date) : string.Empty,
            RaidRules.IsoDay(today),
            RaidRules.ResponseLabel(item.Type),
            item.Response ?? string.Empty);
        var card = new RaidItemCard(KpiViews.ProgramOf(program), view, facts, history, form);
        return Reply.Card("raid.item", card, RaidJson.Default.RaidItemCard,
            $"{RaidRules.Display(item.Key)} ({RaidRules.TypeWord(item.Type)}, {RaidRules.StatusLabel(item.Status).ToLowerInvariant()}): {item.Title}") with
        { Subject = Subject(item) };
    }

    /// <summary>Every copy of an item's card is recorded under this, so a change updates them all.</summary>
    public static string Subject(RaidItem item) => $"raid:{item.Id}";

    private static string HistoryText(AuditEntry entry) => entry.Action switch
    {
        "raid.added" => $"Raised. {entry.After}",
        "raid.closed" => $"Closed. {entry.After}",
        "raid.escalated" => entry.After ?? "Escalated to the sponsor.",
        "raid.updated" => $"{entry.Before} → {entry.After}",
        _ => entry.After ?? entry.Action,
    };
}
