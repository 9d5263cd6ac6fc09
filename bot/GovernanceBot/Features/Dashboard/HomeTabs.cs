using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.Health;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.Programs;
using GovernanceBot.Hosting;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Dashboard;

/// <summary>What a person's home tab shows: what waits for them, their programs' health, the way to the dashboard.</summary>
/// <param name="Outsider">A guest or someone from another organisation: no programs are listed (as in chat).</param>
public sealed record HomeView(string WorkspaceName, IReadOnlyList<HomeItem> Waiting, IReadOnlyList<HomeProgram> Programs, bool WorkspaceHasPrograms, bool Outsider);

/// <summary>One thing waiting for the person, with the card action its button sends.</summary>
/// <param name="Kind">checkin, vote or kpi.</param>
public sealed record HomeItem(string Kind, string Title, string Detail, string Button, string Verb, Dictionary<string, string> Data);

public sealed record HomeProgram(string Key, string Name, string Rag, string Health, string Summary, string Phase);

/// <summary>
/// Home tabs (Slack's App Home): built from what the person may read in chat, published through the
/// outbox (paced like every other send), and published again only when their content changes — on
/// opening, and by <see cref="HomeRefreshJob"/> once a minute at most (the debounce).
/// </summary>
public sealed class HomeTabs(GovernanceDb db, DashboardQuery dashboard, ReaderPolicy readers, Outbox outbox, TimeProvider time)
{
    /// <summary>Homes not opened for this long are no longer kept up to date (opening one brings it up to date again).</summary>
    public static readonly TimeSpan KeptFresh = TimeSpan.FromDays(14);

    /// <summary>The verbs the home's buttons send: the same commands a person could type.</summary>
    public const string AnswerVerb = "home.checkin";
    public const string VoteVerb = "home.approvals";

    public async Task<HomeView?> BuildAsync(DashboardPerson person, CancellationToken cancellationToken)
    {
        var portfolio = await dashboard.PortfolioAsync(person, cancellationToken);
        if (portfolio is null)
        {
            return null;
        }

        var reader = await readers.ReaderOfPersonAsync(person.WorkspaceId, person.Email, person.Channel, person.UserId, cancellationToken);
        var waiting = reader.People.Count == 0 ? [] : await WaitingAsync(reader.People, cancellationToken);
        var programs = portfolio.Programs.Select(p => new HomeProgram(p.Program.Key, p.Program.Name, ProgramStatusQuery.RagKey(p.Overall),
            ProgramStatusQuery.RagWord(p.Overall), p.Summary, ProgramStatusQuery.PhaseWord(p.Program.Phase))).ToList();
        return new HomeView(portfolio.WorkspaceName, waiting, programs, portfolio.WorkspaceHasPrograms, portfolio.IsOutsider);
    }

    /// <summary>
    /// The person opened their home (<paramref name="direct"/>: their 1:1 with the bot, where the
    /// home's buttons answer): remembered as the conversation engine remembers a person who writes
    /// (so the buttons' turns know their e-mail), kept up to date from now on, and published when it
    /// differs from what they saw last. Safe to run again (an event delivered twice queues nothing new).
    /// </summary>
    public async Task OpenedAsync(Guid workspaceId, ConversationRef direct, ChatUserRef user, CancellationToken cancellationToken)
    {
        var (channel, workspaceExternalId) = (direct.Channel, direct.WorkspaceExternalId);
        await ConversationEngine.RememberPersonAsync(db, workspaceId, user, direct, time.GetUtcNow(), cancellationToken);
        var home = await db.HomeTabs.FirstOrDefaultAsync(h => h.WorkspaceId == workspaceId && h.Channel == channel && h.ExternalUserId == user.Id, cancellationToken);
        if (home is null)
        {
            home = new HomeTab { WorkspaceId = workspaceId, Channel = channel, WorkspaceExternalId = workspaceExternalId, ExternalUserId = user.Id };
            db.HomeTabs.Add(home);
        }

        home.Email = user.Email?.Trim().ToLowerInvariant() ?? home.Email;
        home.Name = user.Name ?? home.Name;
        home.OpenedAt = time.GetUtcNow();
        await RefreshAsync(home, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Queues every recently opened home whose content changed; returns how many were queued.</summary>
    public async Task<int> RefreshAllAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow() - KeptFresh;
        var homes = await db.HomeTabs.Where(h => h.OpenedAt >= since).ToListAsync(cancellationToken);
        var queued = 0;
        foreach (var home in homes)
        {
            queued += await RefreshAsync(home, cancellationToken) ? 1 : 0;
        }

        await db.SaveChangesAsync(cancellationToken);
        return queued;
    }

    private async Task<bool> RefreshAsync(HomeTab home, CancellationToken cancellationToken)
    {
        var view = await BuildAsync(new DashboardPerson(home.WorkspaceId, home.Email, home.Channel, home.ExternalUserId, home.Name), cancellationToken);
        if (view is null)
        {
            return false;
        }

        var data = (JsonObject)JsonSerializer.SerializeToNode(view, HomeJson.Default.HomeView)!;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(data.ToJsonString())));
        if (hash == home.ContentHash)
        {
            return false;
        }

