using System.Globalization;
using System.Text.RegularExpressions;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.Raid;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Decisions;

/// <summary>One entry of a program's decision log as the card and the answers read it.</summary>
/// <param name="Timed">
/// <see cref="DecidedAt"/> is the moment it was decided (an approval's decision, or one recorded as it
/// was taken); false for a day given with <c>on DATE</c> or in the governance file, whose clock time means nothing.
/// </param>
public sealed record DecisionEntry(
    string Id,
    bool Recorded,
    string Title,
    string Status,
    string StatusText,
    DateTimeOffset DecidedAt,
    bool Timed,
    string DecidedBy,
    string Rationale,
    IReadOnlyList<string> Alternatives,
    IReadOnlyList<string> Links,
    string Supersession);

/// <summary>
/// The decision log: entries written when approvals are decided (<see cref="ApprovalBook"/>), decided
/// approvals an import created (no entry of their own), and decisions recorded directly
/// (<c>decision record</c>, or the file's <c>decisions:</c>), keyed <c>dec-1</c>, <c>dec-2</c> ….
/// </summary>
public static partial class DecisionBook
{
    public static string Display(string key) => ChatKey().IsMatch(key) ? key.ToUpperInvariant() : key;

    public static int NumberOf(string key)
    {
        var match = ChatKey().Match(key);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    public static string StatusWord(DecisionStatus status) => status.ToString().ToLowerInvariant();

    public static string StatusLabel(DecisionStatus status) => status switch
    {
        DecisionStatus.Active => "🟢 Active",
        DecisionStatus.Superseded => "⤴️ Superseded",
        _ => "↩️ Reversed",
    };

    public static string AuditSubject(GovernanceProgram program, string key) => $"decision:{program.Key}.{key}";

    /// <summary>Every entry of the program, latest decision first.</summary>
    public static async Task<List<DecisionEntry>> EntriesAsync(GovernanceDb db, GovernanceProgram program, CancellationToken cancellationToken)
    {
        var entries = await db.DecisionLog.AsNoTracking().Where(d => d.ProgramId == program.Id).ToListAsync(cancellationToken);
        var approvals = await db.Approvals.AsNoTracking().AsSplitQuery().Include(a => a.Approvers).Include(a => a.Votes)
            .Where(a => a.ProgramId == program.Id).ToListAsync(cancellationToken);
        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).ToListAsync(cancellationToken);
        var groups = await db.ApproverGroups.AsNoTracking().Where(g => g.ProgramId == program.Id).ToListAsync(cancellationToken);
        var benefits = await db.Benefits.AsNoTracking().Where(b => b.ProgramId == program.Id).ToListAsync(cancellationToken);
        var raid = await db.RaidItems.AsNoTracking().Where(r => r.ProgramId == program.Id).ToListAsync(cancellationToken);
        var keyOf = entries.Where(e => e.Key is not null).ToDictionary(e => e.Id, e => Display(e.Key!));

        string Who(string key) =>
            people.FirstOrDefault(p => p.Key == key)?.Name ?? groups.FirstOrDefault(g => g.Key == key)?.Name ?? key;

        string Link(string link)
        {
            var (kind, key) = (link.Split(':', 2)[0], link.Split(':', 2).ElementAtOrDefault(1) ?? string.Empty);
            return kind switch
            {
                "approval" => approvals.FirstOrDefault(a => a.Key == key) is { } a ? $"{a.Title} ({a.Key})" : key,
                "raid" => raid.FirstOrDefault(r => r.Key == key) is { } r ? $"{RaidRules.Display(r.Key)} {r.Title}" : RaidRules.Display(key),
                "benefit" => benefits.FirstOrDefault(b => b.Key == key) is { } b ? $"benefit {b.Name}" : key,
                "meeting" => $"steering meeting of {key}",
                _ => link,
            };
        }

        var result = new List<DecisionEntry>();
        foreach (var e in entries)
        {
            if (e.Key is null)
            {
                var approval = approvals.FirstOrDefault(a => a.Id == e.ApprovalRequestId);
                result.Add(new DecisionEntry(approval is null ? "DL" : ApprovalCardFactory.DecisionLogId(approval), false, e.Title, e.Outcome,
                    $"{Icon(e.Outcome)} {Capitalised(e.Outcome)}", e.DecidedAt, true, approval is null ? string.Empty : "the approvers", e.Summary ?? string.Empty, [],
                    approval is null ? [] : [$"{approval.Title} ({approval.Key})"], string.Empty));
                continue;
            }

            var supersession = e.SupersededById is { } by && keyOf.TryGetValue(by, out var newer) ? $"Superseded by {newer}"
                : e.SupersedesId is { } old && keyOf.TryGetValue(old, out var older) ? $"Supersedes {older}" : string.Empty;
            if (e.SupersededById is not null && e.SupersedesId is { } both && keyOf.TryGetValue(both, out var earlier))
            {
                supersession += $"; supersedes {earlier}";
            }

            result.Add(new DecisionEntry(Display(e.Key), true, e.Title, StatusWord(e.Status), StatusLabel(e.Status), e.DecidedAt, e.RecordedAt == e.DecidedAt,
                string.Join(" and ", e.DecidedBy.Select(Who)), e.Summary ?? string.Empty, e.Alternatives, e.Links.Select(Link).ToList(), supersession));
        }

        // Decisions imported from governance-as-code have no log entry; their requests still count.
        var logged = entries.Select(e => e.ApprovalRequestId).ToHashSet();
        foreach (var a in approvals.Where(a => a.Status != ApprovalStatus.Pending && a.DecidedAt != null && !logged.Contains(a.Id)))
        {
            var outcome = ApprovalText.StatusWord(a.Status);
            result.Add(new DecisionEntry(ApprovalCardFactory.DecisionLogId(a), false, a.Title, outcome, $"{Icon(outcome)} {Capitalised(outcome)}", a.DecidedAt!.Value, true,
                "the approvers", Quorum.Explain(a, Quorum.Count(a), a.Status), [], [$"{a.Title} ({a.Key})"], string.Empty));
        }

        return result.OrderByDescending(r => r.DecidedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// A decision recorded directly (chat's <c>decision record</c>, a steering meeting's card) under the
    /// program's next key, <c>dec-4</c>, with its audit entry; added to the context, not saved.
    /// </summary>
    public static async Task<DecisionLogEntry> AddRecordedAsync(GovernanceDb db, GovernanceProgram program, string title, string rationale,
        IReadOnlyList<string> alternatives, List<string> deciders, List<string> links, DateTimeOffset decidedAt, string recordedBy, string channel,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var keys = await db.DecisionLog.AsNoTracking().Where(d => d.ProgramId == program.Id && d.Key != null).Select(d => d.Key!).ToListAsync(cancellationToken);
        var entry = new DecisionLogEntry
        {
            ProgramId = program.Id,
            Key = $"dec-{keys.Select(NumberOf).DefaultIfEmpty(0).Max() + 1}",
            Title = title,
            Outcome = "decided",
            Summary = rationale,
            Alternatives = [.. alternatives],
            DecidedBy = deciders,
            Links = links,
            DecidedAt = decidedAt,
            RecordedBy = recordedBy,
            RecordedAt = now,
            Status = DecisionStatus.Active,
        };
        db.DecisionLog.Add(entry);
        db.AppendAudit(now, program.WorkspaceId, program.Id, recordedBy, channel, "decision.recorded", AuditSubject(program, entry.Key), null,
            $"“{entry.Title}” because “{entry.Summary}”; decided by {string.Join(", ", deciders)}{(links.Count > 0 ? $"; concerns {string.Join(", ", links)}" : "")}");
        return entry;
    }

    private static string Icon(string outcome) => outcome switch { "approved" => "✅", "rejected" => "❌", "withdrawn" => "↩️", _ => "⌛" };

    private static string Capitalised(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

    /// <summary>A recorded decision by id (<c>DEC-2</c>, <c>phoenix.dec-2</c>) in the workspace; null and what to say otherwise.</summary>
    public static async Task<(DecisionLogEntry? Entry, GovernanceProgram? Program, string? Problem)> FindAsync(
        GovernanceDb db, Guid workspaceId, string id, Guid? preferredProgram, CancellationToken cancellationToken)
    {
        var text = id.Trim().Trim('"');
        var dot = text.LastIndexOf('.');
        var programPart = dot > 0 ? text[..dot] : null;
        var key = (dot > 0 ? text[(dot + 1)..] : text).ToLowerInvariant();
        var programs = await db.ProgramsOf(workspaceId).AsNoTracking().ToListAsync(cancellationToken);
        var ids = programs.Select(p => p.Id).ToList();
        var matches = await db.DecisionLog.Where(d => ids.Contains(d.ProgramId) && d.Key == key).ToListAsync(cancellationToken);
        if (programPart is not null)
        {
            matches = matches.Where(m => programs.Any(p => p.Id == m.ProgramId
                && (string.Equals(p.Key, programPart, StringComparison.OrdinalIgnoreCase) || string.Equals(p.Name, programPart, StringComparison.OrdinalIgnoreCase)))).ToList();
        }
        else if (matches.Count > 1 && preferredProgram is { } preferred && matches.Any(m => m.ProgramId == preferred))
        {
            matches = matches.Where(m => m.ProgramId == preferred).ToList();
        }

        return matches.Count switch
        {
            1 => (matches[0], programs.First(p => p.Id == matches[0].ProgramId), null),
            0 => (null, null, $"There is no recorded decision {(text.Length > 40 ? text[..40] + "…" : text)} here (recorded decisions are DEC-1, DEC-2 …). See them with **decisions <program>**."),
            _ => (null, null, $"{Display(key)} is in several programs; say which: {string.Join(", ", matches.Select(m => $"{programs.First(p => p.Id == m.ProgramId).Key}.{Display(key)}"))}."),
        };
    }

    /// <summary>
    /// What a decision concerns, from the words after <c>concerns</c>: approval keys, RAID ids and
    /// benefit keys or names of the program; the links, or the words it does not know.
    /// </summary>
    public static async Task<(List<string> Links, List<string> Unknown)> LinksAsync(GovernanceDb db, GovernanceProgram program, IEnumerable<string> words, CancellationToken cancellationToken)
    {
        var approvals = await db.Approvals.AsNoTracking().Where(a => a.ProgramId == program.Id).Select(a => a.Key).ToListAsync(cancellationToken);
        var raid = await db.RaidItems.AsNoTracking().Where(r => r.ProgramId == program.Id).Select(r => r.Key).ToListAsync(cancellationToken);
        var benefits = await db.Benefits.AsNoTracking().Where(b => b.ProgramId == program.Id).ToListAsync(cancellationToken);
        var links = new List<string>();
        var unknown = new List<string>();
        foreach (var word in words.Select(w => w.Trim().TrimEnd(',')).Where(w => w.Length > 0))
        {
            var lower = word.ToLowerInvariant();
            var link = approvals.Contains(lower) ? $"approval:{lower}"
                : raid.Contains(lower) ? $"raid:{lower}"
                : benefits.FirstOrDefault(b => b.Key == lower || string.Equals(b.Name, word, StringComparison.OrdinalIgnoreCase)) is { } b ? $"benefit:{b.Key}"
                : null;
            if (link is null)
            {
                unknown.Add(word);
            }
            else if (!links.Contains(link))
            {
                links.Add(link);
            }
        }

        return (links, unknown);
    }

    [GeneratedRegex(@"^dec-(\d{1,6})$", RegexOptions.IgnoreCase)]
    private static partial Regex ChatKey();
}
