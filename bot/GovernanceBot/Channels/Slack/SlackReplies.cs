using System.Text.Json;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

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
/// Delivers a turn's replies: <see cref="ReplyAudience.Requester"/> as ephemeral messages (outside
/// DMs), <see cref="Reply.ReplacesSourceCard"/> as an in-place <c>chat.update</c> of the card for
/// everyone, the rest as new messages in the turn's channel and thread. A posted card with a
/// <see cref="Reply.Subject"/> is recorded as a <see cref="CardMessage"/>, so later changes update it.
/// </summary>
public sealed class SlackReplies(SlackApiClient api, SlackMessageBuilder builder, IGovernanceDbFactory factory, TimeProvider time, ILogger<SlackReplies> logger)
{
    public async Task DeliverAsync(SlackInstallation installation, SlackOrigin origin, IReadOnlyList<Reply> replies, CancellationToken cancellationToken)
    {
        foreach (var reply in replies)
        {
            try
            {
                await DeliverAsync(installation.BotToken, origin, reply, await builder.BuildAsync(reply), cancellationToken);
            }
            catch (SlackApiException ex)
            {
                Log.SlackSendFailed(logger, ex.Method, origin.TeamId, ex.Error);
            }
        }
    }

    private async Task DeliverAsync(string token, SlackOrigin origin, Reply reply, SlackMessageContent content, CancellationToken cancellationToken)
    {
        var privately = reply.Audience == ReplyAudience.Requester && !origin.IsDirect;
        if (reply.ReplacesSourceCard && origin.SourceMessageTs is not null && !origin.SourceIsEphemeral)
        {
            await api.UpdateAsync(token, new ChatUpdateRequest(origin.ChannelId, origin.SourceMessageTs, content.Text, content.Blocks), cancellationToken);
        }
        else if (origin.ResponseUrl is { } url && (origin.ViaResponseUrl || (reply.ReplacesSourceCard && origin.SourceIsEphemeral)))
        {
            var type = privately || origin.SourceIsEphemeral ? "ephemeral" : "in_channel";
            await api.PostToResponseUrlAsync(url, new ResponseUrlMessage(content.Text, content.Blocks, type, reply.ReplacesSourceCard ? true : null), cancellationToken);
        }
        else if (privately)
        {
            await api.PostEphemeralAsync(token, new ChatPostEphemeralRequest(origin.ChannelId, origin.UserId, content.Text, content.Blocks, origin.ThreadTs), cancellationToken);
        }
        else
        {
            var posted = await api.PostMessageAsync(token, new ChatPostMessageRequest(origin.ChannelId, content.Text, content.Blocks, origin.ThreadTs), cancellationToken);
            if (reply.Subject is { } subject && posted.Ts is { } ts)
            {
                await RecordAsync(origin, subject, posted.Channel ?? origin.ChannelId, ts, cancellationToken);
            }
        }
    }

    private async Task RecordAsync(SlackOrigin origin, string subject, string channelId, string ts, CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        var workspaceId = await db.WorkspaceIdentities
            .Where(i => i.Channel == ChannelNames.Slack && i.ExternalId == origin.TeamId)
            .Select(i => (Guid?)i.WorkspaceId)
            .FirstOrDefaultAsync(cancellationToken);
        if (workspaceId is null)
        {
            return;
        }

        db.CardMessages.Add(new CardMessage
        {
            WorkspaceId = workspaceId.Value,
            Subject = subject,
            Channel = ChannelNames.Slack,
            ConversationJson = JsonSerializer.Serialize((origin with { ChannelId = channelId }).Conversation(), ConversationJson.Default.ConversationRef),
            MessageId = ts,
            PostedAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
    }
}
