using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Channels.Slack;

/// <summary>
/// Who a Slack user is. On first contact <c>users.info</c> gives their name and e-mail, which the
/// conversation engine stores and which links them to their stakeholder record; afterwards the
/// stored e-mail is used without calling Slack.
/// </summary>
public sealed class SlackUserDirectory(IGovernanceDbFactory factory, SlackApiClient api, ILogger<SlackUserDirectory> logger)
{
    public async Task<ChatUserRef> ResolveAsync(SlackInstallation installation, string userId, string? name, CancellationToken cancellationToken)
    {
        await using (var db = factory.Create())
        {
            var known = await db.ChatUsers.AsNoTracking()
                .Where(u => u.Channel == ChannelNames.Slack && u.ExternalUserId == userId && u.Email != null
                    && db.WorkspaceIdentities.Any(i => i.WorkspaceId == u.WorkspaceId && i.Channel == ChannelNames.Slack && i.ExternalId == installation.TeamId))
                .Select(u => new { u.Name, u.Email })
                .FirstOrDefaultAsync(cancellationToken);
            if (known is not null)
            {
                return new ChatUserRef(userId, known.Name ?? name, known.Email);
            }
        }

        try
        {
            var info = await api.GetUserAsync(installation.BotToken, userId, cancellationToken);
            var profile = info.User?.Profile;
            var displayName = NonEmpty(profile?.RealName) ?? NonEmpty(info.User?.RealName) ?? NonEmpty(profile?.DisplayName) ?? name;
            return new ChatUserRef(userId, displayName, NonEmpty(profile?.Email));
        }
        catch (SlackApiException ex)
        {
            Log.SlackUserLookupFailed(logger, userId, installation.TeamId, ex.Error);
            return new ChatUserRef(userId, name);
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
