using System.Diagnostics;
using GovernanceBot.Conversation;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace GovernanceBot.IntegrationTests.Scheduling;

/// <summary>
/// Two bot processes on one PostgreSQL store, with one Hangfire storage (its schema in that store),
/// run a 500-person Slack round as a deployment would: Hangfire opens it on schedule and closes it
/// when its window ends, both processes send through the shared outbox.
/// </summary>
public sealed class MultiProcessScaleOutTests(ITestOutputHelper output)
{
    private const int People = 500;
    private const string SummaryChannel = "C0SCALE";

    [Fact]
    public async Task TwoProcesses_OneScheduledRoundOf500_EveryPromptOnce_AndTheSummaryOnce()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        slack.PostDelay = TimeSpan.FromMilliseconds(20);
        await using var store = await TestStore.CreateAsync(StoreKind.Postgres);
        var home = Directory.CreateTempSubdirectory("gb-scale-").FullName;
        try
        {
            // The round opens at the next whole minute at least 20 s away (participants are in UTC) and is open for a minute.
            var now = DateTimeOffset.UtcNow;
            var opens = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(now.Second < 40 ? 1 : 2);
            await ArrangeAsync(store, $"{opens.Minute} {opens.Hour} * * *");
            var settings = new Dictionary<string, string?>(store.Settings)
            {
                ["Slack:SigningSecret"] = "scale-test-secret",
                ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
                ["DataProtection:KeysPath"] = Path.Combine(home, "keys"),
                ["Outbox:PollInterval"] = "00:00:00.200",
                ["Outbox:RateLimits:slack:GlobalPerSecond"] = "200",
                ["Logging:LogLevel:Default"] = "Warning",
            };

            // Each process has its own copy of the bot token, so Slack's side shows which one sent what.
            await using var first = BotProcess.Start(home, new Dictionary<string, string?>(settings) { ["Slack:BotToken"] = "xoxb-scale-first" });
            await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            await using var second = BotProcess.Start(home, new Dictionary<string, string?>(settings) { ["Slack:BotToken"] = "xoxb-scale-second" });
            await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));

            var waited = Stopwatch.StartNew();
            await Poll.UntilAsync(
                () =>
                {
                    Assert.False(first.HasExited || second.HasExited, $"a process exited.\nfirst:\n{first.Printed}\nsecond:\n{second.Printed}");
                    return Task.FromResult(slack.Posted.Any(p => p.Channel == SummaryChannel));
                },
                TimeSpan.FromMinutes(6),
                () => $"no summary after {waited.Elapsed}: {slack.Posted.Count} posted.\nfirst printed:\n{first.Printed}\nsecond printed:\n{second.Printed}");

            // Counted once the outbox has settled: every row sent and none in flight, and the round closed.
            // Nothing can then send again (a row is sent once, a closed round queues nothing new), and the
            // graceful stops below finish whatever is still running, so a duplicate has shown up by then.
            var outboxState = string.Empty;
            await Poll.UntilAsync(
                async () =>
                {
                    await using var settled = await store.OpenAsync();
                    var rows = await settled.Outbox.AsNoTracking().Select(o => new { o.Status, o.SendStartedAt }).ToListAsync();
                    outboxState = string.Join(", ", rows.GroupBy(r => (r.Status, InFlight: r.SendStartedAt != null)).Select(g => $"{g.Key}: {g.Count()}"));
                    return rows.Count > 0 && rows.All(r => r.Status != OutboxStatus.Pending && r.SendStartedAt == null)
                        && await settled.CheckInRounds.AllAsync(r => r.Status == CheckInRoundStatus.Closed);
                },
                TimeSpan.FromMinutes(2),
                () => $"the outbox did not settle: {outboxState}.\nfirst printed:\n{first.Printed}\nsecond printed:\n{second.Printed}");
            await first.TerminateAsync(TimeSpan.FromSeconds(30));
            await second.TerminateAsync(TimeSpan.FromSeconds(30));
            var byProcess = slack.CallsTo("chat.postMessage").GroupBy(c => c.Token ?? "?").ToDictionary(g => g.Key, g => g.Count());
            output.WriteLine($"summary after {waited.Elapsed}; {slack.Posted.Count} posted; by process: {string.Join(", ", byProcess)}");

            await using (var look = await store.OpenAsync())
            {
                output.WriteLine($"rounds: {await look.CheckInRounds.CountAsync()}, outbox rows: {await look.Outbox.CountAsync()}, keys: {string.Join(" ", (await look.Outbox.Select(o => o.IdempotencyKey).Take(4).ToListAsync()))}");
            }

            var prompts = slack.Posted.Where(p => p.Channel != SummaryChannel).GroupBy(p => p.Channel).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(People, prompts.Count);
            Assert.All(Enumerable.Range(0, People), i => Assert.Equal(1, prompts.GetValueOrDefault($"D{i:D4}")));
            Assert.Single(slack.Posted, p => p.Channel == SummaryChannel);
            // Both processes did part of the sending.
            Assert.True(byProcess.GetValueOrDefault("xoxb-scale-first") > 0 && byProcess.GetValueOrDefault("xoxb-scale-second") > 0, string.Join(", ", byProcess));
            await using var db = await store.OpenAsync();
            var round = await db.CheckInRounds.SingleAsync();
            Assert.Equal(CheckInRoundStatus.Closed, round.Status);
            // Each prompt and the summary, then each prompt's card updated once to show the round closed.
            Assert.Equal(People + 1, await db.Outbox.CountAsync(o => o.Status == OutboxStatus.Sent && !o.IdempotencyKey.EndsWith(":closed")));
            Assert.Equal(People, await db.Outbox.CountAsync(o => o.Status == OutboxStatus.Sent && o.IdempotencyKey.EndsWith(":closed")));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>500 Slack users with open DMs, in one program whose channel is a Slack channel; the check-in opens on <paramref name="cron"/>.</summary>
    private static async Task ArrangeAsync(TestStore store, string cron)
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Postgres, loadDemo: false, now: DateTimeOffset.UtcNow, sharedStore: store);
        var yaml = LargeProgram.Yaml(People, "Scale", slackTeam: "T0TEST", schedule: cron, window: "1m");
        var imported = await bot.Services.GetRequiredService<GovernanceImporter>().ImportAsync("scale.yaml", yaml, false, CancellationToken.None);
        Assert.True(imported.Succeeded, string.Join("\n", imported.Errors));
        await using (var db = await store.OpenAsync())
        {
            await LargeProgram.LinkChatUsersAsync(db, (await db.Workspaces.SingleAsync()).Id, People, "slack", "T0TEST", i => $"D{i:D4}");
        }

        var channel = new ConversationRef(ChannelNames.Slack, "T0TEST", SummaryChannel, ConversationKind.Channel);
        var linked = await bot.SendAsync("link Scale", "boss@example.com", channel);
        await using var check = await store.OpenAsync();
        Assert.True(await check.ProgramChannels.AnyAsync(), string.Join("\n", linked.Select(r => r.ToString())));
        Assert.Equal(0, await check.Outbox.CountAsync());
    }
}
