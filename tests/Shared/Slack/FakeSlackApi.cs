using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GovernanceBot.Testing.Slack;

/// <summary>One request the fake Slack received: the Web API method (or <c>response_url</c>), its token and its fields; then what it answered.</summary>
public sealed record SlackCall(string Method, string? Token, JsonObject Body, DateTimeOffset At)
{
    public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

    /// <summary>The JSON the fake answered with (e.g. the posted message's <c>ts</c>).</summary>
    public JsonObject? Answer { get; set; }
}

/// <summary>What the fake answers to one call: a status, a JSON body, optional Retry-After, or a hang.</summary>
public sealed record FakeSlackAnswer(HttpStatusCode Status, JsonObject? Body = null, int? RetryAfterSeconds = null, bool Hang = false)
{
    public static FakeSlackAnswer Error(string error) => new(HttpStatusCode.OK, new JsonObject { ["ok"] = false, ["error"] = error });

    public static FakeSlackAnswer RateLimited(int retryAfterSeconds) => new(HttpStatusCode.TooManyRequests, new JsonObject { ["ok"] = false, ["error"] = "ratelimited" }, retryAfterSeconds);

    public static readonly FakeSlackAnswer ServerError = new(HttpStatusCode.InternalServerError);

    /// <summary>Never answers (until the caller gives up): a timeout.</summary>
    public static readonly FakeSlackAnswer Timeout = new(HttpStatusCode.OK, Hang: true);
}

/// <summary>A file shared by files.completeUploadExternal: where, with what comment, and the bytes uploaded for it.</summary>
public sealed record SharedSlackFile(string? Channel, string FileId, string FileName, string? Title, string? Comment, string? ThreadTs, string? Token, byte[] Bytes, string? ContentType);

