using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Programs;

/// <summary>What a reading command shows, from the least to the most private.</summary>
public enum Reading
{
    /// <summary>Phase, KPIs, benefits, check-in definitions, owners and approvers: what status posts show.</summary>
    Status,
    /// <summary>The reader's own check-in answers and the approvals waiting for their vote.</summary>
    OwnItems,
    /// <summary>The decision log.</summary>
    Decisions,
    /// <summary>Who answered a check-in round, who has not, and why someone could not be reached (e-mails included).</summary>
    CheckInProgress,
    /// <summary>The audit trail: every change and every check-in answer, with who made it.</summary>
    AuditTrail,
}

/// <summary>The person behind a turn, as far as reading is concerned.</summary>
/// <param name="Membership">What the platform says they are (this turn's word, else the store's).</param>
/// <param name="People">Their stakeholder records, one per program they take part in.</param>
/// <param name="ApproverOf">Programs where they sit in an approver group.</param>
/// <param name="ProgramsHere">Programs linked to the (group or channel) conversation the turn came from.</param>
public sealed record Reader(Membership Membership, IReadOnlyList<Stakeholder> People, IReadOnlySet<Guid> ApproverOf, IReadOnlySet<Guid> ProgramsHere)
{
    public bool IsOutsider => Membership.IsOutsider();

    public Stakeholder? In(Guid programId) => People.FirstOrDefault(p => p.ProgramId == programId);
}

/// <summary>
/// Who reads what (issue 14, item 7), decided here and nowhere else:
/// <list type="bullet">
/// <item>program managers and the PMO: everything of their programs;</item>
/// <item>sponsors and approvers: their programs' status, the decision log and their own items;</item>
/// <item>stakeholders, and anyone else who is a member of the workspace: status and their own items;</item>
/// <item>guests and people from another organisation: the status of the program linked to the
/// channel they are in (what is posted there anyway) and their own items (what the bot sends them
/// anyway); nothing else — no program lists, no decision log, no store facts in answers.</item>
/// </list>
/// A refusal says why and what to do instead, goes only to the asker, and is audited.
/// </summary>
public sealed class ReaderPolicy(GovernanceDb db, ProgramDirectory directory, Governance governance)
{
    private Reader? reader;

    /// <summary>
    /// Who sees the answer: status goes to the conversation (it is what status posts show anyway);
    /// anything more private goes only to the reader, so a manager asking in a channel does not
    /// show guests what the policy keeps from them.
    /// </summary>
    public static ReplyAudience AudienceFor(Reading what) => what == Reading.Status ? ReplyAudience.Conversation : ReplyAudience.Requester;

    public static bool CanRead(Reader reader, Guid? programId, Reading what)
    {
        if (reader.IsOutsider)
        {
            return what == Reading.OwnItems
                || (what == Reading.Status && programId is { } here && reader.ProgramsHere.Contains(here));
        }

        if (what is Reading.Status or Reading.OwnItems)
        {
            return true;
        }

        var me = programId is { } id ? reader.In(id) : null;
        if (me is null)
        {
            return false;
        }

        return what switch
        {
            Reading.Decisions => Governance.IsManager(me) || me.HasRole(StakeholderRoles.Sponsor)
                || me.HasRole(StakeholderRoles.Approver) || reader.ApproverOf.Contains(me.ProgramId),
            _ => Governance.IsManager(me),
        };
    }

    /// <summary>The reader behind this turn, worked out once per turn.</summary>
    public async Task<Reader> ReaderAsync(TurnContext context, CancellationToken cancellationToken)
    {
        if (reader is not null)
        {
            return reader;
        }

        var turn = context.Turn;
        var membership = turn.User.Membership;
        if (membership == Membership.Unknown)
        {
            // The channel did not say on this turn (a cached Teams user, a failed lookup): what it said last.
            membership = await db.ChatUsers.AsNoTracking()
                .Where(u => u.WorkspaceId == context.WorkspaceId && u.Channel == turn.Channel && u.ExternalUserId == turn.User.Id)
                .Select(u => u.Membership)
                .FirstOrDefaultAsync(cancellationToken);
        }

        var people = await directory.StakeholdersOfAsync(context.WorkspaceId, turn, cancellationToken);
        reader = new Reader(membership, people, await ApproverOfAsync(people, cancellationToken), await ProgramsHereAsync(context, cancellationToken));
        return reader;
    }

