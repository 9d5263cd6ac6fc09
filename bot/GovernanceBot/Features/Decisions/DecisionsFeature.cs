using GovernanceBot.Conversation;

namespace GovernanceBot.Features.Decisions;

public static class DecisionsFeature
{
    public static IServiceCollection AddDecisions(this IServiceCollection services) => services
        .AddRoutes(MapDecisions)
        .AddScoped<DecisionsHandler>()
        .AddScoped<RecordDecisionHandler>()
        .AddScoped<ChangeDecisionHandler>()
        .AddScoped<Ask.IStoreFactSource, DecisionFacts>();

    private static Router MapDecisions(Router router) => router
        .MapCommand<DecisionsHandler>("decisions", "decisions <program>",
            "Program managers, PMO, sponsors and approvers: the decision log — decided approvals and recorded decisions, latest first.", "Decisions")
        .MapCommand<RecordDecisionHandler>("decision record",
            "decision record <program> <what was decided> because <why> [alternatives <option> <option>] [by @person|group] [on DATE] [concerns gate-3 R-2 cost-savings] [supersedes DEC-1]",
            "Program managers, PMO and sponsors: record a decision taken outside an approval, e.g. in a meeting (what was decided, the reason and each option in quotes).", "Decisions")
        .MapCommand<ChangeDecisionHandler>("decision reverse", "decision reverse <id> because <why>", "Mark a recorded decision reversed.", "Decisions")
        .MapCommand<ChangeDecisionHandler>("decision supersede", "decision supersede <old id> with <new id>", "Link a later decision as replacing an earlier one.", "Decisions")
        .MapAction<DecisionsHandler>("decisions.show");
}
