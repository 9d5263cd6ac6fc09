using System.Diagnostics;
using System.Text.Json;
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

    public async Task<IReadOnlyList<Reply>> HandleAsync(Turn turn, CancellationToken cancellationToken)
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
            return match switch
            {
                CommandMatch m => await RunAsync(scope.ServiceProvider, m.Route.Handler, turn, workspace, m.Route.Words, m.Arguments, cancellationToken),
                ActionMatch m => await RunAsync(scope.ServiceProvider, m.Route.Handler, turn, workspace, m.Route.Verb, string.Empty, cancellationToken),
                FallbackMatch { Handler: { } handler } m when m.Text.Length > 0 =>
                    await RunAsync(scope.ServiceProvider, handler, turn, workspace, "ask", m.Text, cancellationToken),
                NearMiss m => [DidYouMean(m)],
                UnknownAction m => [Reply.Text($"That button ({m.Verb}) belongs to a card I can no longer act on. Type **help** to see what I can do.")],
                _ => [NotUnderstood(turn.Text)],
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var reference = $"{time.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
            Log.HandlerFailed(logger, ex, match.GetType().Name, reference);
            return [ErrorReply("Something went wrong on my side",
                "I could not finish that. Nothing was half-saved: try again in a moment.",
                ["Type **help** to see what I can do."], reference)];
        }
        finally
        {
            metrics.TurnHandled(RouteName(match), Stopwatch.GetElapsedTime(started));
        }
    }

    private static string RouteName(RouteMatch match) => match switch
    {
        CommandMatch m => m.Route.Words,
        ActionMatch m => m.Route.Verb,
        FallbackMatch { Handler: not null } => "ask",
        _ => match.GetType().Name,
    };

    public static CardReply ErrorReply(string title, string message, IReadOnlyList<string> tryNext, string? reference = null) =>
        Reply.Card("error", new ErrorCard(title, message, tryNext, reference), ConversationJson.Default.ErrorCard, $"{title}. {message}");

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
        return Reply.Text($"I don't know the command \"{miss.Typed}\". Did you mean {options}? Type **help** for everything I can do.");
    }

    private TextReply NotUnderstood(string? text)
    {
        var examples = string.Join(", ", router.Commands.Take(4).Select(c => $"**{c.Usage}**"));
        return string.IsNullOrWhiteSpace(text)
            ? Reply.Text($"Hi! Try {examples} — or type **help**.")
            : Reply.Text($"I didn't understand \"{text}\". Try {examples} — or type **help**.");
    }

    private async Task RememberUserAsync(GovernanceDb db, Workspace workspace, Turn turn, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var user = await db.ChatUsers.FirstOrDefaultAsync(
            u => u.WorkspaceId == workspace.Id && u.Channel == turn.Channel && u.ExternalUserId == turn.User.Id, cancellationToken);
        if (user is null)
        {
            user = new ChatUser { WorkspaceId = workspace.Id, Channel = turn.Channel, ExternalUserId = turn.User.Id };
            db.ChatUsers.Add(user);
        }

        user.Name = turn.User.Name ?? user.Name;
        user.Email = turn.User.Email ?? user.Email;
        user.AadObjectId = turn.User.AadObjectId ?? user.AadObjectId;
        user.LastSeenAt = now;
        if (turn.Conversation.Kind == ConversationKind.Personal)
        {
            user.DirectConversationJson = JsonSerializer.Serialize(turn.Conversation with { ThreadId = null }, ConversationJson.Default.ConversationRef);
            // A user who talks to the bot again is reachable again.
            user.UnreachableReason = null;
            user.UnreachableSince = null;
        }

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
}
