using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace GovernanceBot.Conversation;

/// <summary>Who sees a reply.</summary>
public enum ReplyAudience
{
    /// <summary>Everyone in the conversation the turn came from.</summary>
    Conversation,
    /// <summary>Only the person who spoke: ephemeral in Slack, a 1:1 in Teams when the turn was in a channel.</summary>
    Requester,
}

/// <summary>What a handler answers. Channels decide how to deliver it.</summary>
public abstract record Reply
{
    public ReplyAudience Audience { get; init; } = ReplyAudience.Conversation;

    /// <summary>For card actions: this reply replaces the card the action came from (for everyone).</summary>
    public bool ReplacesSourceCard { get; init; }

    /// <summary>
    /// Set when the reply refuses a card form's input: the form's input id → what is wrong with it.
    /// Slack keeps the modal open and shows each message under its input
    /// (<c>response_action: errors</c>); other channels deliver the reply as usual. Nothing was saved.
    /// </summary>
    public IReadOnlyDictionary<string, string>? InputErrors { get; init; }

    /// <summary>
    /// What a posted card is about (e.g. <c>approval:{id}</c>). Channels record the posted message
    /// under it, so a later change can update every copy in place.
    /// </summary>
    public string? Subject { get; init; }

    /// <summary>
    /// People a card names who should be notified: each channel turns their names in the card's
    /// <c>mentions</c> element into real mentions where it knows them (features know people by
    /// e-mail, never by platform id), and leaves the others as names.
    /// </summary>
    public IReadOnlyList<MentionedPerson>? Mentions { get; init; }

    public static TextReply Text(string text) => new(text);

    /// <summary>
    /// Refuses a form submission: <paramref name="text"/> says what was wrong and gives an example of
    /// right; <paramref name="errors"/> name the offending inputs by id.
    /// </summary>
    public static TextReply InvalidInput(string text, IReadOnlyDictionary<string, string> errors) =>
        new(text) { Audience = ReplyAudience.Requester, InputErrors = errors };

    /// <summary>A file for the person who asked (see <see cref="FileReply"/>): always private to them.</summary>
    public static FileReply PrivateFile(FileRequest file, string title, string comment) =>
        new(file, title, comment) { Audience = ReplyAudience.Requester };

    /// <summary>A card from typed data; properties marked <see cref="Cards.UserTextAttribute"/> are escaped to stay text.</summary>
    public static CardReply Card<T>(string template, T data, JsonTypeInfo<T> typeInfo, string summary)
    {
        var node = (JsonObject)JsonSerializer.SerializeToNode(data, typeInfo)!;
        Cards.UserText.EscapeMarked(node, typeof(T), typeInfo.Options);
        return new(template, node, summary);
    }
}

/// <summary>Someone a card mentions: <paramref name="Name"/> exactly as the card shows it, found on each platform by <paramref name="Email"/>.</summary>
public sealed record MentionedPerson(string Name, string Email);

/// <summary>Plain text. May use <c>**bold**</c> and line breaks; channels convert and escape.</summary>
public sealed record TextReply(string Body) : Reply;

/// <summary>
/// A card: the template name in <c>adaptivecards/</c> and its data (from a typed record).
/// <paramref name="Summary"/> is the plain-text fallback shown in notifications.
/// </summary>
public sealed record CardReply(string Template, JsonObject Data, string Summary) : Reply;
