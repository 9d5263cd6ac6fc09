namespace GovernanceBot.Conversation;

/// <summary>Why a send failed, as far as retrying is concerned.</summary>
public enum SendFailureKind
{
    /// <summary>Try again later (429, 5xx, timeout); <see cref="SendResult.RetryAfter"/> may say when.</summary>
    Transient,
    /// <summary>Will never work as is (user blocked the bot, channel gone, not installed, bad auth).</summary>
    Permanent,
}

/// <summary>The outcome of one send; failures are values, not exceptions, so the outbox can decide.</summary>
public sealed record SendResult(bool Succeeded, string? MessageId = null, SendFailureKind? Failure = null, string? Reason = null, TimeSpan? RetryAfter = null)
{
    public static SendResult Sent(string? messageId) => new(true, messageId);

    public static SendResult Transient(string reason, TimeSpan? retryAfter = null) => new(false, null, SendFailureKind.Transient, reason, retryAfter);

    public static SendResult Permanent(string reason) => new(false, null, SendFailureKind.Permanent, reason);
}

/// <summary>
/// Sends on the bot's own initiative (proactively) into one chat platform. Implemented in
/// <c>Channels/</c>; used by the outbox dispatcher and by card updates after a decision.
/// </summary>
public interface IChannelSender
{
    /// <summary>The platform this sender speaks to (<see cref="ChannelNames"/>).</summary>
    string Channel { get; }

    /// <summary>Posts a new message into a conversation (in <see cref="ConversationRef.ThreadId"/> if set).</summary>
    Task<SendResult> SendAsync(ConversationRef conversation, Reply reply, CancellationToken cancellationToken);

    /// <summary>Replaces an earlier message of the bot's, for everyone who sees it.</summary>
    Task<SendResult> UpdateAsync(ConversationRef conversation, string messageId, Reply reply, CancellationToken cancellationToken);

    /// <summary>Opens (or finds) the bot's 1:1 conversation with a user; null with a reason when it cannot.</summary>
    Task<(ConversationRef? Conversation, SendResult? Failure)> OpenDirectAsync(string workspaceExternalId, ChatUserRef user, CancellationToken cancellationToken);
}
