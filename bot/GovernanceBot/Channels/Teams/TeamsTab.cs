using System.Text.Json;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Dashboard;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace GovernanceBot.Channels.Teams;

/// <summary>
/// Teams single sign-on for the dashboard's Teams tab: the token Teams hands the tab (for the Entra
/// app in <see cref="TeamsSsoOptions"/>) is validated with Microsoft.IdentityModel against Entra's
/// published keys, its tenant must be a workspace the bot serves, and it starts a session as the
/// person it names (matched to stakeholders by e-mail, as chat is).
/// </summary>
internal sealed class TeamsSso
{
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256];
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly JsonWebTokenHandler handler = new() { MaximumTokenSizeInBytes = 16 * 1024 };
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? metadata;
    private readonly TeamsSsoOptions options;
    private readonly TimeProvider time;

    public TeamsSso(IOptions<DashboardOptions> dashboard, IHttpClientFactory http, TimeProvider time)
    {
        options = dashboard.Value.TeamsSso;
        this.time = time;
        if (options.Enabled)
        {
            var url = options.MetadataUrl;
            metadata = new ConfigurationManager<OpenIdConnectConfiguration>(url, new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever(http.CreateClient(nameof(TeamsSso))) { RequireHttps = url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) });
        }
    }

    public bool Enabled => metadata is not null;

    /// <summary>The person the token names, or null with the reason (for the log, never for the caller).</summary>
    public async Task<(DashboardPerson? Person, string? Failure)> ValidateAsync(string? token, GovernanceDb db, CancellationToken cancellationToken)
    {
        if (metadata is null)
        {
            return (null, "Teams single sign-on is not configured");
        }

        if (string.IsNullOrWhiteSpace(token) || token.Length > handler.MaximumTokenSizeInBytes || !handler.CanReadToken(token))
        {
            return (null, "not a JWT");
        }

        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await metadata.GetConfigurationAsync(cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            return (null, $"Entra's signing keys could not be read: {ex.Message}");
        }

        var audiences = new[] { options.ClientId, options.ApplicationIdUri }.Where(a => !string.IsNullOrWhiteSpace(a)).ToArray();
        var result = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidAudiences = audiences,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            // The issuer names the token's own tenant (v1 or v2 form): checked below against its tid.
            ValidateIssuer = false,
            ValidateAudience = true,
            ValidateLifetime = false,
            RequireExpirationTime = true,
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                // Keys rotate: read them again next time.
                metadata.RequestRefresh();
            }

            return (null, result.Exception?.GetType().Name ?? "invalid token");
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (jwt.ValidTo == DateTime.MinValue || jwt.ValidTo + ClockSkew < now || (jwt.ValidFrom != DateTime.MinValue && jwt.ValidFrom - ClockSkew > now))
        {
            return (null, "expired or not yet valid");
        }

        var tenant = Claim(jwt, "tid");
        if (tenant is null || (jwt.Issuer != $"https://login.microsoftonline.com/{tenant}/v2.0" && jwt.Issuer != $"https://sts.windows.net/{tenant}/"))
        {
            return (null, "the issuer is not the token's own Entra tenant");
        }

        var workspace = await db.WorkspaceIdentities.AsNoTracking()
            .Where(i => i.Channel == ChannelNames.Teams && i.ExternalId == tenant)
            .Select(i => (Guid?)i.WorkspaceId)
            .FirstOrDefaultAsync(cancellationToken);
        if (workspace is not { } workspaceId)
        {
            return (null, $"tenant {tenant} is no workspace of this bot");
        }

        var email = Claim(jwt, "preferred_username") ?? Claim(jwt, "upn") ?? Claim(jwt, "email");
        var user = await db.ChatUsers.AsNoTracking()
            .Where(u => u.WorkspaceId == workspaceId && u.Channel == ChannelNames.Teams && u.AadObjectId == Claim(jwt, "oid"))
            .Select(u => new { u.ExternalUserId, u.Name })
            .FirstOrDefaultAsync(cancellationToken);
        return (new DashboardPerson(workspaceId, email, ChannelNames.Teams, user?.ExternalUserId, Claim(jwt, "name") ?? user?.Name), null);
    }

    private static string? Claim(JsonWebToken jwt, string type) => jwt.TryGetPayloadValue<string>(type, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}

