using System.Globalization;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Hosting;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Approvals;

/// <summary>What <c>approval request …</c> asks for, once parsed.</summary>
public sealed record ApprovalRequestCommand(
    string Title,
    IReadOnlyList<string> Approvers,
    string? Quorum,
    DateOnly? Due,
    ApprovalKind Kind,
    int? MaxRejections,
    DeadlineAction OnDeadline,
    string? Program,
    string? Why)
{
    public const string Example = "approval request \"Gate 4: go live\" approvers @meganb @leeg @diegos quorum majority due 2026-12-05";

    private static readonly HashSet<string> Keywords =
        new(["approvers", "quorum", "due", "kind", "max-rejections", "on-deadline", "for", "why"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses the words after <c>approval request</c>; an error message says what was wrong and shows a right example.</summary>
    public static (ApprovalRequestCommand? Command, string? Error) Parse(IReadOnlyList<string> words)
    {
        if (words.Count == 0 || Keywords.Contains(words[0]))
        {
            return (null, $"Start with the title in quotes, for example: **{Example}**");
        }

        var title = words[0].Trim();
        if (title.Length > 200)
        {
            return (null, $"The title is {title.Length} characters; keep it under 200 (put details after **why**).");
        }

        var values = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        string? current = null;
        foreach (var word in words.Skip(1))
        {
            if (current != "why" && Keywords.Contains(word))
            {
                current = word.ToLowerInvariant();
                if (values.ContainsKey(current))
                {
                    return (null, $"**{current}** is given twice. Example: **{Example}**");
                }

                values[current] = [];
            }
            else if (current is null)
            {
                return (null, $"I don't know what \"{Clip(word)}\" after the title means. Example: **{Example}**");
            }
            else
            {
                values[current].Add(word);
            }
        }

        if (!values.TryGetValue("approvers", out var approvers) || approvers.Count == 0)
        {
            return (null, $"Who should approve? Name them after **approvers**, for example: **{Example}**");
        }

        string? quorum = null;
        if (values.TryGetValue("quorum", out var q))
        {
            quorum = string.Join(' ', q);
            if (!global::GovernanceBot.Features.Approvals.Quorum.TryParse(quorum, out _))
            {
                return (null, $"\"{Clip(quorum)}\" is not a quorum rule. Use **any**, **all**, **majority** or **\"2 of 3\"**.");
            }
        }

        DateOnly? due = null;
        if (values.TryGetValue("due", out var d))
        {
            if (d.Count != 1 || !DateOnly.TryParseExact(d[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return (null, $"Write the deadline as a date, yyyy-MM-dd, for example **due 2026-12-05** (it closes at 17:00 program time).");
            }

            due = date;
        }

        var kind = ApprovalKind.StageGate;
        if (values.TryGetValue("kind", out var k))
        {
            var word = string.Join('-', k).ToLowerInvariant();
            kind = word switch
            {
                "stage-gate" or "gate" or "stagegate" => ApprovalKind.StageGate,
                "change-request" or "change" or "changerequest" or "cr" => ApprovalKind.ChangeRequest,
                "scope-change" or "scope" => ApprovalKind.ScopeChange,
                "budget-change" or "budget" => ApprovalKind.BudgetChange,
                _ => (ApprovalKind)(-1),
            };
            if ((int)kind < 0)
            {
                return (null, $"\"{Clip(word)}\" is not a kind of approval. Use **stage-gate**, **change-request**, **scope-change** or **budget-change**.");
            }
        }

        int? maxRejections = null;
        if (values.TryGetValue("max-rejections", out var m))
        {
            if (m.Count != 1 || !int.TryParse(m[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                return (null, "**max-rejections** takes a whole number of 1 or more, for example **max-rejections 2**.");
            }

            maxRejections = n;
        }

        var onDeadline = DeadlineAction.Expire;
        if (values.TryGetValue("on-deadline", out var o))
        {
            onDeadline = string.Join(' ', o).ToLowerInvariant() switch
            {
                "expire" => DeadlineAction.Expire,
                "escalate" => DeadlineAction.Escalate,
                _ => (DeadlineAction)(-1),
            };
            if ((int)onDeadline < 0)
            {
                return (null, "**on-deadline** is **expire** (the request closes undecided) or **escalate** (the sponsor is asked to decide).");
            }
        }

        var program = values.TryGetValue("for", out var f) && f.Count > 0 ? string.Join(' ', f) : null;
        var why = values.TryGetValue("why", out var w) && w.Count > 0 ? string.Join(' ', w) : null;
        if (why is { Length: > 2000 })
        {
            return (null, $"The description is {why.Length:N0} characters; keep it under 2,000 and link to the full document.");
        }

        return (new ApprovalRequestCommand(title, approvers, quorum, due, kind, maxRejections, onDeadline, program, why), null);
    }

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
}

/// <summary>
/// <c>approval request "Title" approvers @a @b quorum majority due DATE [kind …] [max-rejections N]
/// [on-deadline expire|escalate] [for PROGRAM] [why "…"]</c>: program managers and the PMO only.
/// Approvers may also be an approver group's key (its quorum and maximum rejections then apply
/// unless given). The card goes to the program's linked channels and to each approver's 1:1 chat.
/// </summary>
public sealed class RequestApprovalHandler(
    GovernanceDb db,
    ProgramDirectory directory,
    Governance governance,
    ApprovalBook book,
    Outbox outbox,
    ReaderPolicy readers,
    ILogger<RequestApprovalHandler> logger) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var words = CommandText.Tokenize(context.Arguments);
        var (command, error) = ApprovalRequestCommand.Parse(words);
        if (command is null)
        {
            return [Reply.Text(error!) with { Audience = ReplyAudience.Requester }];
        }

        return await RequestAsync(context, command, null, cancellationToken);
    }

    /// <summary>
    /// Raises a parsed request with every check and delivery a typed one gets. Another feature that
    /// raises requests (a stage gate's review) passes <paramref name="prepare"/>: it sees the new
    /// request before its cards are built, to attach evidence and link it, in the same save.
    /// </summary>
    public async Task<IReadOnlyList<Reply>> RequestAsync(TurnContext context, ApprovalRequestCommand command, Action<ApprovalRequest>? prepare,
        CancellationToken cancellationToken)
    {
        var (program, programError) = await directory.ResolveAsync(context.WorkspaceId, context.Turn.Conversation, command.Program,
            $"{ApprovalRequestCommand.Example} for Phoenix", cancellationToken);
        if (program is null)
        {
            return [Reply.Text(programError!)];
        }

        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program.Id);
        if (!Governance.IsManager(me))
        {
            var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
            return await governance.RefuseAsync(context, program.Id, "approval.request", $"program:{program.Key}", "not a program manager or PMO member",
                $"Only {program.Name}'s program managers or PMO can request approvals ({Governance.Names(managers)}). Ask one of them to raise it.",
                cancellationToken);
        }

        var people = await db.Stakeholders.Where(s => s.ProgramId == program.Id).ToListAsync(cancellationToken);
        var groups = await db.ApproverGroups.AsNoTracking().Where(g => g.ProgramId == program.Id).ToListAsync(cancellationToken);
        var references = new List<string>();
        ApproverGroup? usedGroup = null;
        foreach (var reference in command.Approvers)
        {
            var group = groups.FirstOrDefault(g => string.Equals(g.Key, reference.TrimStart('@'), StringComparison.OrdinalIgnoreCase));
            if (group is null)
            {
                references.Add(reference);
            }
            else
            {
                usedGroup ??= group;
                references.AddRange(group.MemberKeys);
            }
        }

        var (approvers, unknown) = PersonReferences.Resolve(people, references, context.Turn.Mentions);
        if (unknown.Count > 0)
        {
            return [Reply.Text($"I don't know {string.Join(", ", unknown.Select(u => $"\"{u}\""))} in {program.Name}. Name approvers by key, e-mail or full name: {string.Join(", ", people.OrderBy(p => p.Key).Select(p => $"{p.Key} ({p.Name})"))}.")
                with { Audience = ReplyAudience.Requester }];
        }

        // Requesters do not approve their own requests unless the program allows it for this kind.
        var leftOut = string.Empty;
        if (!SelfApproval.Allowed(program, command.Kind) && approvers.Any(a => a.Id == me!.Id))
        {
            var kind = ApprovalText.KindWord(command.Kind);
            if (approvers.Count == 1)
            {
                return await governance.RefuseAsync(context, program.Id, "approval.request", $"program:{program.Key}", "the requester named themself the only approver",
                    $"You can't be the only approver of your own request: in {program.Name}, {kind} requests are approved by people other than the requester. Name who should decide, for example: **approval request \"{command.Title}\" approvers {ExampleApprovers(people, me!)}**.",
                    cancellationToken);
            }

            approvers = approvers.Where(a => a.Id != me!.Id).ToList();
            leftOut = $" (You are not among the approvers: in {program.Name}, requesters don't approve their own {kind} requests.)";
        }

        // The command's rule was read when it was parsed; a group's rule is its own.
        var written = command.Quorum is { } quorumText && Quorum.TryParse(quorumText, out var typed) ? typed : (WrittenQuorum?)null;
        var (rule, count) = written is { } w ? (w.Rule, w.Count) : usedGroup is not null ? (usedGroup.Quorum, usedGroup.QuorumCount) : (QuorumRule.Majority, null);
        var of = written?.Of;
        if (count is { } n && n > approvers.Count)
        {
            return [Reply.Text($"The rule needs {n} approvals but you named {approvers.Count} approvers. Name more approvers or write **quorum \"{approvers.Count} of {approvers.Count}\"**.{leftOut}")];
        }

        if (of is { } total && total != approvers.Count)
        {
            return [Reply.Text($"The rule says {total} approvers but you named {approvers.Count}. Write **quorum \"{count} of {approvers.Count}\"**.{leftOut}")];
        }

        var maxRejections = command.MaxRejections ?? usedGroup?.MaxRejections;
        if (maxRejections is { } max && max > approvers.Count)
        {
            return [Reply.Text($"**max-rejections {max}** can never be reached with {approvers.Count} approvers; use a number up to {approvers.Count}.{leftOut}")];
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var now = book.Now;
        DateTimeOffset? deadline = null;
        if (command.Due is { } due)
        {
            deadline = ApprovalBook.DeadlineOn(due, zone);
            if (deadline <= now)
            {
                return [Reply.Text($"The deadline {due:yyyy-MM-dd} (17:00 {program.Name} time) has already passed. Pick a later date.")];
            }
        }

        var existing = await db.Approvals.AsNoTracking().Where(a => a.ProgramId == program.Id)
            .Select(a => new ApprovalKeys.Existing(a.Key, a.Title, a.Status)).ToListAsync(cancellationToken);
        var (key, keyNote, duplicate) = ApprovalKeys.For(command.Title, command.Kind, existing);
        if (duplicate is not null)
        {
            return [Reply.Text($"**{duplicate.Key.ToUpperInvariant()}** is already open: “{duplicate.Title}” is {ApprovalText.StatusWord(duplicate.Status)}. Vote on it, or withdraw it first with **approval cancel {duplicate.Key}**; if this is another item, give its title its own reference.")
                with { Audience = ReplyAudience.Requester }];
        }

        var request = new ApprovalRequest
        {
            ProgramId = program.Id,
            Key = key,
            Title = command.Title,
            Kind = command.Kind,
            Description = command.Why,
            RequesterId = me!.Id,
            CreatedAt = now,
            Deadline = deadline,
            OnDeadline = command.OnDeadline,
            Quorum = rule,
            QuorumCount = rule == QuorumRule.NOfM ? count : null,
            MaxRejections = maxRejections,
            Status = ApprovalStatus.Pending,
        };
        request.Approvers.AddRange(approvers.Select(a => new ApprovalApprover { RequestId = request.Id, StakeholderId = a.Id }));
        prepare?.Invoke(request);
        db.Approvals.Add(request);
        var snapshot = await book.SnapshotAsync(request, cancellationToken);
        var tally = Quorum.Count(request);
        db.AppendAudit(now, context.WorkspaceId, program.Id, me.Key, context.Turn.Channel, "approval.requested", $"approval:{request.Key}", null,
            $"{request.Title}; approvers {string.Join(", ", approvers.Select(a => a.Key))}; {Quorum.Describe(request, tally)} deadline {(deadline is { } dl ? dl.ToString("u", CultureInfo.InvariantCulture) : "none")}; on deadline {request.OnDeadline.ToString().ToLowerInvariant()}");

        var refresh = ApprovalBook.RefreshFor(snapshot);
        var posted = await outbox.ToProgramChannelsAsync(db, program, ApprovalCardFactory.Request(snapshot, null, refresh, now),
            $"approval:{request.Id}:posted", ApprovalSubjects.Channel(request.Id), cancellationToken: cancellationToken);
        var recipients = approvers.Concat(approvers.Select(a => snapshot.DelegateOf(a.Id)).OfType<Stakeholder>()).DistinctBy(p => p.Id).ToList();
        var unreachable = await Outbox.KnownUnreachableAsync(db, context.WorkspaceId, recipients.Select(p => (p.Name, p.Email)), cancellationToken);
        var notice = me.Email is null ? null : new FailureNotice(me.Email, me.Name, $"the approval request {request.Key} (\"{request.Title}\")");
        foreach (var person in recipients.Where(p => p.Email is not null && !Unreachable.Includes(unreachable, p.Email)))
        {
            await outbox.ToPersonAsync(db, context.WorkspaceId, person.Email!, person.Name, ApprovalCardFactory.Request(snapshot, person, refresh, now),
                $"approval:{request.Id}:dm:{person.Key}", ApprovalSubjects.Direct(request.Id, person.Key), notice: notice, cancellationToken: cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        Log.ApprovalRequested(logger, request.Id, program.Id, approvers.Count);

        // In a channel the program is linked to, the channel copy posted above is the card there: a
        // second one in reply would be a copy nobody updates. Elsewhere the reply's card is recorded
        // under the request's subject, so every vote updates it too.
        var conversation = context.Turn.Conversation;
        var linkedHere = posted && (await readers.ReaderAsync(context, cancellationToken)).ProgramsHere.Contains(program.Id);
        var each = unreachable.Count > 0 ? "each approver I can reach" : "each approver";
        var where = linkedHere
            ? $"I've posted it here and sent it to {each}."
            : posted
                ? $"I've posted it to {program.Name}'s channel and sent it to {each}."
                : $"I've sent it to {each}. {program.Name} isn't linked to a channel yet: type **link {program.Name}** in the team's channel to post approvals there.";
        // Those the bot already knows it cannot reach are named now; anyone who turns out unreachable when sent to is reported then.
        var missing = unreachable.Count > 0
            ? $" I could not reach {Outbox.Describe(unreachable)}{(posted ? ", so they must vote from the channel card" : string.Empty)}. {Outbox.ReachAdvice}"
            : " If I can't reach someone, I'll tell you who and why.";
        var text = Reply.Text($"Requested **{request.Title}** ({request.Key}) from {string.Join(", ", approvers.Select(a => a.Name))}. {Quorum.Describe(request, tally)} {where}{missing}{leftOut}{keyNote}");
        if (linkedHere || (conversation.Kind == ConversationKind.Personal && recipients.Any(r => r.Id == me.Id && r.Email is not null)))
        {
            // A requester who also approves gets their copy, with buttons, in this chat through the outbox.
            return [text];
        }

        var card = conversation.Kind == ConversationKind.Personal
            ? ApprovalCardFactory.Request(snapshot, me, refresh, now) with { Subject = ApprovalSubjects.Direct(request.Id, me.Key) }
            : ApprovalCardFactory.Request(snapshot, null, refresh, now) with { Subject = ApprovalSubjects.Channel(request.Id) };
        return [text, card];
    }

    /// <summary>Up to two of the program's approvers other than the requester, as an example to copy.</summary>
    private static string ExampleApprovers(IReadOnlyList<Stakeholder> people, Stakeholder requester)
    {
        var others = people.Where(p => p.Id != requester.Id).OrderByDescending(p => p.HasRole(StakeholderRoles.Approver)).ThenBy(p => p.Key, StringComparer.Ordinal).Take(2).ToList();
        return others.Count == 0 ? "@someone-else" : string.Join(' ', others.Select(p => "@" + p.Key));
    }
}
