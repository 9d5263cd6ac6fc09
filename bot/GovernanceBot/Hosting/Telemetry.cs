using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GovernanceBot.Hosting;

/// <summary>The bot's own metrics (meter <c>GovernanceBot</c>); docs/operations.md lists them.</summary>
public sealed class BotMetrics : IDisposable
{
    public const string MeterName = "GovernanceBot";
    public static readonly ActivitySource ActivitySource = new(MeterName);

    private readonly Meter meter = new(MeterName);
    private readonly Counter<long> inbound;
    private readonly Counter<long> sendFailures;
    private readonly Counter<long> inDoubt;
    private readonly Counter<long> inboxFailures;
    private readonly Histogram<double> turnDuration;
    private readonly Histogram<double> qaLatency;
    private long outboxDepth;
    private double outboxOldestAgeSeconds;

    public BotMetrics()
    {
        inbound = meter.CreateCounter<long>("governancebot.inbound.requests", description: "Requests received from chat platforms, by channel.");
        sendFailures = meter.CreateCounter<long>("governancebot.send.failures", description: "Outbound sends that failed, by kind and reason.");
        inboxFailures = meter.CreateCounter<long>("governancebot.inbox.failed", description: "Inbound items recorded as failed after their retries (see `inbox failed`), by channel and kind.");
        inDoubt = meter.CreateCounter<long>("governancebot.outbox.in_doubt", description: "Sends found in flight after their instance stopped, by how they were settled.");
        turnDuration = meter.CreateHistogram<double>("governancebot.turn.duration", "ms", "Time to handle one turn, by route.");
        qaLatency = meter.CreateHistogram<double>("governancebot.qa.latency", "ms", "Time to answer a question.");
        meter.CreateObservableGauge("governancebot.outbox.depth", () => Interlocked.Read(ref outboxDepth), description: "Outbox messages waiting to be sent.");
        meter.CreateObservableGauge("governancebot.outbox.oldest_age_seconds", () => Volatile.Read(ref outboxOldestAgeSeconds), "s", "Age of the oldest waiting outbox message.");
    }

    public void InboundRequest(string channel) => inbound.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void SendFailed(string kind, string? reason) =>
        sendFailures.Add(1, new("kind", kind), new("reason", Category(reason)));

    public void InboxFailed(string channel, string kind) =>
        inboxFailures.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("kind", kind));

    public void InDoubtSettled(string outcome) => inDoubt.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void TurnHandled(string route, TimeSpan elapsed)
    {
        turnDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("route", route));
        if (route == "ask")
        {
            qaLatency.Record(elapsed.TotalMilliseconds);
        }
    }

    public void OutboxState(long depth, TimeSpan oldestAge)
    {
        Interlocked.Exchange(ref outboxDepth, depth);
        Volatile.Write(ref outboxOldestAgeSeconds, oldestAge.TotalSeconds);
    }

    /// <summary>A low-cardinality label: the platform's error code or the first words of the reason.</summary>
    private static string Category(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return "unknown";
        }

        var cut = reason.IndexOfAny([':', '(', ',']);
        var head = (cut > 0 ? reason[..cut] : reason).Trim();
        return head.Length > 40 ? head[..40] : head;
    }

    public void Dispose() => meter.Dispose();
}

public static class TelemetrySetup
{
    /// <summary>
    /// Traces and metrics, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Without a
    /// collector nothing is collected: every request and platform call would otherwise build an activity
    /// with its tags, and histograms would aggregate, for nobody to read.
    /// </summary>
    public static IServiceCollection AddGovernanceTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<BotMetrics>();
        if (string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("governancebot"))
            .WithMetrics(m => m.AddMeter(BotMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddOtlpExporter())
            .WithTracing(t => t.AddSource(BotMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddOtlpExporter());
        return services;
    }

    /// <summary>Counts platform requests by channel before anything else reads them.</summary>
    public static WebApplication UseInboundMetrics(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<BotMetrics>();
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments("/api/messages"))
            {
                metrics.InboundRequest(Conversation.ChannelNames.Teams);
            }
            else if (path.StartsWithSegments("/slack"))
            {
                metrics.InboundRequest(Conversation.ChannelNames.Slack);
            }

            await next(context);
        });
        return app;
    }
}
