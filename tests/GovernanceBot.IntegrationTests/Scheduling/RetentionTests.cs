using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Scheduling;

public sealed class RetentionTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Housekeeping_PrunesOldOutboxAndCards_ButKeepsWhatOpenApprovalsAndRoundsNeed(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        var history = await ArrangeHistoryAsync(bot);

        bot.Clock.Advance(TimeSpan.FromDays(31));
        await AddAsync(bot, Sent("kpi-status:phoenix:fresh", subject: null, bot.Clock.GetUtcNow()));
        await RunHousekeepingAsync(bot);

        Assert.Equal(
            Sorted($"approval:{history.OpenApproval}:posted", $"checkin:{history.OpenRound}:p1:prompt", $"checkin:{history.UnsummarisedRound}:p1:prompt", "kpi-status:phoenix:fresh", "queued-long-ago"),
            await OutboxKeysAsync(bot));
        Assert.Equal(6, await CardCountAsync(bot));

        bot.Clock.Advance(TimeSpan.FromDays(60));
        await RunHousekeepingAsync(bot);

        Assert.Equal(
            Sorted($"approval-dm:{history.OpenApproval}:alexw", $"approval:{history.OpenApproval}", $"checkin:{history.OpenRound}:p1", $"checkin:{history.UnsummarisedRound}:p1"),
            await CardSubjectsAsync(bot));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Housekeeping_UsesTheConfiguredRetention(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind, settings: new Dictionary<string, string?>
        {
            ["Retention:Outbox"] = "2.00:00:00",
            ["Retention:CardMessages"] = "3.00:00:00",
        });
        var history = await ArrangeHistoryAsync(bot);

        bot.Clock.Advance(TimeSpan.FromDays(1));
        await RunHousekeepingAsync(bot);
        Assert.Equal(7, (await OutboxKeysAsync(bot)).Count);

        bot.Clock.Advance(TimeSpan.FromDays(3));
        await RunHousekeepingAsync(bot);

        Assert.DoesNotContain($"approval:{history.DecidedApproval}:posted", await OutboxKeysAsync(bot));
        Assert.DoesNotContain($"approval:{history.DecidedApproval}", await CardSubjectsAsync(bot));
        Assert.Contains($"approval:{history.OpenApproval}", await CardSubjectsAsync(bot));
    }

    private static List<string> Sorted(params string[] values) => values.Order(StringComparer.Ordinal).ToList();

    private sealed record History(Guid OpenApproval, Guid DecidedApproval, Guid OpenRound, Guid UnsummarisedRound);

    /// <summary>
    /// An open and a decided approval, an open round, a closed round still to be summarised and a
    /// summarised one, each with its sent prompt or card in the outbox and a posted card; plus a
    /// failed message, a sent status post, and a message still queued.
    /// </summary>
    private static async Task<History> ArrangeHistoryAsync(BotHarness bot)
    {
        var now = bot.Clock.GetUtcNow();
        await using var db = bot.Store.Factory.Create();
        var program = await db.Programs.FirstAsync();
        var checkIn = await db.CheckIns.FirstAsync(c => c.ProgramId == program.Id);
        var open = new ApprovalRequest { ProgramId = program.Id, Key = "ret-open", Title = "Open", CreatedAt = now };
        var decided = new ApprovalRequest { ProgramId = program.Id, Key = "ret-decided", Title = "Decided", CreatedAt = now, Status = ApprovalStatus.Approved, DecidedAt = now };
        var openRound = Round(checkIn, now, CheckInRoundStatus.Open, summarised: null, day: 1);
        var unsummarised = Round(checkIn, now, CheckInRoundStatus.Closed, summarised: null, day: 2);
        var summarised = Round(checkIn, now, CheckInRoundStatus.Closed, summarised: now, day: 3);
        db.Approvals.AddRange(open, decided);
        db.CheckInRounds.AddRange(openRound, unsummarised, summarised);
        db.Outbox.AddRange(
            Sent($"approval:{open.Id}:posted", $"approval:{open.Id}", now),
            Sent($"approval:{decided.Id}:posted", $"approval:{decided.Id}", now),
            Sent($"checkin:{openRound.Id}:p1:prompt", $"checkin:{openRound.Id}:p1", now),
            Sent($"checkin:{unsummarised.Id}:p1:prompt", $"checkin:{unsummarised.Id}:p1", now),
            Sent($"checkin:{summarised.Id}:p1:prompt", $"checkin:{summarised.Id}:p1", now),
            Sent("kpi-status:phoenix:old", null, now, OutboxStatus.Failed),
            Sent("queued-long-ago", null, now, OutboxStatus.Pending));
        db.CardMessages.AddRange(
            Card($"approval:{open.Id}", program.WorkspaceId, now),
            Card($"approval-dm:{open.Id}:alexw", program.WorkspaceId, now),
            Card($"approval:{decided.Id}", program.WorkspaceId, now),
            Card($"checkin:{openRound.Id}:p1", program.WorkspaceId, now),
            Card($"checkin:{unsummarised.Id}:p1", program.WorkspaceId, now),
            Card($"checkin:{summarised.Id}:p1", program.WorkspaceId, now));
        await db.SaveChangesAsync();
        return new History(open.Id, decided.Id, openRound.Id, unsummarised.Id);
    }

    private static CheckInRound Round(CheckInDefinition checkIn, DateTimeOffset now, CheckInRoundStatus status, DateTimeOffset? summarised, int day) => new()
    {
        CheckInId = checkIn.Id,
        ProgramId = checkIn.ProgramId,
        OccurrenceDate = new DateOnly(2026, 10, day),
        OpensAt = now,
        ClosesAt = now,
        Status = status,
        SummarisedAt = summarised,
    };

    private static OutboxMessage Sent(string key, string? subject, DateTimeOffset at, OutboxStatus status = OutboxStatus.Sent) => new()
    {
        WorkspaceId = Guid.NewGuid(),
        Channel = "teams",
        Destination = "teams:a:conv",
        PayloadJson = "{}",
        IdempotencyKey = key,
        Subject = subject,
        Status = status,
        CreatedAt = at,
        NextAttemptAt = at,
        SentAt = status == OutboxStatus.Sent ? at : null,
    };

    private static CardMessage Card(string subject, Guid workspaceId, DateTimeOffset at) => new()
    {
        WorkspaceId = workspaceId,
        Subject = subject,
        Channel = "teams",
        ConversationJson = "{}",
        ConversationId = "a:1",
        MessageId = Guid.NewGuid().ToString("N"),
        PostedAt = at,
    };

    private static async Task AddAsync(BotHarness bot, OutboxMessage message)
    {
        await using var db = bot.Store.Factory.Create();
        db.Outbox.Add(message);
        await db.SaveChangesAsync();
    }

    private static async Task RunHousekeepingAsync(BotHarness bot)
    {
        using var scope = bot.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<HousekeepingJob>().RunAsync(CancellationToken.None);
    }

    private static async Task<List<string>> OutboxKeysAsync(BotHarness bot)
    {
        await using var db = bot.Store.Factory.Create();
        return (await db.Outbox.Select(o => o.IdempotencyKey).ToListAsync()).Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<List<string>> CardSubjectsAsync(BotHarness bot)
    {
        await using var db = bot.Store.Factory.Create();
        return (await db.CardMessages.Select(c => c.Subject).ToListAsync()).Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<int> CardCountAsync(BotHarness bot)
    {
        await using var db = bot.Store.Factory.Create();
        return await db.CardMessages.CountAsync();
    }
}
