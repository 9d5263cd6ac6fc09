using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Store;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Channels.Teams;

/// <summary>
/// Turns a channel-neutral <see cref="Reply"/> into the message activity Teams receives: markdown
/// text, or the Adaptive Card from <c>Cards/</c> as an attachment with the summary as fallback.
/// </summary>
/// <remarks>
/// The card renderer is looked up when the first card is rendered, not at construction: the outbox
/// builds every <see cref="IChannelSender"/> at start-up, and a host composed without <c>Cards/</c>
/// (a test, a text-only tool) must still start and send text.
/// </remarks>
public sealed class TeamsMessageFactory(IServiceProvider services, IGovernanceDbFactory dbs)
{
    private ICardRenderer Renderer => services.GetService<ICardRenderer>()
        ?? throw new InvalidOperationException("No ICardRenderer is registered: add Cards/ to the composition to send cards.");

    /// <summary>Teams auto-refreshes a card for at most this many listed users (A5).</summary>
    public const int MaxRefreshUsers = 60;

    public async Task<Activity> CreateAsync(Reply reply, string? tenantId, CancellationToken cancellationToken) => reply switch
    {
        // Teams localises times only inside a card's TextBlock: plain text gets the fallback, zone named.
        TextReply text => new Activity { Type = ActivityTypes.Message, Text = LocalTime.Plain(text.Body), TextFormat = "markdown" },
        CardReply card => CardMessage(card, await RenderAsync(card, tenantId, cancellationToken)),
        FileReply file => new Activity { Type = ActivityTypes.Message, Text = LocalTime.Plain(DownloadText(file)), TextFormat = "markdown" },
        _ => throw new ArgumentOutOfRangeException(nameof(reply), reply.GetType().Name, "Unknown reply type."),
    };

    /// <summary>
    /// A bot cannot attach a file to a Teams message without the file consent flow (and not at all in
    /// channels), so a file goes as a download link of the person's own: signed, single use, expiring,
    /// and checked again when opened. The link is made now, when the message is sent.
    /// </summary>
    private string DownloadText(FileReply file)
    {
        var links = services.GetService<IFileLinks>()
            ?? throw new InvalidOperationException("No IFileLinks is registered: add the dashboard's links to the composition to send files.");
        var link = links.Issue(file.File);
        var minutes = (int)Math.Round(link.Lifetime.TotalMinutes);
        var lifetime = minutes % 60 == 0 ? (minutes == 60 ? "an hour" : $"{minutes / 60} hours") : $"{minutes} minutes";
        return $"{file.Comment}\n\n📎 [Download {file.File.FileName}]({link.Url})\n\nThe link is yours alone: it works once, for {lifetime}, and only while you may still have the file.";
    }

    /// <summary>The message carrying an already rendered card (see <see cref="RenderAsync"/>).</summary>
    public static Activity CardMessage(CardReply card, JsonObject rendered) => new()
    {
        Type = ActivityTypes.Message,
        Summary = LocalTime.Plain(card.Summary),
        Attachments = [new Attachment(InvokeContentTypes.AdaptiveCard, rendered)],
    };

    /// <summary>The Adaptive Card for a card reply, with <c>refresh.userIds</c> in Teams' terms.</summary>
    public async Task<JsonObject> RenderAsync(CardReply card, string? tenantId, CancellationToken cancellationToken)
    {
        var rendered = Renderer.Render(card.Template, card.Data);
        // Teams shows DATE()/TIME() in its reader's zone, inside a TextBlock's text only; elsewhere the fallback.
        LocalTime.Localise(rendered, (element, property) => property == "text" && (string?)element["type"] == "TextBlock", LocalTime.Teams);
        if (rendered["refresh"] is JsonObject refresh && refresh["userIds"] is JsonArray listed)
        {
            refresh["userIds"] = await ResolveRefreshUsersAsync(listed, tenantId, cancellationToken);
        }

        if (card.Mentions is { Count: > 0 } mentions && tenantId is not null)
        {
            await MentionAsync(rendered, mentions, tenantId, cancellationToken);
        }

        return rendered;
    }

    /// <summary>
    /// Real mentions (A4) of the people the card names whom the bot knows in this tenant: <c>&lt;at&gt;Name&lt;/at&gt;</c>
    /// in the text and, for each, a mention entity whose text is exactly that tag. Others stay names.
    /// </summary>
    private async Task MentionAsync(JsonObject card, IReadOnlyList<MentionedPerson> mentions, string tenantId, CancellationToken cancellationToken)
    {
        var emails = mentions.Select(m => m.Email.ToLowerInvariant()).Distinct().ToList();
        await using var db = dbs.Create();
        var users = await TeamsSender.TeamsUsersOf(db, tenantId).AsNoTracking()
            .Where(u => u.Email != null && emails.Contains(u.Email))
            .OrderByDescending(u => u.LastSeenAt)
            .Select(u => new { u.Email, u.ExternalUserId })
            .ToListAsync(cancellationToken);
        var ids = new Dictionary<MentionedPerson, string>();
        foreach (var person in mentions)
        {
            if (users.FirstOrDefault(u => string.Equals(u.Email, person.Email, StringComparison.OrdinalIgnoreCase)) is { } user)
            {
                ids.TryAdd(person, user.ExternalUserId);
            }
        }

        var applied = CardMentions.Apply(card, ids.ToDictionary(p => p.Key, p => $"<at>{p.Key.Name}</at>"));
        if (applied.Count == 0)
        {
            return;
        }

        var entities = new JsonArray(applied.Select(p => (JsonNode)new JsonObject
        {
            ["type"] = "mention",
            ["text"] = $"<at>{p.Name}</at>",
            ["mentioned"] = new JsonObject { ["id"] = ids[p], ["name"] = p.Name },
        }).ToArray());
        var msteams = card["msteams"] as JsonObject ?? new JsonObject();
        msteams["entities"] = entities;
        card["msteams"] = msteams;
    }

    /// <summary>
    /// Handlers name the people who still have to act by e-mail (they know stakeholders, not Teams
    /// ids); Teams wants <c>29:</c> ids. Ids pass through, e-mails of users the bot has met in this
    /// tenant are mapped, everyone else is dropped, and the list is capped at 60.
    /// </summary>
    internal async Task<JsonArray> ResolveRefreshUsersAsync(JsonArray listed, string? tenantId, CancellationToken cancellationToken)
    {
        var entries = listed.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : null)
            .Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToList();
        var emails = entries.Where(e => e.Contains('@', StringComparison.Ordinal)).Select(e => e.ToLowerInvariant()).Distinct().ToList();
        var byEmail = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (emails.Count > 0 && tenantId is not null)
        {
            await using var db = dbs.Create();
            var users = await TeamsSender.TeamsUsersOf(db, tenantId).AsNoTracking()
                .Where(u => u.Email != null && emails.Contains(u.Email))
                .Select(u => new { u.Email, u.ExternalUserId })
                .ToListAsync(cancellationToken);
            foreach (var user in users)
            {
                byEmail.TryAdd(user.Email!, user.ExternalUserId);
            }
        }

        var ids = entries
            .Select(e => e.StartsWith("29:", StringComparison.Ordinal) ? e : byEmail.GetValueOrDefault(e))
            .Where(id => id is not null)
            .Distinct(StringComparer.Ordinal)
            .Take(MaxRefreshUsers);
        return new JsonArray(ids.Select(id => (JsonNode)JsonValue.Create(id!)).ToArray());
    }
}
