using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GovernanceBot.IntegrationTests.Features.Ask;

/// <summary>A request the fake received: the deployment, the api-key header and the JSON body.</summary>
public sealed record RecordedChatRequest(string Deployment, string? ApiKey, JsonObject Body)
{
    public string SystemMessage => (string?)Body["messages"]![0]!["content"] ?? string.Empty;

    public string UserMessage => (string?)Body["messages"]![1]!["content"] ?? string.Empty;
}

/// <summary>
/// Azure OpenAI's chat completions endpoint on 127.0.0.1: records every request and answers with
/// whatever <see cref="Respond"/> says — a reply, a status code, or nothing until the caller gives up.
/// </summary>
public sealed class FakeAzureOpenAI : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeAzureOpenAI(WebApplication app)
    {
        this.app = app;
    }

    /// <summary>The base address, once started.</summary>
    public Uri Endpoint => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public ConcurrentQueue<RecordedChatRequest> Requests { get; } = new();

    /// <summary>Given the request and its 1-based number, what to send back.</summary>
    public Func<RecordedChatRequest, int, FakeResponse> Respond { get; set; } = (_, _) => FakeResponse.Reply("No sources were given [1].", true);

    public static async Task<FakeAzureOpenAI> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeAzureOpenAI(app);
        app.MapPost("/openai/deployments/{deployment}/chat/completions", fake.HandleAsync);
        await app.StartAsync();
        return fake;
    }

    private async Task HandleAsync(HttpContext context, string deployment)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!;
        var request = new RecordedChatRequest(deployment, context.Request.Headers["api-key"].FirstOrDefault(), body);
        Requests.Enqueue(request);
        var response = Respond(request, Requests.Count);
        if (response.Hang)
        {
            // Never answer: the client's timeout has to end this.
            var aborted = new TaskCompletionSource();
            using var registration = context.RequestAborted.Register(() => aborted.TrySetResult());
            await aborted.Task;
            return;
        }

        context.Response.StatusCode = response.Status;
        if (response.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var completion = new JsonObject
        {
            ["id"] = "chatcmpl-fake",
            ["object"] = "chat.completion",
            ["created"] = 1764072000,
            ["model"] = "gpt-4o",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = response.Content ?? string.Empty },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 10, ["completion_tokens"] = 10, ["total_tokens"] = 20 },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.Status == 200 ? completion.ToJsonString() : new JsonObject { ["error"] = new JsonObject { ["message"] = "fake failure" } }.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>What the fake sends back.</summary>
public sealed record FakeResponse(int Status, string? Content = null, bool Hang = false, int? RetryAfterSeconds = null)
{
    /// <summary>A structured reply in the shape the bot asks for.</summary>
    public static FakeResponse Reply(string answer, bool covered, params int[] citations) =>
        new(200, new JsonObject { ["answer"] = answer, ["covered"] = covered, ["citations"] = new JsonArray(citations.Select(c => (JsonNode)c).ToArray()) }.ToJsonString());

    public static FakeResponse Fail(int status, int? retryAfterSeconds = null) => new(status, RetryAfterSeconds: retryAfterSeconds);

    public static FakeResponse NeverAnswer() => new(200, Hang: true);
}
