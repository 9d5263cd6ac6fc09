using System.Net;
using System.Net.Http.Headers;
using GovernanceBot.Features.Dashboard;
using GovernanceBot.IntegrationTests.Channels.Teams;
using GovernanceBot.Testing;
using Microsoft.IdentityModel.Tokens;

namespace GovernanceBot.IntegrationTests.Features.Dashboard;

/// <summary>
/// The Teams tab: without an Entra app it says how to get a link; with one, the token Teams hands
/// the tab (a real JWT signed by a key the local metadata endpoint publishes) starts a session as the
/// person it names, and every bent token is refused.
/// </summary>
public sealed class TeamsTabTests
{
    [Fact]
    public async Task WithoutAnEntraApp_TheTabSaysHowToGetALink_AndLoadsNoScript()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        using var http = new HttpClient { BaseAddress = bot.BaseAddress };

        using var page = await http.GetAsync("dashboard/teams");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("type <code>dashboard</code> in chat with the bot", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        using var session = await http.PostAsync("dashboard/teams/session", null);
        Assert.Equal(HttpStatusCode.Unauthorized, session.StatusCode);
    }

    [Fact]
    public async Task ATokenFromTeamsForTheEntraApp_StartsASessionAsThePersonItNames_AndBentTokensAreRefused()
    {
        await using var entra = await FakeBotFramework.StartAsync();
        var key = entra.AddKey("sso-key", []);
        var other = new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "sso-key" };
        await using var bot = await TeamsSsoSteps.StartAsync(entra);

        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = bot.BaseAddress };
        var tab = await http.GetStringAsync("dashboard/teams?program=phoenix");
        Assert.Contains("<script src=\"/dashboard/assets/MicrosoftTeams.min.js\" defer></script>", tab, StringComparison.Ordinal);
        Assert.Contains("data-program=\"phoenix\"", tab, StringComparison.Ordinal);
        using (var library = await http.GetAsync("dashboard/assets/MicrosoftTeams.min.js"))
        {
            Assert.Equal(HttpStatusCode.OK, library.StatusCode);
            Assert.Contains("microsoftTeams", await library.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Lifetimes are checked against the bot's clock (the test's).
        var now = bot.Clock.GetUtcNow();
        var good = TeamsSsoSteps.Token(key, now);
        await AssertRefusedAsync(TeamsSsoSteps.Token(key, now, audience: "api://someone-else"), "another app's token");
        await AssertRefusedAsync(TeamsSsoSteps.Token(key, now, tenant: "00000000-0000-0000-0000-00000000beef"), "a tenant that is no workspace");
        await AssertRefusedAsync(TeamsSsoSteps.Token(key, now, issuer: "https://login.microsoftonline.com/00000000-0000-0000-0000-00000000beef/v2.0"), "an issuer of another tenant");
        await AssertRefusedAsync(TeamsSsoSteps.Token(other, now), "a key Entra does not publish");
        await AssertRefusedAsync(TeamsSsoSteps.Token(key, now.AddHours(-3)), "an expired token");

        using var session = await PostAsync(good);
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        Assert.Equal("{\"location\":\"/dashboard/programs/phoenix\"}", await session.Content.ReadAsStringAsync());
        var setCookie = Assert.Single(session.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(DashboardSession.TeamsCookieName + "=", setCookie, StringComparison.Ordinal);
        Assert.Contains("samesite=none", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("partitioned", setCookie, StringComparison.OrdinalIgnoreCase);

        // The browser in Teams sends the cookie back (over https; here by hand, over http).
        using var request = new HttpRequestMessage(HttpMethod.Get, "dashboard/programs/phoenix");
        request.Headers.Add("Cookie", setCookie.Split(';')[0]);
        using var page = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<h1>Phoenix</h1>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        async Task AssertRefusedAsync(string token, string what)
        {
            using var refused = await PostAsync(token);
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {refused.StatusCode}");
            Assert.False(refused.Headers.Contains("Set-Cookie"), what);
        }

        Task<HttpResponseMessage> PostAsync(string token)
        {
            var post = new HttpRequestMessage(HttpMethod.Post, "dashboard/teams/session?program=phoenix");
            post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return http.SendAsync(post);
        }
    }
}
