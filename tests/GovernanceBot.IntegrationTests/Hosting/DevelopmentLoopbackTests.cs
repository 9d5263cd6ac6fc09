using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using GovernanceBot.Channels.Teams;
using GovernanceBot.Hosting;
using GovernanceBot.IntegrationTests.Channels.Teams;
using GovernanceBot.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Hosting;

/// <summary>One development-mode bot (no credentials) for the forwarded-request corpus.</summary>
public sealed class DevelopmentBotFixture : IAsyncLifetime
{
    public TeamsBot Teams { get; private set; } = null!;

    public async Task InitializeAsync() => Teams = await TeamsBot.StartAsync(developmentMode: true);

    public async Task DisposeAsync() => await Teams.DisposeAsync();
}

public sealed class DevelopmentLoopbackTests(DevelopmentBotFixture fixture) : IClassFixture<DevelopmentBotFixture>
{
    public static TheoryData<string, string> ForwardingHeaders() => new()
    {
        { "X-Forwarded-For", "203.0.113.7" },
        { "X-Forwarded-Host", "bot.example.com" },
        { "X-Forwarded-Proto", "https" },
        { "X-Forwarded-Port", "443" },
        { "Forwarded", "for=203.0.113.7;proto=https" },
        { "X-Real-IP", "203.0.113.7" },
        { "X-Client-IP", "203.0.113.7" },
        { "CF-Connecting-IP", "203.0.113.7" },
        { "True-Client-IP", "203.0.113.7" },
        { "Via", "1.1 proxy.example.com" },
    };

    [Theory]
    [MemberData(nameof(ForwardingHeaders))]
    public async Task DevelopmentMode_ARequestCarryingAForwardingHeader_IsRefusedWith403AndLeavesNoTrace(string header, string value)
    {
        var teams = fixture.Teams;
        var sentBefore = teams.Framework.Requests.Count;
        var eventsBefore = await teams.InboundEventCountAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "fwd-" + header).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await teams.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Contains(header, (string?)problem?["detail"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(eventsBefore, await teams.InboundEventCountAsync());
        Assert.Equal(sentBefore, teams.Framework.Requests.Count);
    }
}

public sealed class DevelopmentModeServiceUrlTests
{
    [Fact]
    public async Task DevelopmentMode_ANonLoopbackServiceUrl_IsNeverCalled()
    {
        // Every connection the bot's connector client opens is recorded, and led to the fake
        // connector whatever the host: had the bot called the outside serviceUrl, the fake would see it.
        var connectedTo = new ConcurrentQueue<string>();
        FakeBotFramework? framework = null;
        await using var teams = await TeamsBot.StartAsync(developmentMode: true,
            configure: b => b.Services.AddHttpClient(BotConnectorClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectCallback = async (context, cancellationToken) =>
                {
                    connectedTo.Enqueue(context.DnsEndPoint.Host);
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(IPAddress.Loopback, framework!.BaseAddress.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            }),
            beforeBotStarts: f => framework = f);
        var outside = $"http://connector.example.net:{teams.Framework.BaseAddress.Port}/connector/";

        using var refused = await teams.PostAsync(TestActivities.Message(outside, "help", id: "outside-1", conversationId: "a:dev"));
        using var served = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "loopback-1", conversationId: "a:dev"));
        // The same conversation runs in arrival order: once the second is answered, the first is done.
        await Poll.UntilAsync(() => Task.FromResult(teams.Framework.Sent("POST").Count > 0), TimeSpan.FromSeconds(15), () => "the loopback activity was not answered");

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.DoesNotContain("connector.example.net", connectedTo);
        Assert.All(connectedTo, host => Assert.True(DevelopmentLoopback.IsLoopbackHost(host), host));
    }
}

public sealed class DevelopmentModeStartupTests
{
    [Fact]
    public void DevelopmentMode_ConfiguredForAnAddressBeyondLoopback_RefusesToBuild()
    {
        var refused = Assert.Throws<StartupRefusedException>(() => GovernanceBot.GovernanceBotApp.Build(["--urls", "http://0.0.0.0:3978"]));

        Assert.Contains("http://0.0.0.0:3978", refused.Message, StringComparison.Ordinal);
        Assert.Contains("loopback", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://*:3978")]
    [InlineData("http://+:3978")]
    [InlineData("http://[::]:3978")]
    [InlineData("http://bot.example.com:3978")]
    [InlineData("http://127.0.0.1:3978;http://10.0.0.4:3978")]
    public void DevelopmentMode_AnyNonLoopbackUrl_IsRefused(string urls) =>
        Assert.Throws<StartupRefusedException>(() => GovernanceBot.GovernanceBotApp.Build(["--urls", urls]));

    [Fact]
    public async Task DevelopmentMode_StartedOnAllInterfaces_ExitsNonZeroWithTheReason()
    {
        var home = Directory.CreateTempSubdirectory("gb-dev-refusal-").FullName;
        try
        {
            await using var bot = BotProcess.Start(home, new Dictionary<string, string?>(), host: "0.0.0.0");

            var exitCode = await bot.WaitForExitAsync(TimeSpan.FromSeconds(60));

            Assert.NotEqual(0, exitCode);
            Assert.Contains("listens on loopback only", bot.Printed, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}
