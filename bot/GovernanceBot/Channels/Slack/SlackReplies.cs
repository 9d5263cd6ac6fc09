using GovernanceBot.Conversation;
using GovernanceBot.Hosting;

namespace GovernanceBot.Channels.Slack;

/// <summary>Where a turn came from in Slack, so its replies go back to the right place.</summary>
/// <param name="TeamId">The workspace.</param>
/// <param name="ChannelId">The channel, group or DM (<c>D…</c>) of the turn.</param>
/// <param name="UserId">The person who spoke or pressed.</param>
/// <param name="IsDirect">True in the bot's DM: everything there is already private.</param>
/// <param name="ThreadTs">Replies go into this thread.</param>
/// <param name="SourceMessageTs">The message holding the card that was acted on.</param>
/// <param name="SourceIsEphemeral">That message was ephemeral: only its <c>response_url</c> can replace it.</param>
/// <param name="ResponseUrl">The interaction's or slash command's <c>response_url</c>.</param>
/// <param name="ViaResponseUrl">Answer through <paramref name="ResponseUrl"/> (slash commands: the bot may not be in the channel).</param>
public sealed record SlackOrigin(
    string TeamId,
    string ChannelId,
    string UserId,
    bool IsDirect,
    string? ThreadTs = null,
    string? SourceMessageTs = null,
    bool SourceIsEphemeral = false,
    Uri? ResponseUrl = null,
    bool ViaResponseUrl = false)
{
    /// <summary>The conversation as turns and the store name it: a DM is personal, a <c>G…</c> id a group.</summary>
    public ConversationRef Conversation(string? botId = null) =>
        new(ChannelNames.Slack, TeamId, ChannelId, IsDirect ? ConversationKind.Personal : ChannelId.StartsWith('G') ? ConversationKind.Group : ConversationKind.Channel,
            BotId: botId, ThreadId: ThreadTs);
}

/// <summary>
/// Delivers one reply of a turn back where the turn came from: <see cref="ReplyAudience.Requester"/>
/// as an ephemeral message (outside DMs), <see cref="Reply.ReplacesSourceCard"/> as an in-place
/// <c>chat.update</c> of the card for everyone, the rest as a new message in the turn's channel and
/// thread (tagged with the outbox key, so a send cut short by a crash can be found). Returns the
/// posted message's ts when there is one. A <see cref="FileReply"/> goes into the person's DM with
/// the bot (<see cref="SlackFiles"/>): Slack cannot share a file ephemerally, and a file meant for one
/// person must never land in a channel; asked in a channel, they get an ephemeral note there.
/// </summary>
public sealed class SlackReplies(SlackApiClient api, SlackMessageBuilder builder, SlackFiles files, ILogger<SlackReplies> logger)
{
    public async Task<string?> DeliverAsync(string token, SlackOrigin origin, Reply reply, CancellationToken cancellationToken)
    {
        if (reply is FileReply file)
        {
            return await DeliverFileAsync(token, origin, file, cancellationToken);
        }

        var content = await builder.BuildAsync(reply);
        var privately = reply.Audience == ReplyAudience.Requester && !origin.IsDirect;
        if (reply.ReplacesSourceCard && origin.SourceMessageTs is not null && !origin.SourceIsEphemeral)
        {
            return (await api.UpdateAsync(token, new ChatUpdateRequest(origin.ChannelId, origin.SourceMessageTs, content.Text, content.Blocks), cancellationToken)).Ts;
        }

        if (origin.ResponseUrl is { } url && (origin.ViaResponseUrl || (reply.ReplacesSourceCard && origin.SourceIsEphemeral)))
        {
            var type = privately || origin.SourceIsEphemeral ? "ephemeral" : "in_channel";
            await api.PostToResponseUrlAsync(url, new ResponseUrlMessage(content.Text, content.Blocks, type, reply.ReplacesSourceCard ? true : null), cancellationToken);
            return null;
        }

        if (privately)
        {
            await api.PostEphemeralAsync(token, new ChatPostEphemeralRequest(origin.ChannelId, origin.UserId, content.Text, content.Blocks, origin.ThreadTs), cancellationToken);
            return null;
        }

        var metadata = OutboxDelivery.Current is { } delivery ? SlackSender.OutboxMetadata(delivery.Key) : null;
        return (await api.PostMessageAsync(token, new ChatPostMessageRequest(origin.ChannelId, content.Text, content.Blocks, origin.ThreadTs, metadata), cancellationToken)).Ts;
    }

    private async Task<string?> DeliverFileAsync(string token, SlackOrigin origin, FileReply file, CancellationToken cancellationToken)
    {
        var direct = origin.IsDirect
            ? origin.ChannelId
            : (await api.OpenDirectAsync(token, origin.UserId, cancellationToken)).Channel?.Id
                ?? throw new SlackApiException("conversations.open", "channel_not_found");
        var refusal = await files.ShareAsync(token, origin.TeamId, direct, origin.IsDirect ? origin.ThreadTs : null, file, cancellationToken);
        if (refusal is not null)
        {
            return await DeliverAsync(token, origin, Reply.Text(refusal) with { Audience = ReplyAudience.Requester }, cancellationToken);
        }

        if (!origin.IsDirect)
        {
            // A courtesy where they asked: the file itself is shared already, so a failure here must
            // not fail the send (the outbox would upload the file again).
            try
            {
                await DeliverAsync(token, origin, Reply.Text($"📎 I've sent you **{file.Title}** in our direct messages, so it stays with you.") with { Audience = ReplyAudience.Requester },
                    cancellationToken);
            }
            catch (SlackApiException ex)
            {
                Log.SlackFileNoteFailed(logger, ex.Error);
            }
        }

        return null;
    }
}
