using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Store;
using GovernanceBot.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace GovernanceBot.IntegrationTests.Channels.Teams;

/// <summary>The whole bot on Kestrel, configured for Teams against the fake Bot Framework.</summary>
public sealed class TeamsBot : IAsyncDisposable
{
    private TeamsBot(BotHarness bot, FakeBotFramework framework)
    {
        Bot = bot;
        Framework = framework;
        Http = new HttpClient { BaseAddress = bot.BaseAddress };
    }

    public BotHarness Bot { get; }

    public FakeBotFramework Framework { get; }

    public HttpClient Http { get; }

    public DateTimeOffset Now => Bot.Clock.GetUtcNow();

    public RsaSecurityKey Key => Framework.Keys["key-1"].Key;

    /// <summary>With an App ID (production auth) unless <paramref name="developmentMode"/>.</summary>
    public static async Task<TeamsBot> StartAsync(StoreKind kind = StoreKind.Sqlite, bool developmentMode = false, Dictionary<string, string?>? extra = null,
        Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null, Action<FakeBotFramework>? beforeBotStarts = null)
    {
        var framework = await FakeBotFramework.StartAsync();
        beforeBotStarts?.Invoke(framework);
        var settings = developmentMode
            ? new Dictionary<string, string?> { ["Teams:ConnectorRetryDelay"] = "00:00:00.050", ["Teams:ConnectorAttemptTimeout"] = "00:00:05" }
            : framework.Settings();
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var bot = await BotHarness.StartAsync(kind, loadDemo: developmentMode, settings: settings,
            configure: b =>
            {
                b.Services.AddSingleton<ICardRenderer, ShellCardRenderer>();
                configure?.Invoke(b);
            });
        return new TeamsBot(bot, framework);
    }

    public string ValidToken() => TestTokens.Create(Key, new TokenSpec { ServiceUrl = Framework.ServiceUrl }, Now);

    public Task<HttpResponseMessage> PostAsync(JsonObject activity, string? token = null, string? scheme = "Bearer") =>
        PostRawAsync(activity.ToJsonString(), token, scheme);

    public async Task<HttpResponseMessage> PostRawAsync(string body, string? token, string? scheme = "Bearer")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme!, token);
        }

        var response = await Http.SendAsync(request);
        // The activity is acknowledged once stored; its turn and replies follow. Tests read the replies.
        await Bot.IdleAsync();
        return response;
    }

    public async Task<int> InboundEventCountAsync()
    {
        await using var db = Bot.Store.Factory.Create();
        return db.InboundEvents.Count();
    }

    public async Task<GovernanceDb> DbAsync() => await Bot.Store.OpenAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Bot.DisposeAsync();
        await Framework.DisposeAsync();
    }
}
