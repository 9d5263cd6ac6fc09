using System.Net;

namespace GovernanceBot.Hosting;

/// <summary>The bot refused to start: its configuration would expose something it must not.</summary>
public sealed class StartupRefusedException(string message) : Exception(message);

/// <summary>
/// Development mode answers the Teams endpoint without a token, so it must be reachable from this
/// machine only, and nothing it is told may send it elsewhere: it listens on loopback only (and
/// refuses to start otherwise), refuses every request a proxy forwarded (a proxy on this machine
/// makes a remote caller look local), and calls only loopback Bot Connectors.
/// </summary>
public static class DevelopmentLoopback
{
    /// <summary>
    /// Headers by which proxies and CDNs mark a forwarded request. <c>Via</c> is the one HTTP
    /// requires of every proxy (RFC 9110 §7.6.3); the rest are the common vendor spellings.
    /// </summary>
    public static readonly IReadOnlyList<string> ForwardingHeaders =
        ["Forwarded", "X-Real-IP", "X-Client-IP", "CF-Connecting-IP", "True-Client-IP", "Via"];

    /// <summary>Any <c>X-Forwarded-*</c> header (For, Host, Proto, Port, Prefix, Server, …) marks a forwarded request too.</summary>
    public const string ForwardedPrefix = "X-Forwarded-";

    /// <summary>True for <c>localhost</c> and loopback IP literals; any other name could resolve anywhere.</summary>
    public static bool IsLoopbackHost(string host)
    {
        var bare = host.Trim('[', ']');
        return string.Equals(bare, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(bare, out var address) && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address));
    }

    /// <summary>Throws <see cref="StartupRefusedException"/> when development mode is configured to listen beyond loopback.</summary>
    public static void EnsureListensOnLoopback(IConfiguration configuration)
    {
        var refused = new List<string>();
        foreach (var key in new[] { "HTTP_PORTS", "HTTPS_PORTS" })
        {
            // Ports alone bind every interface. They only apply when no URLs are given.
            if (!string.IsNullOrWhiteSpace(configuration[key]) && string.IsNullOrWhiteSpace(configuration["urls"]))
            {
                refused.Add($"{key}={configuration[key]}");
            }
        }

        var urls = (configuration["urls"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        foreach (var url in urls)
        {
            if (!IsLoopbackHost(BindingAddress.Parse(url).Host))
            {
                refused.Add(url);
            }
        }

        if (refused.Count > 0)
        {
            throw new StartupRefusedException(
                $"Development mode (no Teams:AppId and no Slack:SigningSecret) listens on loopback only, because its Teams endpoint "
                + $"accepts requests without a token; refusing to listen on {string.Join(", ", refused)}. "
                + $"Use --urls {HostingSetup.DefaultUrl} (or http://127.0.0.1:PORT), or configure Teams or Slack credentials to serve other addresses.");
        }
    }

    /// <summary>In development mode: 403 for a peer other than this machine, and for any forwarded request.</summary>
    public static WebApplication UseDevelopmentLoopbackGuard(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<BotMode>().IsDevelopment)
        {
            return app;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DevelopmentLoopback).FullName!);
        app.Use(async (context, next) =>
        {
            if (RefusalOf(context) is { } reason)
            {
                Log.DevelopmentRequestRefused(logger, context.Request.Path, reason);
                await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                    detail: $"Development mode serves this machine only, directly: {reason}. Configure Teams or Slack credentials to serve through a proxy.")
                    .ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        return app;
    }

    private static string? RefusalOf(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } peer || !IPAddress.IsLoopback(peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer))
        {
            return "the request did not come from loopback";
        }

        foreach (var name in context.Request.Headers.Keys)
        {
            if (name.StartsWith(ForwardedPrefix, StringComparison.OrdinalIgnoreCase)
                || ForwardingHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return $"the request carries the forwarding header {name}";
            }
        }

        return null;
    }
}