        home.ContentHash = hash;
        home.Version++;
        home.QueuedAt = time.GetUtcNow();
        var person = new ConversationRef(home.Channel, home.WorkspaceExternalId, home.ExternalUserId, ConversationKind.Personal);
        return await outbox.HomeAsync(db, home.WorkspaceId, person, data, $"home:{home.Id}:{home.Version}", cancellationToken);
    }

    private async Task<List<HomeItem>> WaitingAsync(IReadOnlyList<Stakeholder> people, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var mine = people.Select(p => p.Id).ToHashSet();
        var programIds = people.Select(p => p.ProgramId).ToList();
        var programs = await db.Programs.AsNoTracking().Include(p => p.Stakeholders)
            .Where(p => programIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        TimeZoneInfo Zone(Guid programId) => TimeZoneInfo.TryFindSystemTimeZoneById(programs[programId].TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;
        // A home is one person's: its moments read in their own zone (named where Slack cannot localise them).
        TimeZoneInfo MyZone(Guid programId) => ApprovalText.ZoneOf(people.FirstOrDefault(p => p.ProgramId == programId), Zone(programId));
        var items = new List<HomeItem>();

        var rounds = await db.CheckInRounds.AsNoTracking().Include(r => r.CheckIn!).ThenInclude(c => c.Questions).Include(r => r.Responses)
            .Where(r => programIds.Contains(r.ProgramId) && r.Status == CheckInRoundStatus.Open && r.ClosesAt > now)
            .OrderBy(r => r.ClosesAt)
            .ToListAsync(cancellationToken);
        foreach (var round in rounds)
        {
            var program = programs[round.ProgramId];
            var asked = CheckInRounds.Participants(round.CheckIn!, program.Stakeholders)
                .Any(p => mine.Contains(p.Id) && !CheckInRounds.IsAway(p, round.OccurrenceDate));
            if (asked && !round.Responses.Any(r => mine.Contains(r.StakeholderId)))
            {
                items.Add(new HomeItem("checkin", round.CheckIn!.Name, $"{program.Name} · closes {ApprovalText.Local(round.ClosesAt, MyZone(program.Id))}",
                    "Answer", AnswerVerb, new() { ["program"] = program.Key }));
            }
        }

        var approvals = await db.Approvals.AsNoTracking().Include(a => a.Approvers).Include(a => a.Votes)
            .Where(a => programIds.Contains(a.ProgramId) && a.Status == ApprovalStatus.Pending)
            .OrderBy(a => a.Deadline ?? DateTimeOffset.MaxValue)
            .ToListAsync(cancellationToken);
        foreach (var approval in approvals.Where(a => a.Approvers.Any(x => mine.Contains(x.StakeholderId)) && !a.Votes.Any(v => mine.Contains(v.ApproverId))))
        {
            var program = programs[approval.ProgramId];
            items.Add(new HomeItem("vote", approval.Title,
                $"{program.Name} · {ProgramStatusQuery.KindWord(approval.Kind)} · {ApprovalText.Deadline(approval.Deadline, now, MyZone(program.Id), open: true, local: true)}",
                "Vote", VoteVerb, new() { ["program"] = program.Key, ["approval"] = approval.Key }));
        }

        var kpis = await db.Kpis.AsNoTracking()
            .Where(k => k.OwnerId != null && mine.Contains(k.OwnerId.Value))
            .OrderBy(k => k.Name)
            .ToListAsync(cancellationToken);
        var kpiIds = kpis.Select(k => k.Id).ToList();
        var latest = await db.KpiMeasurements.AsNoTracking()
            .Where(m => kpiIds.Contains(m.KpiId) && m.Date == db.KpiMeasurements.Where(x => x.KpiId == m.KpiId).Max(x => x.Date))
            .ToDictionaryAsync(m => m.KpiId, cancellationToken);
        foreach (var kpi in kpis)
        {
            var program = programs[kpi.ProgramId];
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone(program.Id)).DateTime);
            var last = latest.GetValueOrDefault(kpi.Id);
            if (KpiViews.NextDue(kpi, last) is { } due && due > today)
            {
                continue;
            }

            items.Add(new HomeItem("kpi", $"{kpi.Name}: a value is due", last is null
                    ? $"{program.Name} · no value recorded yet"
                    : $"{program.Name} · last {KpiRag.Format(last.Value, kpi.Unit)} on {last.Date.ToString("d MMM", System.Globalization.CultureInfo.InvariantCulture)}",
                "Record a value", "kpi.detail", new() { ["kpiId"] = KpiViews.IdOf(program, kpi) }));
        }

        return items;
    }
}

/// <summary>Keeps opened home tabs up to date: at most one publish per person per run (every minute), only when something on it changed.</summary>
internal sealed class HomeRefreshJob(HomeTabs homes, ILogger<HomeRefreshJob> logger) : IGovernanceJob
{
    public static string JobId => "home-refresh";

    public static string Cron => "* * * * *";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await homes.RefreshAllAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.HomeRefreshFailed(logger, ex);
            throw;
        }
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HomeView))]
public sealed partial class HomeJson : System.Text.Json.Serialization.JsonSerializerContext;
