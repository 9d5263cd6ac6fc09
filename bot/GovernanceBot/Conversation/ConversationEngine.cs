using System.Diagnostics;
using System.Text.Json;
using GovernanceBot.Cards;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Conversation;

/// <summary>
/// The channel-neutral part of the pipeline: resolve the workspace, remember the user, route,
/// run the one handler in its own DI scope, and turn failures into a friendly reply.
/// </summary>
public sealed class ConversationEngine(
    Router router,
    IServiceScopeFactory scopes,
    WorkspaceResolver workspaces,
    TimeProvider time,
    BotMetrics metrics,
    ILogger<ConversationEngine> logger)
{
    public Router Router => router;

    /// <summary>Runs the turn; a handler that throws gets the friendly "something went wrong" reply (the CLI, tests).</summary>
    public async Task<IReadOnlyList<Reply>> HandleAsync(Turn turn, CancellationToken cancellationToken)
    {
        try
        {
            return (await RunAsync(turn, null, cancellationToken)).Replies;
        }
        catch (TurnFailedException failed)
        {
            return [failed.Reply];
        }
    }

    /// <summary>
    /// Runs the turn: resolve the workspace, remember the user, route, run the one handler in its own
    /// DI scope. A handler that throws is logged with a reference and surfaces as
    /// <see cref="TurnFailedException"/>, so the inbox can retry it before telling the person.
    /// </summary>
    /// <param name="turn">The turn.</param>
    /// <param name="beforeQuestion">Called before a question is answered (it may wait on a model): where a channel shows "typing…".</param>
    /// <param name="cancellationToken">Cancels the turn.</param>
    public async Task<TurnOutcome> RunAsync(Turn turn, Func<CancellationToken, Task>? beforeQuestion, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GovernanceDb>();
        var workspace = await workspaces.ResolveAsync(db, turn.Channel, turn.Conversation.WorkspaceExternalId, cancellationToken);
        await RememberUserAsync(db, workspace, turn, cancellationToken);

        var match = router.Match(turn);
        Log.TurnRouted(logger, turn.Channel, match.GetType().Name, turn.EventId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (beforeQuestion is not null && IsQuestion(match))
            {
                await beforeQuestion(cancellationToken);
            }

            IReadOnlyList<Reply> replies = match switch
            {
                CommandMatch m => await RunAsync(scope.ServiceProvider, m.Route.Handler, turn, workspace, m.Route.Words, m.Arguments, cancellationToken),
                ActionMatch m => await RunAsync(scope.ServiceProvider, m.Route.Handler, turn, workspace, m.Route.Verb, string.Empty, cancellationToken),
                FallbackMatch { Handler: { } handler } m when m.Text.Length > 0 =>
                    await RunAsync(scope.ServiceProvider, handler, turn, workspace, "ask", m.Text, cancellationToken),
                NearMiss m => [DidYouMean(m)],
                UnknownAction m => [Reply.Text($"That button ({m.Verb}) belongs to a card I can no longer act on. Type **help** to see what I can do.")],
                TooLong m => [m.Refusal],
                _ => [NotUnderstood(turn.Text)],
            };
            return new TurnOutcome(workspace.Id, ReplyPrivacy.Apply(match, replies));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var reference = $"{time.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
            Log.HandlerFailed(logger, ex, match.GetType().Name, reference);
            throw new TurnFailedException(workspace.Id, reference, ErrorReply("Something went wrong on my side",
                "I could not finish that. Nothing was half-saved: try again in a moment.",
                ["Type **help** to see what I can do."], reference), ex);
        }
        finally
        {
            metrics.TurnHandled(RouteName(match), Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Questions may wait on a model; everything else answers at once.</summary>
    private static bool IsQuestion(RouteMatch match) =>
        match is FallbackMatch { Handler: not null, Text.Length: > 0 } or CommandMatch { Route.Words: "ask" };

    private static string RouteName(RouteMatch match) => match switch
    {
        CommandMatch m => m.Route.Words,
        ActionMatch m => m.Route.Verb,
        FallbackMatch { Handler: not null } => "ask",
        _ => match.GetType().Name,
    };

    /// <summary>The error card; for the person it concerns alone (<see cref="ReplyPrivacy"/>).</summary>
    public static CardReply ErrorReply(string title, string message, IReadOnlyList<string> tryNext, string? reference = null) =>
        Reply.Card(ReplyPrivacy.ErrorTemplate, new ErrorCard(title, message, tryNext, reference ?? string.Empty, [new CardSuggestion("Help", "help")]),
            ConversationJson.Default.ErrorCard, $"{title}. {message}") with { Audience = ReplyAudience.Requester };

    private static async Task<IReadOnlyList<Reply>> RunAsync(
        IServiceProvider services, Type handlerType, Turn turn, Workspace workspace, string route, string arguments, CancellationToken cancellationToken)
    {
        var handler = (ITurnHandler)services.GetRequiredService(handlerType);
        var context = new TurnContext { Turn = turn, Workspace = workspace, Arguments = arguments, Route = route };
        return await handler.HandleAsync(context, cancellationToken);
    }

    private static TextReply DidYouMean(NearMiss miss)
    {
        var options = string.Join(" or ", miss.Suggestions.Select(s => $"**{s.Usage}**"));
        return Reply.Text($"I don't know the command \"{UserText.Escape(miss.Typed)}\". Did you mean {options}? Type **help** for everything I can do.");
    }

    private TextReply NotUnderstood(string? text)
    {
        var examples = string.Join(", ", router.Commands.Take(4).Select(c => $"**{c.Usage}**"));
        return string.IsNullOrWhiteSpace(text)
            ? Reply.Text($"Hi! Try {examples} — or type **help**.")
            : Reply.Text($"I didn't understand \"{UserText.Escape(text)}\". Try {examples} — or type **help**.");
    }

    private async Task RememberUserAsync(GovernanceDb db, Workspace workspace, Turn turn, CancellationToken cancellationToken)
    {
        await RememberPersonAsync(db, workspace.Id, turn.User, turn.Conversation, time.GetUtcNow(), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent turn from the same new user stored the row first; that is all this wanted.
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// How fine "last seen" and "membership checked" times are kept: a person's every message
    /// rewrote their row (a store write per turn, most of a turn's cost on SQLite's one writer) to
    /// move them by seconds. Those times order a person's chat accounts and age the membership
    /// cache, which are measured in minutes and hours.
    /// </summary>
    public static readonly TimeSpan SeenResolution = TimeSpan.FromMinutes(1);

    /// <summary>True when a kept time is older than <see cref="SeenResolution"/> (or unset): worth writing again.</summary>
    public static bool Stale(DateTimeOffset? kept, DateTimeOffset now) => kept is not { } at || now - at >= SeenResolution;

    /// <summary>
    /// Tracks a person the bot met in a conversation (not saved yet): name, e-mail and AAD object id
    /// as far as known; in a 1:1, that chat becomes their direct conversation and they are reachable again.
    /// </summary>
    public static async Task<ChatUser> RememberPersonAsync(
        GovernanceDb db, Guid workspaceId, ChatUserRef person, ConversationRef conversation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var user = db.ChatUsers.Local.FirstOrDefault(
                u => u.WorkspaceId == workspaceId && u.Channel == conversation.Channel && u.ExternalUserId == person.Id)
            ?? await db.ChatUsers.FirstOrDefaultAsync(
                u => u.WorkspaceId == workspaceId && u.Channel == conversation.Channel && u.ExternalUserId == person.Id, cancellationToken);
        if (user is null)
        {
            user = new ChatUser { WorkspaceId = workspaceId, Channel = conversation.Channel, ExternalUserId = person.Id };
            db.ChatUsers.Add(user);
        }

        user.Name = person.Name ?? user.Name;
        if (person.AadObjectId is not null && user.AadObjectId is not null
            && !string.Equals(person.AadObjectId, user.AadObjectId, StringComparison.OrdinalIgnoreCase))
        {
            // Another directory identity behind the same chat id: what was learned about the old one
            // (its e-mail, so its stakeholder record) no longer speaks for this sender.
            user.Email = null;
        }

        // Stored lower-case: stakeholders are matched and DMs are addressed by e-mail, case-insensitively.
        user.Email = person.Email?.Trim().ToLowerInvariant() ?? user.Email;
        user.AadObjectId = person.AadObjectId ?? user.AadObjectId;
        var isNew = db.Entry(user).State == EntityState.Added;
        if (person.Membership != Membership.Unknown)
        {
            user.Membership = person.Membership;
            // When the platform was asked, not when the turn ran: a channel answering from its cache
            // passes the cached time, so the cache still runs out for someone who writes every day.
            if (person.MembershipCheckedAt is { } checkedAt && (user.MembershipCheckedAt is not { } kept || checkedAt > kept))
            {
                user.MembershipCheckedAt = checkedAt;
            }
        }

        if (isNew || Stale(user.LastSeenAt, now))
        {
            user.LastSeenAt = now;
        }

        if (conversation.Kind == ConversationKind.Personal)
        {
            user.DirectConversationJson = JsonSerializer.Serialize(conversation with { ThreadId = null }, ConversationJson.Default.ConversationRef);
            // A user who talks to the bot again is reachable again.
            user.UnreachableReason = null;
            user.UnreachableSince = null;
        }

        return user;
    }
}

/// <summary>What a turn came to: the workspace it ran in and the replies to send.</summary>
public sealed record TurnOutcome(Guid WorkspaceId, IReadOnlyList<Reply> Replies);

/// <summary>A handler threw; <see cref="Reply"/> is what to tell the person once retries are over.</summary>
public sealed class TurnFailedException(Guid workspaceId, string reference, Reply reply, Exception inner)
    : Exception($"The turn failed (reference {reference}): {inner.GetType().Name}: {inner.Message}", inner)
{
    public Guid WorkspaceId { get; } = workspaceId;

    public string Reference { get; } = reference;

    public Reply Reply { get; } = reply;
}