    /// <summary>
    /// The reader behind a dashboard session: the person as they are in a 1:1 chat with the bot (no
    /// channel, so no program "here"), their membership as the platform last said — the worst one
    /// when several chat accounts share the e-mail, so a guest account is never read as a member.
    /// </summary>
    public async Task<Reader> ReaderOfPersonAsync(Guid workspaceId, string? email, string? channel, string? externalUserId, CancellationToken cancellationToken)
    {
        var normalized = email?.Trim().ToLowerInvariant();
        var memberships = await db.ChatUsers.AsNoTracking()
            .Where(u => u.WorkspaceId == workspaceId
                && ((channel != null && u.Channel == channel && u.ExternalUserId == externalUserId) || (normalized != null && u.Email == normalized)))
            .Select(u => u.Membership)
            .ToListAsync(cancellationToken);
        var membership = memberships.Count == 0 ? Membership.Unknown : memberships.Max();
        var people = await directory.StakeholdersByEmailAsync(workspaceId, normalized, cancellationToken);
        return new Reader(membership, people, await ApproverOfAsync(people, cancellationToken), new HashSet<Guid>());
    }

    private async Task<HashSet<Guid>> ApproverOfAsync(IReadOnlyList<Stakeholder> people, CancellationToken cancellationToken)
    {
        var programIds = people.Select(p => p.ProgramId).ToList();
        var groups = await db.ApproverGroups.AsNoTracking().Where(g => programIds.Contains(g.ProgramId)).ToListAsync(cancellationToken);
        return groups
            .Where(g => people.Any(p => p.ProgramId == g.ProgramId && g.MemberKeys.Contains(p.Key, StringComparer.OrdinalIgnoreCase)))
            .Select(g => g.ProgramId)
            .ToHashSet();
    }

    /// <summary>
    /// Null when the reader may see <paramref name="what"/> of <paramref name="program"/> (null: of
    /// every program in the workspace); otherwise the audited, polite refusal to send instead.
    /// </summary>
    public async Task<Reply?> RefusalAsync(TurnContext context, GovernanceProgram? program, Reading what, CancellationToken cancellationToken)
    {
        var me = await ReaderAsync(context, cancellationToken);
        if (CanRead(me, program?.Id, what))
        {
            return null;
        }

        var managers = program is null ? [] : await governance.ManagerNamesAsync(program.Id, cancellationToken);
        var (reason, message) = Explain(me, program, what, managers);
        var replies = await governance.RefuseAsync(context, program?.Id, $"read.{Name(what)}", program is null ? "workspace" : $"program:{program.Key}",
            reason, message, cancellationToken);
        return replies[0];
    }

    /// <summary>
    /// The program a reading command names (or the one of this conversation), if the reader may see
    /// <paramref name="what"/> of it; otherwise no program and the reply to send. An outsider is refused before any
    /// name is looked up, so a guess at a program's name does not list the programs that exist.
    /// </summary>
    public async Task<(GovernanceProgram? Program, Reply? Reply)> ResolveAsync(
        TurnContext context, string? typed, string example, Reading what, CancellationToken cancellationToken)
    {
        if (await RefusalHereAsync(context, what, cancellationToken) is { } refusal)
        {
            return (null, refusal);
        }

        var (program, error) = await directory.ResolveAsync(context.WorkspaceId, context.Turn.Conversation, typed, example, cancellationToken);
        if (program is null)
        {
            // "No such program, these exist" would list the programs to someone who may not see them.
            return (null, await RefusalAsync(context, null, what, cancellationToken) ?? Reply.Text(error!));
        }

        var refused = await RefusalAsync(context, program, what, cancellationToken);
        return refused is null ? (program, null) : (null, refused);
    }

    /// <summary>
    /// The refusal for an outsider who may read <paramref name="what"/> of no program from where they
    /// are; null for everyone else. Checked before a name is looked up, so errors do not list names.
    /// </summary>
    public async Task<Reply?> RefusalHereAsync(TurnContext context, Reading what, CancellationToken cancellationToken)
    {
        var me = await ReaderAsync(context, cancellationToken);
        var readable = what == Reading.OwnItems || (what == Reading.Status && me.ProgramsHere.Count > 0);
        return me.IsOutsider && !readable ? await RefusalAsync(context, null, what, cancellationToken) : null;
    }

