using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace GovernanceBot.Bench.Inbound;

/// <summary>
/// Both platforms at the network edge, in one Kestrel app on 127.0.0.1, built to stay out of the
/// way of what is measured: answers are fixed or tiny, bodies are read once, and the only state is
/// a counter of answers per conversation.
/// <list type="bullet">
/// <item>Slack Web API, <c>POST /api/{method}</c> (JSON or form, as bolt's WebClient sends it):
/// <c>chat.postMessage</c> counts an answer for its <c>channel</c>; <c>users.info</c>,
/// <c>auth.test</c>, <c>conversations.open</c> answer like Slack; anything else <c>ok:true</c>.</item>
/// <item>Bot Framework: OpenID metadata and JWKS with one RSA key endorsed for <c>msteams</c>, a
/// client-credentials token endpoint, and a Bot Connector under <c>/connector/</c> where a POST to
/// <c>v3/conversations/{id}/activities[/{replyTo}]</c> counts an answer for that conversation.</item>
/// </list>
/// </summary>
public sealed class FakePlatforms : IAsyncDisposable
{
    public const string AppId = "5e1b8c1d-7a44-4a0f-9b52-1c0e6b3f2d90";
    public const string AppPassword = "bench-app-password";
    public const string KeyId = "bench-key-1";

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, int> answers = new(StringComparer.Ordinal);
    private long lastAnswerAt;
    private string? sampleAnswer;
    private long nextId;
    private int tokenRequests;

