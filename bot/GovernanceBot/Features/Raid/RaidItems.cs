using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Raid;

/// <summary>Creating RAID items (from a command or a check-in answer) and finding them by id.</summary>
public static class RaidItems
{
    /// <summary>A risk with no review date is reviewed this many days after it is raised.</summary>
    public const int DefaultReviewDays = 14;

    /// <summary>
    /// A new item as <paramref name="command"/> says, checked against the store: an owner who is a
    /// stakeholder of the program, dates no earlier than today, a dependency on this workspace's
    /// programs only. Nothing is added to the context; null and the reason when something is wrong.
    /// </summary>
    public static async Task<(RaidItem? Item, string? Problem)> CreateAsync(
        GovernanceDb db, GovernanceProgram program, Stakeholder raisedBy, RaidAddCommand command, IReadOnlyList<MentionedPerson> mentions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).ToListAsync(cancellationToken);
        var (found, unknown) = PersonReferences.Resolve(people, [command.Owner], mentions);
        if (unknown.Count > 0 || found.Count != 1)
        {
            return (null, $"I don't know \"{RaidAddCommand.Clip(command.Owner)}\" in {program.Name}, so nothing was recorded. Name the owner by key, e-mail or full name: " +
                $"{string.Join(", ", people.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} ({p.Name})"))}.");
        }

        var today = RaidRules.Today(now, program.TimeZone);
        if (command.Due is { } due && due < today)
        {
            return (null, $"{RaidRules.DueLabel(command.Type)} {RaidRules.Day(due)} is before today ({RaidRules.Day(today)}): a new {RaidRules.TypeWord(command.Type)} can't be due before it is raised. " +
                $"Pick today or a later date, for example **{RaidRules.IsoDay(today.AddDays(7))}**. Nothing was recorded.");
        }

        Guid? dependsOnProgram = null;
        var dependsOn = command.DependsOn;
        if (command.Type == RaidType.Dependency && dependsOn is not null)
        {
            var explicitProgram = dependsOn.StartsWith("program ", StringComparison.OrdinalIgnoreCase);
            var name = explicitProgram ? dependsOn["program ".Length..].Trim() : dependsOn;
            var (other, known) = await new ProgramDirectory(db).FindAsync(program.WorkspaceId, name, cancellationToken);
            if (other is not null && other.Id == program.Id)
            {
                return (null, $"{program.Name} can't depend on itself. Name another program of this workspace or an outside party after **on**. Nothing was recorded.");
            }

            if (other is null && explicitProgram)
            {
                // Programs of other workspaces are never looked up: a dependency links only to this workspace's programs.
                return (null, $"There is no program called \"{RaidAddCommand.Clip(name)}\" in this workspace, so I can't link the dependency to it. " +
                    $"Programs here: {string.Join(", ", known.Select(k => $"**{k}**"))}. For a team or company outside this workspace, name it in words: **on \"Fabrikam payments team\"**. Nothing was recorded.");
            }

            if (other is not null)
            {
                dependsOnProgram = other.Id;
                dependsOn = other.Name;
            }
        }

        var item = new RaidItem
        {
            ProgramId = program.Id,
            Key = string.Empty,
            Type = command.Type,
            Title = command.Title,
            Description = command.Description,
            OwnerId = found[0].Id,
            Probability = command.Probability,
            Impact = command.Impact,
            DueDate = command.Due ?? (command.Type == RaidType.Risk ? today.AddDays(DefaultReviewDays) : null),
            Response = command.Response,
            Status = RaidRules.InitialStatus(command.Type),
            DependsOn = dependsOn,
            DependsOnProgramId = dependsOnProgram,
            RaisedBy = raisedBy.Key,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return (item, null);
    }

    /// <summary>
    /// Saves a new item under the next free key of its type, with its audit entry. Two items raised
    /// at once may pick the same key: the unique index refuses the second, which takes the next one.
    /// </summary>
    public static async Task<RaidItem> SaveNewAsync(GovernanceDb db, GovernanceProgram program, RaidItem item, string actor, string channel, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var keys = await db.RaidItems.AsNoTracking().Where(r => r.ProgramId == program.Id).Select(r => r.Key).ToListAsync(cancellationToken);
            item.Key = $"{RaidRules.Prefix(item.Type)}-{keys.Select(k => RaidRules.NumberOf(k, item.Type)).DefaultIfEmpty(0).Max() + 1}";
            db.RaidItems.Add(item);
            db.AppendAudit(item.CreatedAt, program.WorkspaceId, program.Id, actor, channel, "raid.added", RaidRules.AuditSubject(program, item), null, Describe(item));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return item;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>"Risk: probability 4, impact 3, review by Tue 15 Dec 2026": the audit's words for an item.</summary>
    public static string Describe(RaidItem item)
    {
        var parts = new List<string> { $"{char.ToUpperInvariant(RaidRules.TypeWord(item.Type)[0])}{RaidRules.TypeWord(item.Type)[1..]} “{item.Title}”" };
        if (item.Type == RaidType.Risk)
        {
            parts.Add($"probability {item.Probability}, impact {item.Impact}");
        }
        else if (item.Type == RaidType.Issue)
        {
            parts.Add($"severity {item.Impact}");
        }
        else if (item.Type == RaidType.Dependency)
        {
            parts.Add($"on {item.DependsOn}");
        }

        if (item.DueDate is { } due)
        {
            parts.Add($"{RaidRules.DueLabel(item.Type).ToLowerInvariant()} {RaidRules.Day(due)}");
        }

        return string.Join("; ", parts) + ".";
    }

    /// <summary>
    /// The item an id names in this workspace: <c>R-3</c> (in the conversation's program, or the only
    /// program that has it) or <c>phoenix.r-3</c>; null and what to say when there is none or several.
    /// </summary>
    public static async Task<(RaidItem? Item, string? Problem)> FindAsync(GovernanceDb db, Guid workspaceId, string id, Guid? preferredProgram, CancellationToken cancellationToken)
    {
        var text = id.Trim().Trim('"');
        var dot = text.LastIndexOf('.');
        var programPart = dot > 0 ? text[..dot] : null;
        // Keys are lower case (chat's r-3, and the file's keys are); ids are typed as R-3 too.
        var key = (dot > 0 ? text[(dot + 1)..] : text).ToLowerInvariant();
        var matches = await db.RaidItems.Include(r => r.Program).Include(r => r.Owner)
            .Where(r => r.Program!.WorkspaceId == workspaceId && r.Key == key)
            .ToListAsync(cancellationToken);
        if (programPart is not null)
        {
            matches = matches.Where(r => string.Equals(r.Program!.Key, programPart, StringComparison.OrdinalIgnoreCase)
                || string.Equals(r.Program!.Name, programPart, StringComparison.OrdinalIgnoreCase)).ToList();
        }
        else if (matches.Count > 1 && preferredProgram is { } preferred && matches.Any(m => m.ProgramId == preferred))
        {
            matches = matches.Where(m => m.ProgramId == preferred).ToList();
        }

        return matches.Count switch
        {
            1 => (matches[0], null),
            0 => (null, $"There is no RAID item {RaidAddCommand.Clip(text)} here. See the log with **raid <program>**, for example **raid Phoenix**."),
            _ => (null, $"{RaidRules.Display(key)} is in several programs; say which: {string.Join(", ", matches.Select(m => $"**raid {m.Program!.Key}.{RaidRules.Display(m.Key)}**"))}."),
        };
    }

    /// <summary>Finds an item by its store id, within the workspace.</summary>
    public static Task<RaidItem?> ByIdAsync(GovernanceDb db, Guid workspaceId, string? id, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var guid)
            ? db.RaidItems.Include(r => r.Program).Include(r => r.Owner).FirstOrDefaultAsync(r => r.Id == guid && r.Program!.WorkspaceId == workspaceId, cancellationToken)
            : Task.FromResult<RaidItem?>(null);
}
