using GovernanceBot.Conversation;

namespace GovernanceBot.Features.Help;

/// <summary><c>help</c>: every command the router knows, grouped, from the routes themselves.</summary>
public sealed class HelpHandler(Router router) : ITurnHandler
{
    public Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var groups = router.Commands
            .GroupBy(c => c.Group)
            .Select(g => new HelpGroup(g.Key, g.OrderBy(c => c.Words, StringComparer.Ordinal)
                .Select(c => new HelpCommand(c.Usage, c.Description)).ToList()))
            .ToList();
        var card = new HelpCard(
            "GovernanceBot",
            "I run your program's governance rhythm: check-ins, KPI and benefit status, approvals, and answers about program governance.",
            groups,
            "Anything else you type is treated as a question, e.g. \"how does a program manager differ from a product manager?\"");
        IReadOnlyList<Reply> replies =
            [Reply.Card("help", card, ConversationJson.Default.HelpCard, "Commands: " + string.Join(", ", router.Commands.Select(c => c.Usage)))];
        return Task.FromResult(replies);
    }
}

public static class HelpFeature
{
    public static IServiceCollection AddHelp(this IServiceCollection services) => services.AddScoped<HelpHandler>();

    public static Router MapHelp(this Router router) => router
        .MapCommand<HelpHandler>("help", "help", "What I can do.", "Getting started");
}
