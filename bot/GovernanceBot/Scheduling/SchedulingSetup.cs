namespace GovernanceBot.Scheduling;

public static class SchedulingSetup
{
    /// <summary>Registers a recurring sweep; the scheduler runs it on its cron.</summary>
    public static IServiceCollection AddGovernanceJob<TJob>(this IServiceCollection services)
        where TJob : class, IGovernanceJob
    {
        services.AddScoped<TJob>();
        services.AddSingleton(new JobRegistration(TJob.JobId, TJob.Cron, typeof(TJob)));
        return services;
    }

    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section));
        services.AddSingleton<Outbox>();
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.Section))
            .Validate(o => o.Outbox >= TimeSpan.FromDays(1) && o.CardMessages >= TimeSpan.FromDays(1), "Retention:Outbox and Retention:CardMessages must be at least a day.")
            .ValidateOnStart();
        services.AddSingleton<Retention>();
        services.AddSingleton<OutboxDispatcher>();
        if (configuration.GetValue("Outbox:Dispatch", true))
        {
            services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        }

        return services;
    }
}

/// <summary>A recurring sweep known to the scheduler.</summary>
public sealed record JobRegistration(string Id, string Cron, Type JobType);
