using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace GovernanceBot.Features.Dashboard;

/// <summary>
/// A dashboard session: ASP.NET Core's cookie authentication (the ticket encrypted with the store's
/// Data Protection key ring, so any instance reads it), holding who the person is — never what they
/// may see, which is asked of <see cref="Programs.ReaderPolicy"/> on every page.
/// </summary>
public static class DashboardSession
{
    public const string Scheme = "Dashboard";
    public const string CookieName = "GovernanceBot.Dashboard";

    private const string WorkspaceClaim = "gb:workspace";
    private const string ChannelClaim = "gb:channel";
    private const string UserClaim = "gb:user";

    /// <summary>Sessions started in the Teams tab, a frame inside Teams: a cross-site cookie of its own.</summary>
    public const string TeamsScheme = "DashboardTeams";
    public const string TeamsCookieName = "GovernanceBot.Dashboard.Teams";

    public static AuthenticationBuilder AddDashboardSession(this AuthenticationBuilder builder, DashboardOptions options) => builder
        .AddCookie(Scheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.Path = "/dashboard";
            o.Cookie.HttpOnly = true;
            // Secure whenever the page was served over https (behind a proxy: as the forwarded headers say).
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = options.SessionLifetime;
            o.SlidingExpiration = false;
        })
        .AddCookie(TeamsScheme, o =>
        {
            // Teams frames the tab from its own site: only a SameSite=None cookie reaches the bot
            // there, which browsers accept only when Secure, and keep per top-level site when Partitioned.
            o.Cookie.Name = TeamsCookieName;
            o.Cookie.Path = "/dashboard";
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.None;
            o.Cookie.Extensions.Add("Partitioned");
            o.ExpireTimeSpan = options.SessionLifetime;
            o.SlidingExpiration = false;
        });

    public static ClaimsPrincipal Principal(DashboardPerson person)
    {
        var claims = new List<Claim> { new(WorkspaceClaim, person.WorkspaceId.ToString()) };
        Add(claims, ClaimTypes.Email, person.Email);
        Add(claims, ChannelClaim, person.Channel);
        Add(claims, UserClaim, person.UserId);
        Add(claims, ClaimTypes.Name, person.Name);
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
    }

    /// <summary>The person of this request's session, or null without a valid one.</summary>
    public static async Task<DashboardPerson?> PersonAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(Scheme);
        if (!result.Succeeded)
        {
            result = await context.AuthenticateAsync(TeamsScheme);
        }

        if (!result.Succeeded || result.Principal.FindFirstValue(WorkspaceClaim) is not { } workspace || !Guid.TryParse(workspace, out var workspaceId))
        {
            return null;
        }

        var p = result.Principal;
        return new DashboardPerson(workspaceId, p.FindFirstValue(ClaimTypes.Email), p.FindFirstValue(ChannelClaim), p.FindFirstValue(UserClaim), p.FindFirstValue(ClaimTypes.Name));
    }

    private static void Add(List<Claim> claims, string type, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            claims.Add(new Claim(type, value));
        }
    }
}
