using GovernanceBot.Store.Entities;

namespace GovernanceBot.Conversation;

/// <summary>A feature's answer to one routed turn. Implementations are resolved from DI per turn.</summary>
public interface ITurnHandler
{
    Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken);
}

/// <summary>A routed turn with what the router and the store already know about it.</summary>
public sealed record TurnContext
{
    public required Turn Turn { get; init; }
    /// <summary>The workspace the turn came from; every query a handler makes is scoped to it.</summary>
    public required Workspace Workspace { get; init; }
    /// <summary>The text after the command words (empty for card actions).</summary>
    public required string Arguments { get; init; }
    /// <summary>The command that matched, e.g. <c>checkin status</c>; the verb for card actions.</summary>
    public required string Route { get; init; }

    public Guid WorkspaceId => Workspace.Id;
    public ChatUserRef User => Turn.User;
    public IReadOnlyList<string> Words => CommandText.Tokenize(Arguments);
}
