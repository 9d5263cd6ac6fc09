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
        await using var run = await RoundRun.StartAsync();

        var atKill = await run.InterruptAsync(bot => bot.KillAsync());
        output.WriteLine($"at the kill (SIGKILL): {atKill}");
        // The kill really cut sends short: Slack has messages whose outcome the store never learned.
        Assert.True(atKill.Posted > atKill.Sent, $"{atKill}: the kill did not land mid-send");
        Assert.True(atKill.InDoubt >= atKill.Posted - atKill.Sent, atKill.ToString());
        Assert.True(atKill.Posted < People, "the process finished before it was killed");

        await run.FinishAsync();
        output.WriteLine($"after the restart: {run.Slack.Posted.Count} posted, {run.Lookups} history lookups");
        await run.AssertEveryParticipantHasExactlyOnePromptAsync();
        // Every unrecorded send was settled by asking Slack, not by sending again.
        Assert.True(run.Lookups >= atKill.Posted - atKill.Sent);
    }

    [Fact]
    public async Task StoppedMidRound_FinishesTheSendsItBegan_LeavesNothingInDoubt_AndTheRestartSendsTheRest()
    {
        await using var run = await RoundRun.StartAsync();

        var atStop = await run.InterruptAsync(bot => bot.TerminateAsync(TimeSpan.FromSeconds(30)));
        output.WriteLine($"at the stop (SIGTERM): {atStop}");
        // Every send that began was finished and recorded; nothing claimed stays reserved.
        Assert.Equal(atStop.Posted, atStop.Sent);
        Assert.Equal(0, atStop.InDoubt);
        Assert.True(atStop.Leased == 0, $"{atStop}; the stopped process printed:\n{run.LastPrinted}");
        Assert.True(atStop.Posted < People, "the process finished before it was stopped");

        await run.FinishAsync();
        await run.AssertEveryParticipantHasExactlyOnePromptAsync();
        // Nothing was in doubt, so Slack never had to be asked: on Teams, too, a restart repeats nothing.
        Assert.Equal(0, run.Lookups);
    }

    /// <summary>What the store and Slack held when the first process was stopped.</summary>
    private sealed record Snapshot(int Posted, int Sent, int InDoubt, int Leased)
    {
        public override string ToString() => $"{Posted} posted to Slack, {Sent} recorded as sent, {InDoubt} in doubt, {Leased} still reserved";
    }

    /// <summary>A 500-person round on a fake Slack that answers slowly, run by the bot as a separate process against one SQLite file.</summary>
    private sealed class RoundRun : IAsyncDisposable
    {
        private readonly TestStore store;
        private readonly string home;
        private readonly Dictionary<string, string?> settings;

        private RoundRun(FakeSlackApi slack, TestStore store, string home)
        {
            Slack = slack;
            this.store = store;
            this.home = home;
            settings = new Dictionary<string, string?>(store.Settings)
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
        }

        public FakeSlackApi Slack { get; }

        public int Lookups => Slack.CallsTo("conversations.history").Count;

        /// <summary>What the interrupted process printed (for failure messages).</summary>
        public string LastPrinted { get; private set; } = string.Empty;

        public static async Task<RoundRun> StartAsync()
        {
            var slack = await FakeSlackApi.StartAsync();
            // Slack takes a while to answer, so sends are in flight when the process stops: posted, but not yet recorded as sent.
            slack.PostDelay = TimeSpan.FromMilliseconds(300);
            var store = await TestStore.CreateAsync(StoreKind.Sqlite);
            await QueueRoundAsync(store);
            return new RoundRun(slack, store, Directory.CreateTempSubdirectory("gb-crash-").FullName);
        }

        /// <summary>Starts the bot, stops it (<paramref name="stop"/>) once 200 prompts have reached Slack, and reads the store.</summary>
        public async Task<Snapshot> InterruptAsync(Func<BotProcess, Task> stop)
        {
            await using (var first = BotProcess.Start(home, settings))
            {
                await Poll.UntilAsync(() => Task.FromResult(Slack.Posted.Count >= 200), TimeSpan.FromSeconds(90),
                    () => $"the first process sent {Slack.Posted.Count} prompts; it printed:\n{first.Printed}");
                await stop(first);
                LastPrinted = first.Printed;
            }

            await using var db = await store.OpenAsync();
            return new Snapshot(
                Slack.Posted.Count,
                await db.Outbox.CountAsync(o => o.Status == OutboxStatus.Sent),
                await db.Outbox.CountAsync(o => o.Status == OutboxStatus.Pending && o.SendStartedAt != null),
                await db.Outbox.CountAsync(o => o.Status == OutboxStatus.Pending && o.LockedBy != null));
        }

        /// <summary>Starts the bot again and lets it empty the outbox.</summary>
        public async Task FinishAsync()
        {
            await using var second = BotProcess.Start(home, settings);
            await Poll.UntilAsync(async () =>
            {
                await using var db = await store.OpenAsync();
                return !await db.Outbox.AnyAsync(o => o.Status == OutboxStatus.Pending);
            }, TimeSpan.FromSeconds(120), () => $"the outbox never emptied; the second process printed:\n{second.Printed}");
            await second.TerminateAsync(TimeSpan.FromSeconds(30));
        }

        public async Task AssertEveryParticipantHasExactlyOnePromptAsync()
        {
            var perPerson = Slack.Posted.GroupBy(p => p.Channel).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(People, perPerson.Count);
            Assert.All(Enumerable.Range(0, People), i => Assert.Equal(1, perPerson.GetValueOrDefault($"D{i:D4}")));
            await using var check = await store.OpenAsync();
            Assert.Equal(People, await check.Outbox.CountAsync(o => o.Status == OutboxStatus.Sent && o.PlatformMessageId != null));
            Assert.Equal(0, await check.Outbox.CountAsync(o => o.SendStartedAt != null));
        }

        public async ValueTask DisposeAsync()
        {
            await Slack.DisposeAsync();
            await store.DisposeAsync();
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
}
