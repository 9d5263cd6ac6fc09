using GovernanceBot.Conversation;

namespace GovernanceBot.Features.Benefits;

public static class BenefitsFeature
{
    public static IServiceCollection AddBenefits(this IServiceCollection services) => services
        .AddRoutes(MapBenefits)
        .AddScoped<BenefitsStatusHandler>()
        .AddScoped<UpdateBenefitHandler>()
        .AddScoped<BenefitDirectory>()
        .AddScoped<BenefitDetailHandler>()
        .AddScoped<RecordBenefitHandler>();

    private static Router MapBenefits(Router router) => router
        .MapCommand<BenefitsStatusHandler>("benefits", "benefits <program>", "The benefits register: owner, linked KPIs baseline → current → target, realisation date, status.", "KPIs and benefits")
        .MapCommand<UpdateBenefitHandler>("benefit", "benefit <name> status|baseline|target|date <value>", "Benefit owners and program managers: update a benefit.", "KPIs and benefits")
        .MapCommand<RecordBenefitHandler>("benefit record", "benefit record <name> <value> [date] [note <text>]", "Benefit owners and program managers: record a benefit's measured value (its actual).", "KPIs and benefits")
        .MapCommand<BenefitDetailHandler>("benefit show", "benefit show <name>", "One benefit: its realisation curve, planned against actual, and its supporting KPIs.", "KPIs and benefits")
        .MapAction<BenefitsStatusHandler>("benefits.show")
        .MapAction<BenefitDetailHandler>("benefit.detail")
        .MapAction<RecordBenefitHandler>("benefit.record");
}
