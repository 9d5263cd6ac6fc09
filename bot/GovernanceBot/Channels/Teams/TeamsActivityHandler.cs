using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Channels.Teams;

/// <summary>
/// Teams' half of the inbound pipeline. Before the acknowledgement (<see cref="AcceptAsync"/>): hand
/// the verified activity to the <see cref="Inbox"/> — stored, then answered 200 at once, or, for an
/// <c>adaptiveCard/action</c> invoke (whose answer is the card, A5), run within the request. After it
/// (<see cref="TranslateAsync"/>): read the stored activity back into a <see cref="Turn"/> or an effect.
/// </summary>
public sealed class TeamsActivityHandler(
    Inbox inbox,
    InboxRunner runner,
    TeamsMembership membership,
    WelcomeComposer welcome,
    TeamsMessageFactory messages,
    TeamsSender sender,
    TeamsRoster roster,
    BotConnectorClient connector,
    Outbox outbox,
    WorkspaceResolver workspaces,
    IGovernanceDbFactory dbs,
    IOptions<TeamsOptions> options,
    TimeProvider time,
    ILogger<TeamsActivityHandler> logger) : IInboundChannel
{
    public const string AdaptiveCardActionInvoke = "adaptiveCard/action";

    public string Channel => ChannelNames.Teams;

    public async Task<IResult> AcceptAsync(Activity activity, byte[] body, CancellationToken cancellationToken)
    {
        if (activity.Type == ActivityTypes.Invoke && activity.Name != AdaptiveCardActionInvoke)
        {
            // Checked before storing: an invoke the bot does not implement has no effect to keep.
            Log.TeamsInvokeNotImplemented(logger, activity.Name ?? "(none)");
            return Results.StatusCode(StatusCodes.Status501NotImplemented);
        }

        if (activity.Type is not (ActivityTypes.Message or ActivityTypes.Invoke or ActivityTypes.ConversationUpdate or ActivityTypes.InstallationUpdate))
        {
            return Results.Ok();
        }

        var invoke = activity.Type == ActivityTypes.Invoke;
        if (invoke && ActivityTranslator.ExecuteAction(activity).Action is null)
        {
            return Invoke(new InvokeResponseBody(StatusCodes.Status400BadRequest, InvokeContentTypes.Error,
                new JsonObject { ["code"] = "BadRequest", ["message"] = "The card action has no verb." }));
        }

        var item = new InboundItem(ChannelNames.Teams, DedupeKey(activity), activity.Type!, $"{ChannelNames.Teams}:{activity.Conversation!.Id}",
            Encoding.UTF8.GetString(body), AnswersInRequest: invoke);
        Admission admission;
        try
        {
            admission = await inbox.AdmitAsync(item, cancellationToken);
        }
        catch (InboxUnavailableException)
        {
            // Not stored, so not acknowledged: the connector sends it again.
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Unavailable",
                detail: "The bot could not store the activity just now; send it again.");
        }

        if (admission.Kind is AdmissionKind.Done or AdmissionKind.Running)
        {
            Log.TeamsDuplicateActivity(logger, activity.Id!);
        }

        if (!invoke)
        {
            if (admission.Work is { } work)
            {
                runner.Enqueue(work);
            }

            return Results.Ok();
        }

        var response = admission switch
        {
            { Work: { } run } => await runner.RunNowAsync(run),
            { Kind: AdmissionKind.Done, Response: { } stored } => stored,
            { Kind: AdmissionKind.Done } => Serialize(Message("That was already done.")),
            _ => Serialize(Message("I'm still working on that one: the card will update in a moment.")),
        };
        return response is null
            ? Invoke(new InvokeResponseBody(StatusCodes.Status500InternalServerError, InvokeContentTypes.Error,
                new JsonObject { ["code"] = "InternalError", ["message"] = "I could not finish that just now; I will try again and tell you how it went." }))
            : Results.Content(response, "application/json", Encoding.UTF8);
    }

    /// <summary>
    /// What makes a retry the same activity. Teams message ids are millisecond timestamps, unique only
    /// within their conversation, so the conversation is part of the key; hashed, so that any ids fit
    /// the store's bounded key column.
    /// </summary>
    internal static string DedupeKey(Activity activity) =>
        "activity:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{activity.Conversation!.Id}\n{activity.Id}")));

    public async Task<InboundWork> TranslateAsync(InboxWork item, CancellationToken cancellationToken)
    {
        var activity = JsonSerializer.Deserialize(item.Payload!, TeamsJson.Default.Activity)
            ?? throw new JsonException("The stored activity is empty.");
        var conversation = ActivityTranslator.ToConversationRef(activity);
        return activity.Type switch
        {
            ActivityTypes.Message => await MessageAsync(activity, conversation, cancellationToken),
            ActivityTypes.Invoke => await CardActionAsync(activity, conversation, cancellationToken),
            _ => new EffectWork(ct => OnMembershipAsync(activity, conversation, ct)),
        };
    }

    private async Task<InboundWork> MessageAsync(Activity activity, ConversationRef conversation, CancellationToken cancellationToken)
    {
        await membership.TouchConversationAsync(conversation, cancellationToken);
        var action = ActivityTranslator.SubmitAction(activity);
        var text = action is null ? ActivityTranslator.StripBotMention(activity) : null;
        if (action is null && string.IsNullOrEmpty(text) && activity.Value is null)
        {
            return new NoWork("an attachment-only message or an empty mention");
        }

        var turn = await TurnAsync(activity, conversation, cancellationToken) with { Text = text, Action = action };
        if (text is not null)
        {
            var mentioned = ActivityTranslator.OtherMentions(activity);
            turn = turn with
            {
                Text = ActivityTranslator.WithoutMentionMarkup(text, mentioned),
                Mentions = await membership.KnownPeopleAsync(conversation.WorkspaceExternalId, mentioned, cancellationToken),
            };
        }

        return new TurnWork(turn, new ReplyRoute(conversation, turn.User, activity.Id, action?.MessageId), BeforeQuestion: ct => TypingAsync(conversation, ct));
    }

    private async Task<InboundWork> CardActionAsync(Activity activity, ConversationRef conversation, CancellationToken cancellationToken)
    {
        var (action, automatic) = ActivityTranslator.ExecuteAction(activity);
        await membership.TouchConversationAsync(conversation, cancellationToken);
        var turn = await TurnAsync(activity, conversation, cancellationToken) with { Action = action };
        return new TurnWork(turn, new ReplyRoute(conversation, turn.User, activity.Id, action?.MessageId),
            (replies, ct) => InvokeAnswerAsync(conversation, automatic, replies, ct));
    }

    /// <summary>
    /// The invoke's answer (A5) for the person who pressed, and what else goes out. A refresh shows
    /// them their own view and posts nothing; a form with input errors stays as it was with the
    /// errors said; a card replaced is the answer, and its update for everyone goes through the outbox.
    /// </summary>
    private async Task<TurnAnswer> InvokeAnswerAsync(ConversationRef conversation, bool automatic, IReadOnlyList<Reply> replies, CancellationToken cancellationToken)
    {
        var replacement = replies.OfType<CardReply>().FirstOrDefault(r => r.ReplacesSourceCard);
        if (automatic)
        {
            var view = replacement ?? replies.OfType<CardReply>().FirstOrDefault();
            return new TurnAnswer(view is null
                ? Serialize(Message(replies.OfType<TextReply>().FirstOrDefault()?.Body ?? string.Empty))
                : Serialize(Card(await messages.RenderAsync(view, conversation.WorkspaceExternalId, cancellationToken))), []);
        }

        if (replacement is null && replies.FirstOrDefault(r => r.InputErrors is { Count: > 0 }) is TextReply invalid)
        {
            return new TurnAnswer(Serialize(Message(invalid.Body)), []);
        }

        if (replacement is not null)
        {
            return new TurnAnswer(Serialize(Card(await messages.RenderAsync(replacement, conversation.WorkspaceExternalId, cancellationToken))), replies);
        }

        var only = replies.Count == 1 ? replies[0] : null;
        return new TurnAnswer(Serialize(Message(only switch
        {
            TextReply t => t.Body,
            CardReply c => c.Summary,
            FileReply f => $"I'm sending you {f.Title} {(conversation.Kind == ConversationKind.Personal ? "here" : "in our 1:1 chat")}: a download link of your own.",
            _ => "Done.",
        })), replies);
    }

    /// <summary>"Typing…" while a question is answered: a courtesy, so a failure to show it changes nothing.</summary>
    private async Task TypingAsync(ConversationRef conversation, CancellationToken cancellationToken)
    {
        try
        {
            await sender.SendTypingAsync(conversation, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            Log.TeamsReplyFailed(logger, "typing", "Transient", ex.Message);
        }
    }

    private async Task OnMembershipAsync(Activity activity, ConversationRef conversation, CancellationToken cancellationToken)
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
            return;
        }

        var people = (activity.MembersAdded ?? []).Where(m => m.Id != botId).ToList();
        if (people.Count > 0)
        {
            await membership.RememberMembersAsync(conversation, people, cancellationToken);
        }

        ChatUserRef? installer = null;
        if (added && conversation.Kind == ConversationKind.Personal && activity.From?.Id is { Length: > 0 } fromId && fromId != botId)
        {
            // Someone who installed the bot for themselves may never write to it: their 1:1 and e-mail
            // are what every later prompt to them needs.
            installer = await UserAsync(activity, conversation, cancellationToken);
            await membership.RememberPersonAsync(conversation, installer, cancellationToken);
        }
        else if (added)
        {
            // In a team or group chat the roster names everyone the bot may have to reach in a 1:1 later.
            await roster.ReadAsync(conversation, cancellationToken);
        }

        if (added && await membership.RememberConversationAndClaimWelcomeAsync(conversation, cancellationToken))
        {
            var user = installer ?? await UserAsync(activity, conversation, cancellationToken);
            await using var db = dbs.Create();
            var workspace = await workspaces.ResolveAsync(db, ChannelNames.Teams, conversation.WorkspaceExternalId, cancellationToken);
            var card = await welcome.ComposeAsync(db, ChannelNames.Teams, conversation.WorkspaceExternalId, user, options.Value.BotName, cancellationToken);
            await outbox.ToConversationAsync(db, workspace.Id, conversation, card, $"welcome:{DedupeKey(activity)}", cancellationToken: cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            Log.TeamsWelcomed(logger, conversation.Kind.ToString(), true);
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
        var (email, known, checkedAt, lookUp) = await membership.KnownUserAsync(conversation.WorkspaceExternalId, from.Id!, from.AadObjectId, cancellationToken);
        if (lookUp && conversation.ServiceUrl is { } serviceUrl)
        {
            // Asked again now and then: a member can become a guest, and the connector is what says so.
            var member = await connector.GetMemberAsync(serviceUrl, conversation.ConversationId, from.Id!, cancellationToken);
            if (member.Value is { } m)
            {
                email = EmailOf(m) ?? email;
                var role = TeamsMembership.MembershipOf(m, conversation.WorkspaceExternalId);
                // The connector knows them and does not say guest or another organisation: a member.
                known = role == Membership.Unknown ? Membership.Member : role;
                checkedAt = time.GetUtcNow();
            }
            else if (email is null)
            {
                Log.TeamsMemberLookupFailed(logger, (int?)member.Status, member.ErrorCode);
            }
        }

        return new ChatUserRef(from.Id!, from.Name, email, from.AadObjectId, known, checkedAt);
    }

    internal static string? EmailOf(ChannelAccount member) =>
        new[] { member.Email, member.UserPrincipalName }
            .FirstOrDefault(e => e is not null && e.Contains('@', StringComparison.Ordinal))?.Trim().ToLowerInvariant();

    private static InvokeResponseBody Card(JsonObject card) => new(StatusCodes.Status200OK, InvokeContentTypes.AdaptiveCard, card);

    private static InvokeResponseBody Message(string text) => new(StatusCodes.Status200OK, InvokeContentTypes.Message, JsonValue.Create(text));

    private static string Serialize(InvokeResponseBody body) => JsonSerializer.Serialize(body, TeamsJson.Default.InvokeResponseBody);

    private static IResult Invoke(InvokeResponseBody body) => Results.Json(body, TeamsJson.Default.InvokeResponseBody);
}
