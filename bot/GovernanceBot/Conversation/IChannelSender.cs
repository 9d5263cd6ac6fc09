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

/// <summary>What a platform says about a send whose outcome was lost (the process died mid-send).</summary>
public sealed record SentLookup(SentLookupOutcome Outcome, string? MessageId = null, SendResult? Failure = null)
{
    /// <summary>The platform has the message: it was sent, and this is its id.</summary>
    public static SentLookup Found(string messageId) => new(SentLookupOutcome.Found, messageId);

    /// <summary>The platform has no such message: sending it now sends it once.</summary>
    public static readonly SentLookup NotFound = new(SentLookupOutcome.NotFound);

    /// <summary>The platform cannot be asked (no history API for bots).</summary>
    public static readonly SentLookup Unknowable = new(SentLookupOutcome.Unknowable);

    /// <summary>Asking failed for now (throttled, unreachable): ask again later.</summary>
    public static SentLookup Failed(SendResult failure) => new(SentLookupOutcome.Failed, Failure: failure);
}

public enum SentLookupOutcome { Found, NotFound, Unknowable, Failed }

/// <summary>
/// The outbox row a send belongs to, for the duration of the send (an ambient value, like
/// <see cref="System.Diagnostics.Activity.Current"/>): senders tag the message with
/// <see cref="Key"/> where the platform can carry it, so <see cref="IChannelSender.FindSentAsync"/>
/// can find it after a crash, and report throttling (429) at once with its <c>Retry-After</c>
/// instead of waiting it out inline: the outbox paces and retries, and a throttled send must not
/// hold one of its send slots.
/// </summary>
public sealed record OutboxDelivery(string Key)
{
    private static readonly AsyncLocal<OutboxDelivery?> Ambient = new();

    /// <summary>The outbox row being sent in this async flow, if any.</summary>
    public static OutboxDelivery? Current => Ambient.Value;

    /// <summary>Marks the sends of this async flow (until disposed) as this row's.</summary>
    public static Scope Begin(string key)
    {
        var previous = Ambient.Value;
        Ambient.Value = new OutboxDelivery(key);
        return new Scope(previous);
    }

    public readonly struct Scope(OutboxDelivery? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
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

    /// <summary>
    /// Answers a turn along its route: <see cref="ReplyAudience.Requester"/> privately (Slack
    /// ephemeral, a Teams 1:1 when the turn was in a group), <see cref="Reply.ReplacesSourceCard"/> as
    /// an update of the card acted on, anything else into the turn's conversation and thread.
    /// </summary>
    Task<SendResult> ReplyAsync(ReplyRoute route, Reply reply, CancellationToken cancellationToken);

    /// <summary>Replaces an earlier message of the bot's, for everyone who sees it.</summary>
    Task<SendResult> UpdateAsync(ConversationRef conversation, string messageId, Reply reply, CancellationToken cancellationToken);

    /// <summary>Opens (or finds) the bot's 1:1 conversation with a user; null with a reason when it cannot.</summary>
    Task<(ConversationRef? Conversation, SendResult? Failure)> OpenDirectAsync(string workspaceExternalId, ChatUserRef user, CancellationToken cancellationToken);

    /// <summary>
    /// Looks in a conversation for a message sent under an outbox key since a moment: how the outbox
    /// settles a send that was in flight when its process died, so the message is neither lost nor
    /// sent twice. Platforms without a history API for bots answer <see cref="SentLookup.Unknowable"/>.
    /// </summary>
    Task<SentLookup> FindSentAsync(ConversationRef conversation, string key, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>
/// Publishes a person's home tab on platforms that have one (Slack's App Home). Implemented in
/// <c>Channels/</c>; used by the outbox dispatcher.
/// </summary>
public interface IHomeSender
{
    /// <summary>The platform (<see cref="ChannelNames"/>).</summary>
    string Channel { get; }

    /// <summary>
    /// Replaces what <paramref name="person"/> (the workspace, and the person's platform id as
    /// <see cref="ConversationRef.ConversationId"/>) sees on their home tab with <paramref name="home"/>,
    /// the channel-neutral home's data.
    /// </summary>
    Task<SendResult> PublishHomeAsync(ConversationRef person, System.Text.Json.Nodes.JsonObject home, CancellationToken cancellationToken);
}
