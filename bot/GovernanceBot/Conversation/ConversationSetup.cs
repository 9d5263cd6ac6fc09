using GovernanceBot.Scheduling;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GovernanceBot.Conversation;

public static class ConversationSetup
{
    /// <summary>
    /// Registers the engine and builds the router now, so a duplicate route throws at start-up.
    /// </summary>
    public static IServiceCollection AddConversation(this IServiceCollection services, IConfiguration configuration, Action<Router> mapRoutes)
    {
        var router = new Router();
        mapRoutes(router);
        services.AddSingleton(router);
        services.AddOptions<ConversationOptions>().Bind(configuration.GetSection(ConversationOptions.Section));
        services.AddSingleton<WorkspaceResolver>();
        services.AddSingleton<ConversationEngine>();
        services.AddOptions<InboxOptions>().Bind(configuration.GetSection(InboxOptions.Section));
        services.TryAddSingleton<InboxInstance>();
        services.AddSingleton<Inbox>();
        services.AddSingleton<InboxRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxRunner>());
        services.AddGovernanceJob<HousekeepingJob>();
        services.AddSingleton<WelcomeComposer>();
        services.AddSingleton<FileSources>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
