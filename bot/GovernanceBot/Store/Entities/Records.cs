namespace GovernanceBot.Store.Entities;

/// <summary>Append-only: the store refuses to update or delete these rows.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public Guid WorkspaceId { get; set; }
    public Guid? ProgramId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Channel { get; set; }
    public required string Action { get; set; }
    public required string Subject { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    /// <summary>Position in its workspace's chain, 1, 2, 3 …; set when the entry is saved (<see cref="Store.AuditChain"/>).</summary>
    public long? Seq { get; set; }
    /// <summary>SHA-256 (hex) over this entry and the previous entry's hash; set when the entry is saved.</summary>
    public string? Hash { get; set; }
}

/// <summary>Something the bot will send on its own; sent by the outbox dispatcher.</summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public Guid WorkspaceId { get; set; }
    public required string Channel { get; set; }
    /// <summary>The rate-limit bucket: one conversation (or one user's DM).</summary>
    public required string Destination { get; set; }
    /// <summary>Serialised <c>OutboundMessage</c>: where to and what.</summary>
    public required string PayloadJson { get; set; }
    public required string IdempotencyKey { get; set; }
    /// <summary>What the message is about, e.g. <c>approval:{id}</c>, so later updates can find it.</summary>
    public string? Subject { get; set; }
    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LockedBy { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    /// <summary>
    /// When the send in progress began (committed before the send, cleared with its outcome). Still
    /// set after the lease ran out means the instance died mid-send: the send is in doubt, and the
    /// platform is asked whether the message arrived before it is sent again.
    /// </summary>
    public DateTimeOffset? SendStartedAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public string? PlatformMessageId { get; set; }
    public string? LastError { get; set; }
}

public enum OutboxStatus { Pending, Sent, Failed }

/// <summary>
/// The inbox: every inbound platform request the bot acknowledged, stored (with its payload) before
/// the acknowledgement, keyed for dedupe, and worked off under a lease until done or failed.
/// </summary>
public sealed class InboundEvent
{
    public long Id { get; set; }
    public required string Channel { get; set; }
    public required string DedupeKey { get; set; }
    /// <summary>What the channel stored it as (e.g. <c>event</c>, <c>command</c>, <c>activity</c>): tells it how to read <see cref="PayloadJson"/>.</summary>
    public string Kind { get; set; } = string.Empty;
    /// <summary>Turns of one conversation run one at a time, in arrival (<see cref="Id"/>) order.</summary>
    public string ConversationKey { get; set; } = string.Empty;
    /// <summary>The verified request as the platform sent it (or the part of it the channel needs).</summary>
    public string? PayloadJson { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public InboundStatus Status { get; set; }
    public int Attempts { get; set; }
    /// <summary>Not run before this (a retry's back-off).</summary>
    public DateTimeOffset NextAttemptAt { get; set; }
    /// <summary>The instance working on it, until <see cref="LeaseUntil"/>; after that any instance may take it.</summary>
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    /// <summary>What the request had to be answered with (an invoke's card, a modal's errors): a redelivery gets the same.</summary>
    public string? ResponseJson { get; set; }
    public string? Error { get; set; }
}

/// <summary><see cref="Received"/>: stored and acknowledged, not done yet; <see cref="Processed"/>: done; <see cref="Failed"/>: gave up after its retries.</summary>
public enum InboundStatus { Received, Processed, Failed }

/// <summary>
/// What a Slack form needs between requests, kept in the store so that any instance, before or after
/// a restart, can serve it: a posted form button's modal (<c>form:</c> key) and which message an
/// opened modal belongs to (<c>view:</c> key).
/// </summary>
public sealed class SlackForm
{
    public required string Key { get; set; }
    public required string Json { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// A running bot instance, as it last said: how instances sharing one store learn how many they
/// are, so each takes its share of a platform's rate limit (the limit is per bot, not per process).
/// </summary>
public sealed class BotInstance
{
    public required string Id { get; set; }
    public DateTimeOffset SeenAt { get; set; }
}

/// <summary>A card the bot posted, so it can be updated in place for everyone.</summary>
public sealed class CardMessage
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; set; }
    public required string Subject { get; set; }
    public required string Channel { get; set; }
    public required string ConversationJson { get; set; }
    /// <summary>
    /// The conversation the message is in. Message ids are unique only within their conversation
    /// (Teams numbers them per conversation, Slack's <c>ts</c> is per channel), so a card is known by both.
    /// </summary>
    public required string ConversationId { get; set; }
    public required string MessageId { get; set; }
    public DateTimeOffset PostedAt { get; set; }
}

/// <summary>
/// A dashboard link that has started its session: links are single use, so the store remembers each
/// one used until it would have expired anyway (housekeeping forgets it then).
/// </summary>
public sealed class DashboardLinkUse
{
    /// <summary>The link's own random id (carried inside the protected link).</summary>
    public Guid Id { get; set; }
    public Guid WorkspaceId { get; set; }
    public DateTimeOffset UsedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// A person's home tab in a chat app (Slack's App Home): who opened it, what was last published to
/// it (a hash of its content), so it is published again only when something on it changed.
/// </summary>
public sealed class HomeTab
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid WorkspaceId { get; set; }
    public required string Channel { get; set; }
    /// <summary>The Slack team the person's home is in.</summary>
    public required string WorkspaceExternalId { get; set; }
    public required string ExternalUserId { get; set; }
    public string? Email { get; set; }
    public string? Name { get; set; }
    /// <summary>SHA-256 of the content last queued for publishing; null before the first.</summary>
    public string? ContentHash { get; set; }
    /// <summary>How many times it has been queued: part of the outbox key, so the same content can be published again later.</summary>
    public int Version { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset? QueuedAt { get; set; }
}
