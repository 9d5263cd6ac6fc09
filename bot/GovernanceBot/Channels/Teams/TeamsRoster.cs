using System.Collections.Concurrent;
using System.Text.Json;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Channels.Teams;

/// <summary>
/// The people of the teams and group chats the bot is in, read from their rosters (paged members,
/// A3), so a stakeholder who never wrote to the bot can still get a proactive 1:1: Teams cannot look
/// people up by e-mail, but a roster names each member with their e-mail/UPN and the <c>29:</c> id a
/// 1:1 needs. Read when the bot joins a team or chat, and again (at most once per
/// <see cref="MaxAge"/> per conversation) when someone it has to reach is not known yet.
/// </summary>
public sealed class TeamsRoster(
    BotConnectorClient connector,
    IGovernanceDbFactory dbs,
    WorkspaceResolver workspaces,
    TimeProvider time,
    ILogger<TeamsRoster> logger)
{
    /// <summary>How long a roster read counts as fresh: people join teams, but a round of prompts must not read it once per person.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, DateTimeOffset> readAt = new(StringComparer.Ordinal);

    /// <summary>Reads the roster of one team or group chat and remembers its members (ids, names, e-mails, AAD object ids).</summary>
    public async Task<bool> ReadAsync(ConversationRef conversation, CancellationToken cancellationToken)
    {
        if (conversation.Kind == ConversationKind.Personal || conversation.ServiceUrl is not { } serviceUrl)
        {
            return false;
        }

        // A channel's id may carry a message suffix (";messageid=…"); the roster is the team's (or the chat's).
        var rosterId = conversation.ConversationId.Split(';', 2)[0];
        var members = new List<ChannelAccount>();
        try
        {
            await foreach (var member in connector.GetAllMembersAsync(serviceUrl, rosterId, cancellationToken))
            {
                members.Add(member);
            }
        }
        catch (HttpRequestException ex)
        {
            Log.TeamsRosterFailed(logger, conversation.Kind.ToString(), ex.Message);
            return false;
        }

        var now = time.GetUtcNow();
        readAt[$"{conversation.WorkspaceExternalId}\n{rosterId}"] = now;
        await using var db = dbs.Create();
        var workspace = await workspaces.ResolveAsync(db, ChannelNames.Teams, conversation.WorkspaceExternalId, cancellationToken);
        var people = members.Where(m => m.Id is { Length: > 0 } id && !id.StartsWith("28:", StringComparison.Ordinal)).ToList();
        foreach (var member in people)
        {
            var person = new ChatUserRef(member.Id!, member.Name, TeamsActivityHandler.EmailOf(member), member.AadObjectId,
                TeamsMembership.MembershipOf(member, conversation.WorkspaceExternalId), now);
            // Met in a team, not in a 1:1: their direct conversation (if any) is left as it was.
            await ConversationEngine.RememberPersonAsync(db, workspace.Id, person, conversation, now, cancellationToken);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent activity stored one of these people first; the next read fills in the rest.
            db.ChangeTracker.Clear();
        }

        Log.TeamsRosterRead(logger, conversation.Kind.ToString(), people.Count, people.Count(p => TeamsActivityHandler.EmailOf(p) is not null));
        return true;
    }

    /// <summary>
    /// Someone known only by e-mail: reads the rosters of the tenant's teams and group chats (those not
    /// read within <see cref="MaxAge"/>) and returns the member with that e-mail, if any.
    /// </summary>
    public async Task<ChatUserRef?> FindByEmailAsync(string tenantId, string email, CancellationToken cancellationToken)
    {
        var wanted = email.Trim().ToLowerInvariant();
        if (await KnownAsync(tenantId, wanted, cancellationToken) is { } known)
        {
            return known;
        }

        List<string> stored;
        await using (var db = dbs.Create())
        {
            stored = await db.Conversations.AsNoTracking()
                .Where(c => c.Channel == ChannelNames.Teams && c.RemovedAt == null
                    && db.WorkspaceIdentities.Any(i => i.WorkspaceId == c.WorkspaceId && i.Channel == ChannelNames.Teams && i.ExternalId == tenantId))
                .OrderByDescending(c => c.LastSeenAt)
                .Select(c => c.ConversationJson)
                .ToListAsync(cancellationToken);
        }

        var now = time.GetUtcNow();
        var rosters = stored
            .Select(json => JsonSerializer.Deserialize(json, ConversationJson.Default.ConversationRef))
            .OfType<ConversationRef>()
            .Where(c => c.Kind != ConversationKind.Personal)
            .DistinctBy(c => c.ConversationId.Split(';', 2)[0])
            .Where(c => !readAt.TryGetValue($"{tenantId}\n{c.ConversationId.Split(';', 2)[0]}", out var at) || now - at >= MaxAge)
            .ToList();
        foreach (var conversation in rosters)
        {
            if (await ReadAsync(conversation, cancellationToken) && await KnownAsync(tenantId, wanted, cancellationToken) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private async Task<ChatUserRef?> KnownAsync(string tenantId, string email, CancellationToken cancellationToken)
    {
        await using var db = dbs.Create();
        var user = await TeamsSender.TeamsUsersOf(db, tenantId).AsNoTracking()
            .Where(u => u.Email == email)
            .OrderByDescending(u => u.LastSeenAt)
            .FirstOrDefaultAsync(cancellationToken);
        return user is null ? null : new ChatUserRef(user.ExternalUserId, user.Name, user.Email, user.AadObjectId, user.Membership, user.MembershipCheckedAt);
    }
}
