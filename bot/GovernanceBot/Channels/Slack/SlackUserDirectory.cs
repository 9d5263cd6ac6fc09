using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Channels.Slack;

/// <summary>
/// Who a Slack user is: name, e-mail (which links them to their stakeholder record) and whether they
/// are a member, a guest or from another organisation. <c>users.info</c> tells; the answer is kept on
/// the stored chat user and used until it is older than <see cref="SlackOptions.UserInfoMaxAge"/>,
/// because an admin can turn a member into a guest at any time.
/// </summary>
public sealed class SlackUserDirectory(
    IGovernanceDbFactory factory,
    WorkspaceResolver workspaces,
    SlackApiClient api,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackUserDirectory> logger)
{
    public async Task<ChatUserRef> ResolveAsync(SlackInstallation installation, string userId, string? name, CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        var known = await Stored(db, installation, userId)
            .Select(u => new { u.Name, u.Email, u.Membership, u.MembershipCheckedAt })
            .FirstOrDefaultAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (known?.MembershipCheckedAt is { } checkedAt && now - checkedAt < options.Value.UserInfoMaxAge)
        {
            return new ChatUserRef(userId, known.Name ?? name, known.Email, Membership: known.Membership, MembershipCheckedAt: checkedAt);
        }

        UsersInfoResponse info;
        try
        {
            info = await api.GetUserAsync(installation.BotToken, userId, cancellationToken);
        }
        catch (SlackApiException ex)
        {
            Log.SlackUserLookupFailed(logger, userId, installation.TeamId, ex.Error);
            // What was learned last still holds while Slack cannot be asked: a guest stays a guest.
            return new ChatUserRef(userId, known?.Name ?? name, known?.Email, Membership: known?.Membership ?? Membership.Unknown, MembershipCheckedAt: known?.MembershipCheckedAt);
        }

        var user = info.User;
        var profile = user?.Profile;
        var displayName = NonEmpty(profile?.RealName) ?? NonEmpty(user?.RealName) ?? NonEmpty(profile?.DisplayName) ?? name;
        var membership = user is null ? Membership.Unknown : MembershipOf(user, installation.TeamId);
        if (known is not null && known.Membership != membership)
        {
            Log.SlackMembershipChanged(logger, userId, installation.TeamId, membership.ToString(), known.Membership.ToString());
        }

        var email = NonEmpty(profile?.Email)?.Trim().ToLowerInvariant();
        await RememberAsync(db, installation, userId, displayName, email, membership, now, cancellationToken);
        return new ChatUserRef(userId, displayName, email, Membership: membership, MembershipCheckedAt: now);
    }

    /// <summary>
    /// Keeps what Slack said (name, e-mail, membership), and when, on the stored user (created here for
    /// a first-time user; for a speaker the conversation engine then adds their 1:1 to the same row).
    /// </summary>
    private async Task RememberAsync(GovernanceDb db, SlackInstallation installation, string userId, string? name, string? email, Membership membership,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.ResolveAsync(db, ChannelNames.Slack, installation.TeamId, cancellationToken);
        var user = await db.ChatUsers.FirstOrDefaultAsync(
            u => u.WorkspaceId == workspace.Id && u.Channel == ChannelNames.Slack && u.ExternalUserId == userId, cancellationToken);
        if (user is null)
        {
            user = new ChatUser { WorkspaceId = workspace.Id, Channel = ChannelNames.Slack, ExternalUserId = userId, LastSeenAt = now };
            db.ChatUsers.Add(user);
        }

        // Also for someone only mentioned (never a speaker): their e-mail is what links them to a stakeholder.
        user.Name = name ?? user.Name;
        user.Email = email ?? user.Email;
        user.Membership = membership;
        user.MembershipCheckedAt = now;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent turn of the same new user stored the row first; Slack is asked again on the
            // next turn, so nothing is lost but one lookup.
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Slack Connect users (another organisation: <c>is_stranger</c>, or a home team that is neither
    /// this team nor one of its Enterprise Grid siblings) are external; restricted and
    /// ultra-restricted users are guests.
    /// </summary>
    public static Membership MembershipOf(SlackUserInfo user, string teamId)
    {
        var otherTeam = user.TeamId is { Length: > 0 } home && !string.Equals(home, teamId, StringComparison.Ordinal)
            && !(user.EnterpriseUser?.Teams?.Contains(teamId, StringComparer.Ordinal) ?? false);
        if (user.IsStranger || otherTeam)
        {
            return Membership.External;
        }

        return user.IsRestricted || user.IsUltraRestricted ? Membership.Guest : Membership.Member;
    }

    private static IQueryable<ChatUser> Stored(GovernanceDb db, SlackInstallation installation, string userId) =>
        db.ChatUsers.Where(u => u.Channel == ChannelNames.Slack && u.ExternalUserId == userId
            && db.WorkspaceIdentities.Any(i => i.WorkspaceId == u.WorkspaceId && i.Channel == ChannelNames.Slack && i.ExternalId == installation.TeamId));

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
