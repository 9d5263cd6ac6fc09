using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Channels.Slack;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GovernanceBot.Testing.Slack;

/// <summary>
/// The whole bot with Slack enabled (signing secret, one workspace's bot token) against a
/// <see cref="FakeSlackApi"/>, with the Phoenix demo (or the given governance file) imported; requests
/// are signed like Slack signs them.
/// </summary>
public sealed class SlackTestBot : IAsyncDisposable
{
    public const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    public const string Team = "T0TEST";
    public const string BotUser = "UBOT";
    public const string Alex = "UALEX";

    private readonly string keysPath;
    private readonly bool ownsSlack;

    private SlackTestBot(BotHarness bot, FakeSlackApi slack, string keysPath, bool ownsSlack)
    {
        Bot = bot;
        Slack = slack;
        this.keysPath = keysPath;
        this.ownsSlack = ownsSlack;
        Http = new HttpClient { BaseAddress = bot.BaseAddress };
    }

    public BotHarness Bot { get; }

    public FakeSlackApi Slack { get; }

    public HttpClient Http { get; }

    public static async Task<SlackTestBot> StartAsync(
        StoreKind kind = StoreKind.Sqlite,
        IDictionary<string, string?>? settings = null,
        Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null,
        Action<GovernanceBot.Conversation.Router>? routes = null,
        string? governanceYaml = null,
        SlackTestBot? sharing = null)
    {
        // Another instance of the same deployment: the first one's store, clock, key ring and Slack.
        var slack = sharing?.Slack ?? await FakeSlackApi.StartAsync();
        slack.Emails[Alex] = "alexw@example.com";
        slack.Emails["UMEGAN"] = "meganb@example.com";
        var keys = sharing?.keysPath ?? Path.Combine(Path.GetTempPath(), $"gb-keys-{Guid.NewGuid():N}");
        var values = new Dictionary<string, string?>
        {
            ["Slack:SigningSecret"] = Secret,
            ["Slack:BotToken"] = "xoxb-config-token",
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
            ["Slack:RetryBaseDelay"] = "00:00:00.050",
            ["Slack:AttemptTimeout"] = "00:00:02",
            ["DataProtection:KeysPath"] = keys,
            ["Conversation:BindUnknownWorkspacesTo"] = "demo",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var bot = await BotHarness.StartAsync(kind, loadDemo: false, settings: values, configure: builder =>
        {
            builder.Services.TryAddSingleton<ICardRenderer, TestCards>();
            builder.Services.TryAddSingleton<IBlockKitTranslator, TestCards>();
            configure?.Invoke(builder);
        }, sharedStore: sharing?.Bot.Store, sharedClock: sharing?.Bot.Clock);
        routes?.Invoke(bot.Services.GetRequiredService<GovernanceBot.Conversation.Router>());
        if (sharing is not null)
        {
            return new SlackTestBot(bot, slack, keys, ownsSlack: false);
        }

        var importer = bot.Services.GetRequiredService<GovernanceImporter>();
        var demo = StoreInitializer.DemoPath(AppContext.BaseDirectory) ?? throw new InvalidOperationException("samples/phoenix.yaml not found");
        var imported = governanceYaml is null
            ? await importer.ImportAsync(demo, await File.ReadAllTextAsync(demo), dryRun: false, CancellationToken.None)
            : await importer.ImportAsync("test.yaml", governanceYaml, dryRun: false, CancellationToken.None);
        Assert.True(imported.Succeeded, string.Join(Environment.NewLine, imported.Errors));
        return new SlackTestBot(bot, slack, keys, ownsSlack: true);
    }

    /// <summary>Completes when every stored Slack request has run and its replies have been sent.</summary>
    public Task IdleAsync() => Bot.IdleAsync();

    public long Now => Bot.Clock.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Posts a body signed with <paramref name="secret"/> at <paramref name="timestamp"/> (default: now).</summary>
    public Task<HttpResponseMessage> PostSignedAsync(string path, string body, string contentType, long? timestamp = null, string secret = Secret, IDictionary<string, string>? headers = null)
    {
        var ts = (timestamp ?? Now).ToString(CultureInfo.InvariantCulture);
        return PostAsync(path, body, contentType, new Dictionary<string, string>(headers ?? new Dictionary<string, string>())
        {
            [SlackSignature.TimestampHeader] = ts,
            [SlackSignature.SignatureHeader] = SlackSignature.Compute(secret, ts, Encoding.UTF8.GetBytes(body)),
        });
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string body, string contentType, IDictionary<string, string> headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostEventAsync(JsonObject envelope, IDictionary<string, string>? headers = null) =>
        PostSignedAsync("/slack/events", envelope.ToJsonString(), "application/json", headers: headers);

    public Task<HttpResponseMessage> PostInteractionAsync(JsonObject payload) =>
        PostSignedAsync("/slack/interactions", Form(("payload", payload.ToJsonString())), "application/x-www-form-urlencoded");

    public Task<HttpResponseMessage> PostCommandAsync(string text, string user = Alex, string channel = "C0PROGRAM", string? triggerId = null) =>
        PostSignedAsync("/slack/commands", Form(
            ("token", "legacy"), ("team_id", Team), ("channel_id", channel), ("user_id", user), ("user_name", "alexw"),
            ("command", "/gov"), ("text", text), ("response_url", Slack.ResponseUrl().ToString()),
            ("trigger_id", triggerId ?? $"trig-{Guid.NewGuid():N}"), ("api_app_id", "A0TEST")), "application/x-www-form-urlencoded");

    public static string Form(params (string Name, string Value)[] fields) =>
        string.Join('&', fields.Select(f => $"{Uri.EscapeDataString(f.Name)}={Uri.EscapeDataString(f.Value)}"));

    public static JsonObject Mention(string text, string eventId, string user = Alex, string channel = "C0PROGRAM", string? threadTs = null) =>
        Envelope(eventId, new JsonObject
        {
            ["type"] = "app_mention",
            ["user"] = user,
            ["text"] = text,
            ["ts"] = $"1764072000.{Math.Abs(eventId.GetHashCode(StringComparison.Ordinal)) % 1000000:D6}",
            ["channel"] = channel,
            ["thread_ts"] = threadTs,
            ["event_ts"] = "1764072000.000100",
        });

    public static JsonObject DirectMessage(string text, string eventId, string user = Alex, string? subtype = null, string? botId = null) =>
        Envelope(eventId, new JsonObject
        {
            ["type"] = "message",
            ["channel_type"] = "im",
            ["subtype"] = subtype,
            ["bot_id"] = botId,
            ["user"] = user,
            ["text"] = text,
            ["ts"] = $"1764072001.{Math.Abs(eventId.GetHashCode(StringComparison.Ordinal)) % 1000000:D6}",
            ["channel"] = "D0ALEX",
        });

    public static JsonObject Envelope(string eventId, JsonObject ev, string team = Team) => new()
    {
        ["token"] = "legacy",
        ["team_id"] = team,
        ["api_app_id"] = "A0TEST",
        ["type"] = "event_callback",
        ["event_id"] = eventId,
        ["event_time"] = 1764072000,
        ["event"] = ev,
        ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = team, ["user_id"] = BotUser, ["is_bot"] = true }),
    };

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Bot.DisposeAsync();
        if (!ownsSlack)
        {
            return;
        }

