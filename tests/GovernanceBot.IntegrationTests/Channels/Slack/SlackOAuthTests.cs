using System.Net;
using GovernanceBot.Channels.Slack;
using GovernanceBot.Conversation;
using GovernanceBot.Testing.Slack;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Channels.Slack;

public sealed class SlackOAuthTests
{
    private static Task<SlackTestBot> StartAsync() => SlackTestBot.StartAsync(settings: new Dictionary<string, string?>
    {
        ["Slack:BotToken"] = null,
        ["Slack:ClientId"] = "1234.5678",
        ["Slack:ClientSecret"] = "client-secret-value",
    });

    /// <summary>Follows /slack/install like a browser would: returns the state Slack would echo and the cookie.</summary>
    private static async Task<(string State, string Cookie, Uri Location)> BeginAsync(SlackTestBot slack)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = slack.Bot.BaseAddress };
        using var response = await http.GetAsync("/slack/install");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        var state = QueryHelpers.ParseQuery(location.Query)["state"].ToString();
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(SlackOAuth.StateCookie, StringComparison.Ordinal)).Split(';')[0];
        return (state, cookie, location);
    }

    private static async Task<HttpResponseMessage> CallbackAsync(SlackTestBot slack, string query, string? cookie)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = slack.Bot.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/slack/oauth/callback" + query);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Install_RedirectsToSlack_AskingForExactlyTheManifestScopes()
    {
        await using var slack = await StartAsync();

        var (state, _, location) = await BeginAsync(slack);

        Assert.StartsWith("https://slack.com/oauth/v2/authorize?", location.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("1234.5678", query["client_id"].ToString());
        Assert.Equal(string.Join(',', SlackOAuth.BotScopes), query["scope"].ToString());
        Assert.EndsWith("/slack/oauth/callback", query["redirect_uri"].ToString(), StringComparison.Ordinal);
        Assert.NotEmpty(state);
    }

    [Fact]
    public async Task Callback_WithAGenuineState_StoresTheTokenEncrypted_AndTheBotAnswersInThatWorkspace()
    {
        await using var slack = await StartAsync();
        var (state, cookie, _) = await BeginAsync(slack);

        using var response = await CallbackAsync(slack, $"?code=abc123&state={Uri.EscapeDataString(state)}", cookie);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("installed in Installed Team", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var exchange = Assert.Single(slack.Slack.CallsTo("oauth.v2.access"));
        Assert.Equal("abc123", (string?)exchange.Body["code"]);
        Assert.Equal("1234.5678", (string?)exchange.Body["client_id"]);

        await using (var db = await slack.Bot.Store.OpenAsync())
        {
            var identity = await db.WorkspaceIdentities.SingleAsync(i => i.Channel == ChannelNames.Slack && i.ExternalId == "T0INSTALL");
            Assert.NotNull(identity.ProtectedBotToken);
            Assert.DoesNotContain("xoxb-installed-token", identity.ProtectedBotToken, StringComparison.Ordinal);
            Assert.Equal("UINSTALLEDBOT", identity.BotUserId);
        }

        await slack.PostEventAsync(SlackTestBot.Envelope("EvInstalled", new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "message", ["channel_type"] = "im", ["user"] = SlackTestBot.Alex, ["text"] = "programs", ["ts"] = "1764072009.000001", ["channel"] = "D0ALEX",
        }, team: "T0INSTALL"));
        await slack.IdleAsync();
        Assert.Equal("xoxb-installed-token", Assert.Single(slack.Slack.CallsTo("chat.postMessage")).Token);
    }

    [Fact]
    public async Task Callback_WithAForgedState_IsRefused_AndNoCodeIsExchanged()
    {
        await using var slack = await StartAsync();
        var (_, cookie, _) = await BeginAsync(slack);

        using var response = await CallbackAsync(slack, "?code=abc123&state=forged-state", cookie);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(slack.Slack.Calls);
    }

    [Fact]
    public async Task Callback_WithoutTheBrowsersCookie_IsRefused()
    {
        await using var slack = await StartAsync();
        var (state, _, _) = await BeginAsync(slack);

        using var response = await CallbackAsync(slack, $"?code=abc123&state={Uri.EscapeDataString(state)}", $"{SlackOAuth.StateCookie}=someone-elses-nonce");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(slack.Slack.Calls);
    }

    [Fact]
    public async Task Callback_AfterTheStateExpired_IsRefused()
    {
        await using var slack = await StartAsync();
        var (state, cookie, _) = await BeginAsync(slack);
        slack.Bot.Clock.Advance(TimeSpan.FromMinutes(11));

        using var response = await CallbackAsync(slack, $"?code=abc123&state={Uri.EscapeDataString(state)}", cookie);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("expired", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(slack.Slack.Calls);
    }

    [Fact]
    public async Task Callback_WhenSlackRefusesTheCode_StoresNothing()
    {
        await using var slack = await StartAsync();
        slack.Slack.Script("oauth.v2.access", FakeSlackAnswer.Error("invalid_code"));
        var (state, cookie, _) = await BeginAsync(slack);

        using var response = await CallbackAsync(slack, $"?code=stale&state={Uri.EscapeDataString(state)}", cookie);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var db = await slack.Bot.Store.OpenAsync();
        Assert.False(await db.WorkspaceIdentities.AnyAsync(i => i.ProtectedBotToken != null));
    }

    [Fact]
    public async Task Callback_WithFewerScopesThanAsked_IsRefused()
    {
        await using var slack = await StartAsync();
        slack.Slack.OAuthAnswer["scope"] = "chat:write,commands";
        var (state, cookie, _) = await BeginAsync(slack);

        using var response = await CallbackAsync(slack, $"?code=abc&state={Uri.EscapeDataString(state)}", cookie);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("users:read.email", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheStoredToken_SurvivesARestart_WithTheSameKeyRing()
    {
        await using var slack = await StartAsync();
        await slack.Bot.Services.GetRequiredService<SlackWorkspaces>().SaveAsync("T0KEEP", "xoxb-kept", "UB", CancellationToken.None);

        // A fresh SlackWorkspaces (empty cache) reading the same store and key ring.
        var fresh = ActivatorUtilities.CreateInstance<SlackWorkspaces>(slack.Bot.Services);
        var installation = await fresh.FindAsync("T0KEEP", CancellationToken.None);

        Assert.Equal("xoxb-kept", installation!.BotToken);
    }

    [Fact]
    public async Task WithoutClientCredentials_InstallIsNotOffered()
    {
        await using var slack = await SlackTestBot.StartAsync();

        using var response = await slack.Http.GetAsync("/slack/install");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
