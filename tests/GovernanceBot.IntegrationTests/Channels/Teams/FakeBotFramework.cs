using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace GovernanceBot.IntegrationTests.Channels.Teams;

/// <summary>A request the fake connector received, when (wall clock) and what it answered.</summary>
public sealed record ConnectorRequest(string Method, string Path, string? Authorization, JsonNode? Body)
{
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;

    public int Status { get; set; } = 200;

    /// <summary>The query string, as sent (e.g. <c>?pageSize=500&amp;continuationToken=…</c>).</summary>
    public string Query { get; init; } = string.Empty;

    /// <summary>The JSON the fake answered with (e.g. the new conversation's or activity's id).</summary>
    public JsonNode? Answer { get; set; }
}

/// <summary>A member of a team or group chat as its roster lists them.</summary>
public sealed record RosterMember(string Id, string Name, string Email, string AadObjectId);

/// <summary>A scripted connector answer; <see cref="Hang"/> never answers (until the client gives up).</summary>
public sealed record ScriptedAnswer(int Status, string? Body = null, int? RetryAfterSeconds = null, bool Hang = false);

/// <summary>
/// The Bot Framework at the network edge, in one small Kestrel app on 127.0.0.1: OpenID metadata
/// and JWKS with test RSA keys (and their endorsements), a client-credentials token endpoint, and
/// a Bot Connector that records every request and answers as scripted.
/// </summary>
public sealed class FakeBotFramework : IAsyncDisposable
{
    public const string Tenant = "tenant-1";
    public const string AppId = "6f1c4f9e-55a0-4e11-9a0b-6f5d0d3c2a11";

    private readonly WebApplication app;
    private readonly ConcurrentQueue<ScriptedAnswer> script = new();
    private int activityCounter;

