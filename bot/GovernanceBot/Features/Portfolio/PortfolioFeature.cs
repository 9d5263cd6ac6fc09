using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Features.Health;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.LifeCycle;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Portfolio;

public static class PortfolioFeature
{
    public static IServiceCollection AddPortfolio(this IServiceCollection services) => services
        .AddRoutes(MapPortfolio)
        .AddScoped<PortfolioHandler>();

    private static Router MapPortfolio(Router router) => router
        .MapCommand<PortfolioHandler>("portfolio", "portfolio", "Every program of the workspace on one card: phase, health, KPIs off target, next gate, pending approvals.", "Programs")
        .MapAction<PortfolioHandler>("portfolio.show");
}

/// <summary>
/// Another register's count per program on the portfolio (the RAID log's overdue items): a feature
/// registers one and each program's row shows it. None is registered until such a register exists.
/// </summary>
public interface IPortfolioCounter
{
    /// <summary>What the count is, e.g. "Overdue RAID items".</summary>
    string Label { get; }

    Task<IReadOnlyDictionary<Guid, int>> CountAsync(IReadOnlyCollection<Guid> programIds, CancellationToken cancellationToken);
}

/// <summary>Data of the <c>portfolio.status</c> card. RAG values are green|amber|red|none.</summary>
internal sealed record PortfolioStatusCard(string Title, string AsOfText, string SummaryText, IReadOnlyList<PortfolioRow> Programs);

internal sealed record PortfolioRow(string Id, [property: UserText] string Name, string Phase, string Rag, [property: UserText] string HealthText,
    int KpisOffTarget, string KpisText, [property: UserText] string NextGateText, int PendingApprovals, string ApprovalsText, IReadOnlyList<PortfolioExtra> Extras);

internal sealed record PortfolioExtra(string Label, int Number, string Text);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PortfolioStatusCard))]
internal sealed partial class PortfolioJson : JsonSerializerContext;

/// <summary><c>portfolio</c>: every program of the workspace, worst health first.</summary>
internal sealed class PortfolioHandler(GovernanceDb db, ReaderPolicy readers, ProgramStatusQuery status, TimeProvider time, IEnumerable<IPortfolioCounter> counters) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        if (await readers.RefusalAsync(context, null, Reading.Status, cancellationToken) is { } refusal)
        {
            return [refusal];
        }

        var ids = await db.ProgramsOf(context.WorkspaceId).Select(p => p.Id).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return [Reply.Text("No programs are set up in this workspace yet. A program manager can import one: `governancebot import program.yaml`.")];
        }

        var health = await status.HealthOfAsync(ids, cancellationToken);
        var gates = (await db.StageGates.AsNoTracking().Include(g => g.Criteria).Where(g => ids.Contains(g.ProgramId)).ToListAsync(cancellationToken))
            .ToLookup(g => g.ProgramId);
        var extras = new List<(string Label, IReadOnlyDictionary<Guid, int> Counts)>();
        foreach (var counter in counters)
        {
            extras.Add((counter.Label, await counter.CountAsync(ids, cancellationToken)));
        }

        var now = time.GetUtcNow();
        var rows = health
            .OrderBy(h => h.Overall switch { Rag.Red => 0, Rag.Amber => 1, Rag.Green => 2, _ => 3 })
            .ThenBy(h => h.Program.Name, StringComparer.OrdinalIgnoreCase)
            .Select(h =>
            {
                var p = h.Program;
                var zone = TimeZoneInfo.TryFindSystemTimeZoneById(p.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
                var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
                var off = h.Kpis.Red + h.Kpis.Amber;
                return new PortfolioRow(p.Key, p.Name, ProgramStatusQuery.PhaseWord(p.Phase), ProgramStatusQuery.RagKey(h.Overall), h.Summary,
                    off,
                    KpisText(h.Kpis),
                    LifeCycleRules.NextGateText(p, gates[p.Id].ToList(), today),
                    h.PendingApprovals,
                    h.PendingApprovals == 0 ? "none pending" : ProgramStatusQuery.Plural(h.PendingApprovals, "approval") + " pending",
                    extras.Select(e => e.Counts.TryGetValue(p.Id, out var n) ? n : 0).Zip(extras, (n, e) => new PortfolioExtra(e.Label, n, n.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList());
            })
            .ToList();
        var red = rows.Count(r => r.Rag == "red");
        var amber = rows.Count(r => r.Rag == "amber");
        var green = rows.Count(r => r.Rag == "green");
        var summary = $"{ProgramStatusQuery.Plural(rows.Count, "program")}: {Counted((red, "Red"), (amber, "Amber"), (green, "Green"), (rows.Count - red - amber - green, "without data yet"))}.";
        var card = new PortfolioStatusCard(context.Workspace.Name is { Length: > 0 } name ? $"{name} — portfolio" : "Portfolio",
            LocalTime.Of(now, SharedZone(health.Select(h => h.Program.TimeZone))), summary, rows);
        return [Reply.Card("portfolio.status", card, PortfolioJson.Default.PortfolioStatusCard, summary)];
    }

    /// <summary>
    /// The zone the card's time is written in where a platform cannot show each reader their own: the
    /// programs' zone when they share one, else UTC (named either way).
    /// </summary>
    private static TimeZoneInfo SharedZone(IEnumerable<string> zones) =>
        zones.Distinct(StringComparer.Ordinal).ToList() is [var only] && TimeZoneInfo.TryFindSystemTimeZoneById(only, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>"3 of 6 off target (1 Red, 2 Amber)", "all 4 on target", "all 2 with a value on target, 1 without a value yet": no "0 Red", no "green or without a value".</summary>
    internal static string KpisText(RagCounts kpis)
    {
        var off = kpis.Red + kpis.Amber;
        return kpis.Total == 0 ? "no KPIs"
            : off > 0 ? $"{off} of {kpis.Total} off target ({Counted((kpis.Red, "Red"), (kpis.Amber, "Amber"))})"
            : kpis.None == 0 ? $"all {kpis.Total} on target"
            : kpis.Green == 0 ? $"none with a value yet ({kpis.Total})"
            : $"all {kpis.Green} with a value on target, {kpis.None} without a value yet";
    }

    /// <summary>The non-zero counts, comma-separated: "1 Red, 2 Amber".</summary>
    private static string Counted(params (int Count, string Word)[] counts) =>
        string.Join(", ", counts.Where(c => c.Count > 0).Select(c => $"{c.Count} {c.Word}"));
}
