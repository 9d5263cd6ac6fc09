using GovernanceBot.Conversation;
using GovernanceBot.Scheduling;

namespace GovernanceBot.Features.Dashboard;

public static class DashboardFeature
{
    public static IServiceCollection AddDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(DashboardOptions.Section);
        services.Configure<DashboardOptions>(section);
        services.AddAuthentication().AddDashboardSession(section.Get<DashboardOptions>() ?? new DashboardOptions());
        return services
            .AddRoutes(MapDashboard)
            .AddDashboardLinks()
            .AddScoped<DashboardQuery>()
            .AddScoped<DashboardHandler>()
            .AddScoped<HomeTabs>()
            .AddGovernanceJob<HomeRefreshJob>();
    }

    /// <summary>The link maker (the CLI's too); it needs Data Protection with the store's key ring, registered by the host.</summary>
    public static IServiceCollection AddDashboardLinks(this IServiceCollection services) => services
        .AddSingleton<DashboardLinks>()
        .AddSingleton<IFileLinks>(sp => sp.GetRequiredService<DashboardLinks>());

    private static Router MapDashboard(Router router) => router
        .MapCommand<DashboardHandler>("dashboard", "dashboard [program]", "A personal link to the web dashboard: your programs' health, KPIs, benefits and approvals at a glance.", "Programs")
        .MapAction<DashboardHandler>("dashboard.open")
        .MapActionAsCommand(HomeTabs.AnswerVerb, _ => "checkin")
        .MapActionAsCommand(HomeTabs.VoteVerb, _ => "approvals");
}
