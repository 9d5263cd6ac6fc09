using GovernanceBot.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace GovernanceBot.Tests.Hosting;

/// <summary>Telemetry is collected only for a collector: without one, requests build no activities.</summary>
public sealed class TelemetrySetupTests
{
    private static ServiceProvider Build(string? otlpEndpoint)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddGovernanceTelemetry(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void WithoutACollector_NothingIsCollected_ButTheBotsMetersExist()
    {
        using var provider = Build(null);

        Assert.Null(provider.GetService<TracerProvider>());
        Assert.Null(provider.GetService<MeterProvider>());
        Assert.NotNull(provider.GetService<BotMetrics>());
    }

    [Fact]
    public void WithACollector_TracesAndMetricsAreCollected()
    {
        using var provider = Build("http://127.0.0.1:4317");

        Assert.NotNull(provider.GetService<TracerProvider>());
        Assert.NotNull(provider.GetService<MeterProvider>());
    }
}
