using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using GovernanceBot.Conversation;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Scheduling;

/// <summary>What an outbox row asks the dispatcher to do.</summary>
public enum OutboundKind
{
    /// <summary>Post into a known conversation (a program channel, a 1:1 already open).</summary>
    Conversation,
    /// <summary>Send to a person's 1:1 chat, found from their e-mail at send time.</summary>
    Person,
    /// <summary>Replace every card posted under a subject, for everyone who sees it.</summary>
    UpdateCards,
    /// <summary>Answer a turn, back where it came from (<see cref="ReplyRoute"/>): in its thread, privately to the speaker, or over the card acted on.</summary>
    Reply,
    /// <summary>Publish a person's home tab (Slack App Home): <see cref="OutboundPayload.Conversation"/> names the person, the content's data is the home.</summary>
    Home,
}

/// <summary>The serialised payload of an outbox row. Its shape is stored: add fields, never rename.</summary>
public sealed record OutboundPayload(
    OutboundKind Kind,
    OutboundContent Content,
    ConversationRef? Conversation = null,
    string? Email = null,
    string? Name = null,
    string? Subject = null,
    ReplyRoute? Route = null,
    bool ReplacesSourceCard = false,
    ReplyAudience Audience = ReplyAudience.Conversation,
    FailureNotice? Notice = null);

/// <summary>
/// Who to tell when a message to a person cannot be delivered (they cannot be reached): the person
/// who caused it (by e-mail, in their 1:1), and what it was, in words ("the approval request gate-4").
/// </summary>
public sealed record FailureNotice(string Email, string Name, string What);

/// <summary>Why a person cannot be reached, as far as the store already knows (before anything is sent).</summary>
/// <param name="Email">Who it is (null: no e-mail to find them by). Names are for people to read: two people can share one.</param>
public sealed record Unreachable(string Name, string Reason, string? Email = null)
{
    /// <summary>Whether the person with <paramref name="email"/> is among <paramref name="unreachable"/>.</summary>
    public static bool Includes(IEnumerable<Unreachable> unreachable, string? email) =>
        email is not null && unreachable.Any(u => string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// A reply as stored in the outbox: text, a card template with its data, or a file (what to make,
/// for whom: <see cref="File"/>, with its comment as text and its title as summary). A file's bytes
/// are not stored: the channel has them made when it hands the file over.
/// </summary>
public sealed record OutboundContent(string? Text, string? Template, JsonObject? Data, string? Summary, IReadOnlyList<MentionedPerson>? Mentions = null, FileRequest? File = null)
{
    public static OutboundContent From(Reply reply) => reply switch
    {
        TextReply text => new OutboundContent(text.Body, null, null, null),
        CardReply card => new OutboundContent(null, card.Template, card.Data, card.Summary, card.Mentions),
        FileReply file => new OutboundContent(file.Comment, null, null, file.Title, File: file.File),
        _ => throw new ArgumentException($"Unsupported reply {reply.GetType().Name}", nameof(reply)),
    };

    public Reply ToReply() => File is not null
        ? new FileReply(File, Summary ?? File.FileName, Text ?? string.Empty) { Audience = ReplyAudience.Requester }
        : Template is null
            ? new TextReply(Text ?? string.Empty)
            : new CardReply(Template, Data ?? [], Summary ?? string.Empty) { Mentions = Mentions };
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OutboundPayload))]
internal sealed partial class OutboxJson : JsonSerializerContext;

/// <summary>
/// Queues what the bot sends on its own. Rows are added to the caller's unit of work, so a
/// message is queued if and only if the state change that caused it commits. The idempotency key
/// makes queuing the same message twice (a retried job, a second instance) a no-op.
/// </summary>
public sealed class Outbox(TimeProvider time)
{
    /// <summary>Posts into a conversation, e.g. a program's channel.</summary>
    public Task<bool> ToConversationAsync(GovernanceDb db, Guid workspaceId, ConversationRef conversation, Reply reply, string idempotencyKey,
        string? subject = null, DateTimeOffset? notBefore = null, CancellationToken cancellationToken = default) =>
        AddAsync(db, workspaceId, conversation.Channel, $"{conversation.Channel}:{conversation.ConversationId}",
            new OutboundPayload(OutboundKind.Conversation, OutboundContent.From(reply), Conversation: conversation, Subject: subject),
            idempotencyKey, subject, notBefore, cancellationToken);

    /// <summary>
    /// Sends to a person's 1:1 chat; the dispatcher finds their chat account by e-mail. With a
    /// <paramref name="notice"/>, the person it names is told if this one cannot be reached.
    /// </summary>
    public Task<bool> ToPersonAsync(GovernanceDb db, Guid workspaceId, string email, string name, Reply reply, string idempotencyKey,
        string? subject = null, DateTimeOffset? notBefore = null, FailureNotice? notice = null, CancellationToken cancellationToken = default) =>
        AddAsync(db, workspaceId, "person", $"person:{email.ToLowerInvariant()}",
            new OutboundPayload(OutboundKind.Person, OutboundContent.From(reply), Email: email.ToLowerInvariant(), Name: name, Subject: subject, Notice: notice),
            idempotencyKey, subject, notBefore, cancellationToken);

