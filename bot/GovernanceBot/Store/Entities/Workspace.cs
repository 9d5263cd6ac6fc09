namespace GovernanceBot.Store.Entities;

/// <summary>An organisation: the unit of data isolation. Every governance row hangs off one.</summary>
public sealed class Workspace
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Key { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<WorkspaceIdentity> Identities { get; set; } = [];
    public List<GovernanceProgram> Programs { get; set; } = [];
}

/// <summary>A chat platform's name for a workspace: a Teams tenant id or a Slack team id.</summary>
public sealed class WorkspaceIdentity
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; set; }
    public Workspace? Workspace { get; set; }
    public required string Channel { get; set; }
    public required string ExternalId { get; set; }
    /// <summary>Slack bot token protected with ASP.NET Data Protection; never stored in clear.</summary>
    public string? ProtectedBotToken { get; set; }
    public string? BotUserId { get; set; }
    public DateTimeOffset? InstalledAt { get; set; }
}

/// <summary>A person as a chat platform knows them, remembered for proactive messages and linking.</summary>
public sealed class ChatUser
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; set; }
    public required string Channel { get; set; }
    public required string ExternalUserId { get; set; }
    public string? Name { get; set; }
    public string? Email { get; set; }
    public string? AadObjectId { get; set; }
    /// <summary>The 1:1 conversation with the bot, serialised <c>ConversationRef</c>.</summary>
    public string? DirectConversationJson { get; set; }
    /// <summary>Why messages to this user fail permanently (blocked the bot, app not installed), if they do.</summary>
    public string? UnreachableReason { get; set; }
    public DateTimeOffset? UnreachableSince { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    /// <summary>
    /// Whether the platform counts this person as a full member of the workspace, a guest, or someone
    /// from another organisation: guests and external people read nothing beyond the channel.
    /// </summary>
    public Membership Membership { get; set; }
    /// <summary>When the platform last told us <see cref="Membership"/>; older than a bound, it is asked again.</summary>
    public DateTimeOffset? MembershipCheckedAt { get; set; }
}

/// <summary>What a person is to the workspace, as the chat platform says.</summary>
public enum Membership
{
    /// <summary>The platform has not said (the CLI, or a lookup that failed): treated as a member.</summary>
    Unknown,
    Member,
    /// <summary>A Teams guest, a Slack multi- or single-channel guest.</summary>
    Guest,
    /// <summary>From another organisation: a Slack Connect user, a Teams user of another tenant.</summary>
    External,
}

/// <summary>A conversation the bot is part of (a channel, a group chat, a 1:1).</summary>
public sealed class ConversationRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; set; }
    public required string Channel { get; set; }
    public required string ConversationId { get; set; }
    public required string ConversationJson { get; set; }
    public DateTimeOffset? WelcomedAt { get; set; }
    public DateTimeOffset? RemovedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
}