/// <summary>
/// A fake Slack Web API on 127.0.0.1: <c>POST /api/{method}</c> (JSON or form),
/// <c>POST /hooks/{id}</c> (response URLs) and <c>POST /upload/v1/{id}</c> (the upload URLs
/// files.getUploadURLExternal hands out). It records every call, answers like Slack by default,
/// and plays scripted answers (ok:false, 429 + Retry-After, 500, a hang) when told to; the upload
/// URL's scripted answers go under the method name <c>upload</c>.
/// </summary>
public sealed class FakeSlackApi : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<SlackCall> calls = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeSlackAnswer>> scripted = new();
    private readonly List<(string Method, int Count, TaskCompletionSource Signal)> waiters = [];
    private readonly Lock gate = new();
    private readonly ConcurrentQueue<(string Channel, string Ts, DateTimeOffset At, JsonObject Body)> posted = new();
    private readonly ConcurrentDictionary<string, PendingUpload> uploads = new();
    private readonly ConcurrentQueue<SharedSlackFile> shared = new();
    private int nextTs;
    private int nextFile;

    /// <summary>A file between files.getUploadURLExternal and files.completeUploadExternal.</summary>
    private sealed record PendingUpload(string FileName, int Length, string? Token)
    {
        public byte[]? Bytes { get; set; }

        public string? ContentType { get; set; }
    }

    /// <summary>
    /// How long the upload URL takes to take the bytes: Slack's file servers are slower than its API
    /// (a random time in this range per upload).
    /// </summary>
    public (TimeSpan Min, TimeSpan Max) UploadLatency { get; set; } = (TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300));

    /// <summary>Files shared by files.completeUploadExternal, in order.</summary>
    public IReadOnlyList<SharedSlackFile> SharedFiles => [.. shared];

    private FakeSlackApi(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public Uri ApiBaseUrl => new(BaseAddress, "api/");

    /// <summary>A response URL on this fake (allowed by the bot because it shares the API's host).</summary>
    public Uri ResponseUrl(string id = "T0TEST/1/abc") => new(BaseAddress, $"hooks/{id}");

    /// <summary>
    /// When set, <c>chat.postMessage</c> calls beyond this rate get HTTP 429 with Retry-After and
    /// <c>{"ok":false,"error":"ratelimited"}</c>, as Slack answers an app that posts too fast (B5).
    /// </summary>
    public FakeRateLimit? RateLimit { get; set; }

    /// <summary>users.info answers: user id → e-mail.</summary>
    public ConcurrentDictionary<string, string> Emails { get; } = new();

    /// <summary>
    /// users.info answers: user id → more fields of the user object, e.g. <c>is_restricted</c>,
    /// <c>is_ultra_restricted</c>, <c>is_stranger</c> or another <c>team_id</c>. Change them between
    /// calls to turn a member into a guest.
    /// </summary>
    public ConcurrentDictionary<string, JsonObject> UserFields { get; } = new();

    /// <summary>Marks a user as a multi-channel guest (<c>is_restricted</c>).</summary>
    public void MakeGuest(string userId) => UserFields[userId] = new JsonObject { ["is_restricted"] = true };

    /// <summary>Marks a user as a Slack Connect user whose home is another organisation's team.</summary>
    public void MakeExternal(string userId, string homeTeam = "T0OTHERORG") =>
        UserFields[userId] = new JsonObject { ["team_id"] = homeTeam, ["is_stranger"] = true };

    /// <summary>oauth.v2.access answer (ok:true) for a code; override to test refusals.</summary>
    public JsonObject OAuthAnswer { get; set; } = new()
    {
        ["ok"] = true,
        ["access_token"] = "xoxb-installed-token",
        ["token_type"] = "bot",
        ["scope"] = "app_mentions:read,channels:history,chat:write,commands,files:write,groups:history,im:history,im:write,users:read,users:read.email",
        ["bot_user_id"] = "UINSTALLEDBOT",
        ["app_id"] = "A0TEST",
        ["team"] = new JsonObject { ["id"] = "T0INSTALL", ["name"] = "Installed Team" },
    };

    /// <summary>
    /// How long chat.postMessage takes to answer after the message is posted (and visible in
    /// conversations.history): a crash in this window loses the answer, not the message.
    /// </summary>
    public TimeSpan PostDelay { get; set; }

    /// <summary>Messages chat.postMessage accepted: channel, ts, when, and the request (text, blocks, metadata).</summary>
    public IReadOnlyList<(string Channel, string Ts, DateTimeOffset At, JsonObject Body)> Posted => [.. posted];

    public IReadOnlyList<SlackCall> Calls => [.. calls];

    public IReadOnlyList<SlackCall> CallsTo(string method) => [.. calls.Where(c => c.Method == method)];

    public static async Task<FakeSlackApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeSlackApi(app);
        app.MapPost("/api/{method}", (HttpContext context, string method) => fake.HandleAsync(context, method));
        app.MapPost("/hooks/{**id}", (HttpContext context) => fake.HandleAsync(context, "response_url"));
        app.MapPost("/upload/v1/{id}", (HttpContext context, string id) => fake.UploadAsync(context, id));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>The next calls to <paramref name="method"/> get these answers, in order; then the default again.</summary>
    public void Script(string method, params FakeSlackAnswer[] answers)
    {
        var queue = scripted.GetOrAdd(method, _ => new ConcurrentQueue<FakeSlackAnswer>());
        foreach (var answer in answers)
        {
            queue.Enqueue(answer);
        }
    }

    /// <summary>Completes once <paramref name="count"/> calls to the method have arrived (fails the test after 15 s).</summary>
    public Task WaitForAsync(string method, int count = 1)
    {
        lock (gate)
        {
            if (calls.Count(c => c.Method == method) >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((method, count, signal));
            return signal.Task.WaitAsync(TimeSpan.FromSeconds(15));
        }
    }

    private void Record(SlackCall call)
    {
        lock (gate)
        {
            calls.Enqueue(call);
            foreach (var waiter in waiters.Where(w => w.Method == call.Method && calls.Count(c => c.Method == call.Method) >= w.Count).ToList())
            {
                waiters.Remove(waiter);
                waiter.Signal.TrySetResult();
            }
        }
    }

    private async Task HandleAsync(HttpContext context, string method)
    {
        JsonObject body;
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync();
            body = [];
            foreach (var (key, value) in form)
            {
                body[key] = value.ToString();
            }
        }
        else
        {
            body = (await JsonNode.ParseAsync(context.Request.Body)) as JsonObject ?? [];
        }

        var auth = context.Request.Headers.Authorization.ToString();
        var call = new SlackCall(method, auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth["Bearer ".Length..] : null, body, DateTimeOffset.UtcNow);
        Record(call);

        var answer = scripted.TryGetValue(method, out var queue) && queue.TryDequeue(out var next) ? next
            : method == "chat.postMessage" && RateLimit is { } limit && !limit.TryAdmit() ? FakeSlackAnswer.RateLimited(limit.RetryAfterSeconds)
            : new FakeSlackAnswer(HttpStatusCode.OK, DefaultAnswer(method, body, call.Token));
        call.Status = answer.Status;
        call.Answer = answer.Body;
        if (method == "chat.postMessage" && answer.Body is { } accepted && (bool?)accepted["ok"] == true)
        {
            posted.Enqueue(((string?)body["channel"] ?? string.Empty, (string?)accepted["ts"] ?? string.Empty, call.At, body));
            if (PostDelay > TimeSpan.Zero)
            {
                await Task.Delay(PostDelay, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        if (answer.Hang)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        context.Response.StatusCode = (int)answer.Status;
        if (answer.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (answer.Body is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(answer.Body.ToJsonString());
        }
    }

    private JsonObject DefaultAnswer(string method, JsonObject body, string? token)
    {
        var ts = $"1764072000.{Interlocked.Increment(ref nextTs):D6}";
        return method switch
        {
            "chat.postMessage" or "chat.update" => new() { ["ok"] = true, ["channel"] = body["channel"]?.DeepClone(), ["ts"] = (string?)body["ts"] ?? ts },
            "chat.postEphemeral" => new() { ["ok"] = true, ["message_ts"] = ts },
            "conversations.open" => new() { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = "D" + ((string?)body["users"] ?? "X") } },
            "views.open" => new() { ["ok"] = true, ["view"] = new JsonObject { ["id"] = $"V{calls.Count(c => c.Method == method)}" } },
            // The App Home: the published view comes back with its id, as Slack answers.
            "views.publish" => new() { ["ok"] = true, ["view"] = new JsonObject { ["id"] = $"VHOME{calls.Count(c => c.Method == method)}", ["type"] = (string?)body["view"]?["type"] } },
            "users.info" => UserAnswer((string?)body["user"]),
            "users.lookupByEmail" => Emails.FirstOrDefault(p => p.Value == (string?)body["email"]).Key is { } id
                ? UserAnswer(id)
                : new() { ["ok"] = false, ["error"] = "users_not_found" },
            "conversations.history" => History(body),
            "files.getUploadURLExternal" => UploadUrl(body, token),
            "files.completeUploadExternal" => CompleteUpload(body, token),
            "auth.test" => new() { ["ok"] = true, ["team_id"] = "T0TEST", ["user_id"] = "UBOT", ["bot_id"] = "B0BOT" },
            "oauth.v2.access" => (JsonObject)OAuthAnswer.DeepClone(),
            "response_url" => new() { ["ok"] = true },
            _ => new() { ["ok"] = false, ["error"] = "unknown_method" },
        };
    }

    /// <summary>files.getUploadURLExternal: a file id and an upload URL on this fake, for a named file of a stated, non-zero length.</summary>
    private JsonObject UploadUrl(JsonObject body, string? token)
    {
        var name = (string?)body["filename"];
        if (string.IsNullOrWhiteSpace(name) || !int.TryParse((string?)body["length"], out var length) || length <= 0)
        {
            return new() { ["ok"] = false, ["error"] = "invalid_arguments" };
        }

        var id = $"F{Interlocked.Increment(ref nextFile):D8}";
        uploads[id] = new PendingUpload(name, length, token);
        return new() { ["ok"] = true, ["upload_url"] = new Uri(BaseAddress, $"upload/v1/{id}").ToString(), ["file_id"] = id };
    }

    /// <summary>The upload URL: takes the bytes (as the raw body), after a file server's latency; 404 for an id it never gave.</summary>
    private async Task UploadAsync(HttpContext context, string id)
    {
        using var copy = new MemoryStream();
        await context.Request.Body.CopyToAsync(copy, context.RequestAborted);
        var call = new SlackCall("upload", null, new JsonObject { ["file_id"] = id, ["length"] = copy.Length, ["content_type"] = context.Request.ContentType }, DateTimeOffset.UtcNow);
        Record(call);
        var (min, max) = UploadLatency;
        if (max > TimeSpan.Zero)
        {
            await Task.Delay(min + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * (max - min).TotalMilliseconds), context.RequestAborted);
        }

        if (scripted.TryGetValue("upload", out var queue) && queue.TryDequeue(out var answer))
        {
            call.Status = answer.Status;
            context.Response.StatusCode = (int)answer.Status;
            if (answer.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return;
        }

        if (!uploads.TryGetValue(id, out var pending))
        {
            call.Status = HttpStatusCode.NotFound;
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        pending.Bytes = copy.ToArray();
        pending.ContentType = context.Request.ContentType;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync($"OK - {copy.Length}");
    }

    /// <summary>
    /// files.completeUploadExternal: every file must have been uploaded, with the length announced,
    /// by the same token; then it is shared into <c>channel_id</c> (private to the app without one).
    /// </summary>
    private JsonObject CompleteUpload(JsonObject body, string? token)
    {
        var files = body["files"] switch
        {
            JsonArray array => array,
            JsonValue value when value.TryGetValue<string>(out var text) => JsonNode.Parse(text) as JsonArray,
            _ => null,
        };
        if (files is null || files.Count == 0)
        {
            return new() { ["ok"] = false, ["error"] = "invalid_arguments" };
        }

        var done = new JsonArray();
        foreach (var file in files.OfType<JsonObject>())
        {
            var id = (string?)file["id"] ?? string.Empty;
            if (!uploads.TryGetValue(id, out var pending) || pending.Bytes is null || pending.Token != token)
            {
                return new() { ["ok"] = false, ["error"] = "file_not_found" };
            }

            if (pending.Bytes.Length != pending.Length)
            {
                return new() { ["ok"] = false, ["error"] = "file_upload_size_mismatch" };
            }

            uploads.TryRemove(id, out _);
            shared.Enqueue(new SharedSlackFile((string?)body["channel_id"], id, pending.FileName, (string?)file["title"], (string?)body["initial_comment"],
                (string?)body["thread_ts"], token, pending.Bytes, pending.ContentType));
            done.Add(new JsonObject { ["id"] = id, ["title"] = (string?)file["title"] ?? pending.FileName, ["name"] = pending.FileName });
        }

        return new() { ["ok"] = true, ["files"] = done };
    }

    /// <summary>
    /// conversations.history: the channel's posted messages, newest first, with their metadata when
    /// <c>include_all_metadata</c> is set; <c>oldest</c> is compared with when each was posted.
    /// </summary>
    private JsonObject History(JsonObject body)
    {
        var channel = (string?)body["channel"];
        var oldest = decimal.TryParse((string?)body["oldest"], System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
            : DateTimeOffset.MinValue;
        var withMetadata = (string?)body["include_all_metadata"] is "true" or "1";
        var messages = new JsonArray();
        foreach (var (_, ts, _, message) in posted.Where(p => p.Channel == channel && p.At >= oldest).Reverse())
        {
            var item = new JsonObject { ["type"] = "message", ["ts"] = ts, ["bot_id"] = "B0BOT", ["text"] = message["text"]?.DeepClone() };
            if (withMetadata && message["metadata"] is { } metadata)
            {
                item["metadata"] = metadata.DeepClone();
            }

            messages.Add(item);
        }

        return new() { ["ok"] = true, ["messages"] = messages, ["has_more"] = false };
    }

    private JsonObject UserAnswer(string? id)
    {
        var user = new JsonObject
        {
            ["id"] = id,
            ["name"] = id?.ToLowerInvariant(),
            ["real_name"] = $"User {id}",
            ["profile"] = new JsonObject { ["email"] = id is not null && Emails.TryGetValue(id, out var email) ? email : null, ["real_name"] = $"User {id}" },
        };
        if (id is not null && UserFields.TryGetValue(id, out var fields))
        {
            foreach (var (name, value) in fields)
            {
                user[name] = value?.DeepClone();
            }
        }

        return new JsonObject { ["ok"] = true, ["user"] = user };
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