        await Slack.DisposeAsync();
        if (Directory.Exists(keysPath))
        {
            Directory.Delete(keysPath, recursive: true);
        }
    }
}

/// <summary>
/// Test-only stand-ins for the card renderer and Block Kit translator (the real ones belong to
/// <c>Cards/</c>): the card is its template name and data; a card whose data has <c>form</c> gets a
/// button that opens a modal with one input, <c>comment</c>.
/// </summary>
public sealed class TestCards : ICardRenderer, IBlockKitTranslator
{
    public JsonObject Render(string templateName, JsonObject data) => new()
    {
        ["type"] = "AdaptiveCard",
        ["version"] = "1.5",
        ["template"] = templateName,
        ["data"] = data.DeepClone(),
    };

    public BlockKitMessage Translate(JsonObject adaptiveCard, string fallbackText)
    {
        var blocks = new JsonArray(new JsonObject
        {
            ["type"] = "section",
            ["block_id"] = "card",
            ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = $"{adaptiveCard["template"]}: {SlackMrkdwn.Escape(fallbackText)}" },
        });
        var modals = new Dictionary<string, JsonObject>();
        if (adaptiveCard["data"]?["form"] is JsonValue verb)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["elements"] = new JsonArray(new JsonObject
                {
                    ["type"] = "button",
                    ["action_id"] = "form-0",
                    ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Fill in" },
                }),
            });
            modals["form-0"] = new JsonObject
            {
                ["type"] = "modal",
                ["callback_id"] = verb.GetValue<string>(),
                ["private_metadata"] = new JsonObject { ["verb"] = verb.GetValue<string>(), ["data"] = new JsonObject { ["id"] = "42" } }.ToJsonString(),
                ["title"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Form" },
                ["submit"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Send" },
                ["blocks"] = new JsonArray(new JsonObject
                {
                    ["type"] = "input",
                    ["block_id"] = "comment",
                    ["label"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Comment" },
                    ["element"] = new JsonObject { ["type"] = "plain_text_input", ["action_id"] = "comment" },
                }),
            };
        }

        return new BlockKitMessage(SlackMrkdwn.Escape(fallbackText), blocks, modals);
    }
}
