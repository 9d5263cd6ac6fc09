using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.IntegrationTests.Channels.Teams;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static GovernanceBot.IntegrationTests.Features.CheckIns.CheckInSteps;

namespace GovernanceBot.IntegrationTests.Features.CheckIns;

/// <summary>
/// A round of 40 people through the real outbox dispatcher, against fake platforms that admit only
/// 8 messages a second and answer 429 with Retry-After beyond that. The dispatcher is allowed to go
/// faster than the platform (its own limits are set well above it), so the platform really throttles.
/// The bot runs on the wall clock (moved to the round's Monday): a Retry-After is a real wait.
/// </summary>
public sealed class RateLimitedRoundTests(ITestOutputHelper output)
{
    private const int People = 40;
    private const int PlatformRate = 8;
    private const int RetryAfterSeconds = 1;

    // Timers and clock reads have millisecond granularity; a retry that ignored Retry-After would come ~1 s early.
    private static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(15);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(120);

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ARoundOnTeams_ThrottledByTheConnector_PromptsEveryParticipantExactlyOnce_AndRetriesOnlyAfterRetryAfter(StoreKind kind)
    {
        var settings = DispatcherFasterThanThePlatform("msteams");
        settings["Conversation:BindUnknownWorkspacesTo"] = "demo";
        // Set up a minute before the round is due; the clock jumps to the opening for the sweep.
        var clock = new ShiftedWallClock(GeneratedRoundOpens - TimeSpan.FromMinutes(1));
        await using var teams = await TeamsBot.StartAsync(kind, extra: settings,
            configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        // Tokens are minted on the harness clock: keep it on the same day as the bot's.
        teams.Bot.Clock.SetUtcNow(GeneratedRoundOpens);
        await ImportAsync(teams.Bot);
        for (var i = 1; i <= People; i++)
        {
            // First contact in the team's channel links each person by the e-mail the connector reports.
            var id = $"29:p{i:D2}";
            teams.Framework.MemberEmails[id] = $"p{i:D2}@example.com";
            // A command answered in the channel: "checkin" is answered privately, in a 1:1 of its own.
            var activity = TestActivities.Message(teams.Framework.ServiceUrl, "programs", $"link-{i}", "channel", "19:atlas@thread.tacv2");
            activity["from"] = new JsonObject { ["id"] = id, ["name"] = $"Person {i:D2}" };
            using var response = await teams.PostAsync(activity, teams.ValidToken());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var limit = teams.Framework.RateLimit = new FakeRateLimit(PlatformRate, RetryAfterSeconds);
        clock.Advance(TimeSpan.FromMinutes(1));
        var elapsed = Stopwatch.StartNew();
        await SweepAsync(teams.Bot);
        await DrainUntilNothingPendingAsync(teams.Bot, DrainTimeout);
        elapsed.Stop();

        var participants = Enumerable.Range(1, People).Select(i => $"29:p{i:D2}").ToList();
        Assert.Equal(People, participants.Count(teams.Framework.DirectConversations.ContainsKey));
        var conversations = participants.Select(p => teams.Framework.DirectConversations[p]).ToList();
        var sends = teams.Framework.Requests
            .Where(r => r.Method == "POST" && r.Path.StartsWith("/v3/conversations/a:", StringComparison.Ordinal) && r.Path.EndsWith("/activities", StringComparison.Ordinal))
            .Select(r => new Send(r.Path["/v3/conversations/".Length..^"/activities".Length], r.At, r.Status is >= 200 and < 300, r.Status == 429))
            .ToList();
        await AssertEveryoneReachedOnceAsync(teams.Bot, "Teams", kind, conversations, sends, limit, elapsed.Elapsed);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ARoundOnSlack_ThrottledByTheWebApi_PromptsEveryParticipantExactlyOnce_AndRetriesOnlyAfterRetryAfter(StoreKind kind)
    {
        // Set up a minute before the round is due; the clock jumps to the opening for the sweep.
        var clock = new ShiftedWallClock(GeneratedRoundOpens - TimeSpan.FromMinutes(1));
        await using var slack = await SlackTestBot.StartAsync(kind, DispatcherFasterThanThePlatform("slack"),
            configure: b => b.Services.AddSingleton<TimeProvider>(clock),
            governanceYaml: ProgramWithParticipants(People));
        // Requests are signed with timestamps from the harness clock: keep it on the same day as the bot's.
        slack.Bot.Clock.SetUtcNow(GeneratedRoundOpens);
        for (var i = 1; i <= People; i++)
        {
            slack.Slack.Emails[$"UP{i:D2}"] = $"p{i:D2}@example.com";
        }

        // The program manager's first command binds the Slack workspace; nobody else has talked to the bot.
        slack.Slack.Emails["UPM"] = "pm@example.com";
        Assert.Equal(HttpStatusCode.OK, (await slack.PostCommandAsync("programs", user: "UPM")).StatusCode);
        await slack.IdleAsync();

        var limit = slack.Slack.RateLimit = new FakeRateLimit(PlatformRate, RetryAfterSeconds);
        clock.Advance(TimeSpan.FromMinutes(1));
        var elapsed = Stopwatch.StartNew();
        await SweepAsync(slack.Bot);
        await DrainUntilNothingPendingAsync(slack.Bot, DrainTimeout);
        elapsed.Stop();

        var conversations = Enumerable.Range(1, People).Select(i => $"DUP{i:D2}").ToList();
        var sends = slack.Slack.CallsTo("chat.postMessage")
            .Where(c => ((string?)c.Body["channel"])?.StartsWith('D') == true)
            .Select(c => new Send((string)c.Body["channel"]!, c.At, c.Status == HttpStatusCode.OK && (bool?)c.Answer?["ok"] == true, c.Status == HttpStatusCode.TooManyRequests))
            .ToList();
        Assert.All(slack.Slack.CallsTo("chat.postMessage").Where(c => c.Status == HttpStatusCode.TooManyRequests),
            c => Assert.Equal("ratelimited", (string?)c.Answer!["error"]));
        await AssertEveryoneReachedOnceAsync(slack.Bot, "Slack", kind, conversations, sends, limit, elapsed.Elapsed);
    }

    /// <summary>One message the fake platform received: the 1:1 it went to, when, and whether it was delivered or refused with 429.</summary>
    private sealed record Send(string Conversation, DateTimeOffset At, bool Delivered, bool Throttled);

    private async Task AssertEveryoneReachedOnceAsync(BotHarness bot, string platform, StoreKind kind, List<string> conversations,
        List<Send> sends, FakeRateLimit limit, TimeSpan elapsed)
    {
        var delivered = sends.Where(s => s.Delivered).GroupBy(s => s.Conversation).ToDictionary(g => g.Key, g => g.Count());
        var lost = conversations.Count(c => !delivered.ContainsKey(c));
        var duplicates = delivered.Values.Sum(n => n - 1);
        var throttled = sends.Where(s => s.Throttled).ToList();

        // After each 429, the next attempt into the same conversation waited at least the Retry-After.
        var waits = new List<TimeSpan>();
        foreach (var conversation in sends.GroupBy(s => s.Conversation))
        {
            var ordered = conversation.OrderBy(s => s.At).ToList();
            for (var i = 0; i + 1 < ordered.Count; i++)
            {
                if (ordered[i].Throttled)
                {
                    waits.Add(ordered[i + 1].At - ordered[i].At);
                }
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{platform} on {kind}: {conversations.Count} participants, platform admits {limit.PerSecond}/s; {sends.Count} sends, {delivered.Values.Sum()} delivered, {limit.Rejected} answered 429, {duplicates} duplicates, {lost} lost; shortest wait after a 429 {(waits.Count > 0 ? waits.Min().TotalMilliseconds : double.NaN):F0} ms; drained in {elapsed.TotalSeconds:F1} s"));

        Assert.Equal(0, lost);
        Assert.Equal(0, duplicates);
        Assert.True(limit.Rejected > 0, "the fake platform never had to throttle: the test did not test throttling");
        Assert.Equal(limit.Rejected, throttled.Count);
        Assert.Equal(throttled.Count, waits.Count);
        Assert.All(waits, wait => Assert.True(wait >= limit.RetryAfter - Tolerance, $"a retry came {wait.TotalMilliseconds:F0} ms after a 429 with Retry-After: {limit.RetryAfterSeconds}"));
        await using var db = bot.Store.Factory.Create();
        var prompts = await db.Outbox.AsNoTracking().Where(o => o.IdempotencyKey.EndsWith(":prompt")).ToListAsync();
        Assert.Equal(conversations.Count, prompts.Count);
        Assert.All(prompts, o => Assert.Equal(OutboxStatus.Sent, o.Status));
    }

    private static Dictionary<string, string?> DispatcherFasterThanThePlatform(string channel) => new()
    {
        [$"Outbox:RateLimits:{channel}:GlobalPerSecond"] = (PlatformRate * 10).ToString(CultureInfo.InvariantCulture),
        [$"Outbox:RateLimits:{channel}:PerConversationPerSecond"] = (PlatformRate * 10).ToString(CultureInfo.InvariantCulture),
    };

    private static async Task ImportAsync(BotHarness bot)
    {
        var imported = await bot.Services.GetRequiredService<GovernanceImporter>().ImportAsync("atlas.yaml", ProgramWithParticipants(People), false, CancellationToken.None);
        Assert.True(imported.Succeeded, string.Join("\n", imported.Errors));
    }
}
