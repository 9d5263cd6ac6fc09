using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace GovernanceBot.Channels.Slack;

public static class SlackSetup
{
    /// <summary>
    /// Registers the Slack channel: options, the Web API client (retries honouring <c>Retry-After</c>,
    /// per-attempt timeouts), workspaces and their encrypted tokens, the inbound pipeline, the
    /// background work queue and, when <c>Slack:SigningSecret</c> is set, <see cref="IChannelSender"/> for Slack.
    /// </summary>
    public static IServiceCollection AddSlack(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SlackOptions>().Bind(configuration.GetSection(SlackOptions.Section));
        var enabled = !string.IsNullOrWhiteSpace(configuration[$"{SlackOptions.Section}:SigningSecret"]);
        // Installed workspaces' tokens must survive restarts and be readable by every instance.
        services.AddGovernanceDataProtection(configuration);
        services.AddHttpClient<SlackApiClient>((sp, http) =>
            {
                var o = sp.GetRequiredService<IOptions<SlackOptions>>().Value;
                http.Timeout = (o.AttemptTimeout * (o.MaxRetries + 1)) + TimeSpan.FromMinutes(1);
            })
            .AddResilienceHandler("slack", (pipeline, context) =>
            {
                var o = context.ServiceProvider.GetRequiredService<IOptions<SlackOptions>>().Value;
                // Retry-After and attempt timeouts are waits on a real network peer: wall-clock time,
                // even when the app's TimeProvider is a test's frozen clock.
                pipeline.TimeProvider = TimeProvider.System;
                if (o.MaxRetries > 0)
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = o.MaxRetries,
                        Delay = o.RetryBaseDelay,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        ShouldRetryAfterHeader = true,
                        // The outbox paces and retries its own sends: a throttled one is reported at once.
                        // And a send that timed out may have been posted (Slack answers after posting):
                        // retried inline it would post twice, so the outbox gets it, in doubt, and asks
                        // conversations.history for the message's key before sending again.
                        ShouldHandle = args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome)
                            && !(OutboxDelivery.Current is not null && (args.Outcome.Result?.StatusCode == System.Net.HttpStatusCode.TooManyRequests
                                || args.Outcome.Exception is Polly.Timeout.TimeoutRejectedException))),
                    });
                }

                pipeline.AddTimeout(o.AttemptTimeout);
            });

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SlackWorkspaces>();
        services.AddSingleton<SlackForms>();
        services.AddTransient<SlackMessageBuilder>();
        services.AddTransient<SlackUserDirectory>();
        services.AddTransient<SlackReplies>();
        services.AddSingleton<SlackTurns>();
        services.AddSingleton<SlackEvents>();
        services.AddSingleton<SlackInteractions>();
        services.AddSingleton<SlackCommands>();
        services.AddTransient<SlackFiles>();
        services.AddSingleton<SlackInbound>();
        services.AddTransient<SlackOAuth>();
        if (enabled)
        {
            // Without Slack configured there is no Slack to send to: the outbox reports it as such.
            services.TryAddEnumerable(ServiceDescriptor.Transient<IChannelSender, SlackSender>());
            services.TryAddEnumerable(ServiceDescriptor.Transient<IHomeSender, SlackHome>());
            services.AddSingleton<IInboundChannel>(sp => sp.GetRequiredService<SlackInbound>());
        }

        return services;
    }

    /// <summary>Maps <c>/slack/events</c>, <c>/slack/interactions</c>, <c>/slack/commands</c>, <c>/slack/install</c> and <c>/slack/oauth/callback</c>.</summary>
    public static WebApplication MapSlack(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<SlackOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SlackSetup).FullName!);
        if (options.Enabled)
        {
            Log.SlackEnabled(logger, options.InstallEnabled ? "at /slack/install" : "off (single workspace)");
        }
        else
        {
            Log.SlackDisabled(logger);
        }

        app.MapSlackEndpoints();
        return app;
    }
}
