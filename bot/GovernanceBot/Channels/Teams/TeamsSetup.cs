using System.Net;
using GovernanceBot.Conversation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace GovernanceBot.Channels.Teams;

/// <summary>Registers the Teams channel: <c>services.AddTeams(configuration)</c>, <c>app.MapTeams()</c>.</summary>
public static class TeamsSetup
{
    public const string MessagesPath = "/api/messages";

    public static IServiceCollection AddTeams(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TeamsOptions>().Bind(configuration.GetSection(TeamsOptions.Section))
            .Validate(o => !o.IsConfigured || Guid.TryParse(o.AppId, out _), "Teams:AppId must be the bot's Microsoft App ID (a GUID).")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<BotFrameworkKeys>();
        services.AddHostedService<BotFrameworkKeysRefresher>();
        services.AddSingleton<TeamsTokenValidator>();
        services.AddSingleton<BotTokenProvider>();
        services.AddSingleton<BotConnectorClient>();
        services.AddSingleton<TeamsMessageFactory>();
        services.AddSingleton<TeamsMembership>();
        services.AddSingleton<TeamsRoster>();
        services.AddSingleton<TeamsSender>();
        services.AddSingleton<IChannelSender>(sp => sp.GetRequiredService<TeamsSender>());
        services.AddSingleton<TeamsActivityHandler>();
        services.AddSingleton<TeamsSso>();
        services.AddSingleton<IInboundChannel>(sp => sp.GetRequiredService<TeamsActivityHandler>());

        // No retry handler: BotFrameworkKeys retries on its own clock, and a request waiting on a
        // down issuer must fail in one attempt's time, not a retry ladder's.
        services.AddHttpClient(BotFrameworkKeys.HttpClientName);
        services.AddHttpClient(BotTokenProvider.HttpClientName).AddStandardResilienceHandler();
        services.AddHttpClient(BotConnectorClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler("teams-connector", ConfigureConnectorPipeline)
            // One Bot Connector region failing must not open the circuit for the others.
            .SelectPipelineByAuthority();
        return services;
    }

    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder app)
    {
        // The Agents Playground (and Azure's health probe) checks the endpoint with HEAD first.
        app.MapMethods(MessagesPath, [HttpMethods.Head], () => Results.Ok());
        app.MapPost(MessagesPath, TeamsEndpoint.HandleAsync).DisableAntiforgery();
        app.MapTeamsTab();
        return app;
    }

    /// <summary>
    /// Retry (429/412/5xx/timeouts, jitter, Retry-After honoured up to a bound) around a circuit
    /// breaker around a per-attempt timeout. Waits are real waits: the bot's business clock
    /// (which tests move by hand) is not the network's.
    /// </summary>
    private static void ConfigureConnectorPipeline(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<TeamsOptions>>().Value;
        builder.TimeProvider = TimeProvider.System;
        builder
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, options.ConnectorRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.ConnectorRetryDelay,
                ShouldRetryAfterHeader = true,
                // The outbox paces and retries its own sends: a throttled one is reported at once.
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome, OutboxDelivery.Current is null ? options.MaxInlineRetryAfter : null)),
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 20,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(15),
                // Throttling is a healthy service asking to slow down, not a failing one.
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome, TimeSpan.MaxValue)
                    && args.Outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests),
            })
            .AddTimeout(options.ConnectorAttemptTimeout);
    }

    /// <param name="maxRetryAfter">The longest Retry-After worth waiting for inline; null: a 429 is never retried inline.</param>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome, TimeSpan? maxRetryAfter)
    {
        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException;
        }

        var response = outcome.Result!;
        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => maxRetryAfter is { } max && !(BotConnectorClient.RetryAfterOf(response) > max),
            HttpStatusCode.PreconditionFailed or HttpStatusCode.RequestTimeout => true,
            HttpStatusCode.NotImplemented or HttpStatusCode.HttpVersionNotSupported => false,
            var status => (int)status >= 500,
        };
    }
}
