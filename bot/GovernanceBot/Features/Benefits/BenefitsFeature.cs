using GovernanceBot.Conversation;

namespace GovernanceBot.Features.Benefits;

public static class BenefitsFeature
{
    public static IServiceCollection AddBenefits(this IServiceCollection services) => services
        .AddRoutes(MapBenefits)
        .AddScoped<BenefitsStatusHandler>()
        .AddScoped<UpdateBenefitHandler>();

    private static Router MapBenefits(Router router) => router
        .MapCommand<BenefitsStatusHandler>("benefits", "benefits <program>", "The benefits register: owner, linked KPIs baseline → current → target, realisation date, status.", "KPIs and benefits")
        .MapCommand<UpdateBenefitHandler>("benefit", "benefit <name> status|baseline|target|date <value>", "Benefit owners and program managers: update a benefit.", "KPIs and benefits")
        .MapAction<BenefitsStatusHandler>("benefits.show");
}
