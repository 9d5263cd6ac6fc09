using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Dashboard;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.Tests.Features.Dashboard;

/// <summary>
/// <c>dashboard</c> in chat and "Open dashboard" on the status card: a personal link, to the asker
/// alone, that starts a session once — checked over real HTTP against the bot on Kestrel, on both stores.
/// </summary>
public sealed partial class DashboardConversationTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Dashboard_GivesTheAskerAloneALinkThatOpensTheirPortfolioOnce(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var reply = Assert.Single(await bot.SendAsync("dashboard", "meganb@example.com"));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        var body = reply.ShouldBeText();
        Assert.Contains("it works once, within 15 minutes", body, StringComparison.Ordinal);
        var url = LinkIn(body);
        Assert.StartsWith($"{bot.BaseAddress}dashboard/start/demo?t=", url, StringComparison.Ordinal);

        using var browser = Browser();
        using var opened = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("/dashboard", opened.RequestMessage!.RequestUri!.AbsolutePath);
        var page = await opened.Content.ReadAsStringAsync();
        Assert.Contains("<a href=\"/dashboard/programs/phoenix\">Phoenix</a>", page, StringComparison.Ordinal);

        // Used once: the store remembers it (on every instance), and a second use is refused.
        await using (var db = await bot.Store.OpenAsync())
        {
            Assert.Equal(1, await db.DashboardLinkUses.CountAsync());
        }

        using var again = await Browser().GetAsync(url);
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        Assert.Contains("This link has expired", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSessionCookie_IsHttpOnlyAndSameSiteLax_AndThePagesCarryAStrictContentSecurityPolicy()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var url = LinkIn((await bot.SendAsync("dashboard", "meganb@example.com"))[0].ShouldBeText());

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var start = await http.GetAsync(url);

        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var setCookie = Assert.Single(start.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/dashboard", setCookie, StringComparison.OrdinalIgnoreCase);
        // Served over plain http here; over https (or behind a proxy that says so) the cookie is Secure.
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("no-referrer", start.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("default-src 'none'", start.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        using var stranger = new HttpClient(new HttpClientHandler { UseCookies = false });
        using var anonymous = await stranger.GetAsync(new Uri(bot.BaseAddress, "dashboard/programs/phoenix"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Open the dashboard from chat", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenDashboardOnTheStatusCard_SendsWhoeverPressedItALinkToThatProgramsPage()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var status = Assert.Single(await bot.SendAsync("status Phoenix", "alexw@example.com", BotHarness.ChannelChat())).ShouldBeCard("program.status");
        var card = bot.Services.GetRequiredService<ICardRenderer>().Render(status.Template, status.Data);
        var button = Assert.Single(card["actions"]!.AsArray(), a => (string?)a!["verb"] == "dashboard.open");
        Assert.Equal("Open dashboard", (string?)button!["title"]);
        Assert.Equal("phoenix", (string?)button["data"]!["program"]);

        var reply = Assert.Single(await bot.ActAsync("dashboard.open", new JsonObject { ["program"] = "phoenix" }, "adelev@example.com", BotHarness.ChannelChat()));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        using var opened = await Browser().GetAsync(LinkIn(reply.ShouldBeText()));
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Equal("/dashboard/programs/phoenix", opened.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("<h1>Phoenix</h1>", await opened.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGuest_IsToldTheDashboardIsForTheOrganisationsPeople_AndGetsNoLink()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync("dashboard", "guest@partner.example", Membership.Guest));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        Assert.DoesNotContain("/dashboard/start/", reply.ShouldBeText(), StringComparison.Ordinal);
        Assert.Contains("You see a program's status in the channel it is posted to", reply.ShouldBeText(), StringComparison.Ordinal);
    }

    private static string LinkIn(string text) => Link().Match(text) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException($"no link in: {text}");

    private static HttpClient Browser() => new(new HttpClientHandler { CookieContainer = new CookieContainer() });

    [GeneratedRegex(@"\]\((http[^)\s]+)\)")]
    private static partial Regex Link();
}
