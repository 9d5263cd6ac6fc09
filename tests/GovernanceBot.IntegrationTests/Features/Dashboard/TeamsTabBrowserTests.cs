using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using GovernanceBot.IntegrationTests.Channels.Teams;
using GovernanceBot.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GovernanceBot.IntegrationTests.Features.Dashboard;

/// <summary>
/// The Teams tab's own script in a real browser, framed by a page that plays Teams' part of the
/// teams-js protocol (window.postMessage: <c>initialize</c> answered with a frame context and a
/// runtime, <c>authentication.getAuthToken</c> with Teams' answer). The host page is served at
/// Teams' own address by the browser itself (Playwright fulfils it; nothing goes to the internet), so
/// teams-js checks its origin as it would in Teams and the tab is a cross-site frame, as it is there.
/// </summary>
public sealed class TeamsTabBrowserTests(Browser browser) : IClassFixture<Browser>
{
    private const string TeamsHostUrl = "https://teams.microsoft.com/_governancebot-tests/host";

    /// <summary>Signing in takes several round trips (teams-js, the bot, Entra's keys): a loaded machine may need more than Playwright's 5 seconds.</summary>
    private const float Patience = 30_000;

    [Fact]
    public async Task InsideTeams_TheTabSignsInWithTheTokenTeamsGivesIt_AndShowsThePortfolioAndItsPrograms()
    {
        await using var entra = await FakeBotFramework.StartAsync();
        var key = entra.AddKey("sso-key", []);
        await using var bot = await TeamsSsoSteps.StartAsync(entra);
        var teams = await TeamsHost.OpenAsync(browser, bot, "dashboard/teams", TeamsSsoSteps.Token(key, bot.Clock.GetUtcNow()));

        var row = teams.Tab.Locator("tr[data-program='phoenix']");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = Patience });
        Assert.EndsWith("/dashboard", teams.TabFrame.Url, StringComparison.Ordinal);
        Assert.Equal("Phoenix", await row.Locator("th a").InnerTextAsync());
        Assert.Equal(["initialize", "authentication.getAuthToken"], await teams.AskedAsync());

        // The session the token started lasts inside Teams: the program's page, with each KPI's value as stored.
        await row.Locator("th a").ClickAsync();
        await Expect(teams.Tab.Locator(".health")).ToBeVisibleAsync(new() { Timeout = Patience });
        Assert.Equal("Phoenix", await teams.Tab.Locator("h1").InnerTextAsync());
        var values = await DashboardSteps.LatestValuesAsync(bot, "phoenix");
        Assert.Equal(values.Count, await teams.Tab.Locator("[data-kpi]").CountAsync());
        foreach (var (kpi, value) in values)
        {
            Assert.Equal(value, await teams.Tab.Locator($"[data-kpi='{kpi}'] .kpi-value").InnerTextAsync());
        }

        Assert.Empty(teams.Elsewhere);
    }

    [Fact]
    public async Task InsideTeams_WhenTeamsRefusesATokenOrTheBotRefusesIt_TheTabSaysHowToGetALink_AndNoSessionStarts()
    {
        await using var entra = await FakeBotFramework.StartAsync();
        var key = entra.AddKey("sso-key", []);
        await using var bot = await TeamsSsoSteps.StartAsync(entra);
        var otherTenant = TeamsSsoSteps.Token(key, bot.Clock.GetUtcNow(), tenant: "00000000-0000-0000-0000-00000000beef");

        foreach (var (token, what) in new[] { ((string?)null, "Teams refuses a token"), (otherTenant, "a token for a tenant that is no workspace") })
        {
            var teams = await TeamsHost.OpenAsync(browser, bot, "dashboard/teams?program=phoenix", token);

            await Expect(teams.Tab.Locator("#teams-status")).ToHaveTextAsync("Teams could not sign you in here.", new() { Timeout = Patience });
            Assert.Contains("type dashboard in chat with the bot for a personal link", await teams.Tab.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
            Assert.True(teams.TabFrame.Url.EndsWith("/dashboard/teams?program=phoenix", StringComparison.Ordinal), $"{what}: {teams.TabFrame.Url}");
            Assert.Equal(["initialize", "authentication.getAuthToken"], await teams.AskedAsync());
            var portfolio = await teams.TabFrame.GotoAsync($"{bot.BaseAddress}dashboard");
            Assert.True(portfolio!.Status == 401, $"{what}: the portfolio answered {portfolio.Status}");
            Assert.Empty(teams.Elsewhere);
        }
    }

    /// <summary>A browser page at Teams' address framing the tab, answering its teams-js messages as Teams does.</summary>
    private sealed class TeamsHost
    {
        private TeamsHost(IPage page)
        {
            Page = page;
        }

        public IPage Page { get; }

        public IFrameLocator Tab => Page.FrameLocator("iframe[name='tab']");

        public IFrame TabFrame => Page.Frames.Single(f => f.Name == "tab");

        /// <summary>Requests for anywhere but the bot and the emulated host: refused, and listed here.</summary>
        public ConcurrentQueue<string> Elsewhere { get; } = new();

        /// <summary>The teams-js calls the tab made of its host, in order.</summary>
        public async Task<string[]> AskedAsync() => await Page.EvaluateAsync<string[]>("() => window.asked");

        /// <param name="token">What Teams answers <c>getAuthToken</c> with; null: Teams refuses (as when consent is missing).</param>
        public static async Task<TeamsHost> OpenAsync(Browser browser, BotHarness bot, string tabPath, string? token)
        {
            var page = await browser.NewPageAsync();
            var host = new TeamsHost(page);
            var html = HostPage(new Uri(bot.BaseAddress, tabPath), token);
            // The bot under test listens on the loopback address, which Chromium keeps public sites
            // from framing unless the person allows it (local network access): Teams' page is allowed
            // here, as the bot in production is on the internet, not on the person's machine.
            await page.Context.GrantPermissionsAsync(["local-network-access"], new BrowserContextGrantPermissionsOptions { Origin = "https://teams.microsoft.com" });
            await page.Context.RouteAsync("**/*", async route =>
            {
                var url = new Uri(route.Request.Url);
                if (route.Request.Url == TeamsHostUrl)
                {
                    await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html; charset=utf-8", Body = html });
                }
                else if (url.Host == bot.BaseAddress.Host && url.Port == bot.BaseAddress.Port)
                {
                    await route.ContinueAsync();
                }
                else
                {
                    host.Elsewhere.Enqueue(route.Request.Url);
                    await route.AbortAsync();
                }
            });
            Assert.Equal(200, (await page.GotoAsync(TeamsHostUrl))!.Status);
            return host;
        }

        /// <summary>
        /// Teams' side of teams-js 2.x: a request is <c>{id, uuidAsString, func, args}</c>; the answer
        /// <c>{id, uuidAsString, args}</c> goes back to the frame. <c>initialize</c> answers the frame
        /// context, the client type, the runtime (JSON) and the host's SDK version; <c>getAuthToken</c>
        /// answers [true, token] or [false, reason]. Only the framed tab is answered.
        /// </summary>
        private static string HostPage(Uri tab, string? token) => $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Microsoft Teams (emulated)</title></head>
            <body>
            <iframe name="tab" title="GovernanceBot" src="{{WebUtility.HtmlEncode(tab.ToString())}}" style="width:1200px;height:860px;border:0"></iframe>
            <script>
              window.asked = [];
              var token = {{JsonSerializer.Serialize(token)}};
              var runtime = JSON.stringify({ apiVersion: 4, isLegacyTeams: false, supports: { appInstallDialog: {}, pages: { appButton: {}, tabs: {} }, teams: { fullTrust: {} } } });
              window.addEventListener('message', function (event) {
                var frame = document.querySelector('iframe[name="tab"]');
                var request = event.data;
                if (event.source !== frame.contentWindow || !request || typeof request.func !== 'string') {
                  return;
                }
                window.asked.push(request.func);
                var args = request.func === 'initialize' ? ['content', 'web', runtime, '2.58.0']
                  : request.func === 'authentication.getAuthToken' ? (token ? [true, token] : [false, 'resourceRequiresConsent'])
                  : null;
                if (args) {
                  event.source.postMessage({ id: request.id, uuidAsString: request.uuidAsString, args: args }, event.origin);
                }
              });
            </script>
            </body></html>
            """;
    }
}
