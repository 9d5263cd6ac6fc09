namespace GovernanceBot.Features.GovernanceAsCode;

public static class GovernanceAsCodeFeature
{
    public static IServiceCollection AddGovernanceAsCode(this IServiceCollection services) => services
        .AddSingleton<GovernanceImporter>()
        .AddSingleton<GovernanceExporter>();
}
