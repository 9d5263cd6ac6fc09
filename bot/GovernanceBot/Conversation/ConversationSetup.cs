using GovernanceBot.Scheduling;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Conversation;

public static class ConversationSetup
{
    /// <summary>
    /// Registers the engine and the one router. Features add their routes with <see cref="AddRoutes"/>
    /// (in their <c>AddXxx()</c>), mapped at once, so a duplicate route throws while the app is composed;
    /// a route whose handler is not registered fails the host's start (<see cref="RoutedHandlers"/>).
    /// </summary>
    public static IServiceCollection AddConversation(this IServiceCollection services, IConfiguration configuration)
    {
        RouterOf(services);
        services.AddOptions<RoutedHandlers>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RoutedHandlers>, RoutedHandlersCheck>());
        services.AddOptions<ConversationOptions>().Bind(configuration.GetSection(ConversationOptions.Section));
        services.AddSingleton<WorkspaceResolver>();
        services.AddSingleton<ConversationEngine>();
        services.AddOptions<InboxOptions>().Bind(configuration.GetSection(InboxOptions.Section))
            // At zero or below every stream would be a burst, and every answer would wait MaxAnswerDelay.
            .Validate(o => o.BurstRate > 0 && o.ReceivingWindow > TimeSpan.Zero, "Inbox:BurstRate and Inbox:ReceivingWindow must be above zero.")
            .Validate(o => o.OverdueShare is > 0 and <= 1, "Inbox:OverdueShare must be above 0 and at most 1 (a share of the time).")
            .Validate(o => o.MaxHeld > 0, "Inbox:MaxHeld must be above zero (at zero no item would ever run here).")
            .ValidateOnStart();
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

    /// <summary>A feature's routes (commands, card actions, the fallback), added to the one router now.</summary>
    public static IServiceCollection AddRoutes(this IServiceCollection services, Func<Router, Router> map)
    {
        map(RouterOf(services));
        return services;
    }

    /// <summary>The router of this composition, created with the first routes (in the order features are added).</summary>
    private static Router RouterOf(IServiceCollection services)
    {
        if (services.LastOrDefault(d => d.ServiceType == typeof(Router))?.ImplementationInstance is Router router)
        {
            return router;
        }

        router = new Router();
        services.AddSingleton(router);
        return router;
    }
}

/// <summary>Marks the start-up check that every routed handler can be resolved (validated on start).</summary>
public sealed class RoutedHandlers;

/// <summary>Fails the host's start, naming them, when routes lead to handlers nobody registered (a turn would fail only when someone typed it).</summary>
internal sealed class RoutedHandlersCheck(Router router, IServiceProviderIsService services) : IValidateOptions<RoutedHandlers>
{
    public ValidateOptionsResult Validate(string? name, RoutedHandlers options)
    {
        var missing = router.Commands.Select(c => (Route: c.Words, c.Handler))
            .Concat(router.Actions.Select(a => (Route: a.Verb, a.Handler)))
            .Concat(router.Fallback is { } fallback ? [(Route: "(questions)", Handler: fallback)] : [])
            .Where(r => !services.IsService(r.Handler))
            .Select(r => $"'{r.Route}' → {r.Handler.Name}")
            .ToList();
        return missing.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Routes lead to handlers that are not registered (add them in the feature's AddXxx()): {string.Join(", ", missing)}.");
    }
}