    private FakePlatforms(WebApplication app, TimeSpan webApiLatency)
    {
        this.app = app;
        WebApiLatency = webApiLatency;
        SigningKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = KeyId };
    }

    public Uri BaseAddress { get; private set; } = null!;

    public Uri SlackApiUrl => new(BaseAddress, "api/");

    public Uri OpenIdMetadataUrl => new(BaseAddress, "openid");

    /// <summary>The Bot Framework token endpoint; <c>{tenant}</c> is the bot's placeholder for the tenant.</summary>
    public string TokenEndpointTemplate => new Uri(BaseAddress, "{tenant}/token").ToString();

    public Uri TokenEndpoint => new(BaseAddress, "botframework.com/token");

    public string ServiceUrl => new Uri(BaseAddress, "connector/").ToString();

    public RsaSecurityKey SigningKey { get; }

    /// <summary>Delay before each Web API / connector answer, as the real services take 100–300 ms.</summary>
    public TimeSpan WebApiLatency { get; }

    public int TokenRequests => Volatile.Read(ref tokenRequests);

    /// <summary>When the latest answer arrived (<see cref="Stopwatch.GetTimestamp"/>), 0 = none yet.</summary>
    public long LastAnswerAt => Interlocked.Read(ref lastAnswerAt);

    public static async Task<FakePlatforms> StartAsync(TimeSpan webApiLatency)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakePlatforms(app, webApiLatency);
        fake.Map();
        await app.StartAsync();
        fake.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>
    /// The start of the first answer since <see cref="Reset"/>: shows the reader that a target
    /// answered <c>help</c> with its help, not with an error message that would count just the same.
    /// </summary>
    public string? SampleAnswer => Volatile.Read(ref sampleAnswer);

    /// <summary>Answers received for a conversation so far.</summary>
    public int AnswersFor(string conversation) => answers.TryGetValue(conversation, out var count) ? count : 0;

    /// <summary>Forgets every answer: each target starts from zero.</summary>
    public void Reset()
    {
        answers.Clear();
        Interlocked.Exchange(ref lastAnswerAt, 0);
        Volatile.Write(ref sampleAnswer, null);
    }

    private void Map()
    {
        app.MapPost("/api/{method}", SlackAsync);
        app.MapGet("/openid", () => Results.Text(
            new JsonObject { ["issuer"] = "https://api.botframework.com", ["jwks_uri"] = new Uri(BaseAddress, "keys").ToString() }.ToJsonString(),
            "application/json"));
        app.MapGet("/keys", Keys);
        app.MapPost("/{tenant}/token", TokenAsync);
        app.Map("/connector/{**rest}", ConnectorAsync);
    }

    private async Task SlackAsync(HttpContext context, string method)
    {
        var channel = await ReadFieldAsync(context.Request, "channel");
        if (WebApiLatency > TimeSpan.Zero)
        {
            await Task.Delay(WebApiLatency);
        }

        var ts = $"1764072000.{Interlocked.Increment(ref nextId):D6}";
        var answer = method switch
        {
            "chat.postMessage" => new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ts, ["message"] = new JsonObject { ["ts"] = ts } },
            "users.info" => new JsonObject
            {
                ["ok"] = true,
                ["user"] = new JsonObject
                {
                    ["id"] = await ReadFieldAsync(context.Request, "user"),
                    ["name"] = "bench",
                    ["real_name"] = "Bench User",
                    ["profile"] = new JsonObject { ["real_name"] = "Bench User" },
                },
            },
            "auth.test" => new JsonObject { ["ok"] = true, ["team_id"] = "T0BENCH", ["user_id"] = "UBENCHBOT", ["bot_id"] = "BBENCHBOT" },
            "conversations.open" => new JsonObject { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = "D" + await ReadFieldAsync(context.Request, "users") } },
            _ => new JsonObject { ["ok"] = true },
        };
        if (method == "chat.postMessage" && channel is not null)
        {
            if (SampleAnswer is null)
            {
                Sample(await ReadFieldAsync(context.Request, "text") ?? await ReadFieldAsync(context.Request, "blocks"));
            }

            Answered(channel);
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    private async Task ConnectorAsync(HttpContext context, string rest)
    {
        // The conversation is in the path: the body is drained, never parsed (kept once, as the sample).
        if (SampleAnswer is null && context.Request.Method == "POST")
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            Sample(await reader.ReadToEndAsync());
        }
        else
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
        }
        if (WebApiLatency > TimeSpan.Zero)
        {
            await Task.Delay(WebApiLatency);
        }

        var parts = rest.Split('/');
        JsonObject answer;
        if (context.Request.Method == "GET" && parts is ["v3", "conversations", _, "members", var member])
        {
            // As the connector answers for a member of the tenant: with the e-mail and UPN the bot
            // keeps, so it asks again only when what it was told grows old (not on every message).
            var id = Uri.UnescapeDataString(member);
            var email = $"{new string(id.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant()}@bench.example";
            answer = new JsonObject
            {
                ["id"] = id, ["name"] = "Bench User", ["email"] = email, ["userPrincipalName"] = email,
                ["tenantId"] = TeamsMessageRequests.Tenant, ["userRole"] = "user",
                ["aadObjectId"] = id.StartsWith("29:bench-", StringComparison.Ordinal) ? "aad-" + id["29:bench-".Length..] : null,
            };
        }
        else
        {
            if (context.Request.Method == "POST" && parts is ["v3", "conversations", var conversation, "activities", ..])
            {
                Answered(Uri.UnescapeDataString(conversation));
            }

            answer = new JsonObject { ["id"] = "activity-" + Interlocked.Increment(ref nextId).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    private IResult Keys()
    {
        var parameters = SigningKey.Rsa.ExportParameters(false);
        var key = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = KeyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
            ["endorsements"] = new JsonArray("msteams"),
        };
        return Results.Text(new JsonObject { ["keys"] = new JsonArray(key) }.ToJsonString(), "application/json");
    }

    private async Task TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        Interlocked.Increment(ref tokenRequests);
        if (form["client_secret"] != AppPassword || form["grant_type"] != "client_credentials")
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["token_type"] = "Bearer", ["expires_in"] = 3600, ["access_token"] = "bench-outbound-token" }.ToJsonString());
    }

    private void Sample(string? answer)
    {
        if (answer is not null)
        {
            Interlocked.CompareExchange(ref sampleAnswer, answer.Length > 300 ? answer[..300] + "…" : answer, null);
        }
    }

    private void Answered(string conversation)
    {
        answers.AddOrUpdate(conversation, 1, static (_, n) => n + 1);
        Interlocked.Exchange(ref lastAnswerAt, Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// One top-level string field of a JSON or form body. The body is buffered so a second field
    /// can be read; JSON is scanned with a reader, not turned into a tree.
    /// </summary>
    private static async Task<string?> ReadFieldAsync(HttpRequest request, string name)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            return form.TryGetValue(name, out var value) ? value.ToString() : null;
        }

        request.EnableBuffering();
        request.Body.Position = 0;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        request.Body.Position = 0;
        return FindString(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), name);
    }

    private static string? FindString(ReadOnlySpan<byte> json, string name)
    {
        var reader = new Utf8JsonReader(json);
        var utf8Name = Encoding.UTF8.GetBytes(name);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(utf8Name))
            {
                reader.Read();
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 1)
            {
                reader.Skip();
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
