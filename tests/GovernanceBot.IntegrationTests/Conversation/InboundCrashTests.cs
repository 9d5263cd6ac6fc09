using System.Collections.Concurrent;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace GovernanceBot.IntegrationTests.Conversation;

/// <summary>
/// What was acknowledged is never lost. The bot, as a separate process, gets a burst of Slack DMs
/// from many people while the Web API answers slowly (as the real one does), and is killed
/// (SIGKILL) or stopped (SIGTERM) in the middle of it. Slack then sends again what was not
/// acknowledged, with <c>X-Slack-Retry-Num</c>, and a new process is started on the same store:
/// every person is answered exactly once.
/// </summary>
public sealed class InboundCrashTests(ITestOutputHelper output)
{
    private const int People = 300;
    private const string Secret = "inbound-crash-secret";

    public static TheoryData<StoreKind, bool> Cases => new()
    {
        { StoreKind.Sqlite, true },
        { StoreKind.Sqlite, false },
        { StoreKind.Postgres, true },
        { StoreKind.Postgres, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ABurstCutShortByAKillOrAStop_EveryAcknowledgedMessageIsAnsweredExactlyOnce_AfterARestart(StoreKind kind, bool kill)
    {
        await using var slack = await FakeSlackApi.StartAsync();
        slack.PostDelay = TimeSpan.FromMilliseconds(150);
        await using var store = await TestStore.CreateAsync(kind);
        var home = Directory.CreateTempSubdirectory("gb-inbound-crash-").FullName;
        var settings = new Dictionary<string, string?>(store.Settings)
        {
            ["Slack:SigningSecret"] = Secret,
            ["Slack:BotToken"] = "xoxb-inbound-crash",
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
            ["DataProtection:KeysPath"] = Path.Combine(home, "keys"),
            ["Demo:Load"] = "false",
            ["Scheduling:Enabled"] = "false",
            ["Inbox:Lease"] = "00:00:03",
            ["Inbox:PollInterval"] = "00:00:00.250",
            ["Outbox:Lease"] = "00:00:05",
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["Outbox:RateLimits:slack:GlobalPerSecond"] = "500",
            ["Logging:LogLevel:Default"] = "Warning",
        };

        var acknowledged = new ConcurrentDictionary<int, bool>();
        try
        {
            await using (var first = BotProcess.Start(home, settings))
            {
                await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
                using var burst = new CancellationTokenSource();
                var sending = SendBurstAsync(first.Port, acknowledged, burst.Token);
                // Mid-burst: half acknowledged (the rest still to come), few of them answered yet.
                await Poll.UntilAsync(() => Task.FromResult(acknowledged.Count >= People / 2), TimeSpan.FromSeconds(120),
                    () => $"{acknowledged.Count} acknowledged, {Answered(slack).Count} answered; the bot printed:\n{first.Printed}");
                if (kill)
                {
                    await first.KillAsync();
                }
                else
                {
                    await first.TerminateAsync(TimeSpan.FromSeconds(30));
                }

                await burst.CancelAsync();
                await sending;
            }

            var answeredAtStop = Answered(slack).Count;
            output.WriteLine($"at the {(kill ? "kill" : "stop")}: {acknowledged.Count} of {People} acknowledged, {answeredAtStop} answered");
            Assert.True(acknowledged.Count > answeredAtStop, "nothing acknowledged was waiting to be answered: the stop came too late to test anything");
            Assert.True(acknowledged.Count < People, "the whole burst was acknowledged before the stop");

            await using (var second = BotProcess.Start(home, settings))
            {
                await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
                // Slack sends again what it has no 200 for, and (as it may) a few of what it had.
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{second.Port}") };
                foreach (var i in Enumerable.Range(0, People).Where(i => !acknowledged.ContainsKey(i) || i % 50 == 0))
                {
                    using var response = await PostAsync(http, i, retry: 1, CancellationToken.None);
                    Assert.True(response.IsSuccessStatusCode, $"redelivery of message {i}: {(int)response.StatusCode}");
                }

                await Poll.UntilAsync(() => Task.FromResult(Answered(slack).Count >= People), TimeSpan.FromSeconds(180),
                    () => $"{Answered(slack).Count} of {People} answered; the second process printed:\n{second.Printed}");
                await Poll.UntilAsync(async () =>
                {
                    await using var db = await store.OpenAsync();
                    return !await db.InboundEvents.AnyAsync(e => e.Status == InboundStatus.Received)
                        && !await db.Outbox.AnyAsync(o => o.Status == OutboxStatus.Pending);
                }, TimeSpan.FromSeconds(60), () => "the inbox or the outbox never emptied");
                await second.TerminateAsync(TimeSpan.FromSeconds(30));
            }

            var perPerson = Answered(slack);
            Assert.Equal(People, perPerson.Count);
            Assert.All(Enumerable.Range(0, People), i => Assert.Equal(1, perPerson.GetValueOrDefault(Channel(i))));
            await using var check = await store.OpenAsync();
            Assert.Equal(0, await check.InboundEvents.CountAsync(e => e.Status == InboundStatus.Failed));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>Answers per DM channel (one DM per person).</summary>
    private static Dictionary<string, int> Answered(FakeSlackApi slack) =>
        slack.Posted.Where(p => p.Channel.StartsWith("DCRASH", StringComparison.Ordinal)).GroupBy(p => p.Channel).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Ten connections sending one person's <c>help</c> each, back to back, until all are sent or the bot goes away.</summary>
    private static Task SendBurstAsync(int port, ConcurrentDictionary<int, bool> acknowledged, CancellationToken cancellationToken)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            int i;
            while ((i = Interlocked.Increment(ref next)) < People && !cancellationToken.IsCancellationRequested)
            {
                try
                {
                    using var response = await PostAsync(http, i, retry: null, cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        acknowledged[i] = true;
                    }

                    // A burst of DMs, not a flood: acknowledged in well under a millisecond each, the
                    // whole burst would be in before the test could stop the bot in the middle of it.
                    await Task.Delay(10, cancellationToken);
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    // The process is gone: Slack has no 200 for this one and sends it again later.
                }
            }
        }, CancellationToken.None)));
    }

    private static string Channel(int i) => SignedDirectMessages.Channel("CRASH", i);

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, int i, int? retry, CancellationToken cancellationToken) =>
        SignedDirectMessages.PostAsync(http, Secret, "CRASH", i, retry, cancellationToken);
}
