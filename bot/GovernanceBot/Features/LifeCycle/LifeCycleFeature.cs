using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;

namespace GovernanceBot.Features.LifeCycle;

public static class LifeCycleFeature
{
    public static IServiceCollection AddLifeCycle(this IServiceCollection services) => services
        .AddRoutes(MapLifeCycle)
        .AddScoped<GateBook>()
        .AddScoped<GateLookup>()
        .AddScoped<GatesHandler>()
        .AddScoped<GateDetailHandler>()
        .AddScoped<ConfirmCriterionHandler>()
        .AddScoped<RequestGateReviewHandler>()
        .AddScoped<IApprovalOutcome, GatePassing>();

    private static Router MapLifeCycle(Router router) => router
        .MapCommand<GatesHandler>("gates", "gates <program>", "The program's life cycle: its phases, where it stands, and each stage gate with its date.", "Life cycle")
        .MapCommand<GateDetailHandler>("gate", "gate <program> <gate>", "One stage gate: its entry criteria, its review and the evidence for it.", "Life cycle")
        .MapCommand<ConfirmCriterionHandler>("gate confirm", "gate confirm <program> <gate> <criterion>", "Criterion owners: confirm an entry criterion of a gate is met.", "Life cycle")
        .MapCommand<RequestGateReviewHandler>("gate review", "gate review <program> <gate> [due DATE]", "Program managers: ask the gate's approvers to decide it, with its evidence attached.", "Life cycle")
        .MapAction<GatesHandler>("gates.show")
        .MapAction<GateDetailHandler>("gate.detail")
        .MapAction<ConfirmCriterionHandler>("gate.confirm")
        .MapAction<RequestGateReviewHandler>("gate.review");
}
