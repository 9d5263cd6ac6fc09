using GovernanceBot.Conversation;
using GovernanceBot.Hosting;

namespace GovernanceBot.Channels.Slack;

/// <summary>
/// Hands a <see cref="FileReply"/> over in Slack with the external upload flow (B5): the file is made
/// now (its source checks the person may still have it), <c>files.getUploadURLExternal</c> gives an
/// upload URL, the bytes are POSTed there, and <c>files.completeUploadExternal</c> shares the file
/// into the person's direct messages with the bot, with its comment. Any step's failure surfaces as a
/// <see cref="SlackApiException"/>, so the outbox retries the whole hand-over.
/// </summary>
public sealed class SlackFiles(SlackApiClient api, FileSources sources, ILogger<SlackFiles> logger)
{
    /// <summary>Shares the file into <paramref name="channelId"/> (a DM); the refusal to show instead when the person may not have it.</summary>
    public async Task<string?> ShareAsync(string token, string teamId, string channelId, string? threadTs, FileReply reply, CancellationToken cancellationToken)
    {
        var made = await sources.MakeAsync(reply.File, cancellationToken);
        if (made.Content is not { } content)
        {
            return made.Refusal ?? "You may no longer have this file.";
        }

        var upload = await api.GetUploadUrlAsync(token, content.FileName, content.Bytes.Length, cancellationToken);
        if (upload.FileId is not { Length: > 0 } fileId || !Uri.TryCreate(upload.UploadUrl, UriKind.Absolute, out var url))
        {
            throw new SlackApiException("files.getUploadURLExternal", "invalid_response");
        }

        await api.UploadAsync(url, content.Bytes, content.ContentType, cancellationToken);
        var comment = LocalTime.Slack(SlackMrkdwn.FromReplyText(reply.Comment));
        await api.CompleteUploadAsync(token, new FilesCompleteUploadRequest([new SlackFileRef(fileId, reply.Title)], channelId, comment, threadTs), cancellationToken);
        Log.SlackFileShared(logger, reply.File.Kind, teamId);
        return null;
    }
}
