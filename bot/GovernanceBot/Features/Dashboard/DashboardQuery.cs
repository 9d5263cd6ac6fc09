using GovernanceBot.Features.Health;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.Benefits;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Features.Dashboard;

/// <summary>The portfolio page: the programs a person may read, with their health.</summary>
/// <param name="WorkspaceHasPrograms">False for a workspace with no program at all (the empty state says how to import one).</param>
public sealed record PortfolioView(string WorkspaceName, string? PersonName, IReadOnlyList<ProgramHealth> Programs, bool WorkspaceHasPrograms, bool IsOutsider);

/// <summary>One KPI as a tile: the card's summary words, its recent values for the chart, and its latest note.</summary>
public sealed record KpiTile(KpiSummary Summary, Kpi Kpi, IReadOnlyList<KpiMeasurement> Recent, string? LatestNote);

/// <summary>A benefit: the register's row (linked KPIs baseline → current → target) and its own baseline and target.</summary>
public sealed record BenefitLine(BenefitRow Row, Benefit Benefit);

/// <summary>An approval with its tally, as the approval card counts it.</summary>
public sealed record ApprovalLine(ApprovalRequest Request, Tally Tally, string Rule, string Progress);

/// <summary>One check-in's trend over its latest rounds, and the risks raised in the latest round that has answers.</summary>
public sealed record CheckInTrend(CheckInDefinition CheckIn, IReadOnlyList<RoundPoint> Rounds, IReadOnlyList<Quote> LatestRisks);

/// <summary>Everything the program page shows.</summary>
public sealed record ProgramView(
    GovernanceProgram Program,
    ProgramStatusCard Status,
    IReadOnlyList<KpiTile> Kpis,
    IReadOnlyList<BenefitLine> Benefits,
    IReadOnlyList<ApprovalLine> Approvals,
    IReadOnlyList<CheckInTrend> CheckIns,
    TimeZoneInfo Zone);

/// <summary>
/// What the dashboard shows a person: read through <see cref="ReaderPolicy"/> exactly as chat
/// reads it, computed by the features' own code (status, RAG, tallies, check-in counts).
/// </summary>
public sealed class DashboardQuery(GovernanceDb db, ReaderPolicy readers, ProgramStatusQuery status, IOptions<DashboardOptions> options)
{
    /// <summary>Decided approvals shown after the pending ones.</summary>
    private const int RecentDecisions = 10;

    public async Task<PortfolioView?> PortfolioAsync(DashboardPerson person, CancellationToken cancellationToken)
    {
        var workspace = await db.Workspaces.AsNoTracking().FirstOrDefaultAsync(w => w.Id == person.WorkspaceId, cancellationToken);
        if (workspace is null)
        {
            return null;
        }

        var reader = await ReaderOfAsync(person, cancellationToken);
        var ids = await db.ProgramsOf(person.WorkspaceId).Select(p => p.Id).ToListAsync(cancellationToken);
        var readable = ids.Where(id => ReaderPolicy.CanRead(reader, id, Reading.Status)).ToList();
        var health = readable.Count == 0 ? [] : await status.HealthOfAsync(readable, cancellationToken);
        return new PortfolioView(workspace.Name, person.Name, health.OrderBy(h => h.Program.Name, StringComparer.OrdinalIgnoreCase).ToList(),
            ids.Count > 0, reader.IsOutsider);
    }