    /// <summary>
    /// A file of <paramref name="program"/> for the reader behind this turn, who has just been allowed
    /// to read it (<see cref="ResolveAsync"/>). It names them by the e-mail of their stakeholder record,
    /// so <see cref="FileRefusalAsync"/> can check them again when the file is handed over.
    /// </summary>
    public async Task<FileRequest> FileRequestAsync(TurnContext context, GovernanceProgram program, string kind, string fileName, JsonObject? arguments,
        CancellationToken cancellationToken)
    {
        var me = await ReaderAsync(context, cancellationToken);
        var user = context.Turn.User;
        var requester = new FileRequester(context.Turn.Channel, user.Id, me.In(program.Id)?.Email ?? user.Email, user.Name);
        return new FileRequest(kind, context.WorkspaceId, program.Id, fileName, requester, arguments);
    }

    /// <summary>
    /// Null when the person a file is for may still read <paramref name="what"/> of its program (<paramref name="thing"/>, in words; asked
    /// when the file is made: a program manager who has since left gets nothing); otherwise why not.
    /// </summary>
    public async Task<string?> FileRefusalAsync(FileRequest request, Reading what, string thing, CancellationToken cancellationToken)
    {
        var program = await db.Programs.AsNoTracking().FirstOrDefaultAsync(p => p.Id == request.ProgramId && p.WorkspaceId == request.WorkspaceId, cancellationToken);
        if (program is null)
        {
            return "The program this file is about no longer exists.";
        }

        var who = request.Requester;
        var me = await ReaderOfPersonAsync(request.WorkspaceId, who.Email, who.Channel, who.UserId, cancellationToken);
        if (CanRead(me, program.Id, what))
        {
            return null;
        }

        var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
        return $"Only {program.Name}'s program managers and PMO can have {thing}, and you are no longer one of them, so I did not make the file. " +
            $"If you need it, ask {(managers.Count > 0 ? Governance.Names(managers) : "the program manager")}.";
    }

    private async Task<IReadOnlySet<Guid>> ProgramsHereAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var conversation = context.Turn.Conversation;
        if (conversation.Kind == ConversationKind.Personal)
        {
            return new HashSet<Guid>();
        }

        var links = await db.ProgramChannels.AsNoTracking()
            .Where(c => c.Channel == conversation.Channel && db.Programs.Any(p => p.Id == c.ProgramId && p.WorkspaceId == context.WorkspaceId))
            .ToListAsync(cancellationToken);
        return links
            .Where(c => JsonSerializer.Deserialize(c.ConversationJson, ConversationJson.Default.ConversationRef)?.ConversationId == conversation.ConversationId)
            .Select(c => c.ProgramId)
            .ToHashSet();
    }

    private static (string Reason, string Message) Explain(Reader me, GovernanceProgram? program, Reading what, IReadOnlyList<string> managers)
    {
        var of = program is null ? "this workspace's programs" : program.Name;
        var ask = managers.Count > 0 ? $"ask {Governance.Names(managers)}" : "ask the program manager";
        if (me.IsOutsider)
        {
            var who = me.Membership == Membership.Guest ? "a guest in this workspace" : "from another organisation";
            return ($"{me.Membership.ToString().ToLowerInvariant()}: only what is posted in the channel",
                $"You are {who}, so I only show what is posted in the channel you are in: {Subject(what)} of {of} stays with the program's own members. " +
                $"Your own check-ins and approvals are still yours: type **checkin** or **approvals**. If you need more, {ask}.");
        }

        var readers = what switch
        {
            Reading.Decisions => "program managers, PMO, sponsors and approvers",
            _ => "program managers and PMO",
        };
        return ($"not one of the program's {readers}",
            $"Only {of}'s {readers} can see {Subject(what)}. Your own check-in answers: type **checkin**; the program's status: **status{(program is null ? "" : " " + program.Name)}**. If you need more, {ask}.");
    }

    private static string Subject(Reading what) => what switch
    {
        Reading.Status => "the status",
        Reading.OwnItems => "your own items",
        Reading.Decisions => "the decision log",
        Reading.CheckInProgress => "who has answered a check-in (and who could not be reached)",
        _ => "the audit trail",
    };

    private static string Name(Reading what) => what switch
    {
        Reading.Status => "status",
        Reading.OwnItems => "own",
        Reading.Decisions => "decisions",
        Reading.CheckInProgress => "checkin-progress",
        _ => "audit",
    };
}
