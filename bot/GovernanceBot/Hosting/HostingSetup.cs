using System.Text.Json;
using GovernanceBot.Conversation;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GovernanceBot.Hosting;

public static class HostingSetup
{
    /// <summary>The Bot Framework's conventional port, unless --urls or ASPNETCORE_URLS say otherwise.</summary>
    public const string DefaultUrl = "http://localhost:3978";

    public static WebApplicationBuilder AddGovernanceHosting(this WebApplicationBuilder builder)
    {
        var mode = BotMode.From(builder.Configuration);
        if (mode.IsDevelopment)
        {
            DevelopmentLoopback.EnsureListensOnLoopback(builder.Configuration);
        }

        var configured = builder.Configuration["urls"] ?? builder.Configuration["ASPNETCORE_URLS"]
            ?? builder.Configuration["HTTP_PORTS"] ?? builder.Configuration["HTTPS_PORTS"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.Services.AddProblemDetails();

        builder.Services.AddSingleton(mode);
        if (mode.IsDevelopment && string.IsNullOrEmpty(builder.Configuration[$"{ConversationOptions.Section}:BindUnknownWorkspacesTo"]))
        {
            builder.Configuration[$"{ConversationOptions.Section}:BindUnknownWorkspacesTo"] = BotMode.DemoWorkspaceKey;
        }

        builder.Services.AddHostedService<StoreInitializer>();
        return builder;
    }

    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = WriteReadinessAsync,
        });
        return app;
    }

    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Description ?? e.Value.Status.ToString());
        return context.Response.WriteAsync(JsonSerializer.Serialize(
            new ReadinessReport(report.Status.ToString(), checks), HostingJson.Default.ReadinessReport));
    }
}

public sealed record ReadinessReport(string Status, Dictionary<string, string> Checks);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ReadinessReport))]
internal sealed partial class HostingJson : System.Text.Json.Serialization.JsonSerializerContext;