    /// <summary>The program page, or null when there is no such program in the workspace or the person may not read it (the page says the same for both).</summary>
    public async Task<ProgramView?> ProgramAsync(DashboardPerson person, string key, CancellationToken cancellationToken)
    {
        var program = await db.ProgramsOf(person.WorkspaceId).AsNoTracking().AsSplitQuery()
            .Include(p => p.Stakeholders)
            .Include(p => p.Kpis).ThenInclude(k => k.Owner)
            .Include(p => p.Benefits).ThenInclude(b => b.Owner)
            .FirstOrDefaultAsync(p => p.Key == key, cancellationToken);
        if (program is null || !ReaderPolicy.CanRead(await ReaderOfAsync(person, cancellationToken), program.Id, Reading.Status))
        {
            return null;
        }

        // A tile shows its chart's points and, from the last two, its latest value and movement; the
        // rest of a KPI's history stays in the store.
        await db.LoadLatestAsync(program.Kpis, Math.Max(options.Value.ChartPoints, 2), cancellationToken);
        var card = await status.GetAsync(program.Id, cancellationToken);
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(program.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        var kpis = program.Kpis.OrderBy(k => k.Name, StringComparer.OrdinalIgnoreCase).Select(k =>
        {
            var ordered = KpiViews.Ordered(k);
            return new KpiTile(KpiViews.Summary(program, k), k, ordered.TakeLast(options.Value.ChartPoints).ToList(), ordered.LastOrDefault()?.Note);
        }).ToList();
        var benefits = program.Benefits.OrderBy(b => b.Name, StringComparer.OrdinalIgnoreCase)
            .Select(b => new BenefitLine(BenefitsStatusHandler.Row(program, b), b)).ToList();

        var approvals = await db.Approvals.AsNoTracking().AsSplitQuery()
            .Include(a => a.Approvers).Include(a => a.Votes)
            .Where(a => a.ProgramId == program.Id)
            .ToListAsync(cancellationToken);
        var lines = approvals.Where(a => a.Status == ApprovalStatus.Pending).OrderBy(a => a.Deadline ?? DateTimeOffset.MaxValue)
            .Concat(approvals.Where(a => a.Status != ApprovalStatus.Pending).OrderByDescending(a => a.DecidedAt ?? a.CreatedAt).Take(RecentDecisions))
            .Select(a =>
            {
                var tally = Quorum.Count(a);
                return new ApprovalLine(a, tally, Quorum.Describe(a, tally), Quorum.Progress(tally, Quorum.Evaluate(a, tally)));
            })
            .ToList();

        return new ProgramView(program, card, kpis, benefits, lines, await CheckInTrendsAsync(program, cancellationToken), zone);
    }

    private async Task<List<CheckInTrend>> CheckInTrendsAsync(GovernanceProgram program, CancellationToken cancellationToken)
    {
        var checkIns = await db.CheckIns.AsNoTracking().Include(c => c.Questions)
            .Where(c => c.ProgramId == program.Id)
            .OrderBy(c => c.Name)
            .ToListAsync(cancellationToken);
        // Every check-in's latest rounds in one query (the latest N of each), not a query per check-in.
        var take = options.Value.CheckInRounds;
        var recent = (await db.CheckIns.AsNoTracking()
            .Where(c => c.ProgramId == program.Id)
            .SelectMany(c => db.CheckInRounds.Where(r => r.CheckInId == c.Id).OrderByDescending(r => r.OccurrenceDate).Take(take))
            .Include(r => r.Responses)
            .ToListAsync(cancellationToken))
            .ToLookup(r => r.CheckInId);
        var trends = new List<CheckInTrend>();
        foreach (var checkIn in checkIns)
        {
            var rounds = recent[checkIn.Id].OrderBy(r => r.OccurrenceDate).ToList();
            if (rounds.Count == 0 && checkIn.ArchivedAt is not null)
            {
                continue;
            }

            var names = program.Stakeholders.ToDictionary(s => s.Id, s => s.Name);
            var latest = rounds.LastOrDefault(r => r.Responses.Count > 0);
            var risks = latest is null ? [] : CheckInRounds.QuestionsOf(checkIn, latest).Where(q => q.FlagsRisks)
                .SelectMany(q => latest.Responses
                    .Select(r => (r.StakeholderId, Answers: CheckInSummaries.Parse(r.AnswersJson)))
                    .Where(a => a.Answers.TryGetValue(q.Key, out var text) && !string.IsNullOrWhiteSpace(text))
                    .Select(a => new Quote(CheckInSummaries.IsBlocker(a.Answers) ? "blocker" : "risk", a.Answers[q.Key], names.GetValueOrDefault(a.StakeholderId, "someone"))))
                .ToList();
            trends.Add(new CheckInTrend(checkIn, rounds.Select(r => CheckInSummaries.PointOf(checkIn, r, program.Stakeholders)).ToList(), risks));
        }

        return trends;
    }

    private Task<Reader> ReaderOfAsync(DashboardPerson person, CancellationToken cancellationToken) =>
        readers.ReaderOfPersonAsync(person.WorkspaceId, person.Email, person.Channel, person.UserId, cancellationToken);
}
