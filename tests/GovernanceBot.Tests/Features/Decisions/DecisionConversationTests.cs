using GovernanceBot.Conversation;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Tests.Features.Decisions;

/// <summary>The decision log in conversation: decided approvals and decisions recorded directly, on the Phoenix demo.</summary>
public sealed class DecisionConversationTests
{
    private const string Manager = "alexw@example.com";
    private const string Sponsor = "meganb@example.com";

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Decisions_ShowsRecordedDecisionsAndDecidedApprovals_LatestFirst_WithSupersessionBothWays(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var card = Assert.Single(await bot.SendAsync("decisions Phoenix", Sponsor)).ShouldBeCard("decisions.log");

        Assert.Equal(ReplyAudience.Requester, card.Audience);
        var rows = card.Data["decisions"]!.AsArray();
        Assert.Equal(["DEC-3", "DEC-2", "DEC-1", "DL-CR-12"], rows.Select(r => (string)r!["id"]!));
        var latest = rows[0]!;
        Assert.Equal("DEC-3", (string?)latest["id"]);
        Assert.Equal("🟢 Active", (string?)latest["statusText"]);
        Assert.Equal("Supersedes DEC-2", (string?)latest["supersessionText"]);
        Assert.Contains("decided by Megan Bowen and Alex Wilber", (string?)latest["decidedText"], StringComparison.Ordinal);
        Assert.Equal("Alternatives considered: Start on 1 December with 38 customers; Start on 5 January", (string?)latest["alternativesText"]);
        Assert.StartsWith("Concerns: Gate 3: release to pilot customers \\(gate-3\\) · R-3 Back-office experts", (string?)latest["linksText"], StringComparison.Ordinal);
        var old = rows.Single(r => (string?)r!["id"] == "DEC-2")!;
        Assert.Equal("Superseded by DEC-3", (string?)old["supersessionText"]);
        Assert.Equal("approval", (string?)rows.Single(r => (string?)r!["id"] == "DL-CR-12")!["kind"]);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Decisions_GiveWhenEachWasTakenInTheReadersOwnZone_AndADayGivenWithOnAsThatDayOnly(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        Assert.StartsWith("Recorded", Assert.Single(await bot.SendAsync("decision record Phoenix \"Pilot with 40 customers\" because \"Support can take no more\"", Manager)).ShouldBeText(), StringComparison.Ordinal);
        Assert.StartsWith("Recorded", Assert.Single(await bot.SendAsync("decision record Phoenix \"Freeze the scope\" because \"Steering agreed\" on 2026-11-20", Manager)).ShouldBeText(), StringComparison.Ordinal);

        // Recorded at 12:00 UTC: 07:00 for Alex in New York, 12:00 for Megan in London.
        async Task<string> DecidedTextAsync(string email, string title)
        {
            var card = Assert.Single(await bot.SendAsync("decisions Phoenix", email)).ShouldBeCard("decisions.log");
            return (string)card.Data["decisions"]!.AsArray().Single(r => (string?)r!["title"] == title)!["decidedText"]!;
        }

        var alexReads = await DecidedTextAsync(Manager, "Pilot with 40 customers");
        Assert.Equal("Wed 25 Nov 2026, 07:00 (America/New_York) · decided by Alex Wilber", LocalTime.Plain(alexReads));
        Assert.Contains("<!date^1795608000^", LocalTime.Slack(alexReads), StringComparison.Ordinal);
        Assert.Equal("Wed 25 Nov 2026, 12:00 (Europe/London) · decided by Alex Wilber", LocalTime.Plain(await DecidedTextAsync(Sponsor, "Pilot with 40 customers")));
        Assert.Equal("Fri 20 Nov 2026 · decided by Alex Wilber", await DecidedTextAsync(Manager, "Freeze the scope"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task RecordingADecisionThatSupersedesAnother_LinksBoth_AndIsAudited(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var text = Assert.Single(await bot.SendAsync(
            "decision record Phoenix \"Pilot with 60 customers from two regions\" because \"Sales asked for a second region\" alternatives \"Keep 40 customers\" by steering-committee concerns gate-3 R-4 digital-adoption supersedes DEC-1",
            Manager)).ShouldBeText();

        Assert.Contains("Recorded **DEC-4** in Phoenix's decision log", text, StringComparison.Ordinal);
        Assert.Contains("It supersedes **DEC-1**", text, StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        var entry = await db.DecisionLog.SingleAsync(d => d.Key == "dec-4");
        var old = await db.DecisionLog.SingleAsync(d => d.Key == "dec-1");
        Assert.Equal((old.Id, entry.Id, DecisionStatus.Superseded), (entry.SupersedesId!.Value, old.SupersededById!.Value, old.Status));
        Assert.Equal(["approval:gate-3", "raid:r-4", "benefit:digital-adoption"], entry.Links);
        Assert.Equal(["steering-committee"], entry.DecidedBy);
        Assert.Equal("Sales asked for a second region", entry.Summary);
        Assert.Single(await db.Audit.Where(a => a.Action == "decision.recorded" && a.Subject == "decision:phoenix.dec-4" && a.Actor == "alexw").ToListAsync());
        Assert.Single(await db.Audit.Where(a => a.Action == "decision.superseded" && a.Subject == "decision:phoenix.dec-1").ToListAsync());
    }

    [Theory]
    [InlineData("decision record Phoenix \"Go live in March\"", "A decision log keeps the reason")]
    [InlineData("decision record Phoenix \"Go live in March\" because \"ready\" by @nobody", "I don't know \"@nobody\" in Phoenix")]
    [InlineData("decision record Phoenix \"Go live in March\" because \"ready\" concerns gate-9", "I can't find \"gate-9\" in Phoenix")]
    [InlineData("decision record Phoenix \"Go live in March\" because \"ready\" on 2027-01-01", "is after today")]
    [InlineData("decision record Phoenix \"Go live in March\" because \"ready\" supersedes DEC-2", "DEC-2 is already superseded")]
    [InlineData("decision supersede DEC-3 with DEC-3", "A decision can't supersede itself")]
    [InlineData("decision supersede DEC-1 with DEC-9", "There is no recorded decision DEC-9 here")]
    public async Task BadDecisionInput_SaysWhatWasWrong_AndChangesNothing(string command, string expected)
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync(command, Manager));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        Assert.True(reply.ShouldBeText().Contains(expected, StringComparison.Ordinal), reply.ShouldBeText());
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(3, await db.DecisionLog.CountAsync(d => d.Key != null));
        Assert.Equal(2, await db.DecisionLog.CountAsync(d => d.Status == DecisionStatus.Active && d.Key != null));
        Assert.Empty(await db.Audit.Where(a => a.Action.StartsWith("decision.")).ToListAsync());
    }

    [Fact]
    public async Task SupersedingLater_AndReversing_ChangeTheStatusWithBothLinks()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await bot.SendAsync("decision record Phoenix \"Keep the pilot in the Midlands\" because \"The regional team is trained\"", Manager);

        var superseded = Assert.Single(await bot.SendAsync("decision supersede DEC-1 with DEC-4", Sponsor)).ShouldBeText();
        var reversed = Assert.Single(await bot.SendAsync("decision reverse DEC-4 because \"the Midlands team was reorganised\"", Manager)).ShouldBeText();

        Assert.Contains("**DEC-1** is now superseded by **DEC-4**", superseded, StringComparison.Ordinal);
        Assert.Contains("**DEC-4** (“Keep the pilot in the Midlands”) is now reversed", reversed, StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        var dec4 = await db.DecisionLog.SingleAsync(d => d.Key == "dec-4");
        Assert.Equal(DecisionStatus.Reversed, dec4.Status);
        Assert.Equal(dec4.Id, (await db.DecisionLog.SingleAsync(d => d.Key == "dec-1")).SupersededById);
    }

    [Fact]
    public async Task RecordingByAStakeholderWhoIsNotAManagerOrSponsor_IsRefusedAndAudited()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync("decision record Phoenix \"Go live in March\" because \"ready\"", "adelev@example.com"));

        Assert.Contains("Only Phoenix's program managers, PMO and sponsors can record decisions", reply.ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Single(await db.Audit.Where(a => a.Action == "decision.record.refused" && a.Actor == "adelev").ToListAsync());
        Assert.Equal(3, await db.DecisionLog.CountAsync(d => d.Key != null));
    }
}
