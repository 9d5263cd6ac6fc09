using GovernanceBot.Conversation;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Programs;

/// <summary>
/// Who may change what (issue 7): program managers and the PMO configure and request approvals,
/// approvers (or their delegates) vote, KPI owners and program managers record values, benefit
/// owners and program managers update benefits. Who may read what is <see cref="ReaderPolicy"/>'s
/// to say. A refusal is polite, names who can, goes only to the person who asked, and is audited.
/// </summary>
public sealed class Governance(GovernanceDb db, IGovernanceDbFactory dbs, TimeProvider time)
{
    public static bool IsManager(Stakeholder? person) =>
        person is not null && (person.HasRole(StakeholderRoles.ProgramManager) || person.HasRole(StakeholderRoles.Pmo));

    /// <summary>How the audit names the person behind a turn: their stakeholder key, else e-mail, name or chat id.</summary>
    public static string Actor(Turn turn, Stakeholder? person = null) =>
        person?.Key ?? turn.User.Email ?? turn.User.Name ?? turn.User.Id;

    public async Task<IReadOnlyList<string>> ManagerNamesAsync(Guid programId, CancellationToken cancellationToken)
    {
        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == programId).ToListAsync(cancellationToken);
        return people.Where(IsManager).Select(s => s.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>
    /// Audits the refusal in a unit of work of its own, committed at once, and returns the polite
    /// reply. The caller's pending changes are left as they are: a handler that refuses simply does
    /// not save them.
    /// </summary>
    public async Task<IReadOnlyList<Reply>> RefuseAsync(
        TurnContext context, Guid? programId, string action, string subject, string reason, string message, CancellationToken cancellationToken)
    {
        await using var audit = dbs.Create();
        var email = (context.User.Email ?? string.Empty).Trim().ToLowerInvariant();
        var me = programId is { } id && email.Length > 0
            ? await audit.Stakeholders.AsNoTracking()
                .Where(s => s.ProgramId == id && s.Email == email)
                .FirstOrDefaultAsync(cancellationToken)
            : null;
        audit.AppendAudit(time.GetUtcNow(), context.WorkspaceId, programId, Actor(context.Turn, me), context.Turn.Channel,
            $"{action}.refused", subject, after: reason);
        await audit.SaveChangesAsync(cancellationToken);
        return [Reply.Text(message) with { Audience = ReplyAudience.Requester }];
    }

    /// <summary>"Alex Wilber or Nestor Wilke", for "only … can".</summary>
    public static string Names(IReadOnlyList<string> names) => names.Count switch
    {
        0 => "nobody yet",
        1 => names[0],
        _ => string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1],
    };
}
