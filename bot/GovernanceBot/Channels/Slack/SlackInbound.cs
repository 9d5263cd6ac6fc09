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
/// Turns verified Slack requests into <see cref="Turn"/>s: events (<c>app_mention</c>, DM messages,
/// uninstall), interactivity (<c>block_actions</c>, <c>view_submission</c>) and <c>/gov</c>. Each
/// delivery is recorded in the <see cref="InboundLog"/> first, so a retry has no second effect.
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
    ConversationEngine engine,
    InboundLog inbound,
    SlackWorkspaces workspaces,
    SlackUserDirectory users,
    SlackReplies replies,
    SlackForms forms,
    SlackApiClient api,
    SlackBackgroundWork queue,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackInbound> logger)
{
    /// <summary>Message subtypes that are still a person talking to the bot.</summary>
    private static readonly HashSet<string> AcceptedSubtypes = new(StringComparer.Ordinal) { "thread_broadcast", "file_share" };

    // ---- Events API ----

    public async Task<SlackAck> HandleEventAsync(SlackEnvelope envelope, string? retryNum, CancellationToken cancellationToken)
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

        if (!await inbound.TryRecordAsync(ChannelNames.Slack, $"event:{eventId}", cancellationToken)
            || (kind == EventKind.Message && !await inbound.TryRecordAsync(ChannelNames.Slack, $"message:{teamId}:{ev.Channel}:{ev.Ts}", cancellationToken)))
        {
            Log.SlackDuplicate(logger, eventId, retryNum);
            return SlackAck.Empty;
        }

        await queue.EnqueueAsync(ev.Type!, ct => kind == EventKind.Message
            ? RunMessageAsync(envelope, teamId, ev, ct)
            : workspaces.RemoveAsync(teamId, ct), cancellationToken);
        return SlackAck.Empty;
    }

    private enum EventKind { Ignored, Message, Uninstall }

    private static EventKind Classify(SlackEvent ev, SlackEnvelope envelope)
    {
        switch (ev.Type)
        {
            case "app_uninstalled":
                return EventKind.Uninstall;
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

    private async Task RunMessageAsync(SlackEnvelope envelope, string teamId, SlackEvent ev, CancellationToken cancellationToken)
    {
        var installation = await InstallationAsync(teamId, "event", cancellationToken);
        if (installation is null)
        {
            return;
        }

        var botUser = BotUserId(envelope) ?? installation.BotUserId;
        var origin = new SlackOrigin(teamId, ev.Channel!, ev.User!, ev.ChannelType == "im" || ev.Channel!.StartsWith('D'), ev.ThreadTs);
        var user = await users.ResolveAsync(installation, ev.User!, null, cancellationToken);
        var turn = new Turn
        {
            Conversation = origin.Conversation(botUser),
            User = user,
            Text = StripMention(ev.Text ?? string.Empty, botUser),
            EventId = envelope.EventId,
            ReceivedAt = time.GetUtcNow(),
        };
        var answer = await engine.HandleAsync(turn, cancellationToken);
        await replies.DeliverAsync(installation, origin, answer, cancellationToken);
        await inbound.MarkAsync(ChannelNames.Slack, $"event:{envelope.EventId}", null, cancellationToken);
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

    public async Task<SlackAck> HandleInteractionAsync(SlackInteraction payload, CancellationToken cancellationToken)
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
            "block_actions" => await BlockActionsAsync(payload, teamId, userId, cancellationToken),
            "view_submission" => await ViewSubmissionAsync(payload, teamId, userId, cancellationToken),
            _ => Ignored(payload.Type ?? "interaction"),
        };
    }

    private SlackAck Ignored(string kind)
    {
        Log.SlackIgnored(logger, kind, "not handled");
        return SlackAck.Empty;
    }

    private async Task<SlackAck> BlockActionsAsync(SlackInteraction payload, string teamId, string userId, CancellationToken cancellationToken)
    {
        if (payload.Actions is not [{ } action, ..] || action["action_id"]?.GetValue<string>() is not { Length: > 0 } actionId)
        {
            return Ignored("block_actions");
        }

        var installation = await InstallationAsync(teamId, "block_actions", cancellationToken);
        if (installation is null)
        {
            return SlackAck.Empty;
        }

        var channelId = payload.Container?.ChannelId ?? payload.Channel?.Id;
        var origin = new SlackOrigin(
            teamId,
            channelId ?? userId,
            userId,
            channelId is null || channelId.StartsWith('D'),
            payload.Message?.ThreadTs ?? payload.Container?.ThreadTs,
            payload.Container?.MessageTs ?? payload.Message?.Ts,
            payload.Container?.IsEphemeral == true,
            ResponseUrl(payload.ResponseUrl));

        if (actionId.StartsWith(SlackForms.Prefix, StringComparison.Ordinal))
        {
            await OpenFormAsync(installation, payload, actionId, origin, cancellationToken);
            return SlackAck.Empty;
        }

        if (actionId.StartsWith("url:", StringComparison.Ordinal) || (action["type"]?.GetValue<string>() == "button" && action["value"] is null))
        {
            return Ignored("link button");
        }

        var actionTs = action["action_ts"]?.GetValue<string>() ?? payload.TriggerId ?? string.Empty;
        if (!await inbound.TryRecordAsync(ChannelNames.Slack, $"action:{teamId}:{userId}:{actionId}:{actionTs}", cancellationToken))
        {
            Log.SlackDuplicate(logger, actionTs, null);
            return SlackAck.Empty;
        }

        var data = ParseObject(action["value"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null);
        if (action["value"] is null && action.InputValue() is { } selected)
        {
            data["value"] = selected;
        }

        MergeInputs(data, payload.State);
        var turn = await TurnAsync(installation, origin, payload.User?.Name, cancellationToken) with
        {
            Action = new CardAction(Verb(actionId), data, origin.SourceMessageTs),
            EventId = actionTs,
        };
        await RunWithinBudgetAsync("block_actions", installation, origin, turn);
        return SlackAck.Empty;
    }

    private async Task OpenFormAsync(SlackInstallation installation, SlackInteraction payload, string actionId, SlackOrigin origin, CancellationToken cancellationToken)
    {
        var modal = await forms.FindAsync(actionId, cancellationToken);
        if (modal is null || payload.TriggerId is null)
        {
            Log.SlackFormExpired(logger, actionId, origin.TeamId);
            await replies.DeliverAsync(installation, origin with { ViaResponseUrl = origin.ResponseUrl is not null },
                [Reply.Text("That form has expired. Ask me again (type **help** to see how) and I will send a fresh one.") with { Audience = ReplyAudience.Requester }],
                cancellationToken);
            return;
        }

        try
        {
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

    private async Task<SlackAck> ViewSubmissionAsync(SlackInteraction payload, string teamId, string userId, CancellationToken cancellationToken)
    {
        if (payload.View is not { CallbackId: { Length: > 0 } callbackId } view)
        {
            return Ignored("view_submission");
        }

        var installation = await InstallationAsync(teamId, "view_submission", cancellationToken);
        if (installation is null)
        {
            return SlackAck.Empty;
        }

        var context = await forms.FindViewAsync(view.Id, cancellationToken);
        var (verb, data) = Submitted(callbackId, view.PrivateMetadata);
        MergeInputs(data, view.State);
        var dedupe = $"view:{teamId}:{view.Id}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(data.ToJsonString())))[..16]}";
        if (!await inbound.TryRecordAsync(ChannelNames.Slack, dedupe, cancellationToken))
        {
            Log.SlackDuplicate(logger, dedupe, null);
            return SlackAck.Empty;
        }

        var channelId = context?.Channel ?? userId;
        var origin = new SlackOrigin(teamId, channelId, userId, channelId.StartsWith('D') || channelId == userId, context?.ThreadTs, context?.MessageTs);
        var turn = await TurnAsync(installation, origin, payload.User?.Name, cancellationToken) with
        {
            Action = new CardAction(verb, data, context?.MessageTs),
            EventId = view.Id,
        };

        var running = engine.HandleAsync(turn, cancellationToken);
        if (await FinishesWithinBudgetAsync(running) && running.IsCompletedSuccessfully && InputErrors(running.Result) is { } errors)
        {
            var inputBlocks = view.State?.Values?.Keys.ToList() ?? [];
            var byBlock = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (input, message) in errors)
            {
                var block = inputBlocks.Contains(input) ? input : inputBlocks.FirstOrDefault();
                if (block is not null)
                {
                    byBlock[block] = byBlock.TryGetValue(block, out var earlier) ? $"{earlier} {message}" : message;
                }
            }

            if (byBlock.Count > 0)
            {
                // The submission was refused, so a corrected one (same view) must not count as a retry.
                await inbound.MarkAsync(ChannelNames.Slack, dedupe, "input errors", cancellationToken);
                return new SlackAck(StatusCodes.Status200OK, JsonSerializer.Serialize(new SlackViewSubmissionAnswer("errors", byBlock), SlackJson.Default.SlackViewSubmissionAnswer));
            }
        }

        _ = queue.StartNow("view_submission", async ct => await replies.DeliverAsync(installation, origin, await running, ct));
        return SlackAck.Empty;
    }

    private static IReadOnlyDictionary<string, string>? InputErrors(IReadOnlyList<Reply> answer) =>
        answer.FirstOrDefault(r => r.InputErrors is { Count: > 0 })?.InputErrors;

    // ---- Slash command ----

    public async Task<SlackAck> HandleCommandAsync(IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken)
    {
        if (!form.TryGetValue("team_id", out var teamId) || !form.TryGetValue("user_id", out var userId)
            || !form.TryGetValue("channel_id", out var channelId) || string.IsNullOrEmpty(teamId) || string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(channelId))
        {
            return new SlackAck(StatusCodes.Status400BadRequest, Text: "A slash command needs team_id, user_id and channel_id.");
        }

        if (form.TryGetValue("trigger_id", out var triggerId) && !await inbound.TryRecordAsync(ChannelNames.Slack, $"command:{triggerId}", cancellationToken))
        {
            Log.SlackDuplicate(logger, triggerId, null);
            return SlackAck.Empty;
        }

        var text = form.GetValueOrDefault("text")?.Trim();
        var origin = new SlackOrigin(teamId, channelId, userId, channelId.StartsWith('D'),
            ResponseUrl: ResponseUrl(form.GetValueOrDefault("response_url")), ViaResponseUrl: true);
        origin = origin with { ViaResponseUrl = origin.ResponseUrl is not null };
        await queue.EnqueueAsync("command", async ct =>
        {
            var installation = await InstallationAsync(teamId, "command", ct);
            if (installation is null)
            {
                return;
            }

            var turn = await TurnAsync(installation, origin, form.GetValueOrDefault("user_name"), ct) with
            {
                Text = string.IsNullOrEmpty(text) ? "help" : text,
                EventId = triggerId,
            };
            await replies.DeliverAsync(installation, origin, await engine.HandleAsync(turn, ct), ct);
        }, cancellationToken);
        return SlackAck.Empty;
    }

    // ---- shared ----

    private async Task<Turn> TurnAsync(SlackInstallation installation, SlackOrigin origin, string? name, CancellationToken cancellationToken) => new()
    {
        Conversation = origin.Conversation(installation.BotUserId),
        User = await users.ResolveAsync(installation, origin.UserId, name, cancellationToken),
        ReceivedAt = time.GetUtcNow(),
    };

    /// <summary>
    /// Runs the turn now so a state change is committed before Slack gets its answer, but never
    /// longer than the budget: a slow handler finishes in the background, and replies follow.
    /// </summary>
    private async Task RunWithinBudgetAsync(string kind, SlackInstallation installation, SlackOrigin origin, Turn turn)
    {
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = queue.StartNow(kind, async ct =>
        {
            IReadOnlyList<Reply> answer;
            try
            {
                answer = await engine.HandleAsync(turn, ct);
            }
            finally
            {
                handled.TrySetResult();
            }

            await replies.DeliverAsync(installation, origin, answer, ct);
        });
        await FinishesWithinBudgetAsync(Task.WhenAny(handled.Task, work));
    }

    private async Task<bool> FinishesWithinBudgetAsync(Task running)
    {
        var finished = await Task.WhenAny(running, Task.Delay(options.Value.InlineBudget, time));
        return finished == running;
    }

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
