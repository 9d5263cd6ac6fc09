using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Raid;
using GovernanceBot.Scheduling;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.Tests.Features.Raid;

/// <summary>
/// The RAID log in conversation, on the Phoenix demo (its asOf, 25 Nov 2026, is the harness's today):
/// the log card, adding items, one item with its history, and changing items from the card.
/// </summary>
public sealed class RaidConversationTests
{
    private const string Manager = "alexw@example.com";
    private const string Adele = "adelev@example.com";
    private const string Isaiah = "isaiahl@example.com";

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheRaidLog_ListsOpenItemsOverdueFirstThenByScore_WithAHeatmapOfOpenRisks(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var card = Assert.Single(await bot.SendAsync("raid Phoenix", "pattif@example.com")).ShouldBeCard("raid.log");

        var keys = card.Data["items"]!.AsArray().Select(i => (string)i!["key"]!).ToList();
        // R-1 (review 23 Nov) and A-2 (validate by 20 Nov) are overdue; then by score (I-1 20, I-2 15, R-2 12 due first, R-3 12, R-4 9), then by date.
        Assert.Equal(["R-1", "A-2", "I-1", "I-2", "R-2", "R-3", "R-4", "D-2", "A-1", "D-1"], keys);
        Assert.DoesNotContain("R-5", keys);
        Assert.Equal(2, (int)card.Data["overdueCount"]!);
        Assert.Equal("10 open: 4 risks · 2 assumptions · 2 issues · 2 dependencies · ⏰ 2 overdue", (string?)card.Data["countsText"]);
        var first = card.Data["items"]![0]!;
        Assert.Equal("⏰ Overdue by 2 days: review by Mon 23 Nov 2026", (string?)first["dueText"]);
        Assert.Equal("🔴 Red", (string?)first["ragText"]);
        var heatmap = card.Data["heatmap"]!;
        Assert.Equal(4, (int)heatmap["riskCount"]!);
        // Row "High" impact (second data row), column "High" probability: R-1.
        Assert.Equal("🟥 **1**", (string?)heatmap["rows"]![2]!["cells"]![4]!["text"]);
        Assert.Equal("attention", (string?)heatmap["rows"]![2]!["cells"]![4]!["style"]);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ARiskAddedByAStakeholder_GetsTheNextKey_IsAudited_AndItsOwnerIsTold(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var replies = await bot.SendAsync("risk add Phoenix \"Call centre not trained before go-live\" owner @isaiahl probability high impact medium review 2026-12-10", Adele);

        Assert.Equal(2, replies.Count);
        var text = replies[0].ShouldBeText();
        Assert.Contains("Added **R-6** to Phoenix's RAID log, owned by Isaiah Langer. I've told Isaiah Langer.", text, StringComparison.Ordinal);
        var card = replies[1].ShouldBeCard("raid.item");
        Assert.Equal("R-6", (string?)card.Data["item"]!["key"]);
        Assert.Contains(card.Data["facts"]!.AsArray(), f => (string?)f!["title"] == "Score" && (string?)f["value"] == "12 of 25 · 🟠 Amber");
        await using var db = await bot.Store.OpenAsync();
        var risk = await db.RaidItems.SingleAsync(r => r.Key == "r-6");
        Assert.Equal((4, 3, new DateOnly(2026, 12, 10), RaidStatus.Open, "adelev"), (risk.Probability!.Value, risk.Impact!.Value, risk.DueDate!.Value, risk.Status, risk.RaisedBy!));
        var audit = await db.Audit.SingleAsync(a => a.Action == "raid.added" && a.Subject == "raid:phoenix.r-6");
        Assert.Equal("adelev", audit.Actor);
        Assert.Single(await db.Outbox.Where(o => o.IdempotencyKey == $"raid:{risk.Id}:owner:isaiahl").ToListAsync());
    }

    [Fact]
    public async Task IssueAssumptionAndDependency_AreAddedWithTheirOwnDates()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var issue = (await bot.SendAsync("issue add Phoenix \"Test data refresh failed\" owner isaiahl severity critical due 2026-12-01", Manager))[0].ShouldBeText();
        var assumption = (await bot.SendAsync("assumption add \"Sales can release 40 pilot accounts\" owner lynner validate by 2026-12-04", Manager))[0].ShouldBeText();
        var dependency = (await bot.SendAsync("dependency add Phoenix \"Tax rules engine\" owner @alexw on \"Fabrikam tax team\" needed-by 2027-01-04", Manager))[0].ShouldBeText();

        Assert.Contains("**I-3**", issue, StringComparison.Ordinal);
        Assert.Contains("**A-3**", assumption, StringComparison.Ordinal);
        Assert.Contains("**D-3**", dependency, StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        var items = await db.RaidItems.Where(r => r.Key == "i-3" || r.Key == "a-3" || r.Key == "d-3").ToDictionaryAsync(r => r.Key);
        Assert.Equal((5, new DateOnly(2026, 12, 1)), (items["i-3"].Impact!.Value, items["i-3"].DueDate!.Value));
        Assert.Equal((RaidStatus.Unvalidated, new DateOnly(2026, 12, 4)), (items["a-3"].Status, items["a-3"].DueDate!.Value));
        Assert.Equal(("Fabrikam tax team", (Guid?)null), (items["d-3"].DependsOn, items["d-3"].DependsOnProgramId));
    }

    [Theory]
    [InlineData("risk add Phoenix \"Vendor late\" owner @nobody probability high impact high", "I don't know \"@nobody\" in Phoenix, so nothing was recorded")]
    [InlineData("risk add Phoenix \"Vendor late\" owner @adelev probability 7 impact high", "\"7\" is not on the scale for **probability**")]
    [InlineData("risk add Phoenix \"Vendor late\" owner @adelev probability sometimes impact high", "\"sometimes\" is not on the scale for **probability**")]
    [InlineData("risk add Phoenix \"Vendor late\" owner @adelev probability high", "How damaging is it? Give **impact**")]
    [InlineData("risk add Phoenix \"Vendor late\" owner @adelev probability high impact high review 2026-11-01", "Review by Sun 1 Nov 2026 is before today (Wed 25 Nov 2026)")]
    [InlineData("risk add Phoenix Vendor late owner @adelev probability high impact high", "Put the title in quotes")]
    [InlineData("risk add Phoenix \"Vendor late\" probability high impact high", "Who owns it?")]
    [InlineData("dependency add Phoenix \"SSO\" owner @alexw on \"Identity\" needed-by 2026-11-20", "Needed by Fri 20 Nov 2026 is before today")]
    [InlineData("dependency add Phoenix \"SSO\" owner @alexw on program Atlas needed-by 2027-01-20", "There is no program called \"Atlas\" in this workspace")]
    [InlineData("dependency add Phoenix \"SSO\" owner @alexw on Phoenix needed-by 2027-01-20", "Phoenix can't depend on itself")]
    [InlineData("assumption add Phoenix \"Pilot accounts ready\" owner @lynner", "By when? Give a date after **validate-by**")]
    [InlineData("issue add Phoenix \"Build broken\" owner @isaiahl severity 0", "\"0\" is not on the scale for **severity**")]
    public async Task AddingWithBadInput_SaysWhatWasWrong_AndStoresNothing(string text, string expected)
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        int before;
        await using (var db = await bot.Store.OpenAsync())
        {
            before = await db.RaidItems.CountAsync();
        }

        var reply = Assert.Single(await bot.SendAsync(text, Manager));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        Assert.True(reply.ShouldBeText().Contains(expected, StringComparison.Ordinal), reply.ShouldBeText());
        await using var after = await bot.Store.OpenAsync();
        Assert.Equal(before, await after.RaidItems.CountAsync());
        Assert.Empty(await after.Audit.Where(a => a.Action == "raid.added").ToListAsync());
    }

