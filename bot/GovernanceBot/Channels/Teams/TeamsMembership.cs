using System.Text.Json;
using GovernanceBot.Conversation;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Channels.Teams;

/// <summary>
/// What the bot remembers about Teams conversations and people: the conversations it is in (to
/// welcome each once and to send into later), the users it met (ids and AAD object ids for
/// proactive 1:1s), and who it was removed from.
/// </summary>
public sealed class TeamsMembership(IGovernanceDbFactory dbs, WorkspaceResolver workspaces, IOptions<TeamsOptions> options, TimeProvider time)
{
    /// <summary>
    /// What a member lookup says a person is to the tenant the conversation belongs to: a guest
    /// (<c>userRole</c> guest or anonymous), external (their home tenant is another one), or a member.
    /// </summary>
    public static Membership MembershipOf(ChannelAccount member, string tenantId)
    {
        if (member.TenantId is { Length: > 0 } home && !string.Equals(home, tenantId, StringComparison.OrdinalIgnoreCase))
        {
            return Membership.External;
        }

        return member.UserRole?.ToLowerInvariant() switch
        {
            "guest" or "anonymous" => Membership.Guest,
            "user" => Membership.Member,
            _ => Membership.Unknown,
        };
    }

    /// <summary>Records (or revives) the conversation; true for exactly one caller per installation: the one that welcomes.</summary>
    public async Task<bool> RememberConversationAndClaimWelcomeAsync(ConversationRef conversation, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = dbs.Create();
        var workspace = await workspaces.ResolveAsync(db, ChannelNames.Teams, conversation.WorkspaceExternalId, cancellationToken);
        await UpsertConversationAsync(db, workspace.Id, conversation, now, cancellationToken);
        // Teams sends conversationUpdate and installationUpdate for one install: only one may welcome.
        var claimed = await db.Conversations
            .Where(c => c.Channel == ChannelNames.Teams && c.ConversationId == conversation.ConversationId && c.WelcomedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.WelcomedAt, now), cancellationToken);
        return claimed == 1;
    }

    /// <summary>Keeps the conversation's reference (serviceUrl changes) fresh on every activity.</summary>
    public async Task TouchConversationAsync(ConversationRef conversation, CancellationToken cancellationToken)
    {
        await using var db = dbs.Create();
        var workspace = await workspaces.ResolveAsync(db, ChannelNames.Teams, conversation.WorkspaceExternalId, cancellationToken);
        await UpsertConversationAsync(db, workspace.Id, conversation, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>The bot was removed: forget the conversation (a later install welcomes again) and the 1:1s that pointed at it.</summary>
    public async Task ForgetConversationAsync(ConversationRef conversation, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = dbs.Create();
        await db.Conversations
            .Where(c => c.Channel == ChannelNames.Teams && c.ConversationId == conversation.ConversationId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RemovedAt, now).SetProperty(c => c.WelcomedAt, (DateTimeOffset?)null), cancellationToken);
        foreach (var user in await TeamsSender.DirectUsersOfAsync(db, conversation, cancellationToken))
        {
            user.DirectConversationJson = null;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Remembers people who joined a conversation with the bot (ids, names, AAD object ids, their 1:1).</summary>
    public async Task RememberMembersAsync(ConversationRef conversation, IEnumerable<ChannelAccount> members, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = dbs.Create();
        var workspace = await workspaces.ResolveAsync(db, ChannelNames.Teams, conversation.WorkspaceExternalId, cancellationToken);
        foreach (var member in members.Where(m => !string.IsNullOrEmpty(m.Id)))
        {
            await ConversationEngine.RememberPersonAsync(db, workspace.Id, new ChatUserRef(member.Id!, member.Name, null, member.AadObjectId), conversation, now, cancellationToken);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent activity stored the same new user first; nothing is lost.
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Remembers one person met in a conversation (in a 1:1, that chat becomes theirs), with what the connector said of them.</summary>
    public async Task RememberPersonAsync(ConversationRef conversation, ChatUserRef person, CancellationToken cancellationToken)
    {
        await using var db = dbs.Create();
        var workspace = await workspaces.ResolveAsync(db, ChannelNames.Teams, conversation.WorkspaceExternalId, cancellationToken);
        await ConversationEngine.RememberPersonAsync(db, workspace.Id, person, conversation, time.GetUtcNow(), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent activity of the same new user stored them first; the next activity updates the row.
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// What the store knows of a Teams user in this tenant (e-mail, and member/guest/external), and
    /// whether a member lookup is due: the e-mail is unknown, or what Teams said about their
    /// membership is missing or older than <see cref="TeamsOptions.MemberInfoMaxAge"/> (a member can
    /// be made a guest any time). When the activity names the sender's AAD object id, the stored
    /// e-mail is trusted only for the same object id: a different (or never stored) one means the
    /// connector is asked again.
    /// </summary>
    public async Task<(string? Email, Membership Membership, DateTimeOffset? CheckedAt, bool LookUp)> KnownUserAsync(
        string tenantId, string userId, string? aadObjectId, CancellationToken cancellationToken)
    {
        await using var db = dbs.Create();
        var known = await TeamsSender.TeamsUsersOf(db, tenantId)
            .Where(u => u.ExternalUserId == userId && u.Email != null)
            .Where(u => aadObjectId == null || u.AadObjectId == aadObjectId)
            .Select(u => new { u.Email, u.Membership, u.MembershipCheckedAt })
            .FirstOrDefaultAsync(cancellationToken);
        var fresh = known?.MembershipCheckedAt is { } checkedAt && time.GetUtcNow() - checkedAt < options.Value.MemberInfoMaxAge;
        return (known?.Email, known?.Membership ?? Membership.Unknown, known?.MembershipCheckedAt, !fresh);
    }

    /// <summary>
    /// The mentioned people the store knows by e-mail in this tenant, under the names the text shows;
    /// people the bot has not met stay names in the text, for features to match as typed.
    /// </summary>
    public async Task<IReadOnlyList<MentionedPerson>> KnownPeopleAsync(string tenantId, IReadOnlyList<ActivityTranslator.Mention> mentions, CancellationToken cancellationToken)
    {
        if (mentions.Count == 0)
        {
            return [];
        }

        var ids = mentions.Select(m => m.UserId).Distinct().ToList();
        await using var db = dbs.Create();
        var emails = await TeamsSender.TeamsUsersOf(db, tenantId).AsNoTracking()
            .Where(u => ids.Contains(u.ExternalUserId) && u.Email != null)
            .Select(u => new { u.ExternalUserId, u.Email })
            .ToListAsync(cancellationToken);
        return mentions
            .Select(m => emails.FirstOrDefault(e => e.ExternalUserId == m.UserId)?.Email is { } email ? new MentionedPerson(m.Name, email) : null)
            .OfType<MentionedPerson>()
            .ToList();
    }

    private static async Task UpsertConversationAsync(GovernanceDb db, Guid workspaceId, ConversationRef conversation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(conversation with { ThreadId = null }, ConversationJson.Default.ConversationRef);
        var record = await db.Conversations.FirstOrDefaultAsync(
            c => c.Channel == ChannelNames.Teams && c.ConversationId == conversation.ConversationId, cancellationToken);
        if (record is null)
        {
            db.Conversations.Add(new ConversationRecord
            {
                WorkspaceId = workspaceId,
                Channel = ChannelNames.Teams,
                ConversationId = conversation.ConversationId,
                ConversationJson = json,
                LastSeenAt = now,
            });
        }
        else
        {
            record.ConversationJson = json;
            record.RemovedAt = null;
            // Kept to the minute: rewriting it on every message made each turn a store write.
            if (ConversationEngine.Stale(record.LastSeenAt, now))
            {
                record.LastSeenAt = now;
            }
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two activities of one new conversation raced; the other stored it.
            db.ChangeTracker.Clear();
        }
    }
}
