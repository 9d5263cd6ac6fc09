using System.Text.Json.Nodes;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Conversation;

/// <summary>Names of the chat platforms a turn can come from.</summary>
public static class ChannelNames
{
    public const string Teams = "msteams";
    public const string Slack = "slack";
    /// <summary>The CLI and in-process tests.</summary>
    public const string Local = "local";
    /// <summary>
    /// The terminal (<c>chat --as EMAIL</c>): a person of the store, found by e-mail; the workspace is
    /// named by its key, as for <see cref="Local"/>.
    /// </summary>
    public const string Terminal = "terminal";

    /// <summary>The chat platforms a workspace has an identity on (its tenant or team id), as governance files name them.</summary>
    public static readonly IReadOnlyList<string> Platforms = [Teams, Slack];
}

public enum ConversationKind { Personal, Group, Channel }

/// <summary>
/// Where a conversation lives on its platform: enough to send into it again later (proactively).
/// Serialised into the store, so its shape is a contract: add fields, never rename them.
/// </summary>
/// <param name="Channel">The platform (<see cref="ChannelNames"/>).</param>
/// <param name="WorkspaceExternalId">Teams tenant id or Slack team id.</param>
/// <param name="ConversationId">Teams conversation id or Slack channel id.</param>
/// <param name="Kind">A 1:1, a group chat or a channel.</param>
/// <param name="ServiceUrl">Teams: the Bot Connector base URL for this conversation.</param>
/// <param name="BotId">The bot's own id on the platform.</param>
/// <param name="ThreadId">Slack <c>thread_ts</c> or Teams reply-chain root, when replies belong in a thread.</param>
public sealed record ConversationRef(
    string Channel,
    string WorkspaceExternalId,
    string ConversationId,
    ConversationKind Kind,
    string? ServiceUrl = null,
    string? BotId = null,
    string? ThreadId = null);

/// <summary>A person as the platform names them. E-mail is present once the platform has told us.</summary>
/// <param name="Membership">
/// Member, guest or external, when the platform said so on this turn; <see cref="Membership.Unknown"/>
/// leaves the decision to what the store last learned (<c>ChatUser.Membership</c>).
/// </param>
/// <param name="MembershipCheckedAt">
/// When the platform was last asked about <paramref name="Membership"/>: now after a lookup, the stored
/// time when the channel answered from what it kept, null when nobody asked (the terminal). Only a real
/// lookup moves <c>ChatUser.MembershipCheckedAt</c> on, so a person who keeps writing is still asked
/// again once what the platform said is older than the channel's bound.
/// </param>
public sealed record ChatUserRef(
    string Id, string? Name = null, string? Email = null, string? AadObjectId = null, Membership Membership = Membership.Unknown, DateTimeOffset? MembershipCheckedAt = null);

public static class MembershipExtensions
{
    /// <summary>Guests and people from another organisation see only what is posted where they are.</summary>
    public static bool IsOutsider(this Membership membership) => membership is Membership.Guest or Membership.External;
}

/// <summary>A press of a card button or a card form submission.</summary>
/// <param name="Verb">The action's verb, e.g. <c>approval.vote</c>.</param>
/// <param name="Data">The action's data merged with the card's input values.</param>
/// <param name="MessageId">The platform id of the message holding the card, when known.</param>
public sealed record CardAction(string Verb, JsonObject Data, string? MessageId = null);

/// <summary>
/// One inbound interaction, channel-neutral: text (bot mention already stripped) or a card action.
/// </summary>
public sealed record Turn
{
    public required ConversationRef Conversation { get; init; }
    public required ChatUserRef User { get; init; }

    /// <summary>
    /// What the person typed, without platform markup: the bot's own mention is gone and every other
    /// mention reads <c>@"Name"</c> (one word to <see cref="CommandText.Tokenize"/>), whatever the
    /// platform's syntax was.
    /// </summary>
    public string? Text { get; init; }

    /// <summary>
    /// The people the text mentions whom the store knows (by e-mail), each under the name the text
    /// shows as <c>@"Name"</c>. Resolved by the channel, which alone knows its mention syntax and ids.
    /// </summary>
    public IReadOnlyList<MentionedPerson> Mentions { get; init; } = [];

    /// <summary>
    /// The conversation outlives this turn: what the bot posts into it later (summaries, cards, card
    /// updates, through the outbox) arrives. False where the conversation ends with the session (the
    /// terminal exists only while <c>chat</c> runs), so nothing may be bound to it.
    /// </summary>
    public bool ConversationLasts { get; init; } = true;

    public CardAction? Action { get; init; }
    /// <summary>The platform's id for this event (Teams activity id, Slack event id), for logs.</summary>
    public string? EventId { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }

    public string Channel => Conversation.Channel;
}