    /// <summary>
    /// The people among <paramref name="people"/> the bot already knows it cannot reach: no e-mail to
    /// find them by, or every chat account with their e-mail blocked the bot or removed it. Others may
    /// still fail when sent to; a <see cref="FailureNotice"/> reports those.
    /// </summary>
    public static async Task<List<Unreachable>> KnownUnreachableAsync(GovernanceDb db, Guid workspaceId, IEnumerable<(string Name, string? Email)> people,
        CancellationToken cancellationToken)
    {
        var list = people.ToList();
        var emails = list.Where(p => p.Email is not null).Select(p => p.Email!.ToLowerInvariant()).Distinct().ToList();
        var accounts = await db.ChatUsers.AsNoTracking()
            .Where(u => u.WorkspaceId == workspaceId && u.Email != null && emails.Contains(u.Email))
            .Select(u => new { u.Email, u.UnreachableReason })
            .ToListAsync(cancellationToken);
        var result = new List<Unreachable>();
        foreach (var (name, email) in list)
        {
            if (email is null)
            {
                result.Add(new Unreachable(name, "no e-mail address in the governance file, so no chat account can be linked to them"));
                continue;
            }

            var theirs = accounts.Where(a => string.Equals(a.Email, email, StringComparison.OrdinalIgnoreCase)).ToList();
            if (theirs.Count > 0 && theirs.All(a => a.UnreachableReason is not null))
            {
                result.Add(new Unreachable(name, theirs[0].UnreachableReason!, email));
            }
        }

        return result;
    }

    /// <summary>"Lee Gu (reason); Isaiah Langer (reason)".</summary>
    public static string Describe(IEnumerable<Unreachable> people) => string.Join("; ", people.Select(p => $"{p.Name} ({p.Reason})"));

    /// <summary>What to tell a program manager to do about someone the bot cannot reach.</summary>
    public const string ReachAdvice =
        "Ask them to add GovernanceBot in Teams (Apps → search \"GovernanceBot\" → Add) or to message it once in Slack, or add GovernanceBot to a team they are in.";

    /// <summary>Posts into every conversation a program is linked to (see <c>link</c>); false when it is linked nowhere.</summary>
    public async Task<bool> ToProgramChannelsAsync(GovernanceDb db, GovernanceProgram program, Reply reply, string idempotencyKey,
        string? subject = null, DateTimeOffset? notBefore = null, CancellationToken cancellationToken = default)
    {
        var bindings = await db.ProgramChannels.Where(c => c.ProgramId == program.Id).ToListAsync(cancellationToken);
        foreach (var binding in bindings)
        {
            var conversation = JsonSerializer.Deserialize(binding.ConversationJson, ConversationJson.Default.ConversationRef)!;
            await ToConversationAsync(db, program.WorkspaceId, conversation, reply, $"{idempotencyKey}:{binding.Channel}", subject, notBefore, cancellationToken);
        }

        return bindings.Count > 0;
    }

    /// <summary>
    /// A turn's reply, sent back along its route. Keyed by the inbox item and the reply's position,
    /// so a turn run again after a crash queues nothing new.
    /// </summary>
    public Task<bool> ReplyAsync(GovernanceDb db, Guid workspaceId, ReplyRoute route, Reply reply, string idempotencyKey, CancellationToken cancellationToken = default) =>
        AddAsync(db, workspaceId, route.Conversation.Channel, $"{route.Conversation.Channel}:{route.Conversation.ConversationId}",
            new OutboundPayload(OutboundKind.Reply, OutboundContent.From(reply), Conversation: route.Conversation, Subject: reply.Subject,
                Route: route, ReplacesSourceCard: reply.ReplacesSourceCard, Audience: reply.Audience),
            idempotencyKey, reply.Subject, null, cancellationToken);

    /// <summary>Replaces every card posted under <paramref name="subject"/> (in channels and DMs) with a new version.</summary>
    public Task<bool> UpdateCardsAsync(GovernanceDb db, Guid workspaceId, string subject, Reply reply, string idempotencyKey, CancellationToken cancellationToken = default) =>
        AddAsync(db, workspaceId, "update", $"update:{subject}",
            new OutboundPayload(OutboundKind.UpdateCards, OutboundContent.From(reply), Subject: subject),
            idempotencyKey, subject, null, cancellationToken);

    /// <summary>
    /// Publishes a person's home tab (<paramref name="person"/>: the channel, the workspace and the
    /// person's own id as the conversation). Each version has its own key, so a later change is
    /// queued again while a repeat of one version is not.
    /// </summary>
    public Task<bool> HomeAsync(GovernanceDb db, Guid workspaceId, ConversationRef person, JsonObject home, string idempotencyKey, CancellationToken cancellationToken = default) =>
        AddAsync(db, workspaceId, person.Channel, $"home:{person.Channel}:{person.ConversationId}",
            new OutboundPayload(OutboundKind.Home, new OutboundContent(null, "home", home, "Home"), Conversation: person),
            idempotencyKey, null, null, cancellationToken);

    private async Task<bool> AddAsync(GovernanceDb db, Guid workspaceId, string channel, string destination, OutboundPayload payload,
        string idempotencyKey, string? subject, DateTimeOffset? notBefore, CancellationToken cancellationToken)
    {
        if (db.Outbox.Local.Any(o => o.IdempotencyKey == idempotencyKey)
            || await db.Outbox.AnyAsync(o => o.IdempotencyKey == idempotencyKey, cancellationToken))
        {
            return false;
        }

        var now = time.GetUtcNow();
        db.Outbox.Add(new OutboxMessage
        {
            WorkspaceId = workspaceId,
            Channel = channel,
            Destination = destination,
            PayloadJson = JsonSerializer.Serialize(payload, OutboxJson.Default.OutboundPayload),
            IdempotencyKey = idempotencyKey,
            Subject = subject,
            Status = OutboxStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = notBefore ?? now,
        });
        return true;
    }
}
