using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Channels.Teams;

/// <summary>
/// Sends into Teams on the bot's own initiative (<see cref="IChannelSender"/>): new messages, card
/// updates, proactive 1:1s and new channel threads. A 403 <c>MessageWritesBlocked</c> is permanent
/// and marks the user unreachable, so the outbox stops trying.
/// </summary>
public sealed class TeamsSender(
    BotConnectorClient connector,
    TeamsMessageFactory messages,
    TeamsRoster roster,
    IGovernanceDbFactory dbs,
    IOptions<TeamsOptions> options,
    TimeProvider time) : IChannelSender
{
    public string Channel => ChannelNames.Teams;

    public async Task<SendResult> SendAsync(ConversationRef conversation, Reply reply, CancellationToken cancellationToken)
    {
        var activity = await messages.CreateAsync(reply, conversation.WorkspaceExternalId, cancellationToken);
        var serviceUrl = ServiceUrlOf(conversation);
        var response = conversation.ThreadId is { Length: > 0 } thread
            ? await connector.ReplyAsync(serviceUrl, conversation.ConversationId, thread, activity, cancellationToken)
            : await connector.SendAsync(serviceUrl, conversation.ConversationId, activity, cancellationToken);
        return await ResultAsync(conversation, response, cancellationToken);
    }

    /// <summary>
    /// The Bot Connector has no message history for bots and no idempotency key on a send, so
    /// Teams cannot say whether a send cut short by a crash arrived: the outbox sends it again.
    /// </summary>
    public Task<SentLookup> FindSentAsync(ConversationRef conversation, string key, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult(SentLookup.Unknowable);

    /// <summary>Shows "typing…" in the conversation while a slow answer (a question) is prepared.</summary>
    public async Task SendTypingAsync(ConversationRef conversation, CancellationToken cancellationToken)
    {
        var typing = new Activity { Type = "typing", ChannelId = ChannelNames.Teams };
        await connector.SendAsync(ServiceUrlOf(conversation), conversation.ConversationId, typing, cancellationToken);
    }

    /// <summary>A turn's reply (<see cref="IChannelSender.ReplyAsync"/>): over the card acted on, in the speaker's 1:1, or in the same reply chain.</summary>
    public async Task<SendResult> ReplyAsync(ReplyRoute route, Reply reply, CancellationToken cancellationToken)
    {
        var conversation = route.Conversation;
        if (reply.ReplacesSourceCard && route.SourceMessageId is { } source)
        {
            return await UpdateAsync(conversation, source, reply, cancellationToken);
        }

        if (reply.Audience == ReplyAudience.Requester && conversation.Kind != ConversationKind.Personal)
        {
            var (direct, failure) = await OpenDirectAsync(conversation.WorkspaceExternalId, route.User, cancellationToken);
            return direct is null ? failure ?? SendResult.Permanent("no 1:1 with the person who asked") : await SendAsync(direct, reply, cancellationToken);
        }

        return route.ReplyToId is { } activityId
            ? await ReplyAsync(conversation, activityId, reply, cancellationToken)
            : await SendAsync(conversation, reply, cancellationToken);
    }

    public async Task<SendResult> ReplyAsync(ConversationRef conversation, string activityId, Reply reply, CancellationToken cancellationToken)
    {
        var activity = await messages.CreateAsync(reply, conversation.WorkspaceExternalId, cancellationToken);
        var response = await connector.ReplyAsync(ServiceUrlOf(conversation), conversation.ConversationId, activityId, activity with { ReplyToId = activityId }, cancellationToken);
        return await ResultAsync(conversation, response, cancellationToken);
    }

    public async Task<SendResult> UpdateAsync(ConversationRef conversation, string messageId, Reply reply, CancellationToken cancellationToken) =>
        await UpdateAsync(conversation, messageId, await messages.CreateAsync(reply, conversation.WorkspaceExternalId, cancellationToken), cancellationToken);

    /// <summary>Replaces a message of the bot's with an activity already made (a card already rendered for the invoke answer).</summary>
    public async Task<SendResult> UpdateAsync(ConversationRef conversation, string messageId, Activity activity, CancellationToken cancellationToken)
    {
        var response = await connector.UpdateAsync(ServiceUrlOf(conversation), conversation.ConversationId, messageId, activity, cancellationToken);
        var result = await ResultAsync(conversation, response, cancellationToken);
        return result.Succeeded ? SendResult.Sent(response.Value?.Id ?? messageId) : result;
    }

    /// <summary>Deletes a message of the bot's.</summary>
    public async Task<SendResult> DeleteAsync(ConversationRef conversation, string messageId, CancellationToken cancellationToken)
    {
        var response = await connector.DeleteAsync(ServiceUrlOf(conversation), conversation.ConversationId, messageId, cancellationToken);
        return await ResultAsync(conversation, response, cancellationToken);
    }

    /// <summary>Starts a new thread in a Teams channel; the result's message id is the thread's root.</summary>
    public async Task<SendResult> StartThreadAsync(ConversationRef channel, Reply reply, CancellationToken cancellationToken)
    {
        var activity = await messages.CreateAsync(reply, channel.WorkspaceExternalId, cancellationToken);
        // A channel's conversation id may carry a message suffix (";messageid=…"): the channel is what precedes it.
        var channelId = channel.ConversationId.Split(';', 2)[0];
        var response = await connector.CreateConversationAsync(ServiceUrlOf(channel), new ConversationParameters
        {
            IsGroup = true,
            Bot = BotAccount(channel.BotId),
            TenantId = channel.WorkspaceExternalId,
            ChannelData = new JsonObject { ["channel"] = new JsonObject { ["id"] = channelId } },
            Activity = activity,
        }, cancellationToken);
        return response.ToSendResult(r => r?.ActivityId ?? r?.Id);
    }

    public async Task<(ConversationRef? Conversation, SendResult? Failure)> OpenDirectAsync(string workspaceExternalId, ChatUserRef user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(user.Id))
        {
            // Teams cannot look people up by e-mail through the connector: a 1:1 needs their Teams id,
            // learnt when they talk to the bot, install it, or appear in the roster of a team or chat it is in.
            var member = string.IsNullOrWhiteSpace(user.Email) ? null : await roster.FindByEmailAsync(workspaceExternalId, user.Email, cancellationToken);
            if (member is null)
            {
                return (null, SendResult.Permanent(
                    $"{user.Name ?? user.Email} is not in any team or chat GovernanceBot is in, and has not installed it in Teams, so no 1:1 chat can be opened"));
            }

            user = member;
        }

        await using var db = dbs.Create();
        var known = await TeamsUsersOf(db, workspaceExternalId).FirstOrDefaultAsync(u => u.ExternalUserId == user.Id, cancellationToken);
        if (known?.DirectConversationJson is { } json
            && JsonSerializer.Deserialize(json, ConversationJson.Default.ConversationRef) is { } direct)
        {
            return (direct, null);
        }

        if (known?.UnreachableReason is { } reason)
        {
            return (null, SendResult.Permanent(reason));
        }

        var (serviceUrl, botId) = await KnownEndpointAsync(db, workspaceExternalId, cancellationToken);
        var response = await connector.CreateConversationAsync(serviceUrl, new ConversationParameters
        {
            IsGroup = false,
            Bot = BotAccount(botId),
            Members = [new ChannelAccount { Id = user.Id }],
            TenantId = workspaceExternalId,
            ChannelData = new JsonObject { ["tenant"] = new JsonObject { ["id"] = workspaceExternalId } },
        }, cancellationToken);
        if (!response.Succeeded || string.IsNullOrEmpty(response.Value?.Id))
        {
            var failure = response.ToSendResult(_ => null);
            if (response.ErrorCode == BotConnectorClient.MessageWritesBlocked || (failure.Failure == SendFailureKind.Permanent && known is not null))
            {
                await MarkUnreachableAsync(db, workspaceExternalId, [user.Id], failure.Reason ?? "cannot open a 1:1", cancellationToken);
            }

            return (null, failure.Succeeded ? SendResult.Permanent("The connector created no conversation.") : failure);
        }

        var conversation = new ConversationRef(ChannelNames.Teams, workspaceExternalId, response.Value.Id, ConversationKind.Personal,
            response.Value.ServiceUrl ?? serviceUrl, botId);
        if (known is not null)
        {
            known.DirectConversationJson = JsonSerializer.Serialize(conversation, ConversationJson.Default.ConversationRef);
            await db.SaveChangesAsync(cancellationToken);
        }

        return (conversation, null);
    }

    private async Task<SendResult> ResultAsync<T>(ConversationRef conversation, ConnectorResponse<T> response, CancellationToken cancellationToken)
    {
        var result = response.ToSendResult(v => (v as ResourceResponse)?.Id);
        if (response.ErrorCode == BotConnectorClient.MessageWritesBlocked)
        {
            await using var db = dbs.Create();
            var blocked = (await DirectUsersOfAsync(db, conversation, cancellationToken)).Select(u => u.ExternalUserId).ToList();
            await MarkUnreachableAsync(db, conversation.WorkspaceExternalId, blocked, result.Reason ?? BotConnectorClient.MessageWritesBlocked, cancellationToken);
            return SendResult.Permanent(result.Reason ?? BotConnectorClient.MessageWritesBlocked);
        }

        return result;
    }

    private async Task MarkUnreachableAsync(GovernanceDb db, string tenantId, List<string> userIds, string reason, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        await TeamsUsersOf(db, tenantId)
            .Where(u => userIds.Contains(u.ExternalUserId))
            .ExecuteUpdateAsync(s => s
                .SetProperty(u => u.UnreachableReason, reason)
                .SetProperty(u => u.UnreachableSince, now), cancellationToken);
    }

    internal static IQueryable<Store.Entities.ChatUser> TeamsUsersOf(GovernanceDb db, string tenantId) =>
        db.ChatUsers.Where(u => u.Channel == ChannelNames.Teams
            && db.WorkspaceIdentities.Any(i => i.WorkspaceId == u.WorkspaceId && i.Channel == ChannelNames.Teams && i.ExternalId == tenantId));

    /// <summary>The Teams users (tracked) whose remembered 1:1 with the bot is this conversation.</summary>
    internal static async Task<List<Store.Entities.ChatUser>> DirectUsersOfAsync(GovernanceDb db, ConversationRef conversation, CancellationToken cancellationToken)
    {
        // The JSON is matched roughly in the store, then exactly on the parsed reference.
        var candidates = await TeamsUsersOf(db, conversation.WorkspaceExternalId)
            .Where(u => u.DirectConversationJson != null && u.DirectConversationJson.Contains(conversation.ConversationId))
            .ToListAsync(cancellationToken);
        return candidates
            .Where(u => JsonSerializer.Deserialize(u.DirectConversationJson!, ConversationJson.Default.ConversationRef)?.ConversationId == conversation.ConversationId)
            .ToList();
    }

    /// <summary>The serviceUrl and bot id last seen in this tenant; the defaults when the bot has seen none.</summary>
    private async Task<(string ServiceUrl, string? BotId)> KnownEndpointAsync(GovernanceDb db, string tenantId, CancellationToken cancellationToken)
    {
        var recent = await db.Conversations.AsNoTracking()
            .Where(c => c.Channel == ChannelNames.Teams && c.RemovedAt == null
                && db.WorkspaceIdentities.Any(i => i.WorkspaceId == c.WorkspaceId && i.Channel == ChannelNames.Teams && i.ExternalId == tenantId))
            .OrderByDescending(c => c.LastSeenAt)
            .Select(c => c.ConversationJson)
            .FirstOrDefaultAsync(cancellationToken);
        var conversation = recent is null ? null : JsonSerializer.Deserialize(recent, ConversationJson.Default.ConversationRef);
        return (conversation?.ServiceUrl ?? options.Value.DefaultServiceUrl, conversation?.BotId);
    }

    private ChannelAccount BotAccount(string? botId) =>
        new() { Id = botId ?? (options.Value.IsConfigured ? "28:" + options.Value.AppId : null) };

    private string ServiceUrlOf(ConversationRef conversation) => conversation.ServiceUrl ?? options.Value.DefaultServiceUrl;
}
