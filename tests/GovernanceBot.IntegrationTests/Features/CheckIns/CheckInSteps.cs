using System.Diagnostics;
using System.Globalization;
using System.Text;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Features.CheckIns;

/// <summary>A Phoenix stakeholder as a chat user: their platform id, name and e-mail.</summary>
public sealed record ChatPerson(string Id, string Name, string Email)
{
    public string FirstName => Name.Split(' ')[0];
}

/// <summary>The steps of a check-in round that every channel's test takes: sweeps, drains, the store's view.</summary>
internal static class CheckInSteps
{
    // Phoenix's weekly check-in is "0 9 * * MON" in each person's own time zone, window 1d8h, reminder 2 h before close.
    // Monday 30 November 2026, 08:00 UTC: Sydney (19:00) and Berlin (09:00) are due; London, Chicago and Los Angeles not yet.
    public static readonly DateTimeOffset MondayMorning = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    // 18:00 UTC: Los Angeles' 09:00 (17:00 UTC) has passed, so everyone is due.
    public static readonly DateTimeOffset MondayEvening = new(2026, 11, 30, 18, 0, 0, TimeSpan.Zero);

    // The round closes at Los Angeles' 09:00 + 1d8h = Wednesday 2 December 01:00 UTC; reminders from 23:00 the day before.
    public static readonly DateTimeOffset ReminderTime = new(2026, 12, 1, 23, 30, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset CloseTime = new(2026, 12, 2, 1, 0, 0, TimeSpan.Zero);

    public static async Task SweepAsync(BotHarness bot)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CheckInSweepJob>().RunAsync(CancellationToken.None);
    }

    public static Task<int> DrainAsync(BotHarness bot) =>
        bot.Services.GetRequiredService<OutboxDispatcher>().DrainAllAsync(CancellationToken.None);

    /// <summary>Two sweeps (a repeated scheduler run must change nothing), then everything due is sent.</summary>
    public static async Task SweepTwiceAndDrainAsync(BotHarness bot)
    {
        await SweepAsync(bot);
        await SweepAsync(bot);
        await DrainAsync(bot);
    }

    /// <summary>
    /// The round as the schedule runs it: opened Monday morning (Sydney and Berlin due), everyone
    /// prompted by the evening; it closes Wednesday 01:00 UTC (<see cref="CloseTime"/>).
    /// </summary>
    public static async Task OpenOnScheduleAsync(BotHarness bot)
    {
        bot.Clock.SetUtcNow(MondayMorning);
        await SweepTwiceAndDrainAsync(bot);
        bot.Clock.SetUtcNow(MondayEvening);
        await SweepTwiceAndDrainAsync(bot);
    }

    /// <summary>
    /// Drains until no outbox row is pending: rows waiting out a Retry-After are not due yet, so this
    /// polls (on the bot's clock, which in these tests is the wall clock) until they are sent, or fails.
    /// </summary>
    public static async Task DrainUntilNothingPendingAsync(BotHarness bot, TimeSpan timeout)
    {
        var dispatcher = bot.Services.GetRequiredService<OutboxDispatcher>();
        var elapsed = Stopwatch.StartNew();
        var pending = 0;
        await Poll.UntilAsync(
            async () =>
            {
                await dispatcher.DrainAllAsync(CancellationToken.None);
                pending = await PendingCountAsync(bot);
                return pending == 0;
            },
            timeout,
            () => $"{pending} outbox rows still pending after {elapsed.Elapsed.TotalSeconds:F1} s");
    }

    public static async Task<int> PendingCountAsync(BotHarness bot)
    {
        await using var db = bot.Store.Factory.Create();
        return await db.Outbox.CountAsync(o => o.Status == OutboxStatus.Pending);
    }

    public static async Task<Guid> RoundIdAsync(BotHarness bot)
    {
        await using var db = bot.Store.Factory.Create();
        return (await db.CheckInRounds.SingleAsync()).Id;
    }

    /// <summary>Who has a stored response in the round, by e-mail.</summary>
    public static async Task<List<string>> RespondentsAsync(BotHarness bot)
    {
        await using var db = bot.Store.Factory.Create();
        return await db.CheckInResponses
            .Join(db.Stakeholders, r => r.StakeholderId, s => s.Id, (r, s) => s.Email!)
            .OrderBy(e => e)
            .ToListAsync();
    }

    public static async Task<string> AnswersOfAsync(BotHarness bot, string email)
    {
        await using var db = bot.Store.Factory.Create();
        return await db.CheckInResponses
            .Join(db.Stakeholders, r => r.StakeholderId, s => s.Id, (r, s) => new { s.Email, r.AnswersJson })
            .Where(x => x.Email == email)
            .Select(x => x.AnswersJson)
            .SingleAsync();
    }

    /// <summary>Every string in a card or a message's blocks, one per line, as people read them (no JSON escapes).</summary>
    public static string Texts(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        System.Text.Json.Nodes.JsonObject obj => string.Join("\n", obj.Select(p => Texts(p.Value))),
        System.Text.Json.Nodes.JsonArray array => string.Join("\n", array.Select(Texts)),
        System.Text.Json.Nodes.JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => string.Empty,
    };

    public static async Task<List<OutboxMessage>> OutboxAsync(GovernanceDb db) => await db.Outbox.AsNoTracking().ToListAsync();

    /// <summary>
    /// A program with <paramref name="people"/> project managers, all in London (UTC in winter), asked
    /// one scale question every Monday at 09:00; plus its program manager.
    /// </summary>
    public static string ProgramWithParticipants(int people)
    {
        var yaml = new StringBuilder("""
            version: 1
            workspace: { key: demo, name: Demo }
            program: { key: atlas, name: Atlas, timeZone: Europe/London }
            stakeholders:
              - { key: pm, name: Pat Manager, email: pm@example.com, roles: [program-manager], timeZone: Europe/London }

            """);
        for (var i = 1; i <= people; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{ key: p{i:D2}, name: Person {i:D2}, email: p{i:D2}@example.com, roles: [project-manager], timeZone: Europe/London }}\n");
        }

        yaml.Append("""
            checkIns:
              - key: weekly
                name: Atlas weekly
                schedule: "0 9 * * MON"
                window: 1d
                participants: { roles: [project-manager] }
                questions: [ { key: progress, text: How is it going?, kind: scale, required: true } ]

            """);
        return yaml.ToString();
    }

    /// <summary>Monday 30 November 2026, 09:00 UTC: the generated program's round is due for everyone.</summary>
    public static readonly DateTimeOffset GeneratedRoundOpens = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
}

/// <summary>
/// The wall clock, moved to a chosen moment: real seconds pass, on the calendar day a test needs.
/// Rate-limit tests need it, because a Retry-After is a real wait at the platform, and the outbox
/// schedules a retry on the bot's clock.
/// </summary>
internal sealed class ShiftedWallClock(DateTimeOffset startAt) : TimeProvider
{
    private long offsetTicks = (startAt - System.GetUtcNow()).Ticks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    /// <summary>Jumps ahead (still running at wall-clock pace from there).</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);
}
