using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Channels.Slack;

/// <summary>
/// Interactivity: a button pressed on a card (<c>block_actions</c>: stored and acknowledged at once;
/// a form button instead opens its modal now, the trigger lives ~3 s) and a modal submitted
/// (<c>view_submission</c>: its turn runs within the request, up to a budget, because input errors
/// must be in the answer).
/// </summary>
/// <remarks>
/// The contract with the Block Kit translator: a button's <c>action_id</c> is the card action's verb,
/// optionally followed by <c>#…</c> to keep ids unique within a message; its <c>value</c> is the
/// action's data as a JSON object (buttons without a value, and <c>url:</c> links, are not actions).
/// A modal's <c>private_metadata</c> is <c>{"verb", "data"}</c> of its submit action (or just the data,
/// with the verb in <c>callback_id</c>), and each input block's <c>block_id</c> is the Adaptive Card
/// input id.
/// </remarks>
public sealed class SlackInteractions(
    SlackTurns turns,
    Inbox inbox,
    InboxRunner runner,
    SlackReplies replies,
    SlackForms forms,
    SlackApiClient api,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackInteractions> logger)
{
    public const string ActionKind = "action";
    public const string ViewKind = "view";

    /// <summary>Modal submissions whose request stopped waiting (the modal closed) before their turn answered.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, bool> closedBeforeAnswer = new();

    public async Task<InboundWork> TranslateAsync(InboxWork item, CancellationToken cancellationToken) => item.Kind switch
    {
        ActionKind => await BlockActionAsync(SlackTurns.Read(item, SlackJson.Default.SlackInteraction), cancellationToken),
        ViewKind => await ViewSubmissionAsync(item, SlackTurns.Read(item, SlackJson.Default.SlackInteraction), cancellationToken),
        _ => new NoWork($"unknown kind '{item.Kind}'"),
    };

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
            if (await turns.InstallationAsync(teamId, "block_actions", cancellationToken) is { } installation)
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
        return await turns.AdmitAsync(item, actionTs, null, cancellationToken) ?? SlackAck.Empty;
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
            turns.ResponseUrl(payload.ResponseUrl));
    }

    private async Task<InboundWork> BlockActionAsync(SlackInteraction payload, CancellationToken cancellationToken)
    {
        var teamId = payload.Team?.Id ?? payload.User?.TeamId ?? payload.View?.TeamId;
        var installation = await turns.InstallationAsync(teamId!, "block_actions", cancellationToken);
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
        var turn = await turns.TurnAsync(installation, origin, payload.User?.Name, cancellationToken) with
        {
            Action = new CardAction(Verb(actionId), data, origin.SourceMessageTs),
            EventId = action["action_ts"]?.GetValue<string>() ?? payload.TriggerId,
        };
        return new TurnWork(turn, SlackTurns.Route(origin, turn));
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
            admission = await inbox.AdmitAsync(new InboundItem(ChannelNames.Slack, dedupe, ViewKind, $"slack:{teamId}:{userId}", json, AnswersInRequest: true), cancellationToken);
        }
        catch (InboxUnavailableException)
        {
            return SlackTurns.Unavailable;
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
        var installation = await turns.InstallationAsync(teamId!, "view_submission", cancellationToken);
        if (installation is null)
        {
            return new NoWork("the workspace is not installed");
        }

        var context = await forms.FindViewAsync(view.Id, cancellationToken);
        var (verb, data) = Submitted(view.CallbackId!, view.PrivateMetadata);
        MergeInputs(data, view.State);
        var channelId = context?.Channel ?? userId;
        var origin = new SlackOrigin(teamId!, channelId, userId, channelId.StartsWith('D') || channelId == userId, context?.ThreadTs, context?.MessageTs);
        var turn = await turns.TurnAsync(installation, origin, payload.User?.Name, cancellationToken) with
        {
            Action = new CardAction(verb, data, context?.MessageTs),
            EventId = view.Id,
        };
        var inputBlocks = view.State?.Values?.Keys.ToList() ?? [];
        return new TurnWork(turn, SlackTurns.Route(origin, turn), (answer, _) => Task.FromResult(
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
