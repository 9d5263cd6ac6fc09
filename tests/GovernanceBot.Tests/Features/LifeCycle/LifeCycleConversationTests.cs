using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Tests.Features.LifeCycle;

/// <summary>The life cycle as people meet it: the gates card, one gate, its criteria confirmed by their owners, its review and passing it.</summary>
public sealed class LifeCycleConversationTests
{
    private const string Alex = "alexw@example.com";
    private const string Adele = "adelev@example.com";
    private const string Patti = "pattif@example.com";
    private const string Megan = "meganb@example.com";
    private const string Diego = "diegos@example.com";
    private const string Lee = "leeg@example.com";

    [Fact]
    public async Task Gates_ShowsThePhasesWhereThePhoenixStandsAndEachGate()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var card = Assert.Single(await bot.SendAsync("gates Phoenix", Adele)).ShouldBeCard("gates.status");

        Assert.Equal("Build (phase 3 of 6)", (string?)card.Data["phaseText"]);
        Assert.StartsWith(UserText.Escape("Gate 3: Release to pilot customers (Build → Pilot), Sat 5 Dec 2026; 2 of 4 entry criteria confirmed"), (string?)card.Data["nextGateText"], StringComparison.Ordinal);
        var phases = card.Data["phases"]!.AsArray().Select(p => $"{p!["name"]}:{p["state"]}").ToList();
        Assert.Equal(["Definition:done", "Design:done", "Build:current", "Pilot:ahead", "Rollout:ahead", "Closure:ahead"], phases);
        var gates = card.Data["gates"]!.AsArray();
        Assert.Equal(["gate-1", "gate-2", "gate-3", "gate-4", "gate-5"], gates.Select(g => (string)g!["key"]!).ToList());
        Assert.Equal("passed", (string?)gates[1]!["state"]);
        Assert.Equal("next", (string?)gates[2]!["state"]);
        Assert.StartsWith("Review gate-3 waiting: 1 approve, 0 reject, 2 still to vote", (string?)gates[2]!["reviewText"], StringComparison.Ordinal);
        // The review's deadline is a moment each reader sees in their own zone, not text to escape
        // (escaped, its marker was stripped and the raw "1797094800|…" showed on the card).
        var deadline = LocalTime.Plain((string)gates[2]!["reviewText"]!);
        Assert.Matches(@"; deadline \w{3} \d{1,2} \w{3} \d{4}, \d{2}:\d{2} \(Europe/London\)\.$", deadline);
    }

    [Fact]
    public async Task Gate_ShowsItsCriteriaWithTheViewersConfirmButtonAndTheEvidence()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var card = Assert.Single(await bot.SendAsync("gate Phoenix gate-3", Adele)).ShouldBeCard("gate.detail");

        var criteria = card.Data["criteria"]!.AsArray();
        var mine = criteria.Single(c => (string?)c!["key"] == "pilot-support")!;
        Assert.True((bool)mine["canConfirm"]!);
        Assert.False((bool)criteria.Single(c => (string?)c!["key"] == "pilot-comms")!["canConfirm"]!);
        Assert.True((bool)criteria.Single(c => (string?)c!["key"] == "security-test")!["confirmed"]!);
        var sections = card.Data["evidence"]!.AsArray().Select(s => (string)s!["title"]!).ToList();
        Assert.Equal("Entry criteria: 2 of 4 entry criteria confirmed", sections[0]);
        Assert.Equal("KPIs: 1 Red, 2 Amber, 3 Green", sections[1]);
        Assert.Equal("Benefits: 6 benefits, 3 behind plan (1 marked at risk)", sections[2]);
        // The RAID log's part: its open Red and Amber items, each with its id and owner.
        Assert.Matches(@"^RAID log: \d+ open, \d+ Red or Amber", sections[3]);
        // Counted as the RAID log card counts (10 open, 8 of them Red or Amber), without the meeting actions kept in the same table.
        Assert.Equal("RAID log: 10 open, 8 Red or Amber, 2 overdue", sections[3]);
        var raid = card.Data["evidence"]!.AsArray()[3]!["lines"]!.AsArray();
        Assert.Contains(raid, l => ((string)l!["text"]!).StartsWith("R-1", StringComparison.Ordinal) && (string?)l["rag"] == "red");
        Assert.False((bool)card.Data["viewer"]!["canRequestReview"]!);
    }

    [Theory]
    [InlineData("gate Phoenix gate-9", "Phoenix has no gate called \"gate-9\". Phoenix's gates: **gate-1**")]
    [InlineData("gate Phoenix", "Which gate? For example: **gate Phoenix gate-3**")]
    [InlineData("gate confirm Phoenix gate-3 nothing-like-it", "Gate 3 has no criterion \"nothing-like-it\". Gate 3's criteria: **security-test**")]
    [InlineData("gates Atlantis", "There is no program called \"Atlantis\"")]
    public async Task GateCommands_WithBadInput_SayWhatWasWrongWithAnExample(string text, string expected)
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync(text, Adele));

        Assert.Contains(expected, reply.ShouldBeText(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ConfirmingACriterion_ByItsOwnerOnTheCard_IsRecordedOnceAndAudited(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var replies = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => ConfirmAsync(bot, "pilot-support", Adele))));

        await using var db = await bot.Store.OpenAsync();
        var criterion = await db.GateCriteria.SingleAsync(c => c.Key == "pilot-support");
        Assert.NotNull(criterion.ConfirmedAt);
        Assert.Single(await db.Audit.Where(a => a.Action == "gate.criterion.confirmed").ToListAsync());
        var updated = Assert.Single(replies, r => r[0] is CardReply { Template: "gate.detail", ReplacesSourceCard: true });
        Assert.Contains("Confirmed “Pilot support rota agreed with Customer Operations” for Gate 3: Release to pilot customers (Phoenix). 3 of 4 entry criteria confirmed.",
            updated[1].ShouldBeText(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ConfirmingACriterion_BySomeoneWhoDoesNotOwnIt_IsRefusedAuditedAndNotRecorded(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var reply = Assert.Single(await bot.SendAsync("gate confirm Phoenix gate-3 pilot-support", Patti, BotHarness.ChannelChat()));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        Assert.Equal("Only Adele Vance, who owns “Pilot support rota agreed with Customer Operations”, can confirm it: an entry criterion is confirmed by the person accountable for it. Nothing was recorded.",
            reply.ShouldBeText());
        await using var db = await bot.Store.OpenAsync();
        Assert.Null((await db.GateCriteria.SingleAsync(c => c.Key == "pilot-support")).ConfirmedAt);
        var audit = await db.Audit.SingleAsync(a => a.Action == "gate.criterion.confirm.refused");
        Assert.Equal(("pattif", "gate:phoenix.gate-3.pilot-support", "not the criterion's owner"), (audit.Actor, audit.Subject, audit.After));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheGateReview_DecidedByTwoApproversAtOnce_PassesTheGateAndMovesThePhaseExactlyOnce(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        await bot.SendAsync("link Phoenix", Alex, BotHarness.ChannelChat("phoenix-team"));
        var review = await ApprovalIdAsync(bot, "gate-3");

        // Lee approved already; a majority of three needs one more: Megan and Diego press Approve at the same moment, five times each.
        var clicks = new[] { Megan, Diego }.SelectMany(who => Enumerable.Range(0, 5).Select(_ => who))
            .Select(who => Task.Run(() => bot.ActAsync("approval.vote", new JsonObject { ["requestId"] = review.ToString(), ["decision"] = "approve" }, who)))
            .ToList();
        await Task.WhenAll(clicks);

        await using var db = await bot.Store.OpenAsync();
        var program = await db.Programs.SingleAsync(p => p.Key == "phoenix");
        Assert.Equal("pilot", program.Phase);
        var gate = await db.StageGates.SingleAsync(g => g.Key == "gate-3");
        Assert.NotNull(gate.PassedAt);
        Assert.Equal("gate-3", gate.PassedBy);
        Assert.Single(await db.Audit.Where(a => a.Action == "gate.passed").ToListAsync());
        var moved = await db.Audit.SingleAsync(a => a.Action == "program.phase");
        Assert.Equal(("build", "pilot"), (moved.Before, moved.After));
        var told = Assert.Single(await db.Outbox.Where(o => o.IdempotencyKey.StartsWith($"gate:{gate.Id}:passed")).ToListAsync());
        var message = Regex.Unescape(told.PayloadJson);
        Assert.Contains("🚦 **Phoenix passed Gate 3: Release to pilot customers**: review gate-3 is approved. Phoenix is now in **Pilot**.", message, StringComparison.Ordinal);
        Assert.Contains("Next gate: Gate 4: Go live for all customers (Pilot → Rollout), Mon 1 Mar 2027; 0 of 2 entry criteria confirmed.", message, StringComparison.Ordinal);

        var status = Assert.Single(await bot.SendAsync("status Phoenix", Alex)).ShouldBeCard("program.status");
        Assert.Equal("Pilot", (string?)status.Data["program"]!["phase"]);
        // Card text is stored escaped for Markdown (UserText); it shows as written.
        Assert.StartsWith(UserText.Escape("Gate 4: Go live for all customers (Pilot → Rollout), Mon 1 Mar 2027"), (string?)status.Data["nextGate"]!["text"], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AGateReviewRequestedInChat_GoesThroughTheQuorumEngineWithItsEvidence_AndPassesTheGate(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        await bot.SendAsync("approval cancel gate-3 the pilot date moved", Alex);

        var replies = await bot.SendAsync("gate review Phoenix gate-3 due 2026-12-11", Alex);

        Assert.StartsWith("Requested **Gate 3: Release to pilot customers**", replies[0].ShouldBeText(), StringComparison.Ordinal);
        Assert.Contains("Note: 2 entry criteria are not confirmed yet (“Pilot support rota agreed with Customer Operations”, Adele Vance; “Pilot customers briefed and onboarding guides published”, Patti Fernandez)",
            replies[^1].ShouldBeText(), StringComparison.Ordinal);
        Guid review;
        await using (var db = await bot.Store.OpenAsync())
        {
            var gate = await db.StageGates.SingleAsync(g => g.Key == "gate-3");
            var request = await db.Approvals.SingleAsync(a => a.Id == gate.ApprovalRequestId);
            Assert.Equal(ApprovalKind.StageGate, request.Kind);
            Assert.Equal(DeadlineAction.Escalate, request.OnDeadline);
            Assert.Contains("Passing it moves Phoenix from Build to Pilot.", request.Description, StringComparison.Ordinal);
            var evidence = ApprovalEvidence.Read(request.EvidenceJson)!;
            Assert.Equal(["Entry criteria: 2 of 4 entry criteria confirmed", "KPIs: 1 Red, 2 Amber, 3 Green", "Benefits: 6 benefits, 3 behind plan (1 marked at risk)", "RAID log"],
                evidence.Sections.Select(s => s.Title.Split(':')[0] == "RAID log" ? "RAID log" : s.Title).ToList());
            review = request.Id;
        }

        var megansCard = (await bot.ActAsync("approval.vote", new JsonObject { ["requestId"] = review.ToString(), ["decision"] = "approve" }, Megan))[0].ShouldBeCard("approval.request");
        Assert.Equal("Entry criteria: 2 of 4 entry criteria confirmed", (string?)megansCard.Data["request"]!["evidence"]![0]!["title"]);
        var decided = (await bot.ActAsync("approval.vote", new JsonObject { ["requestId"] = review.ToString(), ["decision"] = "approve" }, Lee))[0].ShouldBeCard("approval.decided");

        Assert.Equal("approved", (string?)decided.Data["request"]!["outcome"]);
        await using var after = await bot.Store.OpenAsync();
        Assert.Equal("pilot", (await after.Programs.SingleAsync(p => p.Key == "phoenix")).Phase);
        Assert.Single(await after.Audit.Where(a => a.Action == "gate.review.requested").ToListAsync());
    }

    [Theory]
    [InlineData(Adele, "Only Phoenix's program managers or PMO (Alex Wilber or Nestor Wilke) request gate reviews. Nothing was requested.")]
    [InlineData(Alex, "Gate 3: Release to pilot customers is already under review (gate-3, pending).")]
    public async Task AGateReview_ThatCannotBeRequested_SaysWhy(string who, string expected)
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync("gate review Phoenix gate-3", who));

        Assert.StartsWith(expected, reply.ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(2, await db.Approvals.CountAsync());
    }

    [Fact]
    public async Task AGateAhead_CannotBeReviewedYet()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync("gate review Phoenix gate-4", Alex));

        Assert.StartsWith("Phoenix is in Build, and Gate 4: Go live for all customers closes Pilot: it is reviewed when the program gets there.", reply.ShouldBeText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Portfolio_ShowsEveryProgramWithPhaseHealthNextGateAndPendingApprovals()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var card = Assert.Single(await bot.SendAsync("portfolio", Alex)).ShouldBeCard("portfolio.status");

        var phoenix = Assert.Single(card.Data["programs"]!.AsArray())!;
        Assert.Equal(("Build", "red", 3, 1), ((string?)phoenix["phase"], (string?)phoenix["rag"], (int)phoenix["kpisOffTarget"]!, (int)phoenix["pendingApprovals"]!));
        Assert.Equal("3 of 6 off target (1 Red, 2 Amber)", (string?)phoenix["kpisText"]);
        Assert.StartsWith(UserText.Escape("Gate 3: Release to pilot customers (Build → Pilot)"), (string?)phoenix["nextGateText"], StringComparison.Ordinal);
        Assert.Equal("Contoso (demo) — portfolio", (string?)card.Data["title"]);
        // Overdue RAID items, counted as the RAID card counts them, in the program's own today.
        await using var db = await bot.Store.OpenAsync();
        var program = await db.Programs.AsNoTracking().SingleAsync(p => p.Key == "phoenix");
        var today = GovernanceBot.Features.Raid.RaidRules.Today(bot.Clock.GetUtcNow(), program.TimeZone);
        var overdue = (await db.RaidItems.AsNoTracking().Where(i => i.ProgramId == program.Id).ToListAsync()).Count(i => GovernanceBot.Features.Raid.RaidRules.IsOverdue(i, today));
        var extra = Assert.Single(phoenix["extras"]!.AsArray(), e => (string?)e!["label"] == "Overdue RAID items")!;
        Assert.True(overdue > 0, "the demo has an overdue RAID item");
        Assert.Equal(overdue, (int)extra["number"]!);
    }

    [Fact]
    public async Task TheGatesCardAndAGatesEvidence_AreAsOfAMomentEachReaderSeesInTheirOwnZone()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var gates = Assert.Single(await bot.SendAsync("gates Phoenix", Adele)).ShouldBeCard("gates.status");
        var gate = Assert.Single(await bot.SendAsync("gate Phoenix gate-3", Adele)).ShouldBeCard("gate.detail");

        // "As of Wed 25 Nov 2026, 12:00 Europe/London" over a review deadline shown in the reader's own zone was two clocks on one card.
        foreach (var asOf in new[] { (string)gates.Data["asOfText"]!, (string)gate.Data["evidenceAsOfText"]! })
        {
            Assert.Equal("Wed 25 Nov 2026, 12:00 (Europe/London)", LocalTime.Plain(asOf));
            Assert.Contains($"<!date^{BotHarness.DefaultNow.ToUnixTimeSeconds()}^", LocalTime.Slack(asOf), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Portfolio_CountsOnlyWhatIsThere_AndIsAsOfAMomentEachReaderSeesInTheirOwnZone()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var card = Assert.Single(await bot.SendAsync("portfolio", Alex)).ShouldBeCard("portfolio.status");

        // Not "1 program: 1 Red, 0 Amber, 0 Green or without data." nor a fixed zone for a reader in Berlin: a moment, written in the programs' shared zone where a channel cannot localise it.
        Assert.Equal("1 program: 1 Red.", (string?)card.Data["summaryText"]);
        Assert.Equal("Wed 25 Nov 2026, 12:00 (Europe/London)", LocalTime.Plain((string)card.Data["asOfText"]!));
        Assert.Contains($"<!date^{BotHarness.DefaultNow.ToUnixTimeSeconds()}^", LocalTime.Slack((string)card.Data["asOfText"]!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, 2, 1, 0, "3 of 6 off target (1 Red, 2 Amber)")]
    [InlineData(0, 1, 0, 3, "1 of 4 off target (1 Amber)")]
    [InlineData(3, 0, 0, 0, "all 3 on target")]
    [InlineData(2, 0, 0, 1, "all 2 with a value on target, 1 without a value yet")]
    [InlineData(0, 0, 0, 2, "none with a value yet (2)")]
    public void PortfolioKpis_SayWhatIsOffTarget_WithoutZeroCounts(int green, int amber, int red, int none, string expected)
    {
        var text = GovernanceBot.Features.Portfolio.PortfolioHandler.KpisText(new RagCounts(green, amber, red, none, green + amber + red + none));

        Assert.Equal(expected, text);
    }

    [Fact]
    public async Task AskingWhenTheNextGateIs_IsAnsweredFromTheStore()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var card = Assert.Single(await bot.SendAsync("when is the next gate?", Adele)).ShouldBeCard("answer");

        var answer = (string?)card.Data["answer"];
        Assert.Contains("**Phoenix** is in **Build**. Its next gate is **Gate 3: Release to pilot customers (Build → Pilot), Sat 5 Dec 2026; 2 of 4 entry criteria confirmed** [1]", answer, StringComparison.Ordinal);
        Assert.Contains("not yet: Pilot support rota agreed with Customer Operations (Adele Vance)", (string?)card.Data["passages"]![0]!["text"], StringComparison.Ordinal);
    }

    private static Task<IReadOnlyList<Reply>> ConfirmAsync(BotHarness bot, string criterion, string who) =>
        bot.ActAsync("gate.confirm", new JsonObject { ["program"] = "phoenix", ["gate"] = "gate-3", ["criterion"] = criterion }, who);

    private static async Task<Guid> ApprovalIdAsync(BotHarness bot, string key)
    {
        await using var db = await bot.Store.OpenAsync();
        return (await db.Approvals.SingleAsync(a => a.Key == key)).Id;
    }
}
