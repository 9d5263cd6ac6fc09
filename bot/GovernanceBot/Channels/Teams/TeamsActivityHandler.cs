using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Channels.Teams;

/// <summary>
/// Handles one authenticated activity: records it (a duplicate id has no second effect), turns it
/// into a <see cref="Turn"/>, runs the engine and delivers the replies through the connector.
/// Returns what the HTTP response must be (A7): 200 for ordinary activities, the A5 body for invokes.
/// </summary>
public sealed class TeamsActivityHandler(
    ConversationEngine engine,
    InboundLog inbound,
    TeamsMembership membership,
    WelcomeComposer welcome,
    TeamsSender sender,
    TeamsMessageFactory messages,
    BotConnectorClient connector,
    IGovernanceDbFactory dbs,
    IOptions<TeamsOptions> options,
    TimeProvider time,
    ILogger<TeamsActivityHandler> logger)
{
    public const string AdaptiveCardActionInvoke = "adaptiveCard/action";

    public async Task<IResult> HandleAsync(Activity activity, CancellationToken cancellationToken)
    {
        if (activity.Type == ActivityTypes.Invoke && activity.Name != AdaptiveCardActionInvoke)
        {
            // Checked before recording: an invoke the bot does not implement has no effect to dedupe.
            Log.TeamsInvokeNotImplemented(logger, activity.Name ?? "(none)");
            return Results.StatusCode(StatusCodes.Status501NotImplemented);
        }

        if (activity.Type is not (ActivityTypes.Message or ActivityTypes.Invoke or ActivityTypes.ConversationUpdate or ActivityTypes.InstallationUpdate))
        {
            return Results.Ok();
        }

        var conversation = ActivityTranslator.ToConversationRef(activity);
        var dedupeKey = DedupeKey(activity);
        if (!await inbound.TryRecordAsync(ChannelNames.Teams, dedupeKey, cancellationToken))
        {
            Log.TeamsDuplicateActivity(logger, activity.Id!);
            return activity.Type == ActivityTypes.Invoke
                ? InvokeMessage("That was already done.")
                : Results.Ok();
        }

        string? error = null;
        try
        {
            return activity.Type switch
            {
                ActivityTypes.Message => await OnMessageAsync(activity, conversation, cancellationToken),
                ActivityTypes.Invoke => await OnCardActionAsync(activity, conversation, cancellationToken),
                _ => await OnMembershipAsync(activity, conversation, cancellationToken),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            error = ex.GetType().Name;
            throw;
        }
        finally
        {
            await inbound.MarkAsync(ChannelNames.Teams, dedupeKey, error, CancellationToken.None);
        }
    }

    /// <summary>
    /// What makes a retry the same activity. Teams message ids are millisecond timestamps, unique only
    /// within their conversation, so the conversation is part of the key; hashed, so that any ids fit
    /// the store's bounded key column.
    /// </summary>
    internal static string DedupeKey(Activity activity) =>
        "activity:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{activity.Conversation!.Id}\n{activity.Id}")));

    private async Task<IResult> OnMessageAsync(Activity activity, ConversationRef conversation, CancellationToken cancellationToken)
    {
        await membership.TouchConversationAsync(conversation, cancellationToken);
        var action = ActivityTranslator.SubmitAction(activity);
        var text = action is null ? ActivityTranslator.StripBotMention(activity) : null;
        if (action is null && string.IsNullOrEmpty(text) && activity.Value is null)
        {
            // An attachment-only message or an empty mention: nothing to answer.
            return Results.Ok();
        }

        var turn = await TurnAsync(activity, conversation, cancellationToken) with { Text = text, Action = action };
        if (IsQuestion(engine.Router.Match(turn)))
        {
            await TypingAsync(conversation, cancellationToken);
        }

        var replies = await engine.HandleAsync(turn, cancellationToken);
        await DeliverAsync(activity, conversation, turn.User, replies, action?.MessageId, cancellationToken);
        return Results.Ok();
    }

    private async Task<IResult> OnCardActionAsync(Activity activity, ConversationRef conversation, CancellationToken cancellationToken)
    {
        var (action, automatic) = ActivityTranslator.ExecuteAction(activity);
        if (action is null)
        {
            return Invoke(new InvokeResponseBody(StatusCodes.Status400BadRequest, InvokeContentTypes.Error,
                new JsonObject { ["code"] = "BadRequest", ["message"] = "The card action has no verb." }));
        }

        await membership.TouchConversationAsync(conversation, cancellationToken);
        var turn = await TurnAsync(activity, conversation, cancellationToken) with { Action = action };
        var replies = await engine.HandleAsync(turn, cancellationToken);

        var replacement = replies.OfType<CardReply>().FirstOrDefault(r => r.ReplacesSourceCard);
        if (automatic)
        {
            // A refresh shows this user their own view of the card; it posts nothing and changes no one else's.
            var view = replacement ?? replies.OfType<CardReply>().FirstOrDefault();
            return view is null
                ? InvokeMessage(replies.OfType<TextReply>().FirstOrDefault()?.Body ?? string.Empty)
                : InvokeCard(await messages.RenderAsync(view, conversation.WorkspaceExternalId, cancellationToken));
        }

        if (replacement is null && replies.FirstOrDefault(r => r.InputErrors is { Count: > 0 }) is TextReply invalid)
        {
            // The card stays as it was, with what is wrong shown on it; nothing is posted into the chat.
            return InvokeMessage(invalid.Body);
        }

        await DeliverAsync(activity, conversation, turn.User, replies.Where(r => r != replacement).ToList(), action.MessageId, cancellationToken);
        if (replacement is not null)
        {
            // The actor sees the new card at once; everyone else gets it through the update of the original message.
            var card = await messages.RenderAsync(replacement, conversation.WorkspaceExternalId, cancellationToken);
            if (action.MessageId is { } source)
            {
                var updated = await sender.UpdateAsync(conversation, source, TeamsMessageFactory.CardMessage(replacement, card), cancellationToken);
                if (!updated.Succeeded)
                {
                    Log.TeamsReplyFailed(logger, "card update", updated.Failure?.ToString() ?? "?", updated.Reason);
                }
            }

            return InvokeCard(card);
        }

        var only = replies.Count == 1 ? replies[0] : null;
        return InvokeMessage(only switch
        {
            TextReply t => t.Body,
            CardReply c => c.Summary,
            _ => "Done.",
        });
    }

    private async Task<IResult> OnMembershipAsync(Activity activity, ConversationRef conversation, CancellationToken cancellationToken)
    {
        var botId = activity.Recipient?.Id;
        var added = activity.Type == ActivityTypes.InstallationUpdate
            ? activity.Action is "add" or "add-upgrade"
            : activity.MembersAdded?.Any(m => m.Id == botId) == true;
        var removed = activity.Type == ActivityTypes.InstallationUpdate
            ? activity.Action is "remove" or "remove-upgrade"
            : activity.MembersRemoved?.Any(m => m.Id == botId) == true;

        if (removed)
        {
            await membership.ForgetConversationAsync(conversation, cancellationToken);
            Log.TeamsConversationForgotten(logger, conversation.Kind.ToString());
            return Results.Ok();
        }

        var people = (activity.MembersAdded ?? []).Where(m => m.Id != botId).ToList();
        if (people.Count > 0)
        {
            await membership.RememberMembersAsync(conversation, people, cancellationToken);
        }

        if (added && await membership.RememberConversationAndClaimWelcomeAsync(conversation, cancellationToken))
        {
            var user = await UserAsync(activity, conversation, cancellationToken);
            await using var db = dbs.Create();
            var card = await welcome.ComposeAsync(db, ChannelNames.Teams, conversation.WorkspaceExternalId, user, options.Value.BotName, cancellationToken);
            var result = await sender.SendAsync(conversation, card, cancellationToken);
            Log.TeamsWelcomed(logger, conversation.Kind.ToString(), result.Succeeded);
        }

        return Results.Ok();
    }

    /// <summary>Questions may wait on a model (bounded well under Teams' 15 s); everything else answers at once.</summary>
    private static bool IsQuestion(RouteMatch match) =>
        match is FallbackMatch { Handler: not null, Text.Length: > 0 } or CommandMatch { Route.Words: "ask" };

    private async Task TypingAsync(ConversationRef conversation, CancellationToken cancellationToken)
    {
        try
        {
            await sender.SendTypingAsync(conversation, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            // "Typing…" is a courtesy: the answer still goes out without it.
            Log.TeamsReplyFailed(logger, "typing", "Transient", ex.Message);
        }
    }

    /// <summary>Replies to a turn: in the same reply chain; the requester's 1:1 for private answers in a group; an update for replacing cards.</summary>
    private async Task DeliverAsync(Activity activity, ConversationRef conversation, ChatUserRef user, IReadOnlyList<Reply> replies, string? sourceMessageId, CancellationToken cancellationToken)
    {
        foreach (var reply in replies)
        {
            SendResult result;
            if (reply.ReplacesSourceCard && sourceMessageId is not null)
            {
                result = await sender.UpdateAsync(conversation, sourceMessageId, reply, cancellationToken);
            }
            else if (reply.Audience == ReplyAudience.Requester && conversation.Kind != ConversationKind.Personal)
            {
                var (direct, failure) = await sender.OpenDirectAsync(conversation.WorkspaceExternalId, user, cancellationToken);
                result = direct is null ? failure ?? SendResult.Permanent("no 1:1") : await sender.SendAsync(direct, reply, cancellationToken);
            }
            else
            {
                result = await sender.ReplyAsync(conversation, activity.Id!, reply, cancellationToken);
            }

            if (!result.Succeeded)
            {
                Log.TeamsReplyFailed(logger, reply.GetType().Name, result.Failure?.ToString() ?? "?", result.Reason);
            }
        }
    }

    private async Task<Turn> TurnAsync(Activity activity, ConversationRef conversation, CancellationToken cancellationToken) => new()
    {
        Conversation = conversation,
        User = await UserAsync(activity, conversation, cancellationToken),
        EventId = activity.Id,
        ReceivedAt = time.GetUtcNow(),
    };

    /// <summary>
    /// The person behind the activity. The first time the bot meets them it asks the connector for
    /// their e-mail/UPN, which links them to their stakeholder record; after that the store knows it.
    /// </summary>
    private async Task<ChatUserRef> UserAsync(Activity activity, ConversationRef conversation, CancellationToken cancellationToken)
    {
        var from = activity.From!;
        var email = await membership.KnownEmailAsync(conversation.WorkspaceExternalId, from.Id!, from.AadObjectId, cancellationToken);
        if (email is null && conversation.ServiceUrl is { } serviceUrl)
        {
            var member = await connector.GetMemberAsync(serviceUrl, conversation.ConversationId, from.Id!, cancellationToken);
            email = member.Value is { } m ? EmailOf(m) : null;
            if (email is null)
            {
                Log.TeamsMemberLookupFailed(logger, (int?)member.Status, member.ErrorCode);
            }
        }

        return new ChatUserRef(from.Id!, from.Name, email, from.AadObjectId);
    }

    internal static string? EmailOf(ChannelAccount member) =>
        new[] { member.Email, member.UserPrincipalName }
            .FirstOrDefault(e => e is not null && e.Contains('@', StringComparison.Ordinal))?.Trim().ToLowerInvariant();

    private static IResult InvokeCard(JsonObject card) =>
        Invoke(new InvokeResponseBody(StatusCodes.Status200OK, InvokeContentTypes.AdaptiveCard, card));

    private static IResult InvokeMessage(string text) =>
        Invoke(new InvokeResponseBody(StatusCodes.Status200OK, InvokeContentTypes.Message, JsonValue.Create(text)));

    private static IResult Invoke(InvokeResponseBody body) => Results.Json(body, TeamsJson.Default.InvokeResponseBody);
}
