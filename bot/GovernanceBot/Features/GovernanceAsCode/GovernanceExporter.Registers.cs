using System.Globalization;
using GovernanceBot.Features.Raid;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.GovernanceAsCode;

public sealed partial class GovernanceExporter
{
    /// <summary>The RAID log and the recorded decisions, as the file writes them (approvals' own entries are the approvals).</summary>
    private static async Task<(List<RaidSpec> Raid, List<DecisionSpec> Decisions)> RegistersAsync(GovernanceDb db, GovernanceProgram p, CancellationToken cancellationToken)
    {
        var keyOf = p.Stakeholders.ToDictionary(s => s.Id, s => s.Key);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(p.TimeZone);
        var programs = await db.Programs.AsNoTracking().Where(x => x.WorkspaceId == p.WorkspaceId).ToDictionaryAsync(x => x.Id, x => x.Key, cancellationToken);
        var items = await db.RaidItems.AsNoTracking().Where(r => r.ProgramId == p.Id).ToListAsync(cancellationToken);
        string? Day(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var raid = items.OrderBy(r => r.Type).ThenBy(r => r.Key, StringComparer.Ordinal).Select(r => new RaidSpec
        {
            Key = r.Key,
            Type = RaidRules.TypeWord(r.Type),
            Title = r.Title,
            Description = r.Description,
            Owner = r.OwnerId is { } o && keyOf.TryGetValue(o, out var owner) ? owner : null,
            Probability = r.Type == RaidType.Risk && r.Probability is { } pr ? RaidRules.LevelWord(pr) : null,
            Impact = r.Type == RaidType.Risk && r.Impact is { } im ? RaidRules.LevelWord(im) : null,
            Severity = r.Type == RaidType.Issue && r.Impact is { } sv ? RaidRules.LevelWord(sv) : null,
            Review = r.Type == RaidType.Risk ? Day(r.DueDate) : null,
            ValidateBy = r.Type == RaidType.Assumption ? Day(r.DueDate) : null,
            Due = r.Type is RaidType.Issue or RaidType.Action ? Day(r.DueDate) : null,
            NeededBy = r.Type == RaidType.Dependency ? Day(r.DueDate) : null,
            OnProgram = r.DependsOnProgramId is { } other && programs.TryGetValue(other, out var otherKey) ? otherKey : null,
            On = r.DependsOnProgramId is null ? r.DependsOn : null,
            Response = r.Response,
            Status = RaidRules.StatusWord(r.Status),
            Raised = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(r.CreatedAt, zone).DateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            RaisedBy = r.RaisedBy is { } by && keyOf.ContainsValue(by) ? by : null,
            Escalated = r.EscalatedAt is { } at ? GovernanceFileReader.FormatInstant(at) : null,
        }).ToList();

        var entries = await db.DecisionLog.AsNoTracking().Where(d => d.ProgramId == p.Id && d.Key != null).ToListAsync(cancellationToken);
        var decisionKeys = entries.ToDictionary(d => d.Id, d => d.Key!);
        var decisions = entries.OrderBy(d => d.DecidedAt).ThenBy(d => d.Key, StringComparer.Ordinal).Select(d =>
        {
            List<string> Of(string kind) => d.Links.Where(l => l.StartsWith(kind + ":", StringComparison.Ordinal)).Select(l => l[(kind.Length + 1)..]).ToList();
            var concerns = new ConcernsSpec { Approvals = Of("approval"), Raid = Of("raid"), Benefits = Of("benefit"), Meetings = Of("meeting") };
            return new DecisionSpec
            {
                Key = d.Key!,
                Title = d.Title,
                Rationale = d.Summary ?? string.Empty,
                Alternatives = [.. d.Alternatives],
                DecidedBy = [.. d.DecidedBy],
                Decided = GovernanceFileReader.FormatInstant(d.DecidedAt),
                Status = d.Status.ToString().ToLowerInvariant(),
                Supersedes = d.SupersedesId is { } old && decisionKeys.TryGetValue(old, out var oldKey) ? oldKey : null,
                Concerns = d.Links.Count == 0 ? null : concerns,
                RecordedBy = d.RecordedBy is { } by && keyOf.ContainsValue(by) ? by : null,
            };
        }).ToList();
        return (raid, decisions);
    }
}
