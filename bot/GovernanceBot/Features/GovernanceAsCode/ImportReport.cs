using System.Collections;
using System.Globalization;
using GovernanceBot.Conversation;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace GovernanceBot.Features.GovernanceAsCode;

/// <summary>
/// What an import does, in the words of the file: each definition added, changed (field, before,
/// after) or removed, each chat change it overwrites, and each piece of chat state it leaves alone.
/// A dry run shows exactly this, so nothing an import does is a surprise.
/// </summary>
internal sealed class ImportReport
{
    /// <summary>Audit actions that change a definition the file also holds, by the subject they name.</summary>
    private static readonly string[] ChatDefinitionActions =
    [
        "checkin.created", "checkin.updated", "checkin.paused", "checkin.resumed", "checkin.removed", "checkin.archived",
        "benefit.baseline", "benefit.target", "benefit.realisation-date",
    ];

    /// <summary>Internal bookkeeping, not something a person wrote in the file.</summary>
    private static readonly HashSet<string> Unreported = ["Id", "ProgramId", "CheckInId", "ScheduledFrom", "Version", "ArchivedAt", "GateId", "ApprovalRequestId", "PassedBy", "ConfirmedById"];

    private readonly HashSet<string> touched = new(StringComparer.Ordinal);

    public List<string> Changes { get; } = [];

    public List<string> Removals { get; } = [];

    public List<string> Kept { get; } = [];

    /// <summary>Lists every changed field of every definition, and notes which definitions the import touches.</summary>
    public void AddFieldChanges(GovernanceDb db, GovernanceProgram program)
    {
        db.ChangeTracker.DetectChanges();
        var people = program.Stakeholders.ToDictionary(s => s.Id, s => s.Key);
        var checkIns = program.CheckIns.ToDictionary(c => c.Id, c => c.Key);
        foreach (var entry in db.ChangeTracker.Entries().ToList())
        {
            if (Subject(entry.Entity, checkIns) is not { } subject || entry.State is EntityState.Unchanged or EntityState.Detached)
            {
                continue;
            }

            touched.Add(subject);
            if (entry.State != EntityState.Modified)
            {
                continue;
            }

            var label = Label(entry.Entity, checkIns);
            foreach (var property in entry.Properties.Where(p => p.IsModified && !Unreported.Contains(p.Metadata.Name)))
            {
                var before = Show(property.OriginalValue, people);
                var after = Show(property.CurrentValue, people);
                if (before != after)
                {
                    Changes.Add($"{label}: {FieldName(property)} {before} → {after}");
                }
            }
        }
    }

    /// <summary>
    /// Definitions this import changes or removes that were changed in chat since the program's last
    /// import (from the audit log), with who changed them and when.
    /// </summary>
    public async Task<IReadOnlyList<string>> ChatChangesOverwrittenAsync(GovernanceDb db, GovernanceProgram program, CancellationToken cancellationToken)
    {
        var lastImport = await db.Audit.Where(a => a.ProgramId == program.Id && a.Action == "governance.imported").MaxAsync(a => (long?)a.Id, cancellationToken);
        if (lastImport is null)
        {
            return [];
        }

        var entries = await db.Audit.AsNoTracking()
            .Where(a => a.ProgramId == program.Id && a.Id > lastImport && ChatDefinitionActions.Contains(a.Action))
            .OrderBy(a => a.Id)
            .ToListAsync(cancellationToken);
        return entries
            .GroupBy(a => a.Subject.Replace($"benefit:{program.Key}.", "benefit:", StringComparison.Ordinal))
            .Where(g => touched.Contains(g.Key))
            .Select(g =>
            {
                var last = g.Last();
                var what = g.Key.StartsWith("checkin:", StringComparison.Ordinal) ? "check-in" : "benefit";
                var how = string.Join(", ", g.Select(a => a.Action[(a.Action.IndexOf('.', StringComparison.Ordinal) + 1)..]).Distinct());
                return $"{what} {g.Key[(g.Key.IndexOf(':', StringComparison.Ordinal) + 1)..]}: {how} in chat by {last.Actor} on "
                    + $"{last.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC; the file's version replaces it";
            })
            .ToList();
    }

    private static string? Subject(object entity, Dictionary<Guid, string> checkIns) => entity switch
    {
        CheckInDefinition c => $"checkin:{c.Key}",
        CheckInQuestion q => checkIns.TryGetValue(q.CheckInId, out var key) ? $"checkin:{key}" : null,
        Benefit b => $"benefit:{b.Key}",
        Stakeholder s => $"stakeholder:{s.Key}",
        Kpi k => $"kpi:{k.Key}",
        ApproverGroup g => $"group:{g.Key}",
        StageGate g => $"gate:{g.Key}",
        GateCriterion c => $"criterion:{c.GateId}:{c.Key}",
        GovernanceProgram p => $"program:{p.Key}",
        Workspace w => $"workspace:{w.Key}",
        _ => null,
    };

    private static string Label(object entity, Dictionary<Guid, string> checkIns) => entity switch
    {
        CheckInDefinition c => $"check-in {c.Key}",
        CheckInQuestion q => $"question {q.Key} of check-in {checkIns.GetValueOrDefault(q.CheckInId)}",
        Benefit b => $"benefit {b.Key}",
        Stakeholder s => $"stakeholder {s.Key}",
        Kpi k => $"KPI {k.Key}",
        ApproverGroup g => $"approver group {g.Key}",
        StageGate g => $"gate {g.Key}",
        GateCriterion c => $"entry criterion {c.Key}",
        GovernanceProgram p => $"program {p.Key}",
        Workspace w => $"workspace {w.Key}",
        _ => entity.GetType().Name,
    };

    /// <summary>The property as the governance file names it.</summary>
    private static string FieldName(PropertyEntry property) => property.Metadata.Name switch
    {
        "OwnerId" => "owner",
        "RequesterId" => "requester",
        "Cron" => "schedule",
        "StatusPostCron" => "statusPost",
        "ParticipantRoles" => "participants.roles",
        "ParticipantKeys" => "participants.stakeholders",
        "MemberKeys" => "members",
        "KpiKeys" => "kpis",
        "SelfApprovalKinds" => "selfApproval",
        "QuorumCount" => "quorum count",
        var name => char.ToLowerInvariant(name[0]) + name[1..],
    };

    /// <summary>A value as a person reads it in the file.</summary>
    internal static string Show(object? value, IReadOnlyDictionary<Guid, string>? people = null) => value switch
    {
        null => "none",
        Guid id when people is not null && people.TryGetValue(id, out var key) => key,
        string text => text.Length == 0 ? "\"\"" : $"\"{text}\"",
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset at => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC",
        TimeSpan span => Durations.Format(span),
        Enum e => string.Concat(e.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}")),
        IEnumerable list => $"[{string.Join(", ", list.Cast<object?>().Select(v => Show(v, people)))}]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "none",
    };
}
