using System.Globalization;
using GovernanceBot.Features.Raid;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.GovernanceAsCode;

/// <summary>
/// The registers are records, kept in chat like approval requests: the file's <c>raid</c> items and
/// <c>decisions</c> are created when the store lacks their key, and an item or decision once recorded
/// is never rewritten or removed by an import (a difference is reported as kept).
/// </summary>
public sealed partial class GovernanceImporter
{
    private static async Task ApplyRegistersAsync(GovernanceDb db, GovernanceFile file, Workspace workspace, GovernanceProgram program,
        Dictionary<string, Stakeholder> people, ImportReport report, List<string> errors, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var items = await db.RaidItems.Where(r => r.ProgramId == program.Id).ToListAsync(cancellationToken);
        var programs = await db.Programs.Where(p => p.WorkspaceId == workspace.Id).Select(p => new { p.Id, p.Key, p.Name }).ToListAsync(cancellationToken);
        foreach (var x in file.Raid)
        {
            var type = Enum.Parse<RaidType>(x.Type, ignoreCase: true);
            var date = x.Review ?? x.ValidateBy ?? x.Due ?? x.NeededBy;
            var status = x.Status is null ? RaidRules.InitialStatus(type) : RaidRules.ParseStatus(type, x.Status)!.Value;
            var existing = items.FirstOrDefault(i => i.Key == x.Key);
            if (existing is not null)
            {
                if (existing.Status != status)
                {
                    report.Kept.Add($"RAID item {x.Key}: stays {RaidRules.StatusWord(existing.Status)} as recorded in chat (the file says {RaidRules.StatusWord(status)})");
                }
                else if (existing.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) != date || existing.Title != x.Title)
                {
                    report.Kept.Add($"RAID item {x.Key}: stays as recorded in chat (RAID items are kept in chat once raised; change them from their card)");
                }

                continue;
            }

            Guid? onProgram = null;
            if (x.OnProgram is { } otherKey)
            {
                var other = programs.FirstOrDefault(p => p.Key == otherKey);
                if (other is null)
                {
                    // Only this workspace's programs are looked at: a dependency never links across workspaces.
                    errors.Add($"the dependency '{x.Key}' is on the program '{otherKey}', which is not a program of workspace '{workspace.Key}'; a dependency links only to programs of its own workspace (name an outside party with 'on:')");
                    continue;
                }

                onProgram = other.Id;
            }

            // Without 'raised' the item is taken as raised at the import, or by its date if that is earlier (an
            // overdue item was raised before it fell due), so an export of it imports back unchanged.
            var raised = x.Raised is not null ? AtNine(ParseDate(x.Raised), zone)
                : date is not null && ParseDate(date) < RaidRules.Today(now, program.TimeZone) ? AtNine(ParseDate(date), zone) : now;
            var item = new RaidItem
            {
                ProgramId = program.Id,
                Key = x.Key,
                Type = type,
                Title = x.Title,
                Description = x.Description,
                OwnerId = x.Owner is null ? null : people[x.Owner].Id,
                Probability = x.Probability is null ? null : RaidRules.Level(x.Probability),
                Impact = (x.Impact ?? x.Severity) is { } level ? RaidRules.Level(level) : null,
                DueDate = date is null ? null : ParseDate(date),
                Response = x.Response,
                Status = status,
                DependsOn = x.On ?? programs.FirstOrDefault(p => p.Id == onProgram)?.Name,
                DependsOnProgramId = onProgram,
                EscalatedAt = x.Escalated is null ? null : ParseInstant(x.Escalated),
                RaisedBy = x.RaisedBy,
                CreatedAt = raised,
                UpdatedAt = raised,
                ClosedAt = RaidRules.IsOpen(status) ? null : now,
            };
            db.RaidItems.Add(item);
            items.Add(item);
            report.Changes.Add($"RAID item {x.Key} added");
        }

        var decisions = await db.DecisionLog.Where(d => d.ProgramId == program.Id && d.Key != null).ToListAsync(cancellationToken);
        var created = new Dictionary<string, DecisionLogEntry>(StringComparer.Ordinal);
        foreach (var x in file.Decisions)
        {
            var status = Enum.Parse<DecisionStatus>(x.Status, ignoreCase: true);
            var existing = decisions.FirstOrDefault(d => d.Key == x.Key);
            if (existing is not null)
            {
                if (existing.Status != status)
                {
                    report.Kept.Add($"decision {x.Key}: stays {existing.Status.ToString().ToLowerInvariant()} as recorded in chat (the file says {x.Status})");
                }

                continue;
            }

            var entry = new DecisionLogEntry
            {
                ProgramId = program.Id,
                Key = x.Key,
                Title = x.Title,
                Outcome = "decided",
                Summary = x.Rationale,
                Alternatives = [.. x.Alternatives],
                DecidedBy = [.. x.DecidedBy],
                Links = [.. (x.Concerns?.Approvals ?? []).Select(k => $"approval:{k}"), .. (x.Concerns?.Raid ?? []).Select(k => $"raid:{k}"),
                    .. (x.Concerns?.Benefits ?? []).Select(k => $"benefit:{k}"), .. (x.Concerns?.Meetings ?? []).Select(d => $"meeting:{d}")],
                DecidedAt = ParseInstant(x.Decided),
                Status = status,
                RecordedBy = x.RecordedBy,
                RecordedAt = now,
            };
            db.DecisionLog.Add(entry);
            decisions.Add(entry);
            created[x.Key] = entry;
            report.Changes.Add($"decision {x.Key} added");
        }

        // Links both ways, for decisions this import creates (one recorded in chat already keeps its own links).
        foreach (var x in file.Decisions.Where(d => d.Supersedes is not null && created.ContainsKey(d.Key)))
        {
            var entry = created[x.Key];
            var old = decisions.First(d => d.Key == x.Supersedes);
            entry.SupersedesId = old.Id;
            if (old.SupersededById is null)
            {
                old.SupersededById = entry.Id;
                old.Status = DecisionStatus.Superseded;
            }
        }
    }

    /// <summary>A date the file gives for when something was raised: 09:00 that day, program time.</summary>
    private static DateTimeOffset AtNine(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(new TimeOnly(9, 0));
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
