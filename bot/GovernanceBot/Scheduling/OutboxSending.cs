using System.Text.Json;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Scheduling;

/// <summary>
/// The outbox's sending: one row's payload to its platform — into a conversation, to a person (found
/// by e-mail among the chat users the store knows, their 1:1 opened if need be), along a turn's
/// route, as updates of every posted copy of a card, or a home tab — each send paced by
/// <see cref="OutboxPacing"/>. A send that died mid-way is settled first by asking the platform, and
/// a card posted under a subject is recorded so later changes update it.
/// </summary>
internal sealed class OutboxSending(
    IEnumerable<IChannelSender> senders,
    IEnumerable<IHomeSender> homeSenders,
    OutboxPacing pacing,
    TimeProvider time,
    BotMetrics metrics,
    ILogger logger) : IDisposable
{
    private readonly Dictionary<string, IChannelSender> byChannel = senders.ToDictionary(s => s.Channel, StringComparer.OrdinalIgnoreCase);

    /// <summary>Sends the row's payload; changes to chat users and recorded cards are left in <paramref name="db"/> for the outcome's commit.</summary>
    public async Task<SendResult> SendAsync(GovernanceDb db, OutboxAttempt attempt, OutboundPayload payload, CancellationToken cancellationToken) => payload.Kind switch
    {
        OutboundKind.Conversation when payload.Conversation is { } conversation => await SendToConversationAsync(db, attempt, conversation, payload, cancellationToken),
        OutboundKind.Conversation => SendResult.Permanent("unreadable payload: no conversation to post into"),
        OutboundKind.Person => await SendToPersonAsync(db, attempt, payload, cancellationToken),
        OutboundKind.Reply when payload.Route is { } route => await SendReplyAsync(db, attempt, route, payload, cancellationToken),
        OutboundKind.Reply => SendResult.Permanent("unreadable payload: no route to reply along"),
        OutboundKind.Home when payload.Conversation is { } person && payload.Content.Data is { } home => await PublishHomeAsync(attempt, person, home, cancellationToken),
        OutboundKind.Home => SendResult.Permanent("unreadable payload: no person or no home to publish"),
        _ => await UpdateCardsAsync(db, attempt, payload, cancellationToken),
    };

    /// <summary>
    /// A home tab, paced under its own name (<c>slack.home</c>): views.publish has its own rate limit
    /// (Tier 4), apart from chat.postMessage's. Publishing is idempotent: a retry or a re-send after a
    /// crash shows the same view.
    /// </summary>
    private async Task<SendResult> PublishHomeAsync(OutboxAttempt attempt, ConversationRef person, System.Text.Json.Nodes.JsonObject home, CancellationToken cancellationToken)
    {
        if (homeSenders.FirstOrDefault(s => string.Equals(s.Channel, person.Channel, StringComparison.OrdinalIgnoreCase)) is not { } sender)
        {
            return SendResult.Permanent($"{person.Channel} has no home tab to publish");
        }

        return await pacing.PacedAsync(attempt, $"{person.Channel}.home", person.ConversationId, ct => sender.PublishHomeAsync(person, home, ct), cancellationToken);
    }

    private Task<SendResult> SendToConversationAsync(GovernanceDb db, OutboxAttempt attempt, ConversationRef conversation, OutboundPayload payload, CancellationToken cancellationToken) =>
        SendIntoAsync(db, attempt, conversation, payload, (sender, ct) => sender.SendAsync(conversation, payload.Content.ToReply(), ct), cancellationToken);

    private Task<SendResult> SendReplyAsync(GovernanceDb db, OutboxAttempt attempt, ReplyRoute route, OutboundPayload payload, CancellationToken cancellationToken)
    {
        var reply = payload.Content.ToReply() with { Audience = payload.Audience, ReplacesSourceCard = payload.ReplacesSourceCard, Subject = payload.Subject };
        return SendIntoAsync(db, attempt, route.Conversation, payload, (sender, ct) => sender.ReplyAsync(route, reply, ct), cancellationToken);
    }

    /// <summary>A send into one conversation: settled first if an earlier attempt died mid-send, paced, and recorded under its subject.</summary>
    private async Task<SendResult> SendIntoAsync(GovernanceDb db, OutboxAttempt attempt, ConversationRef conversation, OutboundPayload payload,
        Func<IChannelSender, CancellationToken, Task<SendResult>> send, CancellationToken cancellationToken)
    {
        var row = attempt.Row;
        if (!byChannel.TryGetValue(conversation.Channel, out var sender))
        {
            return SendResult.Permanent($"{conversation.Channel} is not configured");
        }

        var result = attempt.InDoubtSince is { } since ? await SettleInDoubtAsync(attempt, sender, conversation, since, cancellationToken) : null;
        if (result is null)
        {
            result = await pacing.PacedAsync(attempt, conversation.Channel, conversation.ConversationId, ct => send(sender, ct), cancellationToken);
        }

        if (result.Succeeded && payload.Subject is { } subject && !payload.ReplacesSourceCard && result.MessageId is { } messageId)
        {
            db.CardMessages.Add(new CardMessage
            {
                WorkspaceId = row.WorkspaceId,
                Subject = subject,
                Channel = conversation.Channel,
                ConversationJson = JsonSerializer.Serialize(conversation, ConversationJson.Default.ConversationRef),
                ConversationId = conversation.ConversationId,
                MessageId = messageId,
                PostedAt = time.GetUtcNow(),
            });
            await CatchUpAsync(db, row, sender, conversation, subject, messageId, CancellationToken.None);
        }

        return result;
    }

    /// <summary>
    /// An earlier attempt died mid-send: asks the platform whether its message arrived. Returns the
    /// outcome to record (found, or asking failed for now), or null to send now.
    /// </summary>
    private async Task<SendResult?> SettleInDoubtAsync(OutboxAttempt attempt, IChannelSender sender, ConversationRef conversation, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var lookup = await sender.FindSentAsync(conversation, attempt.Row.IdempotencyKey, since, cancellationToken);
        var (outcome, said, result) = lookup.Outcome switch
        {
            SentLookupOutcome.Found => ("found", "it arrived; recorded as sent, not sent again", SendResult.Sent(lookup.MessageId)),
            SentLookupOutcome.NotFound => ("not_found", "it never arrived; sending it now", null),
            SentLookupOutcome.Unknowable => ("unknowable", $"{conversation.Channel} cannot say whether it arrived; sending it again", null),
            _ => ("lookup_failed", $"could not ask {conversation.Channel} ({lookup.Failure?.Reason}); asking again later",
                lookup.Failure ?? SendResult.Transient("the platform could not be asked whether the message arrived")),
        };
        metrics.InDoubtSettled(outcome);
        Log.OutboxInDoubt(logger, attempt.Row.Id, attempt.Row.Destination, said);
        // Not asked yet: the row stays in doubt for the next attempt.
        attempt.DoubtAfterwards = lookup.Outcome == SentLookupOutcome.Failed ? since : null;
        return result;
    }

    private async Task<SendResult> SendToPersonAsync(GovernanceDb db, OutboxAttempt attempt, OutboundPayload payload, CancellationToken cancellationToken)
    {
        var row = attempt.Row;
        var email = payload.Email ?? string.Empty;
        if (email.Length == 0)
        {
            return SendResult.Permanent($"{payload.Name} has no e-mail address in the governance file, so no chat account can be linked to them");
        }

        var users = await db.ChatUsers
            .Where(u => u.WorkspaceId == row.WorkspaceId && u.Email == email)
            .OrderByDescending(u => u.LastSeenAt)
            .ToListAsync(cancellationToken);
        var user = users.FirstOrDefault(u => byChannel.ContainsKey(u.Channel) && u.UnreachableReason is null);
        if (user is null)
        {
            if (users.FirstOrDefault(u => u.UnreachableReason is not null) is { } blocked)
            {
                return SendResult.Permanent($"{payload.Name} is unreachable: {blocked.UnreachableReason}");
            }

            return await OpenByEmailAsync(db, attempt, payload, cancellationToken);
        }

        var conversation = user.DirectConversationJson is { } json
            ? JsonSerializer.Deserialize(json, ConversationJson.Default.ConversationRef)
            : null;
        if (conversation is null)
        {
            var identity = await db.WorkspaceIdentities.FirstOrDefaultAsync(i => i.WorkspaceId == row.WorkspaceId && i.Channel == user.Channel, cancellationToken);
            var (opened, failure) = await byChannel[user.Channel].OpenDirectAsync(
                identity?.ExternalId ?? string.Empty, new ChatUserRef(user.ExternalUserId, user.Name, user.Email, user.AadObjectId), cancellationToken);
            if (opened is null)
            {
                return Unreachable(user, failure);
            }

            conversation = opened;
            user.DirectConversationJson = JsonSerializer.Serialize(opened, ConversationJson.Default.ConversationRef);
        }

        var result = await SendToConversationAsync(db, attempt, conversation, payload, cancellationToken);
        return result.Failure == SendFailureKind.Permanent ? Unreachable(user, result) : result;

        SendResult Unreachable(ChatUser who, SendResult? failure)
        {
            var outcome = failure ?? SendResult.Permanent("no 1:1 chat could be opened");
            if (outcome.Failure == SendFailureKind.Permanent)
            {
                who.UnreachableReason = outcome.Reason;
                who.UnreachableSince = time.GetUtcNow();
            }

            return outcome;
        }
    }

    /// <summary>
    /// A card posted late (after a retry) may have missed an update of its subject that was already
    /// sent to the other copies: apply the latest such update to it at once, so no copy stays stale.
    /// </summary>
    private static async Task CatchUpAsync(GovernanceDb db, OutboxMessage row, IChannelSender sender, ConversationRef conversation,
        string subject, string messageId, CancellationToken cancellationToken)
    {
        var update = await db.Outbox.AsNoTracking()
            .Where(o => o.WorkspaceId == row.WorkspaceId && o.Subject == subject && o.Channel == "update"
                && o.Status == OutboxStatus.Sent && o.CreatedAt >= row.CreatedAt && o.Id != row.Id)
            .OrderByDescending(o => o.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (update is not null && JsonSerializer.Deserialize(update.PayloadJson, OutboxJson.Default.OutboundPayload) is { } latest)
        {
            await sender.UpdateAsync(conversation, messageId, latest.Content.ToReply(), cancellationToken);
        }
    }

    /// <summary>Someone who never talked to the bot: platforms that can find people by e-mail (Slack) may still reach them.</summary>
    private async Task<SendResult> OpenByEmailAsync(GovernanceDb db, OutboxAttempt attempt, OutboundPayload payload, CancellationToken cancellationToken)
    {
        var identities = await db.WorkspaceIdentities.Where(i => i.WorkspaceId == attempt.Row.WorkspaceId).ToListAsync(cancellationToken);
        SendResult? last = null;
        foreach (var identity in identities.Where(i => byChannel.ContainsKey(i.Channel)))
        {
            var (opened, failure) = await byChannel[identity.Channel].OpenDirectAsync(identity.ExternalId, new ChatUserRef(string.Empty, payload.Name, payload.Email), cancellationToken);
            if (opened is not null)
            {
                return await SendToConversationAsync(db, attempt, opened, payload, cancellationToken);
            }

            last = failure;
            if (failure?.Failure == SendFailureKind.Transient)
            {
                return failure;
            }
        }

        return SendResult.Permanent(last?.Reason is { } reason
            ? reason.StartsWith(payload.Name ?? "\0", StringComparison.Ordinal) ? reason : $"{payload.Name} ({payload.Email}) could not be reached: {reason}"
            : $"{payload.Name} ({payload.Email}) has not talked to GovernanceBot in Teams or Slack yet, so no 1:1 chat can be opened");
    }

    private async Task<SendResult> UpdateCardsAsync(GovernanceDb db, OutboxAttempt attempt, OutboundPayload payload, CancellationToken cancellationToken)
    {
        var row = attempt.Row;
        var posted = await db.CardMessages.AsNoTracking()
            .Where(c => c.WorkspaceId == row.WorkspaceId && c.Subject == payload.Subject)
            .ToListAsync(cancellationToken);
        var reply = payload.Content.ToReply();
        foreach (var card in posted)
        {
            if (!byChannel.TryGetValue(card.Channel, out var sender))
            {
                continue;
            }

            var conversation = JsonSerializer.Deserialize(card.ConversationJson, ConversationJson.Default.ConversationRef)!;
            var result = await pacing.PacedAsync(attempt, card.Channel, conversation.ConversationId,
                ct => sender.UpdateAsync(conversation, card.MessageId, reply, ct), cancellationToken);
            if (result.Failure == SendFailureKind.Transient)
            {
                // Updates are idempotent: the retry redoes them all.
                return result;
            }
        }

        return SendResult.Sent(null);
    }

    public void Dispose() => pacing.Dispose();
}