/// <summary>The Teams tab's pages: the tab itself (single sign-on when configured, else how to get a link) and the channel tab's configuration.</summary>
internal static class TeamsTabEndpoints
{
    /// <summary>The tab's pages live under the dashboard's address, with its security headers: Teams frames them.</summary>
    public static IEndpointRouteBuilder MapTeamsTab(this IEndpointRouteBuilder app)
    {
        var group = DashboardEndpoints.Pages(app);
        group.MapGet("/teams", (string? program, TeamsSso sso) => DashboardEndpoints.Page(TeamsPage(program, sso.Enabled), StatusCodes.Status200OK));
        group.MapGet("/teams/configure", (TeamsSso sso) => DashboardEndpoints.Page(ConfigurePage(sso.Enabled), StatusCodes.Status200OK));
        group.MapPost("/teams/session", SessionAsync).DisableAntiforgery();
        group.MapGet("/assets/{name}", (string name, HttpContext context) =>
        {
            if (Script(name) is not { } script)
            {
                return Results.NotFound();
            }

            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Bytes(script, "text/javascript; charset=utf-8");
        });
        return app;
    }

    /// <summary>
    /// Starts a session from the token Teams gave the tab (<c>Authorization: Bearer</c>). The cookie
    /// is the cross-site kind (SameSite=None, Secure, partitioned): the tab is a frame inside Teams.
    /// </summary>
    private static async Task<IResult> SessionAsync(string? program, HttpContext context, TeamsSso sso, GovernanceDb db, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var (person, failure) = await sso.ValidateAsync(token, db, cancellationToken);
        if (person is null)
        {
            Log.DashboardTeamsSignInRefused(loggers.CreateLogger(typeof(TeamsTabEndpoints)), failure!);
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in",
                detail: "Teams did not vouch for you here. Type dashboard in chat with the bot for a personal link.");
        }

        await context.SignInAsync(DashboardSession.TeamsScheme, DashboardSession.Principal(person));
        var location = program is { Length: > 0 } key ? DashboardPages.ProgramPath(key) : "/dashboard";
        return Results.Json(new TeamsSessionAnswer(location), TeamsTabJson.Default.TeamsSessionAnswer);
    }

    private static string TeamsPage(string? program, bool sso)
    {
        var html = new Html();
        html.Append($"<h1>GovernanceBot dashboard</h1>");
        if (sso)
        {
            html.Append($"<p id=\"teams-status\" data-program=\"{program ?? string.Empty}\">Signing you in with Teams…</p>");
        }

        html.Append($"<p>{(sso ? "If nothing happens, " : "")}type <code>dashboard</code> in chat with the bot for a personal link to your programs' health, KPIs, benefits and approvals.</p>");
        return DashboardPages.Layout("Dashboard", html.ToString(), navigation: false, head: sso ? Scripts("teams-tab.js") : null);
    }

    private static string ConfigurePage(bool sso)
    {
        var html = new Html();
        html.Append($"<h1>Show a program in this channel</h1>");
        html.Append($"<p><label for=\"program\">Program key</label> <input id=\"program\" name=\"program\" autocomplete=\"off\" pattern=\"[a-z0-9-]+\" required></p>");
        html.Append($"<p>The tab opens the program's page for each person who may read it. {(sso ? "" : "Teams single sign-on is not set up, so the tab shows how to get a link instead.")}</p>");
        return DashboardPages.Layout("Configure tab", html.ToString(), navigation: false, head: Scripts("teams-configure.js"));
    }

    private static Markup Scripts(string script) => new(new Html()
        .Append($"<script src=\"/dashboard/assets/MicrosoftTeams.min.js\" defer></script><script src=\"/dashboard/assets/{script}\" defer></script>").ToString());

    private static readonly Dictionary<string, Lazy<byte[]?>> ScriptFiles = new(StringComparer.Ordinal)
    {
        ["MicrosoftTeams.min.js"] = new(() => Resource("MicrosoftTeams.min.js")),
        ["teams-tab.js"] = new(() => Resource("teams-tab.js")),
        ["teams-configure.js"] = new(() => Resource("teams-configure.js")),
    };

    private static byte[]? Script(string name) => ScriptFiles.TryGetValue(name, out var script) ? script.Value : null;

    private static byte[]? Resource(string name)
    {
        using var stream = typeof(TeamsTabEndpoints).Assembly.GetManifestResourceStream($"GovernanceBot.TeamsTab.{name}");
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

internal sealed record TeamsSessionAnswer(string Location);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(TeamsSessionAnswer))]
internal sealed partial class TeamsTabJson : System.Text.Json.Serialization.JsonSerializerContext;
