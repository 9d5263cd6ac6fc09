using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace GovernanceBot.Hosting;

/// <summary>The reverse proxies whose <c>X-Forwarded-*</c> headers are believed (section <c>ForwardedHeaders</c>).</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy addresses, e.g. <c>10.0.0.4</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/16</c> (Azure Container Apps: the environment's ingress).</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

public static class ForwardedHeadersSetup
{
    /// <summary>
    /// Behind a TLS-terminating proxy the bot sees http from the proxy; believing the proxy's
    /// <c>X-Forwarded-Proto</c>/<c>-For</c>/<c>-Host</c> makes the request https again (the Slack OAuth
    /// <c>redirect_uri</c>, <c>Secure</c> cookies). Only configured proxies are believed: from anyone
    /// else the headers would let a client claim any scheme, host or address. None configured: none believed.
    /// </summary>
    public static WebApplication UseGovernanceForwardedHeaders(this WebApplication app)
    {
        var settings = app.Configuration.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>() ?? new ForwardedHeadersSettings();
        // Development mode refuses forwarded requests outright (DevelopmentLoopback).
        if (app.Services.GetRequiredService<BotMode>().IsDevelopment || (settings.KnownProxies.Count == 0 && settings.KnownNetworks.Count == 0))
        {
            return app;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
        };
        // The defaults trust loopback; only what is configured is trusted here.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        try
        {
            foreach (var proxy in settings.KnownProxies.Where(p => !string.IsNullOrWhiteSpace(p)))
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy.Trim()));
            }

            foreach (var network in settings.KnownNetworks.Where(n => !string.IsNullOrWhiteSpace(n)))
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network.Trim()));
            }
        }
        catch (FormatException ex)
        {
            throw new StartupRefusedException($"ForwardedHeaders:KnownProxies and KnownNetworks take IP addresses and CIDR networks (10.0.0.0/16): {ex.Message}");
        }

        app.UseForwardedHeaders(options);
        return app;
    }
}
