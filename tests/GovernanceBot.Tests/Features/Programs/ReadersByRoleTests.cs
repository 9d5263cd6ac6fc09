using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using GovernanceBot.Tests.Features.Approvals;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Tests.Features.Programs;

/// <summary>Who reads what (issue 14, item 7), in Phoenix: Alex manages, Nestor is PMO, Megan sponsors, Lynne owns a benefit.</summary>
public sealed class ReadersByRoleTests
{
    private const string Manager = "alexw@example.com";
    private const string Pmo = "nestorw@example.com";
    private const string Sponsor = "meganb@example.com";
    private const string Approver = "leeg@example.com";
    private const string Stakeholder = "lynner@example.com";
    private const string Colleague = "someone.else@example.com";

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AGuest_AskingForTheAuditTrailOrWhoAnswered_IsRefusedPrivately_SayingWhy_AndTheRefusalIsAudited(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        // Even with the program manager's e-mail: a guest account is a guest.
        var audit = Assert.Single(await bot.SendAsync("audit export Phoenix", Manager, Membership.Guest));
        var status = Assert.Single(await bot.SendAsync("checkin status Phoenix", Manager, Membership.Guest));

        Assert.Equal(ReplyAudience.Requester, audit.Audience);
        var text = audit.ShouldBeText();
        Assert.True(text.Contains("You are a guest in this workspace", StringComparison.Ordinal), text);
        Assert.True(text.Contains("the audit trail of this workspace's programs", StringComparison.Ordinal), text);
        Assert.True(text.Contains("type **checkin**", StringComparison.Ordinal), text);
        Assert.DoesNotContain("at,actor", text, StringComparison.Ordinal);
        Assert.True(status.ShouldBeText().Contains("who has answered a check-in", StringComparison.Ordinal), status.ShouldBeText());
        Assert.DoesNotContain("@example.com", status.ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        var refusals = await db.Audit.Where(a => a.Action.EndsWith(".refused") && a.Action.StartsWith("read.")).ToListAsync();
        Assert.Equal(["read.audit.refused", "read.checkin-progress.refused"], refusals.Select(r => r.Action).Order().ToArray());
        Assert.All(refusals, r => Assert.Equal("guest: only what is posted in the channel", r.After));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task SomeoneFromAnotherOrganisation_IsRefusedEverythingPrivate_AndNoProgramNameLeaks(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        foreach (var command in new[] { "audit export Phoenix", "checkin status Phoenix", "decisions Phoenix", "programs", "status Phoenix", "kpis Phoenix", "benefits Phoenix", "kpi On-time delivery", "status Atlantis" })
        {
            var text = Assert.Single(await bot.SendAsync(command, Manager, Membership.External)).ShouldBeText();

            Assert.True(text.Contains("You are from another organisation", StringComparison.Ordinal), text);
            Assert.DoesNotContain("Programs here", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AGuestKnownOnlyToTheStore_IsRefusedToo()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await bot.SendAsync("help", Manager);
        await using (var db = await bot.Store.OpenAsync())
        {
            // What the platform said on an earlier turn (e.g. a Teams member lookup): this turn says nothing.
            await db.ChatUsers.Where(u => u.Email == Manager).ExecuteUpdateAsync(s => s.SetProperty(u => u.Membership, Membership.Guest));
        }

        var text = Assert.Single(await bot.SendAsync("audit export Phoenix", Manager)).ShouldBeText();

        Assert.True(text.Contains("You are a guest in this workspace", StringComparison.Ordinal), text);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AGuestInTheProgramsChannel_SeesWhatIsPostedThere_ButNothingFromA1To1OrAnotherChannel(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        var channel = BotHarness.ChannelChat("phoenix-team");
        await bot.SendAsync("link Phoenix", Manager, channel);

        var inChannel = Assert.Single(await bot.SendAsync("status", Colleague, Membership.Guest, channel));
        var kpisInChannel = Assert.Single(await bot.SendAsync("kpis Phoenix", Colleague, Membership.Guest, channel));
        var inDm = Assert.Single(await bot.SendAsync("status Phoenix", Colleague, Membership.Guest));
        var elsewhere = Assert.Single(await bot.SendAsync("status Phoenix", Colleague, Membership.Guest, BotHarness.ChannelChat("random")));
        var decisions = Assert.Single(await bot.SendAsync("decisions Phoenix", Colleague, Membership.Guest, channel));

        inChannel.ShouldBeCard("program.status");
        Assert.IsType<CardReply>(kpisInChannel);
        Assert.True(inDm.ShouldBeText().Contains("only show what is posted in the channel you are in", StringComparison.Ordinal), inDm.ShouldBeText());
        Assert.True(elsewhere.ShouldBeText().Contains("only show what is posted in the channel you are in", StringComparison.Ordinal), elsewhere.ShouldBeText());
        Assert.True(decisions.ShouldBeText().Contains("the decision log of this workspace's programs", StringComparison.Ordinal), decisions.ShouldBeText());
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AStakeholder_SeesStatusAndTheirOwnAnswers_ButNotTheAuditTrailWhoAnsweredOrTheDecisions(StoreKind kind)
    {
        await using var bot = await StartWithLynnesAnswerAsync(kind);

        var status = Assert.Single(await bot.SendAsync("status Phoenix", Stakeholder));
        var mine = Assert.Single(await bot.SendAsync("checkin", Stakeholder)).ShouldBeCard("checkin.thanks");
        var audit = Assert.Single(await bot.SendAsync("audit export Phoenix", Stakeholder)).ShouldBeText();
        var progress = Assert.Single(await bot.SendAsync("checkin status Phoenix", Stakeholder)).ShouldBeText();
        var decisions = Assert.Single(await bot.SendAsync("decisions Phoenix", Stakeholder)).ShouldBeText();

        status.ShouldBeCard("program.status");
        Assert.True(mine.Data.ToJsonString().Contains("Waiting on the billing team", StringComparison.Ordinal), mine.Data.ToJsonString());
        Assert.True(audit.Contains("Only Phoenix's program managers and PMO can see the audit trail", StringComparison.Ordinal), audit);
        Assert.True(audit.Contains("ask Alex Wilber or Nestor Wilke", StringComparison.Ordinal), audit);
        Assert.DoesNotContain("at,actor", audit, StringComparison.Ordinal);
        Assert.True(progress.Contains("Only Phoenix's program managers and PMO can see who has answered", StringComparison.Ordinal), progress);
        Assert.True(decisions.Contains("Only Phoenix's program managers, PMO, sponsors and approvers can see the decision log", StringComparison.Ordinal), decisions);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheSponsorAndAnApprover_SeeTheDecisions_ButNotTheAuditTrail(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var sponsor = Assert.Single(await bot.SendAsync("decisions Phoenix", Sponsor));
        var approver = Assert.Single(await bot.SendAsync("decisions Phoenix", Approver));
        var audit = Assert.Single(await bot.SendAsync("audit export Phoenix", Sponsor)).ShouldBeText();

        sponsor.ShouldBeCard("decisions.log");
        approver.ShouldBeCard("decisions.log");
        Assert.True(audit.Contains("Only Phoenix's program managers and PMO can see the audit trail", StringComparison.Ordinal), audit);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheProgramManagerAndThePmo_SeeEverything_IncludingEveryAnswerInTheAuditTrail(StoreKind kind)
    {
        await using var bot = await StartWithLynnesAnswerAsync(kind);

        foreach (var reader in new[] { Manager, Pmo })
        {
            var audit = await bot.FileTextAsync(Assert.Single(await bot.SendAsync("audit export Phoenix", reader)));
            var progress = Assert.Single(await bot.SendAsync("checkin status Phoenix", reader)).ShouldBeText();
            var decisions = Assert.Single(await bot.SendAsync("decisions Phoenix", reader));

            Assert.True(audit.Contains("lynner,local,checkin.answer.submitted", StringComparison.Ordinal), audit);
            Assert.True(progress.Contains("Answered: Lynne Robbins", StringComparison.Ordinal), progress);
            Assert.Equal(ReplyAudience.Requester, decisions.ShouldBeCard("decisions.log").Audience);
        }

        // Asked in a channel, the answers still go to the manager alone: guests may be listening.
        var channel = BotHarness.ChannelChat("phoenix-team");
        foreach (var command in new[] { "audit export Phoenix", "checkin status Phoenix", "decisions Phoenix" })
        {
            Assert.Equal(ReplyAudience.Requester, Assert.Single(await bot.SendAsync(command, Manager, channel)).Audience);
        }
    }

    [Fact]
    public async Task AGuestsQuestion_IsAnsweredFromTheKnowledgeBaseOnly_NeverFromTheStore()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var member = Assert.Single(await bot.SendAsync("who owns the cost-savings benefit?", Colleague)).ShouldBeCard("answer");
        var guest = Assert.Single(await bot.SendAsync("who owns the cost-savings benefit?", Colleague, Membership.Guest));

        Assert.True(member.Data.ToJsonString().Contains("Diego Siciliani", StringComparison.Ordinal), member.Data.ToJsonString());
        var text = guest is CardReply card ? card.Data.ToJsonString() : guest.ShouldBeText();
        Assert.DoesNotContain("Diego", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Lower onboarding operating cost", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGuest_RefreshingAnApprovalCard_SeesItOnlyAsOneOfItsApprovers()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await ApprovalTestSteps.RequestAsync(bot, "any");

        var approver = Assert.Single(await bot.ActAsync("approval.refresh", new() { ["requestId"] = id.ToString() }, Sponsor, Membership.Guest));
        var other = Assert.Single(await bot.ActAsync("approval.refresh", new() { ["requestId"] = id.ToString() }, Stakeholder, Membership.Guest));

        approver.ShouldBeCard("approval.request");
        Assert.True(other.ShouldBeText().Contains("You are a guest in this workspace", StringComparison.Ordinal), other.ShouldBeText());
    }

    public static TheoryData<string, Membership, string, Reading, bool> Matrix => new()
    {
        { "program-manager", Membership.Member, "phoenix", Reading.AuditTrail, true },
        { "pmo", Membership.Member, "phoenix", Reading.CheckInProgress, true },
        { "program-manager", Membership.Member, "atlas", Reading.AuditTrail, false },
        { "sponsor", Membership.Member, "phoenix", Reading.Decisions, true },
        { "sponsor", Membership.Member, "phoenix", Reading.CheckInProgress, false },
        { "approver", Membership.Member, "phoenix", Reading.Decisions, true },
        { "benefit-owner", Membership.Member, "phoenix", Reading.Decisions, false },
        { "benefit-owner", Membership.Member, "phoenix", Reading.Status, true },
        { "benefit-owner", Membership.Unknown, "phoenix", Reading.OwnItems, true },
        { "program-manager", Membership.Guest, "phoenix", Reading.AuditTrail, false },
        { "program-manager", Membership.External, "phoenix", Reading.Decisions, false },
        { "benefit-owner", Membership.Guest, "phoenix", Reading.OwnItems, true },
        { "benefit-owner", Membership.Guest, "here", Reading.Status, true },
        { "benefit-owner", Membership.External, "phoenix", Reading.Status, false },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public void ThePolicy_ReadsByRoleAndMembership(string role, Membership membership, string program, Reading what, bool allowed)
    {
        Guid phoenix = Guid.CreateVersion7(), atlas = Guid.CreateVersion7(), here = Guid.CreateVersion7();
        var me = new Stakeholder { Key = "me", Name = "Me", TimeZone = "UTC", ProgramId = phoenix, Roles = [role] };
        var reader = new Reader(membership, [me], new HashSet<Guid>(), new HashSet<Guid> { here });
        var id = program switch { "phoenix" => phoenix, "atlas" => atlas, _ => here };

        Assert.Equal(allowed, ReaderPolicy.CanRead(reader, id, what));
    }

    /// <summary>The bot with a check-in round opened by Alex and answered by Lynne.</summary>
    private static async Task<BotHarness> StartWithLynnesAnswerAsync(StoreKind kind)
    {
        var bot = await BotHarness.StartAsync(kind, now: new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));
        await bot.SendAsync("checkin run Phoenix", Manager);
        await bot.ActAsync("checkin.submit", await AnswersAsync(bot), Stakeholder);
        return bot;
    }

    private static async Task<JsonObject> AnswersAsync(BotHarness bot)
    {
        await using var db = await bot.Store.OpenAsync();
        var round = await db.CheckInRounds.SingleAsync(r => r.Status == CheckInRoundStatus.Open);
        return new JsonObject
        {
            ["roundId"] = round.Id.ToString(),
            ["q_confidence"] = "4",
            ["q_status"] = "On track",
            ["q_highlights"] = "Release 1 passed security testing.",
            ["q_risks"] = "Waiting on the billing team",
        };
    }
}