    [Fact]
    public async Task AddingToAProgramYouAreNotPartOf_IsRefusedAndAudited()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync("risk add Phoenix \"Vendor late\" owner @adelev probability high impact high", "stranger@example.com"));

        Assert.Contains("Only Phoenix's stakeholders can add to its RAID log", reply.ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Single(await db.Audit.Where(a => a.Action == "raid.add.refused").ToListAsync());
        Assert.Equal(14, await db.RaidItems.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheOwnersUpdateFromTheCard_ChangesTheItem_AndItsHistoryShowsItAfterTheImport(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        var id = await IdAsync(bot, "r-2");

        var replies = await bot.ActAsync("raid.update", new JsonObject
        {
            ["itemId"] = id, ["status"] = "mitigating", ["probability"] = "2", ["impact"] = "4", ["due"] = "2026-12-09", ["response"] = "Clean-up sprint done; 0.4% left",
        }, Isaiah);

        var card = replies[0].ShouldBeCard("raid.item");
        Assert.True(card.ReplacesSourceCard);
        Assert.Equal("Mitigating", (string?)card.Data["item"]!["statusText"]);
        var item = Assert.Single(await bot.SendAsync("raid R-2", "pattif@example.com")).ShouldBeCard("raid.item");
        var history = item.Data["history"]!.AsArray().Select(h => (string)h!["text"]!).ToList();
        Assert.Equal(("Governance file", "Recorded."), ((string?)item.Data["history"]![0]!["who"], history[0]));
        Assert.Equal("status open; probability 3; review by Wed 2 Dec 2026; response “Clean-up sprint booked; matching rules reviewed with finance.” → status mitigating; probability 2; review by Wed 9 Dec 2026; response “Clean-up sprint done; 0.4% left”", history[1]);
        Assert.Equal("Isaiah Langer", (string?)item.Data["history"]![1]!["who"]);
        // When, as a moment each reader sees in their own zone (the program's, named, where a platform cannot localise it).
        var at = (string)item.Data["history"]![1]!["atText"]!;
        Assert.Equal("Wed 25 Nov 2026, 12:00 (Europe/London)", LocalTime.Plain(at));
        Assert.Contains($"<!date^{BotHarness.DefaultNow.ToUnixTimeSeconds()}^", LocalTime.Slack(at), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        var risk = await db.RaidItems.SingleAsync(r => r.Key == "r-2");
        Assert.Equal((2, 4, RaidStatus.Mitigating), (risk.Probability!.Value, risk.Impact!.Value, risk.Status));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task SomeoneElsesUpdateOrClose_IsRefused_Audited_AndChangesNothing(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        var id = await IdAsync(bot, "r-2");

        var update = Assert.Single(await bot.ActAsync("raid.update", new JsonObject { ["itemId"] = id, ["status"] = "closed" }, Adele));
        var close = Assert.Single(await bot.ActAsync("raid.close", new JsonObject { ["itemId"] = id, ["note"] = "not mine" }, Adele));

        Assert.Equal(ReplyAudience.Requester, update.Audience);
        Assert.Contains("Only its owner Isaiah Langer or Phoenix's program managers (Alex Wilber or Nestor Wilke) can change **R-2**. Nothing was changed.", update.ShouldBeText(), StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", close.ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(RaidStatus.Open, (await db.RaidItems.SingleAsync(r => r.Key == "r-2")).Status);
        Assert.Equal(2, await db.Audit.CountAsync(a => a.Subject == "raid:phoenix.r-2" && a.Action.EndsWith(".refused") && a.Actor == "adelev"));
    }

    [Fact]
    public async Task TheProgramManager_ClosesAnItemWithANote_AndItLeavesTheLog()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await IdAsync(bot, "i-1");

        var card = (await bot.ActAsync("raid.close", new JsonObject { ["itemId"] = id, ["note"] = "Rolled back; stable for 48 hours" }, Manager))[0].ShouldBeCard("raid.item");

        Assert.Equal("Closed", (string?)card.Data["item"]!["statusText"]);
        Assert.False((bool)card.Data["item"]!["isOpen"]!);
        var log = Assert.Single(await bot.SendAsync("raid Phoenix", Manager)).ShouldBeCard("raid.log");
        Assert.DoesNotContain(log.Data["items"]!.AsArray(), i => (string?)i!["key"] == "I-1");
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal("Closed: Rolled back; stable for 48 hours", (await db.Audit.SingleAsync(a => a.Action == "raid.closed")).After);
    }

    [Fact]
    public async Task AnUpdateWithAReviewDateInThePast_IsRefusedOnTheForm()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await IdAsync(bot, "r-2");

        var reply = Assert.Single(await bot.ActAsync("raid.update", new JsonObject { ["itemId"] = id, ["due"] = "2026-11-01", ["probability"] = "9" }, Isaiah));

        Assert.NotNull(reply.InputErrors);
        Assert.Contains("can't be before the item was raised (Mon 2 Nov 2026)", reply.InputErrors!["due"], StringComparison.Ordinal);
        Assert.Contains("The probability is very-low", reply.InputErrors["probability"], StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(new DateOnly(2026, 12, 2), (await db.RaidItems.SingleAsync(r => r.Key == "r-2")).DueDate);
    }

    [Fact]
    public async Task AnAssumptionFoundInvalid_BecomesALinkedIssue()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await IdAsync(bot, "a-1");

        var replies = await bot.ActAsync("raid.update", new JsonObject { ["itemId"] = id, ["status"] = "invalid" }, "pattif@example.com");

        Assert.Contains("I raised **I-3**", replies[1].ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        var issue = await db.RaidItems.SingleAsync(r => r.Key == "i-3");
        var assumption = await db.RaidItems.SingleAsync(r => r.Key == "a-1");
        Assert.Equal((assumption.Id, issue.Id), (issue.LinkedItemId!.Value, assumption.LinkedItemId!.Value));
        Assert.Equal("Invalid assumption: Pilot customers accept e-signature in place of wet-ink contracts", issue.Title);
    }

    [Fact]
    public async Task EscalatingARisk_TellsTheSponsor_Once()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await IdAsync(bot, "r-2");

        await bot.ActAsync("raid.escalate", new JsonObject { ["itemId"] = id }, Manager);
        var again = await bot.ActAsync("raid.escalate", new JsonObject { ["itemId"] = id }, Manager);

        Assert.Contains("can't be escalated", again[0].ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.NotNull((await db.RaidItems.SingleAsync(r => r.Key == "r-2")).EscalatedAt);
        var toMegan = await db.Outbox.Where(o => o.Destination == "person:meganb@example.com").ToListAsync();
        Assert.Equal(2, toMegan.Count);
        Assert.Contains(toMegan, o => o.PayloadJson.Contains("escalated a risk on Phoenix to you as sponsor", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheWeeklyDigest_IsOneMessagePerOwnerPerWeek_ListingOnlyWhatIsDue()
    {
        // Monday 30 Nov 2026, 08:30 in London: the week's digests go out.
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite, now: new DateTimeOffset(2026, 11, 30, 8, 30, 0, TimeSpan.Zero));

        await RunDigestAsync(bot);
        await RunDigestAsync(bot);
        bot.Clock.Advance(TimeSpan.FromDays(2));
        await RunDigestAsync(bot);

        await using var db = await bot.Store.OpenAsync();
        var digests = await db.Outbox.Where(o => o.IdempotencyKey.StartsWith("raid-digest:")).ToListAsync();
        var toAlex = Assert.Single(digests, d => d.Destination == "person:alexw@example.com");
        // Alex owns A-2 (overdue) and R-3 (review 9 Dec, next week): only A-2 is due this week.
        Assert.Contains("Alex, your RAID review for this week: 1 RAID item you own is due for review this week, 1 of them overdue.", toAlex.PayloadJson, StringComparison.Ordinal);
        Assert.Contains("**A-2**", toAlex.PayloadJson, StringComparison.Ordinal);
        Assert.DoesNotContain("**R-3**", toAlex.PayloadJson, StringComparison.Ordinal);
        var toIsaiah = Assert.Single(digests, d => d.Destination == "person:isaiahl@example.com");
        Assert.Contains("**I-1**", toIsaiah.PayloadJson, StringComparison.Ordinal);
        Assert.Contains("**R-2**", toIsaiah.PayloadJson, StringComparison.Ordinal);
        Assert.DoesNotContain(digests, d => d.Destination == "person:pattif@example.com");
        // Adele's action is due, not due for review.
        var toAdele = Assert.Single(digests, d => d.Destination == "person:adelev@example.com").PayloadJson;
        Assert.Contains("1 action you own is due this week.", toAdele, StringComparison.Ordinal);
        Assert.Contains("**ACT-1** Get the payment provider", toAdele, StringComparison.Ordinal);
        Assert.Contains("Due Wed 2 Dec 2026", toAdele, StringComparison.Ordinal);
    }

    private static async Task RunDigestAsync(BotHarness bot)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RaidDigestJob>().RunAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AnEscalatedRisk_SaysWhenItWasEscalated_AsAMomentEachReaderSeesInTheirOwnZone()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var card = Assert.Single(await bot.SendAsync("raid R-1", Manager)).ShouldBeCard("raid.item");

        // Not a fact (a fact's value is escaped user text, where a moment cannot be localised) but a line of its own,
        // a moment each reader sees in their own zone: not "20 Nov, 10:00" (which year? whose 10:00?).
        Assert.DoesNotContain(card.Data["facts"]!.AsArray(), f => (string?)f!["title"] == "Escalated");
        var escalated = (string)card.Data["item"]!["escalatedText"]!;
        Assert.Equal("Escalated to the sponsor Fri 20 Nov 2026, 10:00 (Europe/London).", LocalTime.Plain(escalated));
        Assert.NotEqual(LocalTime.Plain(escalated), escalated);
    }

    [Fact]
    public async Task ADependency_SaysWhatItDependsOn_OnTheLogAndOnItsCard()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var log = Assert.Single(await bot.SendAsync("raid Phoenix", Manager)).ShouldBeCard("raid.log");
        var item = Assert.Single(await bot.SendAsync("raid D-1", Manager)).ShouldBeCard("raid.item");

        // "On Contoso Identity programme" under a dependency's title read as where it happens, not what it waits for.
        var row = log.Data["items"]!.AsArray().Single(i => (string?)i!["key"] == "D-1")!;
        Assert.StartsWith("Depends on Contoso Identity programme", (string?)row["scoreText"], StringComparison.Ordinal);
        Assert.Contains(item.Data["facts"]!.AsArray(), f => (string?)f!["title"] == "Depends on");
    }

    internal static async Task<string> IdAsync(BotHarness bot, string key)
    {
        await using var db = await bot.Store.OpenAsync();
        return (await db.RaidItems.SingleAsync(r => r.Key == key)).Id.ToString();
    }
}
