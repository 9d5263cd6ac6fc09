using System.Diagnostics;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Features.Ask;

public static class AskFeature
{
    /// <summary>
    /// The knowledge index (built once, at start-up), store facts, and the answer writer: Azure
    /// OpenAI when <c>AzureOpenAI:Endpoint</c> and <c>Deployment</c> are set, otherwise none.
    /// </summary>
    public static IServiceCollection AddAsk(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRoutes(MapAsk);
        var section = configuration.GetSection(AzureOpenAIOptions.Section);
        services.AddOptions<AzureOpenAIOptions>().Bind(section);
        services.AddSingleton(sp =>
        {
            var started = Stopwatch.GetTimestamp();
            var index = new PassageIndex(KnowledgeBase.Load(configuration["Ask:KnowledgeFolder"] ?? KnowledgeBase.DefaultFolder));
            Log.AskIndexBuilt(sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AskFeature)),
                index.Knowledge.Topics.Count, index.PassageCount, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return index;
        });
        services.AddSingleton(sp => sp.GetRequiredService<PassageIndex>().Knowledge);
        services.AddSingleton<KnowledgeAnswers>();
        services.AddSingleton<AskReplies>();
        services.AddScoped<StoreFacts>();
        services.AddScoped<IAnswerService, AnswerService>();
        services.AddScoped<AskHandler>();
        services.AddScoped<RolesHandler>();
        services.AddHostedService<AskWarmUp>();

        var settings = section.Get<AzureOpenAIOptions>() ?? new AzureOpenAIOptions();
        if (!settings.IsConfigured)
        {
            services.AddSingleton<IAnswerWriter, NoAnswerWriter>();
            services.AddSingleton<IModelCompletion>(sp => sp.GetRequiredService<IAnswerWriter>());
            return services;
        }

        services.AddHttpClient(AzureOpenAIAnswerWriter.HttpClientName)
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) =>
            {
                var o = sp.GetRequiredService<IOptions<AzureOpenAIOptions>>().Value;
                resilience.Retry.MaxRetryAttempts = Math.Max(1, o.MaxRetries);
                resilience.Retry.Delay = o.RetryDelay;
                resilience.AttemptTimeout.Timeout = o.AttemptTimeout;
                resilience.TotalRequestTimeout.Timeout = o.TotalTimeout;
                // The circuit breaker must sample at least two attempt timeouts.
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * o.AttemptTimeout.Ticks + 1));
            });
        services.AddSingleton<IAnswerWriter, AzureOpenAIAnswerWriter>();
        services.AddSingleton<IModelCompletion>(sp => sp.GetRequiredService<IAnswerWriter>());
        return services;
    }

    private static Router MapAsk(Router router) => router
        .MapCommand<AskHandler>("ask", "ask <question>", "Ask about program governance or your programs, e.g. ask who owns the cost-savings benefit?", "Questions")
        .MapCommand<RolesHandler>("roles", "roles", "Program manager vs product manager, side by side.", "Questions")
        .MapFallback<AskHandler>();
}

/// <summary>Builds the knowledge index when the host starts, so the first question is as fast as the rest.</summary>
internal sealed class AskWarmUp(PassageIndex index, IOptions<AzureOpenAIOptions> model, ILogger<AskWarmUp> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        index.Search("warm up: program manager vs product manager");
        if (model.Value.IsConfigured)
        {
            Log.ModelConfigured(logger, model.Value.Deployment!, string.IsNullOrWhiteSpace(model.Value.ApiKey) ? "Entra credential" : "API key");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
