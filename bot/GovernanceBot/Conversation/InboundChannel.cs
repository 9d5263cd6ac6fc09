using System.Text.Json.Nodes;

namespace GovernanceBot.Conversation;

/// <summary>
/// Where a turn's replies go back to: the conversation (and thread) it came from, the person who
/// spoke (for <see cref="ReplyAudience.Requester"/> replies), the message it answers or acted on, and
/// what only the channel understands (<paramref name="Extra"/>: Slack's <c>response_url</c>, …).
/// Stored with each reply in the outbox: add fields, never rename them.
/// </summary>
public sealed record ReplyRoute(
    ConversationRef Conversation,
    ChatUserRef User,
    string? ReplyToId = null,
    string? SourceMessageId = null,
    JsonObject? Extra = null);

/// <summary>What a stored inbound item turns out to ask for, once its channel has read it back.</summary>
public abstract record InboundWork;

/// <summary>
/// A turn to route and handle; its replies go out through the outbox along <see cref="Route"/>.
/// <see cref="Answer"/>, for requests that wait for their turn (a Teams invoke, a Slack modal),
/// makes the HTTP answer from the replies and says which of them still go out.
/// <see cref="BeforeQuestion"/> runs before a question is answered (Teams shows "typing…").
/// </summary>
public sealed record TurnWork(
    Turn Turn,
    ReplyRoute Route,
    Func<IReadOnlyList<Reply>, CancellationToken, Task<TurnAnswer>>? Answer = null,
    Func<CancellationToken, Task>? BeforeQuestion = null) : InboundWork;

/// <summary>The HTTP answer a waiting request gets (stored, so a redelivery gets the same), and the replies still to send.</summary>
public sealed record TurnAnswer(string? ResponseJson, IReadOnlyList<Reply> ToSend);

/// <summary>Something that is not a conversation turn (an uninstall, the bot added to a team); must be safe to run again.</summary>
public sealed record EffectWork(Func<CancellationToken, Task> RunAsync) : InboundWork;

/// <summary>Nothing to do (an empty mention, a message only for people): done as it is.</summary>
public sealed record NoWork(string Reason) : InboundWork;

/// <summary>
/// A channel's half of the pipeline after the acknowledgement: reads a stored item back into work.
/// Translation may call the platform (who is this user?), so it runs here, never before the ack.
/// </summary>
public interface IInboundChannel
{
    /// <summary>The platform (<see cref="ChannelNames"/>) whose items this reads.</summary>
    string Channel { get; }

    Task<InboundWork> TranslateAsync(InboxWork item, CancellationToken cancellationToken);
}
