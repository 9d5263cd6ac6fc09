using System.Text;
using System.Text.RegularExpressions;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;

namespace GovernanceBot.Channels.Slack;

/// <summary>
/// The Events API: a message to the bot (an <c>app_mention</c>, a DM), the Home tab opened, the app
/// uninstalled or its token revoked. Stored and acknowledged at once; read back into a turn or an effect.
/// </summary>
public sealed partial class SlackEvents(
    SlackTurns turns,
    SlackWorkspaces workspaces,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<SlackEvents> logger)
{
    /// <summary>Message subtypes that are still a person talking to the bot.</summary>
    private static readonly HashSet<string> AcceptedSubtypes = new(StringComparer.Ordinal) { "thread_broadcast", "file_share" };

    public const string MessageKind = "message";
    public const string UninstallKind = "uninstall";
    public const string HomeKind = "home";

    public async Task<SlackAck> HandleEventAsync(SlackEnvelope envelope, byte[] body, string? retryNum, CancellationToken cancellationToken)
    {
        if (envelope.Type == "url_verification")
        {
            return new SlackAck(StatusCodes.Status200OK, Text: envelope.Challenge ?? string.Empty);
        }

        if (envelope is not { Type: "event_callback", TeamId: { Length: > 0 } teamId, EventId: { Length: > 0 } eventId, Event: { } ev })
        {
            Log.SlackIgnored(logger, envelope.Type ?? "request", "not an event callback with team, event id and event");
            return SlackAck.Empty;
        }

        var kind = Classify(ev, envelope);
        if (kind == EventKind.Ignored)
        {
            Log.SlackIgnored(logger, ev.Type ?? "event", ev.Subtype ?? "not for the bot");
            return SlackAck.Empty;
        }

        // One message can come as two events (app_mention and message.im, each with its own event
        // id): the message, not the event, is what must be answered once.
        var item = kind switch
        {
            EventKind.Message => new InboundItem(ChannelNames.Slack, $"message:{teamId}:{ev.Channel}:{ev.Ts}", MessageKind, $"slack:{teamId}:{ev.Channel}", Encoding.UTF8.GetString(body)),
            // One person's home opens in order; people's homes in parallel.
            EventKind.Home => new InboundItem(ChannelNames.Slack, $"event:{eventId}", HomeKind, $"slack:{teamId}:home:{ev.User}", Encoding.UTF8.GetString(body)),
            _ => new InboundItem(ChannelNames.Slack, $"event:{eventId}", UninstallKind, $"slack:{teamId}", Encoding.UTF8.GetString(body)),
        };
        return await turns.AdmitAsync(item, eventId, retryNum, cancellationToken) is { } refusal ? refusal : SlackAck.Empty;
    }

    private enum EventKind { Ignored, Message, Uninstall, Home }

    private static EventKind Classify(SlackEvent ev, SlackEnvelope envelope)
    {
        switch (ev.Type)
        {
            case "app_uninstalled":
                return EventKind.Uninstall;
            case "app_home_opened":
                // The Messages tab is the DM; only the Home tab has something to publish.
                return ev.Tab == "home" && ev.User is { Length: > 0 } && ev.Channel is { Length: > 0 } ? EventKind.Home : EventKind.Ignored;
            case "tokens_revoked":
                return ev.Tokens?.Bot is { Count: > 0 } ? EventKind.Uninstall : EventKind.Ignored;
            case "app_mention":
            case "message" when ev.ChannelType == "im":
                var botUser = BotUserId(envelope);
                var fromBot = ev.BotId is not null || ev.User is null || (botUser is not null && ev.User == botUser);
                var unwanted = ev.Subtype is not null && !AcceptedSubtypes.Contains(ev.Subtype);
                return fromBot || unwanted || ev.Channel is null || ev.Ts is null ? EventKind.Ignored : EventKind.Message;
            default:
                return EventKind.Ignored;
        }
    }

    private static string? BotUserId(SlackEnvelope envelope) =>
        envelope.Authorizations?.FirstOrDefault(a => a.IsBot)?.UserId;

    public async Task<InboundWork> TranslateAsync(InboxWork item, CancellationToken cancellationToken) => item.Kind switch
    {
        MessageKind => await MessageAsync(SlackTurns.Read(item, SlackJson.Default.SlackEnvelope), cancellationToken),
        UninstallKind => Uninstall(SlackTurns.Read(item, SlackJson.Default.SlackEnvelope)),
        HomeKind => await HomeOpenedAsync(SlackTurns.Read(item, SlackJson.Default.SlackEnvelope), cancellationToken),
        _ => new NoWork($"unknown kind '{item.Kind}'"),
    };

    private EffectWork Uninstall(SlackEnvelope envelope) => new(ct => workspaces.RemoveAsync(envelope.TeamId!, ct));

    /// <summary>
    /// The person opened the app's Home tab: it is published (through the outbox, paced) when what it
    /// shows differs from what they saw last, and kept up to date from then on.
    /// </summary>
    private async Task<InboundWork> HomeOpenedAsync(SlackEnvelope envelope, CancellationToken cancellationToken)
    {
        var teamId = envelope.TeamId!;
        var installation = await turns.InstallationAsync(teamId, "app_home_opened", cancellationToken);
        if (installation is null)
        {
            return new NoWork("the workspace is not installed");
        }

        var ev = envelope.Event!;
        var user = await turns.UserAsync(installation, ev.User!, null, cancellationToken);
        var direct = new SlackOrigin(teamId, ev.Channel!, ev.User!, IsDirect: true).Conversation(BotUserId(envelope) ?? installation.BotUserId);
        return new EffectWork(async ct =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Store.GovernanceDb>();
            var workspace = await scope.ServiceProvider.GetRequiredService<WorkspaceResolver>().ResolveAsync(db, ChannelNames.Slack, teamId, ct);
            await scope.ServiceProvider.GetRequiredService<Features.Dashboard.HomeTabs>().OpenedAsync(workspace.Id, direct, user, ct);
            scope.ServiceProvider.GetService<Scheduling.OutboxDispatcher>()?.Wake();
        });
    }

    private async Task<InboundWork> MessageAsync(SlackEnvelope envelope, CancellationToken cancellationToken)
    {
        var teamId = envelope.TeamId!;
        var ev = envelope.Event!;
        var installation = await turns.InstallationAsync(teamId, "event", cancellationToken);
        if (installation is null)
        {
            return new NoWork("the workspace is not installed");
        }

        var botUser = BotUserId(envelope) ?? installation.BotUserId;
        var origin = new SlackOrigin(teamId, ev.Channel!, ev.User!, ev.ChannelType == "im" || ev.Channel!.StartsWith('D'), ev.ThreadTs);
        var user = await turns.UserAsync(installation, ev.User!, null, cancellationToken);
        var (text, mentions) = await turns.ResolveMentionsAsync(installation, StripMention(ev.Text ?? string.Empty, botUser), botUser, cancellationToken);
        var turn = new Turn
        {
            Conversation = origin.Conversation(botUser),
            User = user,
            Text = text,
            Mentions = mentions,
            EventId = envelope.EventId,
            ReceivedAt = time.GetUtcNow(),
        };
        return new TurnWork(turn, SlackTurns.Route(origin, turn));
    }

    /// <summary>Removes the bot's own mention (<c>&lt;@UBOT&gt;</c> or <c>&lt;@UBOT|name&gt;</c>) and tidies spaces.</summary>
    internal static string StripMention(string text, string? botUserId)
    {
        var stripped = botUserId is null ? LeadingMention().Replace(text, string.Empty) : text.Replace($"<@{botUserId}>", " ", StringComparison.Ordinal);
        if (botUserId is not null)
        {
            stripped = Regex.Replace(stripped, $"<@{Regex.Escape(botUserId)}\\|[^>]*>", " ", RegexOptions.None, TimeSpan.FromSeconds(1));
        }

        return string.Join(' ', stripped.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Trim();
    }

    [GeneratedRegex(@"^\s*<@[UW][A-Z0-9]+(\|[^>]*)?>")]
    private static partial Regex LeadingMention();
}
