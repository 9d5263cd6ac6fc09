using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GovernanceBot.Conversation;

namespace GovernanceBot.Channels.Teams;

/// <summary>Native Teams activity → channel-neutral pieces (A4, A5). Pure functions, no I/O.</summary>
public static partial class ActivityTranslator
{
    /// <summary>Where the activity happened, enough to answer or send proactively later.</summary>
    public static ConversationRef ToConversationRef(Activity activity) => new(
        ChannelNames.Teams,
        activity.TenantId ?? string.Empty,
        activity.Conversation?.Id ?? string.Empty,
        activity.Conversation?.ConversationType switch
        {
            "channel" => ConversationKind.Channel,
            "groupChat" => ConversationKind.Group,
            _ when activity.Conversation?.IsGroup == true => ConversationKind.Group,
            _ => ConversationKind.Personal,
        },
        activity.ServiceUrl,
        activity.Recipient?.Id);

    /// <summary>
    /// The text without the bot's own mention: the text of each mention entity of the bot (or a
    /// plain <c>&lt;at&gt;</c> tag with the bot's name), then trimmed. Other people's mentions stay.
    /// </summary>
    public static string StripBotMention(Activity activity)
    {
        var text = activity.Text ?? string.Empty;
        var botId = activity.Recipient?.Id;
        foreach (var entity in activity.Entities ?? [])
        {
            if (entity.Type == "mention" && entity.Mentioned?.Id is { } id && id == botId && !string.IsNullOrEmpty(entity.Text))
            {
                text = text.Replace(entity.Text, " ", StringComparison.Ordinal);
            }
        }

        if (activity.Recipient?.Name is { Length: > 0 } botName)
        {
            text = text.Replace($"<at>{botName}</at>", " ", StringComparison.OrdinalIgnoreCase);
        }

        return Spaces().Replace(text.Replace('\u00A0', ' '), " ").Trim();
    }

    /// <summary>A person the text mentions: the tag as it stands in the text, their Teams id and name.</summary>
    public sealed record Mention(string Tag, string UserId, string Name);

    /// <summary>The mention entities of people other than the bot, in the order the text names them.</summary>
    public static IReadOnlyList<Mention> OtherMentions(Activity activity) =>
        (activity.Entities ?? [])
            .Where(e => e.Type == "mention" && e.Mentioned?.Id is { Length: > 0 } id && id != activity.Recipient?.Id && !string.IsNullOrEmpty(e.Text))
            .Select(e => new Mention(e.Text!, e.Mentioned!.Id!, NameOf(e.Mentioned.Name, e.Text!)))
            .DistinctBy(m => m.Tag)
            .ToList();

    /// <summary>
    /// The text in channel-neutral form: each <c>&lt;at&gt;Name&lt;/at&gt;</c> (with an entity or without)
    /// becomes <c>@"Name"</c>, one word for the command tokenizer, as every channel writes a mention.
    /// </summary>
    public static string WithoutMentionMarkup(string text, IReadOnlyList<Mention> mentions)
    {
        foreach (var mention in mentions)
        {
            text = text.Replace(mention.Tag, CommandText.MentionWord(mention.Name), StringComparison.Ordinal);
        }

        return AtTag().Replace(text, m => CommandText.MentionWord(m.Groups[1].Value));
    }

    private static string NameOf(string? name, string tag) =>
        CommandText.MentionName(!string.IsNullOrWhiteSpace(name) ? name : AtTag().Match(tag) is { Success: true } m ? m.Groups[1].Value : tag);

    /// <summary>
    /// An <c>Action.Submit</c> press: a message whose <c>value</c> is an object with a <c>verb</c>
    /// (GovernanceBot's cards put the verb in the submit data). The rest of the value is the data.
    /// </summary>
    public static CardAction? SubmitAction(Activity activity)
    {
        if (activity.Value is not JsonObject value || Activity.StringAt(value, "verb") is not { Length: > 0 } verb)
        {
            return null;
        }

        var data = (JsonObject)value.DeepClone();
        data.Remove("verb");
        return new CardAction(verb, data, activity.ReplyToId);
    }

    /// <summary>An <c>adaptiveCard/action</c> invoke's action (verb + data with inputs merged), or null when it has no verb.</summary>
    public static (CardAction? Action, bool Automatic) ExecuteAction(Activity activity)
    {
        var value = activity.Value as JsonObject;
        var verb = Activity.StringAt(value, "action", "verb");
        if (string.IsNullOrEmpty(verb))
        {
            return (null, false);
        }

        var data = value!["action"]!["data"] is JsonObject d ? (JsonObject)d.DeepClone() : [];
        var automatic = string.Equals(Activity.StringAt(value, "trigger"), "automatic", StringComparison.OrdinalIgnoreCase);
        return (new CardAction(verb, data, activity.ReplyToId), automatic);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"<at>(.*?)</at>", RegexOptions.IgnoreCase)]
    private static partial Regex AtTag();
}
