using GovernanceBot.Cards;
using GovernanceBot.Conversation;

namespace GovernanceBot.Features.Help;

/// <summary><c>help</c>: every command the router knows, grouped, from the routes themselves.</summary>
internal sealed class HelpHandler(Router router) : ITurnHandler
{
    public Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var sections = router.Commands
            .GroupBy(c => c.Group)
            .Select(g => new HelpSection(g.Key, g.OrderBy(c => c.Words, StringComparer.Ordinal)
                .Select(c => new HelpCommand(c.Usage, c.Description)).ToList()))
            .ToList();
        // Buttons for the first few commands that run without arguments, so a click does something useful.
        var suggestions = router.Commands
            .Where(c => !c.Usage.Contains(' ', StringComparison.Ordinal) && c.Words != "help")
            .Take(3)
            .Select(c => new CardSuggestion(c.Description.TrimEnd('.'), c.Usage))
            .ToList();
        var card = new HelpCard(
            "What I can do",
            "I run your program's governance rhythm: check-ins, KPI and benefit status, approvals, and answers about program governance. Type a command, or use a button below.",
            sections,
            suggestions,
            "Anything else you type is treated as a question, e.g. \"how does a program manager differ from a product manager?\"");
        IReadOnlyList<Reply> replies =
            [Reply.Card("help", card, ConversationJson.Default.HelpCard, "Commands: " + string.Join(", ", router.Commands.Select(c => c.Usage)))];
        return Task.FromResult(replies);
    }
}

public static class HelpFeature
{
    public static IServiceCollection AddHelp(this IServiceCollection services) => services
        .AddRoutes(MapHelp)
        .AddScoped<HelpHandler>();

    private static Router MapHelp(Router router) => router
        .MapCommand<HelpHandler>("help", "help", "What I can do.", "Getting started", ReplyAudience.Requester);
}
