using System.Text;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using Microsoft.AspNetCore.Authentication;

namespace GovernanceBot.Features.Dashboard;

/// <summary>The dashboard's web endpoints, all under <c>/dashboard</c>; nothing is served without a session but the link, the sign-in page and the stylesheet.</summary>
public static class DashboardEndpoints
{
    /// <summary>
    /// Nothing loads from elsewhere, no inline script or style runs, no form posts elsewhere; only
    /// the bot itself and Teams (the tab) may frame the pages.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; " +
        "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft https://*.office.com";

    public static WebApplication MapDashboard(this WebApplication app)
    {
        var group = Pages(app);
        group.MapGet("/start/{workspace}", StartAsync);
        group.MapGet("/files/{name}", DownloadAsync);
        group.MapGet("/", PortfolioAsync);
        group.MapGet("/programs/{key}", ProgramAsync);
        group.MapGet("/assets/dashboard.css", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Bytes(StyleSheet.Value, "text/css; charset=utf-8");
        });
        return app;
    }

    private static readonly Lazy<byte[]> StyleSheet = new(() =>
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("GovernanceBot.Dashboard.dashboard.css")
            ?? throw new InvalidOperationException("The dashboard stylesheet is not embedded in the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    private static async Task<IResult> StartAsync(string workspace, string? t, HttpContext context, DashboardLinks links, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var (link, refusal) = await links.RedeemAsync(workspace, t, cancellationToken);
        if (link is null)
        {
            Log.DashboardLinkRefused(loggers.CreateLogger(typeof(DashboardEndpoints)), workspace, refusal!.Value.ToString());
            // Refused links are forbidden, whatever the reason: the page says what to do, the log says why.
            return Page(DashboardPages.LinkRefused(), StatusCodes.Status403Forbidden);
        }

        await context.SignInAsync(DashboardSession.Scheme, DashboardSession.Principal(link.Person));
        Log.DashboardSessionStarted(loggers.CreateLogger(typeof(DashboardEndpoints)), link.Person.WorkspaceId);
        // Redirected at once: the address with the token is not the page a person keeps or shares.
        context.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(link.Program is { Length: > 0 } key ? DashboardPages.ProgramPath(key) : "/dashboard", permanent: false, preserveMethod: false);
    }

    /// <summary>
    /// A download link (an export sent in Teams): used up on first use, then the file is made for the
    /// person it was sent to, if they may still have it, and handed over as an attachment.
    /// </summary>
    private static async Task<IResult> DownloadAsync(string name, string? t, HttpContext context, DashboardLinks links, FileSources files, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(DashboardEndpoints));
        var (file, refusal) = await links.RedeemFileAsync(t, cancellationToken);
        if (file is null)
        {
            Log.FileLinkRefused(logger, refusal!.Value.ToString());
            return Page(DashboardPages.FileLinkRefused(refusal.Value == LinkRefusal.Reused), StatusCodes.Status403Forbidden);
        }

        var made = await files.MakeAsync(file, cancellationToken);
        if (made.Content is not { } content)
        {
            Log.FileLinkRefused(logger, "no longer allowed");
            return Page(DashboardPages.FileRefused(made.Refusal ?? "You may no longer have this file."), StatusCodes.Status403Forbidden);
        }

        Log.FileDownloaded(logger, file.Kind, file.WorkspaceId);
        context.Response.Headers.CacheControl = "no-store";
        // fileDownloadName makes it Content-Disposition: attachment, so the browser saves it rather than shows it.
        return Results.File(content.Bytes, content.ContentType, content.FileName);
    }

    private static async Task<IResult> PortfolioAsync(HttpContext context, DashboardQuery query, CancellationToken cancellationToken)
    {
        if (await DashboardSession.PersonAsync(context) is not { } person)
        {
            return Page(DashboardPages.SignedOut(), StatusCodes.Status401Unauthorized);
        }

        var view = await query.PortfolioAsync(person, cancellationToken);
        return view is null
            ? Page(DashboardPages.LinkRefused(), StatusCodes.Status403Forbidden)
            : Page(DashboardPages.Portfolio(view), StatusCodes.Status200OK);
    }

    private static async Task<IResult> ProgramAsync(string key, HttpContext context, DashboardQuery query, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await DashboardSession.PersonAsync(context) is not { } person)
        {
            return Page(DashboardPages.SignedOut(), StatusCodes.Status401Unauthorized);
        }

        var view = await query.ProgramAsync(person, key, cancellationToken);
        return view is null
            ? Page(DashboardPages.ProgramNotFound(key), StatusCodes.Status404NotFound)
            : Page(DashboardPages.Program(view, time.GetUtcNow()), StatusCodes.Status200OK);
    }

    /// <summary>A group under <c>/dashboard</c> with the pages' security headers (the Teams tab maps its pages in one too).</summary>
    public static RouteGroupBuilder Pages(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/dashboard");
        group.AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            // A link's token must never leave in a Referer header.
            headers["Referrer-Policy"] = "no-referrer";
            return await next(context);
        });

        return group;
    }

    public static IResult Page(string html, int status) => new HtmlPage(html, status);

    /// <summary>A page that is never cached: what it shows depends on who asks and changes with the store.</summary>
    private sealed class HtmlPage(string html, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            httpContext.Response.Headers.CacheControl = "no-store";
            return httpContext.Response.WriteAsync(html, Encoding.UTF8);
        }
    }
}
