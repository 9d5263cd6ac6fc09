using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Channels.Slack;

/// <summary>The HTTP answer to a verified Slack request.</summary>
public sealed record SlackAck(int StatusCode, string? Json = null, string? Text = null)
{
    public static readonly SlackAck Empty = new(StatusCodes.Status200OK);
}

/// <summary>
/// Slack's half of the inbound pipeline. Before the acknowledgement: classify the verified request
/// and hand it to the <see cref="Inbox"/> (events, <c>block_actions</c>, <c>/gov</c>: stored, then
/// acknowledged at once; a <c>view_submission</c> waits for its turn, up to a budget, because input
/// errors must be in the answer; a form button opens its modal at once, the trigger lives ~3 s).
/// After it (<see cref="TranslateAsync"/>): read the stored request back into a <see cref="Turn"/>.
/// </summary>
/// <remarks>
/// The contract with the Block Kit translator: a button's <c>action_id</c> is the card action's verb,
/// optionally followed by <c>#…</c> to keep ids unique within a message; its <c>value</c> is the
/// action's data as a JSON object (buttons without a value, and <c>url:</c> links, are not actions).
/// A modal's <c>private_metadata</c> is <c>{"verb", "data"}</c> of its submit action (or just the data,
/// with the verb in <c>callback_id</c>), and each input block's <c>block_id</c> is the Adaptive Card
/// input id.
/// </remarks>
public sealed partial class SlackInbound(
    Inbox inbox,
    InboxRunner runner,
    SlackWorkspaces workspaces,
    SlackUserDirectory users,
    SlackReplies replies,
    SlackForms forms,
    SlackApiClient api,
    IOptions<SlackOptions> options,
    IServiceScopeFactory scopes,
    TimeProvider time,
    ILogger<SlackInbound> logger) : IInboundChannel
{
    /// <summary>Message subtypes that are still a person talking to the bot.</summary>
    private static readonly HashSet<string> AcceptedSubtypes = new(StringComparer.Ordinal) { "thread_broadcast", "file_share" };

    private const string MessageKind = "message";
    private const string UninstallKind = "uninstall";
    private const string ActionKind = "action";
    private const string ViewKind = "view";
    private const string CommandKind = "command";
    private const string HomeKind = "home";

    /// <summary>Modal submissions whose request stopped waiting (the modal closed) before their turn answered.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, bool> closedBeforeAnswer = new();

    public string Channel => ChannelNames.Slack;

    // ---- Events API ----

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
        return await AdmitAsync(item, eventId, retryNum, cancellationToken) is { } refusal ? refusal : SlackAck.Empty;
    }

    /// <summary>Stores the item and queues its run; null when stored (acknowledge), else the 503 that makes Slack send it again.</summary>
    private async Task<SlackAck?> AdmitAsync(InboundItem item, string logId, string? retryNum, CancellationToken cancellationToken)
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

    private static readonly SlackAck Unavailable = new(StatusCodes.Status503ServiceUnavailable, Text: "The bot could not store the request just now; Slack will send it again.");

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
        MessageKind => await MessageAsync(Read(item, SlackJson.Default.SlackEnvelope), cancellationToken),
        UninstallKind => Uninstall(Read(item, SlackJson.Default.SlackEnvelope)),
        HomeKind => await HomeOpenedAsync(Read(item, SlackJson.Default.SlackEnvelope), cancellationToken),
        ActionKind => await BlockActionAsync(Read(item, SlackJson.Default.SlackInteraction), cancellationToken),
        ViewKind => await ViewSubmissionAsync(item, Read(item, SlackJson.Default.SlackInteraction), cancellationToken),
        CommandKind => await CommandAsync(Read(item, SlackJson.Default.DictionaryStringString), cancellationToken),
        _ => new NoWork($"unknown kind '{item.Kind}'"),
    };

    private static T Read<T>(InboxWork item, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(item.Payload!, type) ?? throw new JsonException($"The stored {item.Kind} is empty.");

    private EffectWork Uninstall(SlackEnvelope envelope) => new(ct => workspaces.RemoveAsync(envelope.TeamId!, ct));

    /// <summary>
    /// The person opened the app's Home tab: it is published (through the outbox, paced) when what it
    /// shows differs from what they saw last, and kept up to date from then on.
    /// </summary>
    private async Task<InboundWork> HomeOpenedAsync(SlackEnvelope envelope, CancellationToken cancellationToken)
    {
        var teamId = envelope.TeamId!;
        var installation = await InstallationAsync(teamId, "app_home_opened", cancellationToken);
        if (installation is null)
        {
            return new NoWork("the workspace is not installed");
        }

        var ev = envelope.Event!;
        var user = await users.ResolveAsync(installation, ev.User!, null, cancellationToken);
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
        var installation = await InstallationAsync(teamId, "event", cancellationToken);
        if (installation is null)
        {
            return new NoWork("the workspace is not installed");
        }

        var botUser = BotUserId(envelope) ?? installation.BotUserId;
        var origin = new SlackOrigin(teamId, ev.Channel!, ev.User!, ev.ChannelType == "im" || ev.Channel!.StartsWith('D'), ev.ThreadTs);
        var user = await users.ResolveAsync(installation, ev.User!, null, cancellationToken);
        await ResolveMentionsAsync(installation, ev.Text, botUser, ev.User!, cancellationToken);
        var turn = new Turn
        {
            Conversation = origin.Conversation(botUser),
            User = user,
            Text = StripMention(ev.Text ?? string.Empty, botUser),
            EventId = envelope.EventId,
            ReceivedAt = time.GetUtcNow(),
        };
        return new TurnWork(turn, Route(origin, turn));
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

    // ---- Interactivity ----

    public async Task<SlackAck> HandleInteractionAsync(SlackInteraction payload, string json, CancellationToken cancellationToken)
    {
        var teamId = payload.Team?.Id ?? payload.User?.TeamId ?? payload.View?.TeamId;
        var userId = payload.User?.Id;
        if (teamId is null || userId is null)
        {
            Log.SlackIgnored(logger, payload.Type ?? "interaction", "no team or user");
            return SlackAck.Empty;
        }

        return payload.Type switch
        {
            "block_actions" => await BlockActionsAsync(payload, json, teamId, userId, cancellationToken),
            "view_submission" => await ViewSubmittedAsync(payload, json, teamId, userId, cancellationToken),
            _ => Ignored(payload.Type ?? "interaction"),
        };
    }

    private SlackAck Ignored(string kind)
    {
        Log.SlackIgnored(logger, kind, "not handled");
        return SlackAck.Empty;
    }

    private async Task<SlackAck> BlockActionsAsync(SlackInteraction payload, string json, string teamId, string userId, CancellationToken cancellationToken)
    {
        if (payload.Actions is not [{ } action, ..] || action["action_id"]?.GetValue<string>() is not { Length: > 0 } actionId)
        {
            return Ignored("block_actions");
        }

        if (actionId.StartsWith(SlackForms.Prefix, StringComparison.Ordinal))
        {
            // Not a turn: the modal opens now or never (the trigger_id lives about 3 s).
            if (await InstallationAsync(teamId, "block_actions", cancellationToken) is { } installation)
            {
                await OpenFormAsync(installation, payload, actionId, ActionOrigin(payload, teamId, userId), cancellationToken);
            }

            return SlackAck.Empty;
        }

        if (actionId.StartsWith("url:", StringComparison.Ordinal) || (action["type"]?.GetValue<string>() == "button" && action["value"] is null))
        {
            return Ignored("link button");
        }

        var actionTs = action["action_ts"]?.GetValue<string>() ?? payload.TriggerId ?? string.Empty;
        var channelId = payload.Container?.ChannelId ?? payload.Channel?.Id ?? userId;
        var item = new InboundItem(ChannelNames.Slack, $"action:{teamId}:{userId}:{actionId}:{actionTs}", ActionKind, $"slack:{teamId}:{channelId}", json);
        return await AdmitAsync(item, actionTs, null, cancellationToken) ?? SlackAck.Empty;
    }

    private SlackOrigin ActionOrigin(SlackInteraction payload, string teamId, string userId)
    {
        var channelId = payload.Container?.ChannelId ?? payload.Channel?.Id;
        return new SlackOrigin(
            teamId,
            channelId ?? userId,
            userId,
            channelId is null || channelId.StartsWith('D'),
            payload.Message?.ThreadTs ?? payload.Container?.ThreadTs,
            payload.Container?.MessageTs ?? payload.Message?.Ts,
            payload.Container?.IsEphemeral == true,
            ResponseUrl(payload.ResponseUrl));
    }

    private async Task<InboundWork> BlockActionAsync(SlackInteraction payload, CancellationToken cancellationToken)
    {
        var teamId = payload.Team?.Id ?? payload.User?.TeamId ?? payload.View?.TeamId;
        var installation = await InstallationAsync(teamId!, "block_actions", cancellationToken);
        if (installation is null)
        {
            return new NoWork("the workspace is not installed");
        }

        var action = payload.Actions![0];
        var actionId = action["action_id"]!.GetValue<string>();
        var origin = ActionOrigin(payload, teamId!, payload.User!.Id!);
        var data = ParseObject(action["value"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null);
        if (action["value"] is null && action.InputValue() is { } selected)
        {
            data["value"] = selected;
        }

        MergeInputs(data, payload.State);
        var turn = await TurnAsync(installation, origin, payload.User?.Name, cancellationToken) with
        {
            Action = new CardAction(Verb(actionId), data, origin.SourceMessageTs),
            EventId = action["action_ts"]?.GetValue<string>() ?? payload.TriggerId,
        };
        return new TurnWork(turn, Route(origin, turn));
    }

    private async Task OpenFormAsync(SlackInstallation installation, SlackInteraction payload, string actionId, SlackOrigin origin, CancellationToken cancellationToken)
    {
        var modal = await forms.FindAsync(actionId, cancellationToken);
        try
        {
            if (modal is null || payload.TriggerId is null)
            {
                Log.SlackFormExpired(logger, actionId, origin.TeamId);
                await replies.DeliverAsync(installation.BotToken, origin with { ViaResponseUrl = origin.ResponseUrl is not null },
                    Reply.Text("That form has expired. Ask me again (type **help** to see how) and I will send a fresh one.") with { Audience = ReplyAudience.Requester },
                    cancellationToken);
                return;
            }

            // The trigger_id is single-use and lives about 3 s: open now, before acknowledging.
            var opened = await api.OpenViewAsync(installation.BotToken, payload.TriggerId, modal, cancellationToken);
            if (opened.View?.Id is { } viewId)
            {
                await forms.RememberViewAsync(viewId, new SlackFormContext(origin.ChannelId, origin.SourceMessageTs, origin.ThreadTs), cancellationToken);
            }
        }
        catch (SlackApiException ex)
        {
            Log.SlackSendFailed(logger, ex.Method, origin.TeamId, ex.Error);
        }
    }

    private async Task<SlackAck> ViewSubmittedAsync(SlackInteraction payload, string json, string teamId, string userId, CancellationToken cancellationToken)
    {
        if (payload.View is not { CallbackId: { Length: > 0 } callbackId } view)
        {
            return Ignored("view_submission");
        }

        var (_, data) = Submitted(callbackId, view.PrivateMetadata);
        MergeInputs(data, view.State);
        // The same view submitted again with the same values is a retry; corrected values are a new submission.
        var dedupe = $"view:{teamId}:{view.Id}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(data.ToJsonString())))[..16]}";
        Admission admission;
        try
        {
            admission = await inbox.AdmitAsync(new InboundItem(ChannelNames.Slack, dedupe, ViewKind, $"slack:{teamId}:{userId}", json), cancellationToken);
        }
        catch (InboxUnavailableException)
        {
            return Unavailable;
        }

        if (admission.Work is not { } work)
        {
            Log.SlackDuplicate(logger, dedupe, null);
            return admission.Response is { } stored ? new SlackAck(StatusCodes.Status200OK, stored) : SlackAck.Empty;
        }

        // Input errors must be in this answer, so the turn runs now; one slower than the budget
        // finishes on its own (the modal closes) and its replies follow.
        var running = runner.RunNowAsync(work);
        var finished = await Task.WhenAny(running, Task.Delay(options.Value.InlineBudget, time, cancellationToken));
        if (finished == running && running.IsCompletedSuccessfully && running.Result is { } errors)
        {
            return new SlackAck(StatusCodes.Status200OK, errors);
        }

        // The modal closes now: input errors found later must reach the person as a message instead.
        closedBeforeAnswer.TryAdd(work.Id, true);
        return SlackAck.Empty;
    }

    private async Task<InboundWork> ViewSubmissionAsync(InboxWork item, SlackInteraction payload, CancellationToken cancellationToken)
    {
        var view = payload.View!;
        var teamId = payload.Team?.Id ?? payload.User?.TeamId ?? view.TeamId;
        var userId = payload.User!.Id!;
        var installation = await InstallationAsync(teamId!, "view_submission", cancellationToken);
        if (installation is null)
        {
            return new NoWork("the workspace is not installed");
        }

        var context = await forms.FindViewAsync(view.Id, cancellationToken);
        var (verb, data) = Submitted(view.CallbackId!, view.PrivateMetadata);
        MergeInputs(data, view.State);
        var channelId = context?.Channel ?? userId;
        var origin = new SlackOrigin(teamId!, channelId, userId, channelId.StartsWith('D') || channelId == userId, context?.ThreadTs, context?.MessageTs);
        var turn = await TurnAsync(installation, origin, payload.User?.Name, cancellationToken) with
        {
            Action = new CardAction(verb, data, context?.MessageTs),
            EventId = view.Id,
        };
        var inputBlocks = view.State?.Values?.Keys.ToList() ?? [];
        return new TurnWork(turn, Route(origin, turn), (answer, _) => Task.FromResult(
            closedBeforeAnswer.TryRemove(item.Id, out var closed) && closed ? new TurnAnswer(null, answer) : ViewAnswer(answer, inputBlocks)));
    }

    /// <summary>A refused form keeps its modal open with each message under its input; anything else closes it and the replies go out.</summary>
    private static TurnAnswer ViewAnswer(IReadOnlyList<Reply> answer, List<string> inputBlocks)
    {
        if (answer.FirstOrDefault(r => r.InputErrors is { Count: > 0 })?.InputErrors is not { } errors)
        {
            return new TurnAnswer(null, answer);
        }

        var byBlock = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (input, message) in errors)
        {
            var block = inputBlocks.Contains(input) ? input : inputBlocks.FirstOrDefault();
            if (block is not null)
            {
                byBlock[block] = byBlock.TryGetValue(block, out var earlier) ? $"{earlier} {message}" : message;
            }
        }

        return byBlock.Count > 0
            ? new TurnAnswer(JsonSerializer.Serialize(new SlackViewSubmissionAnswer("errors", byBlock), SlackJson.Default.SlackViewSubmissionAnswer), [])
            : new TurnAnswer(null, answer);
    }

    // ---- Slash command ----

    public async Task<SlackAck> HandleCommandAsync(IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken)
    {
        if (!form.TryGetValue("team_id", out var teamId) || !form.TryGetValue("user_id", out var userId)
            || !form.TryGetValue("channel_id", out var channelId) || string.IsNullOrEmpty(teamId) || string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(channelId))
        {
            return new SlackAck(StatusCodes.Status400BadRequest, Text: "A slash command needs team_id, user_id and channel_id.");
        }

        // Without a trigger_id a retry cannot be told from a new command: each is its own.
        var key = form.TryGetValue("trigger_id", out var triggerId) && triggerId.Length > 0 ? triggerId : Guid.NewGuid().ToString("N");
        var item = new InboundItem(ChannelNames.Slack, $"command:{key}", CommandKind, $"slack:{teamId}:{channelId}",
            JsonSerializer.Serialize(form.ToDictionary(), SlackJson.Default.DictionaryStringString));
        return await AdmitAsync(item, key, null, cancellationToken) ?? SlackAck.Empty;
    }

    private async Task<InboundWork> CommandAsync(Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        var (teamId, userId, channelId) = (form["team_id"], form["user_id"], form["channel_id"]);
        var installation = await InstallationAsync(teamId, "command", cancellationToken);
        if (installation is null)
        {
            return new NoWork("the workspace is not installed");
        }

        var text = form.GetValueOrDefault("text")?.Trim();
        await ResolveMentionsAsync(installation, text, installation.BotUserId, userId, cancellationToken);
        var responseUrl = ResponseUrl(form.GetValueOrDefault("response_url"));
        var origin = new SlackOrigin(teamId, channelId, userId, channelId.StartsWith('D'), ResponseUrl: responseUrl, ViaResponseUrl: responseUrl is not null);
        var turn = await TurnAsync(installation, origin, form.GetValueOrDefault("user_name"), cancellationToken) with
        {
            Text = string.IsNullOrEmpty(text) ? "help" : text,
            EventId = form.GetValueOrDefault("trigger_id"),
        };
        return new TurnWork(turn, Route(origin, turn));
    }

    // ---- shared ----

    /// <summary>
    /// People named with <c>&lt;@U…&gt;</c> who never used the bot are unknown to the store: users.info says who
    /// they are (e-mail included), and the directory keeps it, so a command naming them (<c>delegate approvals
    /// to @lee</c>) finds their stakeholder record like anyone else's.
    /// </summary>
    private async Task ResolveMentionsAsync(SlackInstallation installation, string? text, string? botUser, string speaker, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        var mentioned = UserMention().Matches(text).Select(m => m.Groups[1].Value)
            .Where(id => id != botUser && id != speaker)
            .Distinct(StringComparer.Ordinal)
            .Take(MaxResolvedMentions);
        foreach (var id in mentioned)
        {
            await users.ResolveAsync(installation, id, null, cancellationToken);
        }
    }

    /// <summary>A command names a few people; a message pasting hundreds of mentions must not cost hundreds of lookups.</summary>
    private const int MaxResolvedMentions = 20;

    [GeneratedRegex(@"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")]
    private static partial Regex UserMention();

    private static ReplyRoute Route(SlackOrigin origin, Turn turn) =>
        new(turn.Conversation, turn.User, null, origin.SourceMessageTs, JsonSerializer.SerializeToNode(origin, SlackJson.Default.SlackOrigin)!.AsObject());

    private async Task<Turn> TurnAsync(SlackInstallation installation, SlackOrigin origin, string? name, CancellationToken cancellationToken) => new()
    {
        Conversation = origin.Conversation(installation.BotUserId),
        User = await users.ResolveAsync(installation, origin.UserId, name, cancellationToken),
        ReceivedAt = time.GetUtcNow(),
    };

    private async Task<SlackInstallation?> InstallationAsync(string teamId, string kind, CancellationToken cancellationToken)
    {
        var installation = await workspaces.FindAsync(teamId, cancellationToken);
        if (installation is null)
        {
            Log.SlackNotInstalled(logger, teamId, kind);
        }

        return installation;
    }

    private Uri? ResponseUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && api.IsAllowedResponseUrl(url) ? url : null;

    /// <summary>The verb of an <c>action_id</c> or <c>callback_id</c>: everything before the first <c>#</c>.</summary>
    internal static string Verb(string id) => id.Split('#', 2)[0];

    private static JsonObject ParseObject(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(json) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>
    /// The verb and data of a submitted modal: <c>private_metadata</c> is <c>{"verb", "data"}</c> (the
    /// translator's form) or the data itself, with the verb in <c>callback_id</c>.
    /// </summary>
    private static (string Verb, JsonObject Data) Submitted(string callbackId, string? privateMetadata)
    {
        var metadata = ParseObject(privateMetadata);
        return metadata["data"] is JsonObject data && metadata["verb"] is JsonValue verb && verb.GetValueKind() == JsonValueKind.String
            ? (Verb(verb.GetValue<string>()), (JsonObject)data.DeepClone())
            : (Verb(callbackId), metadata);
    }

    /// <summary>Adds each input's value to the data under its block id (the card's input id).</summary>
    private static void MergeInputs(JsonObject data, SlackState? state)
    {
        foreach (var (blockId, elements) in state?.Values ?? [])
        {
            foreach (var element in elements.Values)
            {
                if (element.InputValue() is { } value)
                {
                    data[blockId] = value;
                }
            }
        }
    }
}