    private FakeBotFramework(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public string ServiceUrl => new Uri(BaseAddress, "connector/").ToString();

    /// <summary>Keys served in the JWKS: kid → (key, endorsements).</summary>
    public ConcurrentDictionary<string, (RsaSecurityKey Key, string[] Endorsements)> Keys { get; } = new();

    public ConcurrentQueue<ConnectorRequest> Requests { get; } = new();

    public ConcurrentDictionary<string, string> MemberEmails { get; } = new();

    /// <summary>Member lookups: user id → <c>userRole</c> (<c>user</c>, <c>guest</c>) and, for another organisation, its <c>tenantId</c>.</summary>
    public ConcurrentDictionary<string, (string UserRole, string? TenantId)> MemberRoles { get; } = new();

    /// <summary>
    /// When set, messages (POSTs to <c>…/activities</c>) beyond this rate get 429 with Retry-After,
    /// as the Bot Connector answers a bot that sends too fast (platforms.md A6).
    /// </summary>
    public FakeRateLimit? RateLimit { get; set; }

    /// <summary>
    /// Rosters of teams and group chats: conversation (team or chat) id → its members, served by
    /// <c>GET v3/conversations/{id}/pagedmembers</c> a page at a time with a continuation token.
    /// </summary>
    public ConcurrentDictionary<string, List<RosterMember>> Rosters { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The most members one page holds, whatever the bot asks for (the connector may send fewer than
    /// <c>pageSize</c>; a client must follow the continuation token until there is none).
    /// </summary>
    public int RosterPageLimit { get; set; } = 500;

    /// <summary>1:1 conversations created so far: member id → conversation id (Teams returns the same one again).</summary>
    public ConcurrentDictionary<string, string> DirectConversations { get; } = new();

    private int tokenRequests;
    private int keyRequests;
    private int metadataRequests;

    public int TokenRequests => Volatile.Read(ref tokenRequests);

    public int KeyRequests => Volatile.Read(ref keyRequests);

    /// <summary>Requests for the OpenID metadata, answered or not: every key fetch starts there.</summary>
    public int MetadataRequests => Volatile.Read(ref metadataRequests);

    /// <summary>False: the OpenID metadata and key endpoints answer 503, as an issuer outage would.</summary>
    public bool KeysAvailable { get; set; } = true;

    public static async Task<FakeBotFramework> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeBotFramework(app);
        fake.AddKey("key-1", ["msteams"]);
        fake.Map();
        await app.StartAsync();
        fake.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return fake;
    }

    public RsaSecurityKey AddKey(string kid, string[] endorsements)
    {
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = kid };
        Keys[kid] = (key, endorsements);
        return key;
    }

    /// <summary>The next connector calls answer these, in order; then 200 again.</summary>
    public void Script(params ScriptedAnswer[] answers)
    {
        foreach (var answer in answers)
        {
            script.Enqueue(answer);
        }
    }

    public IReadOnlyList<ConnectorRequest> Sent(string method) =>
        Requests.Where(r => r.Method == method && r.Path.Contains("/activities", StringComparison.Ordinal)).ToList();

    public Dictionary<string, string?> Settings(bool withPassword = true) => new()
    {
        ["Teams:AppId"] = AppId,
        ["Teams:AppPassword"] = withPassword ? "test-secret" : null,
        ["Teams:OpenIdMetadataUrl"] = new Uri(BaseAddress, "openid").ToString(),
        ["Teams:TokenEndpoint"] = new Uri(BaseAddress, "{tenant}/token").ToString(),
        ["Teams:ConnectorRetryDelay"] = "00:00:00.050",
        ["Teams:ConnectorAttemptTimeout"] = "00:00:05",
    };

    private void Map()
    {
        app.MapGet("/openid", () =>
        {
            Interlocked.Increment(ref metadataRequests);
            if (!KeysAvailable)
            {
                return Results.StatusCode(503);
            }

            var metadata = new JsonObject { ["issuer"] = "https://api.botframework.com", ["jwks_uri"] = new Uri(BaseAddress, "keys").ToString() };
            return Results.Text(metadata.ToJsonString(), "application/json");
        });
        app.MapGet("/keys", () =>
        {
            Interlocked.Increment(ref keyRequests);
            if (!KeysAvailable)
            {
                return Results.StatusCode(503);
            }

            var keys = new JsonArray();
            foreach (var (kid, (key, endorsements)) in Keys)
            {
                var parameters = key.Rsa.ExportParameters(false);
                keys.Add(new JsonObject
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["kid"] = kid,
                    ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                    ["endorsements"] = new JsonArray(endorsements.Select(e => (JsonNode)JsonValue.Create(e)).ToArray()),
                });
            }

            return Results.Text(new JsonObject { ["keys"] = keys }.ToJsonString(), "application/json");
        });
        app.MapPost("/{tenant}/token", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            Interlocked.Increment(ref tokenRequests);
            if (form["client_secret"] != "test-secret" || form["grant_type"] != "client_credentials")
            {
                return Results.StatusCode(401);
            }

            var body = new JsonObject { ["token_type"] = "Bearer", ["expires_in"] = 3600, ["access_token"] = "outbound-token-" + form["client_id"] };
            return Results.Text(body.ToJsonString(), "application/json");
        });
        app.Map("/connector/{**rest}", async (HttpContext context, string rest) =>
        {
            JsonNode? body = null;
            if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            {
                body = await JsonNode.ParseAsync(context.Request.Body);
            }

            var request = new ConnectorRequest(context.Request.Method, "/" + rest, context.Request.Headers.Authorization.FirstOrDefault(), body)
            {
                Query = context.Request.QueryString.Value ?? string.Empty,
            };
            Requests.Enqueue(request);
            var result = await AnswerAsync(context, rest, body);
            request.Status = result.Status;
            request.Answer = result.Json;
            return result.Result;
        });
    }

    private async Task<(IResult Result, int Status, JsonNode? Json)> AnswerAsync(HttpContext context, string rest, JsonNode? body)
    {
        if (script.TryDequeue(out var answer))
        {
            if (answer.Hang)
            {
                var aborted = new TaskCompletionSource();
                using var registration = context.RequestAborted.Register(() => aborted.TrySetResult());
                await aborted.Task;
                return (Results.Empty, 499, null);
            }

            if (answer.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return (Results.Text(answer.Body ?? string.Empty, "application/json", statusCode: answer.Status), answer.Status, null);
        }

        if (context.Request.Method == "POST" && rest.EndsWith("/activities", StringComparison.Ordinal) && RateLimit is { } limit && !limit.TryAdmit())
        {
            context.Response.Headers.RetryAfter = limit.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "TooManyRequests", ["message"] = "Too many requests. Retry after the given time." } }, 429);
        }

        if (context.Request.Method == "GET" && rest.Contains("/members/", StringComparison.Ordinal))
        {
            var id = Uri.UnescapeDataString(rest[(rest.LastIndexOf('/') + 1)..]);
            var role = MemberRoles.TryGetValue(id, out var r) ? r : ("user", null);
            return MemberEmails.TryGetValue(id, out var email)
                ? Json(new JsonObject
                {
                    ["id"] = id, ["name"] = email.Split('@')[0], ["email"] = email, ["userPrincipalName"] = email,
                    ["userRole"] = role.UserRole, ["tenantId"] = role.TenantId,
                })
                : Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "MemberNotFoundInConversation", ["message"] = "no such member" } }, 404);
        }

        if (context.Request.Method == "GET" && rest.EndsWith("/pagedmembers", StringComparison.Ordinal))
        {
            return PagedMembers(context, Uri.UnescapeDataString(rest.Split('/')[2]));
        }

        if (rest == "v3/conversations" && context.Request.Method == "POST")
        {
            if (body?["isGroup"]?.GetValue<bool>() != true)
            {
                // A proactive 1:1 names the tenant (channelData.tenant.id, or tenantId at the root).
                var tenant = (string?)body?["channelData"]?["tenant"]?["id"] ?? (string?)body?["tenantId"];
                if (string.IsNullOrEmpty(tenant))
                {
                    return Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "BadArgument", ["message"] = "Tenant id is required for a 1:1 conversation." } }, 400);
                }

                // A 1:1 names exactly one member by id; the connector returns the same chat for the same member.
                var members = body?["members"] as JsonArray;
                var member = members is [JsonObject only] ? (string?)only["id"] : null;
                if (string.IsNullOrEmpty(member))
                {
                    return Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "BadArgument", ["message"] = "A 1:1 conversation needs exactly one member with an id." } }, 400);
                }

                var conversation = DirectConversations.GetOrAdd(member, _ => "a:new-" + Interlocked.Increment(ref activityCounter));
                return Json(new JsonObject { ["id"] = conversation });
            }

            return Json(new JsonObject { ["id"] = "a:new-" + Interlocked.Increment(ref activityCounter), ["activityId"] = "root-1" });
        }

        if (context.Request.Method == "POST" && ConversationOfActivities(rest) is { } target)
        {
            return Json(new JsonObject { ["id"] = NextMessageId(target) });
        }

        return Json(new JsonObject { ["id"] = "activity-" + Interlocked.Increment(ref activityCounter) });
    }

    /// <summary>
    /// One page of a roster: at most <c>pageSize</c> (and <see cref="RosterPageLimit"/>) members from where
    /// the continuation token points, and a token for the rest while there is a rest.
    /// </summary>
    private (IResult, int, JsonNode?) PagedMembers(HttpContext context, string conversationId)
    {
        if (!Rosters.TryGetValue(conversationId, out var roster))
        {
            return Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "ConversationNotFound", ["message"] = "Conversation not found." } }, 404);
        }

        var pageSize = int.TryParse(context.Request.Query["pageSize"], out var asked) && asked > 0 ? asked : 200;
        var start = 0;
        if (context.Request.Query["continuationToken"].FirstOrDefault() is { Length: > 0 } token
            && (!token.StartsWith("page:", StringComparison.Ordinal) || !int.TryParse(token[5..], out start) || start < 0 || start > roster.Count))
        {
            return Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "BadArgument", ["message"] = "Invalid continuation token." } }, 400);
        }

        var page = roster.Skip(start).Take(Math.Min(pageSize, RosterPageLimit)).ToList();
        var next = start + page.Count;
        var answer = new JsonObject
        {
            ["members"] = new JsonArray(page.Select(m => (JsonNode)new JsonObject
            {
                ["id"] = m.Id, ["name"] = m.Name, ["aadObjectId"] = m.AadObjectId, ["email"] = m.Email,
                ["userPrincipalName"] = m.Email, ["tenantId"] = Tenant, ["userRole"] = "user",
            }).ToArray()),
        };
        if (next < roster.Count)
        {
            answer["continuationToken"] = $"page:{next}";
        }

        return Json(answer);
    }

    private static (IResult, int, JsonNode?) Json(JsonNode json, int status = 200) =>
        (Results.Text(json.ToJsonString(), "application/json", statusCode: status), status, json);

    /// <summary>
    /// A new message's id as Teams gives it: a number counted within its conversation, so two
    /// conversations have messages with the same id (only conversation + id names one message).
    /// </summary>
    private string NextMessageId(string conversationId) =>
        (FirstMessageId + messageCounters.AddOrUpdate(conversationId, 0, (_, n) => n + 1)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Teams message ids are millisecond timestamps; every conversation's first message here has this one.</summary>
    public const long FirstMessageId = 1764460800000;

    private readonly ConcurrentDictionary<string, long> messageCounters = new(StringComparer.Ordinal);

    /// <summary>The conversation of <c>v3/conversations/{id}/activities[/{activityId}]</c>, else null.</summary>
    private static string? ConversationOfActivities(string rest)
    {
        var parts = rest.Split('/');
        return parts is ["v3", "conversations", var id, "activities", ..] ? Uri.UnescapeDataString(id) : null;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>
/// Tests only: a card renderer that wraps the template name and data in an Adaptive Card shell,
/// for as long as the real renderer is not on the branch. It keeps a <c>refresh</c> the data asks for.
/// </summary>
public sealed class ShellCardRenderer : ICardRenderer
{
    public JsonObject Render(string templateName, JsonObject data)
    {
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["version"] = "1.5",
            ["body"] = new JsonArray(new JsonObject { ["type"] = "TextBlock", ["text"] = templateName }),
            ["template"] = templateName,
            ["data"] = data.DeepClone(),
        };
        if (data["refreshUserIds"] is JsonArray users)
        {
            card["refresh"] = new JsonObject
            {
                ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "refresh" },
                ["userIds"] = users.DeepClone(),
            };
        }

        return card;
    }
}
