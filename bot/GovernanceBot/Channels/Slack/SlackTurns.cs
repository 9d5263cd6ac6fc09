using System.Text.Json;
using System.Text.RegularExpressions;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;

namespace GovernanceBot.Channels.Slack;

/// <summary>The HTTP answer to a verified Slack request.</summary>
public sealed record SlackAck(int StatusCode, string? Json = null, string? Text = null)
{
    public static readonly SlackAck Empty = new(StatusCodes.Status200OK);
}

/// <summary>
/// What Slack's events, interactions and commands share on their way in: storing a request in the
/// <see cref="Inbox"/> before it is acknowledged, the installation it belongs to, and the
/// <see cref="Turn"/> it becomes — the speaker, the conversation, and mentions resolved to people.
/// </summary>
public sealed partial class SlackTurns(
    Inbox inbox,
    InboxRunner runner,
    SlackWorkspaces workspaces,
    SlackUserDirectory users,
    SlackApiClient api,
    TimeProvider time,
    ILogger<SlackTurns> logger)
{
    public static readonly SlackAck Unavailable = new(StatusCodes.Status503ServiceUnavailable, Text: "The bot could not store the request just now; Slack will send it again.");

    /// <summary>Stores the item and queues its run; null when stored (acknowledge), else the 503 that makes Slack send it again.</summary>
    public async Task<SlackAck?> AdmitAsync(InboundItem item, string logId, string? retryNum, CancellationToken cancellationToken)
    {
        Admission admission;
        try
        {
            admission = await inbox.AdmitAsync(item, cancellationToken);
        }
        catch (InboxUnavailableException)
        {
            return Unavailable;
        }

        if (admission.Work is { } work)
        {
            runner.Enqueue(work);
        }
        else
        {
            Log.SlackDuplicate(logger, logId, retryNum);
        }

        return null;
    }

    /// <summary>
    /// The text with each person's <c>&lt;@U…&gt;</c> written as <c>@"Name"</c>, as every channel writes a
    /// mention, and the people it names whom the store knows by e-mail. People who never used the bot are
    /// unknown to the store: users.info says who they are (e-mail included), and the directory keeps it, so
    /// a command naming them (<c>delegate approvals to @lee</c>) finds their stakeholder record like anyone else's.
    /// </summary>
    public async Task<(string Text, IReadOnlyList<MentionedPerson> Mentions)> ResolveMentionsAsync(
        SlackInstallation installation, string text, string? botUser, CancellationToken cancellationToken)
    {
        var ids = UserMention().Matches(text).Select(m => m.Groups[1].Value)
            .Where(id => id != botUser)
            .Distinct(StringComparer.Ordinal)
            .Take(MaxResolvedMentions)
            .ToList();
        if (ids.Count == 0)
        {
            return (text, []);
        }

        var people = new Dictionary<string, ChatUserRef>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            people[id] = await users.ResolveAsync(installation, id, null, cancellationToken);
        }

        var names = people.ToDictionary(p => p.Key, p => CommandText.MentionName(p.Value.Name ?? p.Key), StringComparer.Ordinal);
        var written = UserMention().Replace(text, m => names.TryGetValue(m.Groups[1].Value, out var name) ? CommandText.MentionWord(name) : m.Value);
        var mentions = people
            .Where(p => p.Value.Email is not null)
            .Select(p => new MentionedPerson(names[p.Key], p.Value.Email!))
            .ToList();
        return (written, mentions);
    }

    /// <summary>A command names a few people; a message pasting hundreds of mentions must not cost hundreds of lookups.</summary>
    private const int MaxResolvedMentions = 20;

    [GeneratedRegex(@"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")]
    private static partial Regex UserMention();

    public static ReplyRoute Route(SlackOrigin origin, Turn turn) =>
        new(turn.Conversation, turn.User, null, origin.SourceMessageTs, JsonSerializer.SerializeToNode(origin, SlackJson.Default.SlackOrigin)!.AsObject());

    public async Task<Turn> TurnAsync(SlackInstallation installation, SlackOrigin origin, string? name, CancellationToken cancellationToken) => new()
    {
        Conversation = origin.Conversation(installation.BotUserId),
        User = await users.ResolveAsync(installation, origin.UserId, name, cancellationToken),
        ReceivedAt = time.GetUtcNow(),
    };

    public async Task<SlackInstallation?> InstallationAsync(string teamId, string kind, CancellationToken cancellationToken)
    {
        var installation = await workspaces.FindAsync(teamId, cancellationToken);
        if (installation is null)
        {
            Log.SlackNotInstalled(logger, teamId, kind);
        }

        return installation;
    }

    public Uri? ResponseUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && api.IsAllowedResponseUrl(url) ? url : null;

    /// <summary>Who a Slack user is (name, e-mail, membership), as the directory knows or learns it.</summary>
    public Task<ChatUserRef> UserAsync(SlackInstallation installation, string userId, string? name, CancellationToken cancellationToken) =>
        users.ResolveAsync(installation, userId, name, cancellationToken);

    public static T Read<T>(InboxWork item, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(item.Payload!, type) ?? throw new JsonException($"The stored {item.Kind} is empty.");
}
