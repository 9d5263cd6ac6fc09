namespace GovernanceBot.Conversation;

/// <summary>A text command the router knows, with what help shows about it.</summary>
/// <param name="Audience">
/// <see cref="ReplyAudience.Requester"/> for a command whose answers are meant for the person who asked
/// (see <see cref="ReplyPrivacy"/>): every reply it gives is private.
/// </param>
public sealed record CommandRoute(string Words, string Usage, string Description, string Group, Type Handler, ReplyAudience Audience = ReplyAudience.Conversation)
{
    internal string[] WordList { get; } = Words.Split(' ');
}

public sealed record ActionRoute(string Verb, Type Handler);

/// <summary>What the router decided for one turn.</summary>
public abstract record RouteMatch;

public sealed record CommandMatch(CommandRoute Route, string Arguments) : RouteMatch;

public sealed record ActionMatch(ActionRoute Route) : RouteMatch;

/// <summary>The text was close to a command but not one: suggest it rather than guess.</summary>
public sealed record NearMiss(string Typed, IReadOnlyList<CommandRoute> Suggestions) : RouteMatch;

/// <summary>Free text that is not a command: a question, if a fallback is mapped.</summary>
public sealed record FallbackMatch(Type? Handler, string Text) : RouteMatch;

public sealed record UnknownAction(string Verb) : RouteMatch;

/// <summary>
/// Text longer than any command or question the bot takes. Refused before routing, so an oversized
/// message never reaches a handler, the retrieval index or the model; the refusal does not repeat it.
/// </summary>
public sealed record TooLong(int Length, int Limit) : RouteMatch
{
    /// <summary>The polite refusal, to the sender only: it says the limit and does not repeat the text.</summary>
    public TextReply Refusal => Reply.Text(
        $"Your message is {Length:N0} characters long; I take questions and commands of up to {Limit:N0} characters, so I have not read it. " +
        "Please shorten it, or put the details in a document and ask about its key points.") with { Audience = ReplyAudience.Requester };
}

/// <summary>
/// Picks exactly one handler per turn: card actions by verb, text by its first words (the longest
/// command that matches wins), near-misses get "did you mean", other text goes to the fallback.
/// Mapping the same command or verb twice throws, so a clash fails at start-up, not in a chat.
/// </summary>
public sealed class Router
{
    private readonly List<CommandRoute> commands = [];
    private readonly Dictionary<string, ActionRoute> actions = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<System.Text.Json.Nodes.JsonObject, string?>> aliases = new(StringComparer.OrdinalIgnoreCase);
    private Type? fallback;

    /// <summary>The longest question or command (in UTF-16 characters) the bot reads.</summary>
    public const int MaxTextLength = 2000;

    /// <summary>The verb of a card button that simply runs a text command (data: <c>command</c>).</summary>
    public const string RunCommandVerb = "help.run";

    public IReadOnlyList<CommandRoute> Commands => commands;

    public IReadOnlyCollection<ActionRoute> Actions => actions.Values;

    /// <summary>The handler of free text that is no command (questions), if one is mapped.</summary>
    public Type? Fallback => fallback;

    /// <param name="words">The command words, e.g. <c>checkin status</c>.</param>
    /// <param name="usage">How help shows it.</param>
    /// <param name="description">What help says it does.</param>
    /// <param name="group">Help's heading for it.</param>
    /// <param name="audience">Who sees its replies: <see cref="ReplyAudience.Requester"/> makes them all private (<see cref="ReplyPrivacy"/>).</param>
    public Router MapCommand<THandler>(string words, string usage, string description, string group, ReplyAudience audience = ReplyAudience.Conversation)
        where THandler : ITurnHandler
    {
        var normalized = CommandText.Normalize(words);
        if (commands.Any(c => c.Words == normalized))
        {
            throw new InvalidOperationException($"The command '{normalized}' is mapped twice.");
        }

        commands.Add(new CommandRoute(normalized, usage, description, group, typeof(THandler), audience));
        // Longest first, so "checkin status" is tried before "checkin".
        commands.Sort((a, b) => b.WordList.Length.CompareTo(a.WordList.Length));
        return this;
    }

    public Router MapAction<THandler>(string verb) where THandler : ITurnHandler
    {
        if (aliases.ContainsKey(verb) || !actions.TryAdd(verb, new ActionRoute(verb, typeof(THandler))))
        {
            throw new InvalidOperationException($"The card action '{verb}' is mapped twice.");
        }

        return this;
    }

    /// <summary>
    /// A card action that means the same as typing a command, e.g. <c>status.show {program}</c> →
    /// <c>status Phoenix</c>; the text then routes like any typed command.
    /// </summary>
    public Router MapActionAsCommand(string verb, Func<System.Text.Json.Nodes.JsonObject, string?> toCommand)
    {
        if (actions.ContainsKey(verb) || !aliases.TryAdd(verb, toCommand))
        {
            throw new InvalidOperationException($"The card action '{verb}' is mapped twice.");
        }

        return this;
    }

    public Router MapFallback<THandler>() where THandler : ITurnHandler
    {
        if (fallback is not null)
        {
            throw new InvalidOperationException("A fallback handler is mapped twice.");
        }

        fallback = typeof(THandler);
        return this;
    }

    public RouteMatch Match(Turn turn)
    {
        if (turn.Action is { } action)
        {
            var alias = string.Equals(action.Verb, RunCommandVerb, StringComparison.OrdinalIgnoreCase)
                ? action.Data["command"]?.ToString()
                : aliases.TryGetValue(action.Verb, out var toCommand) ? toCommand(action.Data) : null;
            if (alias is not null)
            {
                return Match(turn with { Action = null, Text = alias });
            }

            return actions.TryGetValue(action.Verb, out var route) ? new ActionMatch(route) : new UnknownAction(action.Verb);
        }

        var text = (turn.Text ?? string.Empty).Trim();
        if (text.Length > MaxTextLength)
        {
            return new TooLong(text.Length, MaxTextLength);
        }

        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return new FallbackMatch(null, string.Empty);
        }

        var lowered = words.Select(w => w.ToLowerInvariant().TrimEnd('?', '!', '.', ',', ':')).ToArray();
        foreach (var command in commands)
        {
            if (command.WordList.Length <= lowered.Length
                && command.WordList.SequenceEqual(lowered.Take(command.WordList.Length)))
            {
                return new CommandMatch(command, string.Join(' ', words.Skip(command.WordList.Length)));
            }
        }

        // Short texts whose first word is a typo of a command word: ask rather than answer a question.
        if (words.Length <= 4)
        {
            var first = lowered[0];
            var suggestions = commands
                .Where(c => IsNearMiss(first, c.WordList[0]))
                .DistinctBy(c => c.WordList[0])
                .ToList();
            if (suggestions.Count > 0)
            {
                return new NearMiss(words[0], suggestions);
            }
        }

        return new FallbackMatch(fallback, text);
    }

    private static bool IsNearMiss(string typed, string command)
    {
        if (typed.Length < 3 || typed == command)
        {
            return false;
        }

        var allowed = command.Length >= 6 ? 2 : 1;
        return CommandText.Distance(typed, command) <= allowed;
    }
}
