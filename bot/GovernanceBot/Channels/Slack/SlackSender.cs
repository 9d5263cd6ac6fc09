using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;

namespace GovernanceBot.Channels.Slack;

/// <summary>
/// Sends into Slack on the bot's own initiative (<see cref="IChannelSender"/>): chat.postMessage,
/// chat.update and conversations.open with the team's bot token. Failures come back as
/// <see cref="SendResult"/> values: <c>channel_not_found</c>, <c>not_in_channel</c>,
/// <c>account_inactive</c>, <c>invalid_auth</c> and other errors that need a person are permanent.
/// </summary>
public sealed class SlackSender(SlackApiClient api, SlackWorkspaces workspaces, SlackMessageBuilder builder, SlackReplies replies, SlackFiles files,
    ILogger<SlackSender> logger) : IChannelSender
{
    public string Channel => ChannelNames.Slack;

    public Task<SendResult> SendAsync(ConversationRef conversation, Reply reply, CancellationToken cancellationToken) =>
        RunAsync(conversation.WorkspaceExternalId, "chat.postMessage", async token =>
        {
            if (reply is FileReply file)
            {
                // A file is for one person: it is shared only into a DM, never into a channel.
                if (conversation.Kind != ConversationKind.Personal)
                {
                    return SendResult.Permanent("a file goes only to a person's direct messages");
                }

                var refusal = await files.ShareAsync(token, conversation.WorkspaceExternalId, conversation.ConversationId, conversation.ThreadId, file, cancellationToken);
                return refusal is null
                    ? SendResult.Sent(null)
                    : SendResult.Sent((await api.PostMessageAsync(token, new ChatPostMessageRequest(conversation.ConversationId, SlackMrkdwn.FromReplyText(refusal), null), cancellationToken)).Ts);
            }

            var content = await builder.BuildAsync(reply, email => SlackIdAsync(token, email, cancellationToken));
            var metadata = OutboxDelivery.Current is { } delivery ? OutboxMetadata(delivery.Key) : null;
            var sent = await api.PostMessageAsync(token, new ChatPostMessageRequest(conversation.ConversationId, content.Text, content.Blocks, conversation.ThreadId, metadata), cancellationToken);
            return SendResult.Sent(sent.Ts);
        });

    /// <summary>A turn's reply, back along the <see cref="SlackOrigin"/> the channel stored in the route.</summary>
    public Task<SendResult> ReplyAsync(ReplyRoute route, Reply reply, CancellationToken cancellationToken)
    {
        var origin = route.Extra?.Deserialize(SlackJson.Default.SlackOrigin);
        return origin is null
            ? Task.FromResult(SendResult.Permanent("the reply's route names no Slack origin"))
            : RunAsync(origin.TeamId, "reply", async token => SendResult.Sent(await replies.DeliverAsync(token, origin, reply, cancellationToken)));
    }

    /// <summary>
    /// Finds a message the outbox posted under <paramref name="key"/> (carried in its metadata) in
    /// the conversation since <paramref name="since"/>: conversations.history, newest first, a few pages at most.
    /// </summary>
    public async Task<SentLookup> FindSentAsync(ConversationRef conversation, string key, DateTimeOffset since, CancellationToken cancellationToken)
    {
        string? found = null;
        var result = await RunAsync(conversation.WorkspaceExternalId, "conversations.history", async token =>
        {
            // A little before the mark: Slack's clock and ours are not the same clock.
            var oldest = (since - TimeSpan.FromSeconds(30)).ToUnixTimeMilliseconds() / 1000m;
            string? cursor = null;
            for (var page = 0; page < MaxHistoryPages && found is null; page++)
            {
                var history = await api.HistoryAsync(token, conversation.ConversationId, oldest.ToString("0.000000", CultureInfo.InvariantCulture), cursor, cancellationToken);
                found = history.Messages?.FirstOrDefault(m => m.Metadata is { EventType: OutboxEventType } meta
                    && (string?)meta.EventPayload["key"] == key)?.Ts;
                cursor = history.ResponseMetadata?.NextCursor;
                if (!history.HasMore || string.IsNullOrEmpty(cursor))
                {
                    break;
                }
            }

            return SendResult.Sent(found);
        });
        if (result.Succeeded)
        {
            return found is null ? SentLookup.NotFound : SentLookup.Found(found);
        }

        // Without the history scope (an install from before it was asked for) the question cannot be answered.
        return result.Failure == SendFailureKind.Permanent ? SentLookup.Unknowable : SentLookup.Failed(result);
    }

    /// <summary>The metadata type of the bot's outbox messages (Slack: a name of the app's choosing).</summary>
    internal const string OutboxEventType = "governancebot_outbox";

    private const int MaxHistoryPages = 5;

    internal static SlackMessageMetadata OutboxMetadata(string key) => new(OutboxEventType, new JsonObject { ["key"] = key });

    public Task<SendResult> UpdateAsync(ConversationRef conversation, string messageId, Reply reply, CancellationToken cancellationToken) =>
        RunAsync(conversation.WorkspaceExternalId, "chat.update", async token =>
        {
            var content = await builder.BuildAsync(reply, email => SlackIdAsync(token, email, cancellationToken));
            var updated = await api.UpdateAsync(token, new ChatUpdateRequest(conversation.ConversationId, messageId, content.Text, content.Blocks), cancellationToken);
            return SendResult.Sent(updated.Ts ?? messageId);
        });

    /// <summary>
    /// Opens the DM with a user: by their Slack id, or — for a stakeholder known only by e-mail —
    /// after <c>users.lookupByEmail</c>.
    /// </summary>
    public async Task<(ConversationRef? Conversation, SendResult? Failure)> OpenDirectAsync(string workspaceExternalId, ChatUserRef user, CancellationToken cancellationToken)
    {
        ConversationRef? opened = null;
        var result = await RunAsync(workspaceExternalId, "conversations.open", async token =>
        {
            var userId = user.Id;
            if (!LooksLikeSlackUserId(userId))
            {
                if (string.IsNullOrWhiteSpace(user.Email))
                {
                    return SendResult.Permanent("users_not_found");
                }

                var found = await api.LookupUserByEmailAsync(token, user.Email, cancellationToken);
                userId = found.User?.Id ?? string.Empty;
            }

            var channel = await api.OpenDirectAsync(token, userId, cancellationToken);
            opened = new ConversationRef(ChannelNames.Slack, workspaceExternalId, channel.Channel?.Id ?? string.Empty, ConversationKind.Personal);
            return SendResult.Sent(opened.ConversationId);
        });
        return result.Succeeded ? (opened, null) : (null, result);
    }

    /// <summary>A person's Slack user id by e-mail (for a mention); null when Slack does not know them, so their name stays a name.</summary>
    private async Task<string?> SlackIdAsync(string token, string email, CancellationToken cancellationToken)
    {
        try
        {
            return (await api.LookupUserByEmailAsync(token, email, cancellationToken)).User?.Id;
        }
        catch (SlackApiException ex)
        {
            Log.SlackMentionLookupFailed(logger, ex.Error);
            return null;
        }
    }

    /// <summary>Slack user ids: U… or W… (Enterprise Grid), upper-case letters and digits.</summary>
    internal static bool LooksLikeSlackUserId(string? id) =>
        id is { Length: >= 3 } && (id[0] == 'U' || id[0] == 'W') && id.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));

    /// <summary>Maps a Web API failure to the outbox's view of it.</summary>
    internal static SendResult ToResult(SlackApiException ex) =>
        ex.IsPermanent ? SendResult.Permanent(ex.Error) : SendResult.Transient(ex.Error, ex.RetryAfter);

    private async Task<SendResult> RunAsync(string teamId, string method, Func<string, Task<SendResult>> call)
    {
        var installation = await workspaces.FindAsync(teamId, CancellationToken.None);
        if (installation is null)
        {
            Log.SlackSendFailed(logger, method, teamId, "not_installed");
            return SendResult.Permanent("not_installed");
        }

        try
        {
            return await call(installation.BotToken);
        }
        catch (SlackApiException ex)
        {
            Log.SlackSendFailed(logger, ex.Method, teamId, ex.Error);
            return ToResult(ex);
        }
    }
}
