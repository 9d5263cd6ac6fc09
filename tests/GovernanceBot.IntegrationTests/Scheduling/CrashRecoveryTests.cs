using System.Diagnostics;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace GovernanceBot.IntegrationTests.Scheduling;

/// <summary>
/// The bot, as a separate process, is killed (SIGKILL) in the middle of a 500-person check-in
/// round on Slack, then started again: every participant ends up with exactly one prompt.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int People = 500;

    [Fact]
    public async Task KilledMidRound_ThenRestarted_EveryParticipantHasExactlyOnePrompt()
    {
        await using var slack = await FakeSlackApi.StartAsync();
        // Slack takes a while to answer, so sends are in flight when the process dies: posted, but not yet recorded as sent.
        slack.PostDelay = TimeSpan.FromMilliseconds(300);
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite);
        await QueueRoundAsync(store);
        var home = Directory.CreateTempSubdirectory("gb-crash-").FullName;
        var settings = new Dictionary<string, string?>(store.Settings)
        {
            ["Slack:SigningSecret"] = "crash-test-secret",
            ["Slack:BotToken"] = "xoxb-crash-test",
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl.ToString(),
            ["DataProtection:KeysPath"] = Path.Combine(home, "keys"),
            ["Scheduling:Enabled"] = "false",
            ["Outbox:Lease"] = "00:00:05",
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["Outbox:RateLimits:slack:GlobalPerSecond"] = "200",
            ["Logging:LogLevel:Default"] = "Warning",
        };

        try
        {
            int sentAtKill;
            int inDoubtAtKill;
            int postedAtKill;
            await using (var first = BotProcess.Start(home, settings))
            {
                await WaitForAsync(() => slack.Posted.Count >= 200, TimeSpan.FromSeconds(90), () => $"the first process sent {slack.Posted.Count} prompts; it printed:\n{first.Printed}");
                await first.KillAsync();
                postedAtKill = slack.Posted.Count;
                await using var db = await store.OpenAsync();
                sentAtKill = await db.Outbox.CountAsync(o => o.Status == OutboxStatus.Sent);
                inDoubtAtKill = await db.Outbox.CountAsync(o => o.Status == OutboxStatus.Pending && o.SendStartedAt != null);
            }

            output.WriteLine($"at the kill: {postedAtKill} posted to Slack, {sentAtKill} recorded as sent, {inDoubtAtKill} in doubt");
            // The kill really cut sends short: Slack has messages whose outcome the store never learned.
            Assert.True(postedAtKill > sentAtKill, $"posted {postedAtKill}, recorded as sent {sentAtKill}: the kill did not land mid-send");
            Assert.True(inDoubtAtKill >= postedAtKill - sentAtKill, $"{inDoubtAtKill} rows in doubt for {postedAtKill - sentAtKill} unrecorded sends");
            Assert.True(postedAtKill < People, "the process finished before it was killed");

            await using (var second = BotProcess.Start(home, settings))
            {
                await WaitForAsync(async () =>
                {
                    await using var db = await store.OpenAsync();
                    return !await db.Outbox.AnyAsync(o => o.Status == OutboxStatus.Pending);
                }, TimeSpan.FromSeconds(120), () => $"the outbox never emptied; the second process printed:\n{second.Printed}");
                await second.TerminateAsync(TimeSpan.FromSeconds(30));
            }

            output.WriteLine($"after the restart: {slack.Posted.Count} posted, {slack.CallsTo("conversations.history").Count} history lookups");
            var perPerson = slack.Posted.GroupBy(p => p.Channel).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(People, perPerson.Count);
            Assert.All(Enumerable.Range(0, People), i => Assert.Equal(1, perPerson.GetValueOrDefault($"D{i:D4}")));
            // Every unrecorded send was settled by asking Slack, not by sending again.
            Assert.True(slack.CallsTo("conversations.history").Count >= postedAtKill - sentAtKill);
            await using var check = await store.OpenAsync();
            Assert.Equal(People, await check.Outbox.CountAsync(o => o.Status == OutboxStatus.Sent && o.PlatformMessageId != null));
            Assert.Equal(0, await check.Outbox.CountAsync(o => o.SendStartedAt != null));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary>A program of 500 Slack users with open DMs, and a round opened by its program manager: 500 prompts queued, none sent.</summary>
    private static async Task QueueRoundAsync(TestStore store)
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite, loadDemo: false, now: DateTimeOffset.UtcNow, sharedStore: store);
        var imported = await bot.Services.GetRequiredService<GovernanceImporter>().ImportAsync("crash.yaml", LargeProgram.Yaml(People, "Crash", slackTeam: "T0TEST"), false, CancellationToken.None);
        Assert.True(imported.Succeeded, string.Join("\n", imported.Errors));
        await using (var db = await store.OpenAsync())
        {
            await LargeProgram.LinkChatUsersAsync(db, (await db.Workspaces.SingleAsync()).Id, People, "slack", "T0TEST", i => $"D{i:D4}");
        }

        await bot.SendAsync("checkin run Crash", "boss@example.com");
        await using var check = await store.OpenAsync();
        Assert.Equal(People, await check.Outbox.CountAsync(o => o.Status == OutboxStatus.Pending));
    }

    private static Task WaitForAsync(Func<bool> condition, TimeSpan timeout, Func<string> failure) =>
        WaitForAsync(() => Task.FromResult(condition()), timeout, failure);

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> failure)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < timeout, failure());
            await Task.Delay(10);
        }
    }
}
