using System.Globalization;
using System.Text.Json;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Scheduling;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using static GovernanceBot.Tests.Features.Approvals.ApprovalTestSteps;

namespace GovernanceBot.Tests.Features.Approvals;

/// <summary>
/// Approval replies give times that each reader sees in their own zone: a <see cref="LocalTime"/>
/// moment (Slack date tokens), written in the reader's zone, named, where a platform cannot localise
/// it (Teams text). Phoenix runs on London time; Alex is in New York, Lee in Singapore, Diego in Chicago.
/// Gate 4 closes Sat 5 Dec 2026, 17:00 London = 12:00 New York = 11:00 Chicago = Sun 01:00 Singapore.
/// </summary>
public sealed class ApprovalTimesTests
{
    private static readonly DateTimeOffset Gate4Deadline = new(2026, 12, 5, 17, 0, 0, TimeSpan.Zero);

    /// <summary>The reply as a reader whose client cannot localise it reads it (Teams text, the terminal).</summary>
    private static string AsPlainText(Reply reply) => LocalTime.Plain(reply.ShouldBeText());

    private static string TokenOf(DateTimeOffset at) => $"<!date^{at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}^";

    private static async Task<string> QueuedTextAsync(BotHarness bot, string keyEnd)
    {
        await using var db = await bot.Store.OpenAsync();
        var row = await db.Outbox.AsNoTracking().SingleAsync(o => o.IdempotencyKey.EndsWith(keyEnd));
        return JsonSerializer.Deserialize(row.PayloadJson, OutboxJson.Default.OutboundPayload)!.Content.Text!;
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Extend_ConfirmsInTheAskersOwnZone_InTheirChat_InTheProgramsInAChannel_AndTellsEachApproverInTheirs(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        var id = await RequestAsync(bot, "all");

        var inChat = Assert.Single(await bot.SendAsync("approval extend gate-4 due 2026-12-12", Manager));
        var inChannel = Assert.Single(await bot.SendAsync("approval extend gate-4 due 2026-12-19", Manager, BotHarness.ChannelChat("phoenix-team")));

        Assert.Contains("now closes Sat 12 Dec 2026, 12:00 (America/New_York)", AsPlainText(inChat), StringComparison.Ordinal);
        Assert.Contains(TokenOf(new DateTimeOffset(2026, 12, 12, 17, 0, 0, TimeSpan.Zero)), LocalTime.Slack(inChat.ShouldBeText()), StringComparison.Ordinal);
        Assert.Contains("now closes Sat 19 Dec 2026, 17:00 (Europe/London)", AsPlainText(inChannel), StringComparison.Ordinal);
        var request = await LoadAsync(bot, id);
        var toLee = await QueuedTextAsync(bot, $":v{request.Version}:extended:told:leeg");
        Assert.Contains("moved the deadline of **Gate 4: go live** (Phoenix) to Sun 20 Dec 2026, 01:00 (Asia/Singapore)", LocalTime.Plain(toLee), StringComparison.Ordinal);
        Assert.Contains("to Sat 19 Dec 2026, 11:00 (America/Chicago)", LocalTime.Plain(await QueuedTextAsync(bot, $":v{request.Version}:extended:told:diegos")), StringComparison.Ordinal);
        Assert.Contains(TokenOf(new DateTimeOffset(2026, 12, 19, 17, 0, 0, TimeSpan.Zero)), LocalTime.Slack(toLee), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extend_ToADayThatHasPassed_OrNotLater_SaysSoInTheAskersOwnZone()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await RequestAsync(bot, "all");

        var passed = AsPlainText(Assert.Single(await bot.SendAsync("approval extend gate-4 due 2026-11-20", Manager)));
        var earlier = AsPlainText(Assert.Single(await bot.SendAsync("approval extend gate-4 due 2026-12-01", Manager)));

        Assert.StartsWith("A deadline of Fri 20 Nov 2026, 12:00 (America/New_York) has already passed.", passed, StringComparison.Ordinal);
        Assert.Contains("is already Sat 5 Dec 2026, 12:00 (America/New_York); **extend** moves it later", earlier, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Reminders_GiveTheDeadlineInEachApproversOwnZone(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        var id = await RequestAsync(bot, "all");
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 4, 18, 0, 0, TimeSpan.Zero));

        await RunAsync<ApprovalReminderJob>(bot);

        var toLee = await QueuedTextAsync(bot, $"approval:{id}:reminder:leeg:text");
        Assert.Equal("⏰ Reminder: **Gate 4: go live** (Phoenix) needs your vote by Sun 6 Dec 2026, 01:00 (Asia/Singapore) (23 h left).", LocalTime.Plain(toLee));
        Assert.Contains(TokenOf(Gate4Deadline), LocalTime.Slack(toLee), StringComparison.Ordinal);
        Assert.Contains("by Sat 5 Dec 2026, 11:00 (America/Chicago)", LocalTime.Plain(await QueuedTextAsync(bot, $"approval:{id}:reminder:diegos:text")), StringComparison.Ordinal);
        Assert.Contains("by Sat 5 Dec 2026, 17:00 (Europe/London)", LocalTime.Plain(await QueuedTextAsync(bot, $"approval:{id}:reminder:meganb:text")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AlreadyDecidedReplies_GiveWhenItClosed_InTheAskersOwnZone(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        var id = await RequestAsync(bot, "all");
        Assert.Contains("Withdrawn", Assert.Single(await bot.SendAsync("approval cancel gate-4", Manager)).ShouldBeText(), StringComparison.Ordinal);

        // Withdrawn at 12:00 UTC: 20:00 in Singapore, 07:00 in New York.
        var vote = AsPlainText(Assert.Single(await VoteAsync(bot, id, "approve", Lee)));
        var extend = AsPlainText(Assert.Single(await bot.SendAsync("approval extend gate-4 due 2026-12-12", Manager)));

        Assert.Contains("is already withdrawn (Wed 25 Nov 2026, 20:00 (Asia/Singapore)); votes after the decision are not recorded", vote, StringComparison.Ordinal);
        Assert.Contains("is already withdrawn (Wed 25 Nov 2026, 07:00 (America/New_York)), so there is nothing to extend", extend, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVoteAfterTheDeadline_IsRefusedWithTheDeadlineInTheVotersOwnZone()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "all");
        bot.Clock.SetUtcNow(Gate4Deadline.AddMinutes(1));

        var refusal = Assert.Single(await VoteAsync(bot, id, "approve", Lee)).ShouldBeText();

        Assert.Contains("The deadline for **Gate 4: go live** passed (Sun 6 Dec 2026, 01:00 (Asia/Singapore)), so votes are closed.", LocalTime.Plain(refusal), StringComparison.Ordinal);
        Assert.Contains(TokenOf(Gate4Deadline), LocalTime.Slack(refusal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheApprovalsList_AndDecideBeforeTheDeadline_GiveTheDeadlineInTheAskersOwnZone()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await RequestAsync(bot, "all");

        var list = AsPlainText((await bot.SendAsync("approvals", Lee))[0]);
        var decide = AsPlainText(Assert.Single(await bot.SendAsync("approval decide gate-4 approve", Manager)));

        Assert.Contains("**Gate 4: go live** (Phoenix, gate-4) — Sun 6 Dec 2026, 01:00 (Asia/Singapore) (10 days left)", list, StringComparison.Ordinal);
        Assert.Contains("is still open for votes until Sat 5 Dec 2026, 12:00 (America/New_York) (10 days left).", decide, StringComparison.Ordinal);
    }
}
