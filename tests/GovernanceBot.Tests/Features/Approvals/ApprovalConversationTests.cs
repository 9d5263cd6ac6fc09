using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Scheduling;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using static GovernanceBot.Tests.Features.Approvals.ApprovalTestSteps;

namespace GovernanceBot.Tests.Features.Approvals;

public sealed class ApprovalConversationTests
{
    [Fact]
    public async Task Request_ByTheProgramManager_PostsTheCardToTheChannelAndToEachApprover()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await bot.SendAsync("link Phoenix", Manager, BotHarness.ChannelChat("phoenix-team"));

        var replies = await bot.SendAsync(
            "approval request \"Gate 4: go live\" approvers @meganb leeg \"Diego Siciliani\" quorum majority due 2026-12-05 kind stage-gate max-rejections 2 on-deadline escalate why \"Pilot went well\"",
            Manager);

        Assert.Contains("from Megan Bowen, Lee Gu, Diego Siciliani", replies[0].ShouldBeText(), StringComparison.Ordinal);
        var card = replies[1].ShouldBeCard("approval.request");
        Assert.Equal("Majority of the 3 approvers (2 must approve); 2 rejections reject it.", (string?)card.Data["request"]!["quorumText"]);
        Assert.Equal("Pilot went well", (string?)card.Data["request"]!["why"]);
        await using var db = await bot.Store.OpenAsync();
        var request = await db.Approvals.Include(a => a.Approvers).SingleAsync(a => a.Title == "Gate 4: go live");
        Assert.Equal("gate-4", request.Key);
        Assert.Equal(3, request.Approvers.Count);
        Assert.Equal(QuorumRule.Majority, request.Quorum);
        Assert.Equal(DeadlineAction.Escalate, request.OnDeadline);
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 17, 0, 0, TimeSpan.Zero), request.Deadline);
        var outbox = await db.Outbox.Where(o => o.Subject != null && o.Subject.Contains(request.Id.ToString())).ToListAsync();
        Assert.Single(outbox, o => o.Subject == ApprovalSubjects.Channel(request.Id) && o.Channel == ChannelNames.Local);
        Assert.Equal(["person:diegos@example.com", "person:leeg@example.com", "person:meganb@example.com"],
            outbox.Where(o => o.Channel == "person").Select(o => o.Destination).Order().ToList());
        Assert.Single(await db.Audit.Where(a => a.Action == "approval.requested" && a.Actor == "alexw").ToListAsync());
    }

    [Fact]
    public async Task Request_BySomeoneWhoIsNotAProgramManager_IsRefusedPolitelyAndAudited()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync("approval request \"Skip testing\" approvers @leeg quorum any", "adelev@example.com"));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        Assert.Contains("Only Phoenix's program managers or PMO can request approvals (Alex Wilber or Nestor Wilke)", reply.ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.False(await db.Approvals.AnyAsync(a => a.Title == "Skip testing"));
        Assert.Equal("adelev", (await db.Audit.SingleAsync(a => a.Action == "approval.request.refused")).Actor);
    }

    [Theory]
    [InlineData("approval request approvers @leeg", "Start with the title")]
    [InlineData("approval request \"X\" quorum any", "Who should approve?")]
    [InlineData("approval request \"X\" approvers @nobody", "I don't know \"@nobody\"")]
    [InlineData("approval request \"X\" approvers @leeg quorum most", "is not a quorum rule")]
    [InlineData("approval request \"X\" approvers @leeg @meganb quorum \"3 of 3\"", "needs 3 approvals but you named 2")]
    [InlineData("approval request \"X\" approvers @leeg due 2026-11-01", "has already passed")]
    [InlineData("approval request \"X\" approvers @leeg due tomorrow", "yyyy-MM-dd")]
    public async Task Request_WithBadInput_SaysWhatWasWrongAndStoresNothing(string text, string expected)
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var reply = Assert.Single(await bot.SendAsync(text, Manager));

        Assert.Contains(expected, reply.ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(2, await db.Approvals.CountAsync());
    }

    [Fact]
    public async Task Request_NamingAnApproverGroup_UsesItsMembersAndRule()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        await bot.SendAsync("approval request \"CR-13: extend pilot\" approvers steering-committee due 2026-12-10 kind change-request", Manager);

        await using var db = await bot.Store.OpenAsync();
        var request = await db.Approvals.Include(a => a.Approvers).SingleAsync(a => a.Title == "CR-13: extend pilot");
        Assert.Equal("cr-13", request.Key);
        Assert.Equal(3, request.Approvers.Count);
        Assert.Equal(2, request.MaxRejections);
    }

    [Fact]
    public async Task QuorumAny_OneApproval_ApprovesAndShowsTheDecidedCard()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "any");

        var reply = Assert.Single(await VoteAsync(bot, id, "approve", Lee, "Go"));

        var card = reply.ShouldBeCard("approval.decided");
        Assert.True(reply.ReplacesSourceCard);
        Assert.Equal("approved", (string?)card.Data["request"]!["outcome"]);
        Assert.Equal(ApprovalStatus.Approved, (await LoadAsync(bot, id)).Status);
    }

    [Fact]
    public async Task QuorumAll_NeedsEveryApproval_AndOneRejectionMakesItImpossible()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "all");

        (await VoteAsync(bot, id, "approve", Lee)).Single().ShouldBeCard("approval.request");
        (await VoteAsync(bot, id, "approve", Megan)).Single().ShouldBeCard("approval.request");
        var last = Assert.Single(await VoteAsync(bot, id, "reject", Diego, "Not ready")).ShouldBeCard("approval.decided");

        Assert.Equal("rejected", (string?)last.Data["request"]!["outcome"]);
        Assert.Contains("can no longer be reached", (string?)last.Data["request"]!["outcomeText"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuorumAll_AllApprove_Approves()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "all");

        await VoteAsync(bot, id, "approve", Lee);
        await VoteAsync(bot, id, "approve", Megan);
        await VoteAsync(bot, id, "approve", Diego);

        Assert.Equal(ApprovalStatus.Approved, (await LoadAsync(bot, id)).Status);
    }

    [Fact]
    public async Task QuorumMajority_TwoOfThreeApprove_Approves_AndTheCardShowedProgressBefore()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "majority");

        var first = Assert.Single(await VoteAsync(bot, id, "approve", Lee)).ShouldBeCard("approval.request");
        Assert.Equal("Needs 1 more approval to pass.", (string?)first.Data["request"]!["progressText"]);
        Assert.Equal(1, (int)first.Data["request"]!["tally"]!["approve"]!);
        Assert.Equal(2, (int)first.Data["request"]!["tally"]!["pending"]!);
        Assert.Equal(ApprovalStatus.Pending, (await LoadAsync(bot, id)).Status);

        (await VoteAsync(bot, id, "approve", Diego)).Single().ShouldBeCard("approval.decided");
        Assert.Equal(ApprovalStatus.Approved, (await LoadAsync(bot, id)).Status);
    }

    [Fact]
    public async Task QuorumNOfM_AbstentionsMakeItImpossible_RejectsEarly()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "\"2 of 3\"");

        await VoteAsync(bot, id, "abstain", Lee);
        Assert.Equal(ApprovalStatus.Pending, (await LoadAsync(bot, id)).Status);
        var reply = Assert.Single(await VoteAsync(bot, id, "abstain", Megan)).ShouldBeCard("approval.decided");

        Assert.Equal("rejected", (string?)reply.Data["request"]!["outcome"]);
        Assert.Equal(ApprovalStatus.Rejected, (await LoadAsync(bot, id)).Status);
    }

    [Fact]
    public async Task QuorumNOfM_WrittenWithoutQuotes_Works()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "2 of 3");

        await VoteAsync(bot, id, "approve", Lee);
        await VoteAsync(bot, id, "approve", Megan);

        Assert.Equal(ApprovalStatus.Approved, (await LoadAsync(bot, id)).Status);
    }

    [Fact]
    public async Task MaxRejections_Reached_RejectsEarlyEvenThoughApprovalWasStillPossible()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "any", "max-rejections 1");

        var reply = Assert.Single(await VoteAsync(bot, id, "reject", Megan, "Budget not approved")).ShouldBeCard("approval.decided");

        Assert.Contains("Rejected early", (string?)reply.Data["request"]!["outcomeText"], StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        var log = await db.DecisionLog.SingleAsync(d => d.ApprovalRequestId == id);
        Assert.Equal("rejected", log.Outcome);
    }

    [Fact]
    public async Task Reject_WithoutAReason_AsksForOneAndRecordsNothing()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "majority");

        var reply = Assert.Single(await VoteAsync(bot, id, "reject", Megan));

        Assert.Contains("Please say why you reject", reply.ShouldBeText(), StringComparison.Ordinal);
        Assert.Empty((await LoadAsync(bot, id)).Votes);
    }

    [Fact]
    public async Task Vote_ByNonApprover_IsRefusedAndNotRecorded()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "majority");

        var reply = Assert.Single(await VoteAsync(bot, id, "approve", "adelev@example.com"));

        Assert.Equal(ReplyAudience.Requester, reply.Audience);
        Assert.Contains("Only the approvers of **Gate 4: go live** can vote on it: Diego Siciliani, Lee Gu or Megan Bowen", reply.ShouldBeText(), StringComparison.Ordinal);
        Assert.Empty((await LoadAsync(bot, id)).Votes);
        Assert.Equal("adelev", Assert.Single(await AuditAsync(bot, "approval.vote.refused")).Actor);
    }

    [Fact]
    public async Task Vote_AfterTheDecision_IsRefusedNotRecordedAndAudited()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "any");
        await VoteAsync(bot, id, "approve", Lee);

        var reply = Assert.Single(await VoteAsync(bot, id, "reject", Megan, "too late"));

        Assert.Contains("already approved", reply.ShouldBeText(), StringComparison.Ordinal);
        Assert.Single((await LoadAsync(bot, id)).Votes);
        Assert.Contains("already approved", Assert.Single(await AuditAsync(bot, "approval.vote.refused")).After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vote_FromACardInAnotherWorkspace_IsRefusedNotRecordedAndAudited()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await IdOfAsync(bot, "gate-3");
        await using (var db = await bot.Store.OpenAsync())
        {
            db.Workspaces.Add(new Workspace { Key = "other", Name = "Other Co" });
            await db.SaveChangesAsync();
        }

        var other = new ConversationRef(ChannelNames.Local, "other", "dm", ConversationKind.Personal);
        var reply = Assert.Single(await VoteAsync(bot, id, "approve", Megan, conversation: other));

        Assert.Contains("can't find that approval in this workspace", reply.ShouldBeText(), StringComparison.Ordinal);
        Assert.Single((await LoadAsync(bot, id)).Votes);
        Assert.Single(await AuditAsync(bot, "approval.vote.refused"));
    }

    [Fact]
    public async Task Vote_WithAForgedPayloadNamingSomeoneElse_IsRefusedAndNotRecorded()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await IdOfAsync(bot, "gate-3");
        Guid megan;
        await using (var db = await bot.Store.OpenAsync())
        {
            megan = (await db.Stakeholders.SingleAsync(s => s.Key == "meganb")).Id;
        }

        var forged = new JsonObject
        {
            ["requestId"] = id.ToString(),
            ["decision"] = "approve",
            ["approverId"] = megan.ToString(),
            ["approver"] = "meganb",
            ["onBehalfOf"] = "meganb",
            ["email"] = Megan,
        };
        var reply = Assert.Single(await bot.ActAsync("approval.vote", forged, "adelev@example.com"));

        Assert.Contains("Only the approvers", reply.ShouldBeText(), StringComparison.Ordinal);
        var request = await LoadAsync(bot, id);
        Assert.DoesNotContain(request.Votes, v => v.ApproverId == megan);
        Assert.Equal(ApprovalStatus.Pending, request.Status);
        Assert.Single(await AuditAsync(bot, "approval.vote.refused"));
    }

    [Fact]
    public async Task EveryVote_UpdatesEveryPostedCopy_ChannelViewNeutral_DirectMessagesPersonal()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await bot.SendAsync("link Phoenix", Manager, BotHarness.ChannelChat("phoenix-team"));
        var id = await RequestAsync(bot, "all");

        var reply = Assert.Single(await VoteAsync(bot, id, "approve", Lee, "Ship it"));

        Assert.True(reply.ReplacesSourceCard);
        var mine = reply.ShouldBeCard("approval.request");
        Assert.Equal("approve", (string?)mine.Data["viewer"]!["decision"]);
        await using var db = await bot.Store.OpenAsync();
        var updates = await db.Outbox.Where(o => o.Channel == "update").ToListAsync();
        Assert.Equal(4, updates.Count);
        var channel = OutboundPayloadOf(updates.Single(u => u.Subject == ApprovalSubjects.Channel(id)));
        Assert.False((bool)channel.Content.Data!["viewer"]!["canVote"]!);
        Assert.Equal(1, (int)channel.Content.Data!["request"]!["tally"]!["approve"]!);
        var megansCopy = OutboundPayloadOf(updates.Single(u => u.Subject == ApprovalSubjects.Direct(id, "meganb")));
        Assert.True((bool)megansCopy.Content.Data!["viewer"]!["canVote"]!);
        Assert.Equal("pending", (string?)megansCopy.Content.Data!["viewer"]!["decision"]);
        var vote = Assert.Single((await LoadAsync(bot, id)).Votes);
        Assert.Equal("Ship it", vote.Comment);
    }

    [Fact]
    public async Task AVoteFromTheChannelCard_ReplacesItWithTheViewForEveryone()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "all");

        var reply = Assert.Single(await VoteAsync(bot, id, "approve", Lee, conversation: BotHarness.ChannelChat("phoenix-team")));

        var card = reply.ShouldBeCard("approval.request");
        Assert.False((bool)card.Data["viewer"]!["canVote"]!);
        Assert.Contains("Only the approvers vote on this", (string?)card.Data["viewer"]!["note"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangingAVote_BeforeTheDecision_ReplacesIt_AndTheAuditShowsBeforeAndAfter()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "majority");

        await VoteAsync(bot, id, "abstain", Lee);
        var changed = Assert.Single(await VoteAsync(bot, id, "approve", Lee, "Read the report now"));
        Assert.Equal("approve", (string?)changed.ShouldBeCard("approval.request").Data["viewer"]!["decision"]);

        var vote = Assert.Single((await LoadAsync(bot, id)).Votes);
        Assert.Equal(VoteDecision.Approve, vote.Decision);
        var audit = Assert.Single(await AuditAsync(bot, "approval.vote.approve"));
        Assert.Equal("abstain", audit.Before);
        Assert.Equal("approve: Read the report now", audit.After);
        Assert.Single(await AuditAsync(bot, "approval.vote.abstain"));
    }

    [Fact]
    public async Task TheDecision_IsLogged_AndDecisionsListsIt()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await RequestAsync(bot, "any");
        await VoteAsync(bot, id, "approve", Diego, "Funded");

        var card = Assert.Single(await bot.SendAsync("decisions Phoenix", "meganb@example.com")).ShouldBeCard("decisions.log");

        var rows = card.Data["decisions"]!.AsArray();
        var gate = rows.Single(r => (string?)r!["title"] == "Gate 4: go live")!;
        Assert.Equal("✅ Approved", (string?)gate["statusText"]);
        Assert.StartsWith("Quorum reached: 1 approval", (string?)gate["rationale"], StringComparison.Ordinal);
        Assert.Contains(rows, r => (string?)r!["title"] == "CR-12: add e-signature to onboarding" && (string?)r["status"] == "approved");
        var decided = Assert.Single(await AuditAsync(bot, "approval.decided"));
        Assert.Equal("pending", decided.Before);
    }

    [Fact]
    public async Task Delegation_TheDelegateVotesForTheApprover_TheApproverIsTold_AndTheAuditShowsBoth()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var done = Assert.Single(await bot.SendAsync("delegate approvals to @nestorw until 2026-12-19", Megan)).ShouldBeText();
        Assert.Contains("**Nestor Wilke** can vote on your Phoenix approvals", done, StringComparison.Ordinal);

        var pending = await bot.SendAsync("approvals", "nestorw@example.com");
        Assert.Contains("as delegate for Megan Bowen", pending[0].ShouldBeText(), StringComparison.Ordinal);
        Assert.True((bool)pending[1].ShouldBeCard("approval.request").Data["viewer"]!["canVote"]!);

        var id = await IdOfAsync(bot, "gate-3");
        var reply = Assert.Single(await VoteAsync(bot, id, "approve", "nestorw@example.com", "Megan asked me to approve"));

        var card = reply.ShouldBeCard("approval.decided");
        var line = card.Data["request"]!["votes"]!.AsArray().Single(v => (string?)v!["onBehalfOf"] == "Megan Bowen");
        Assert.Equal("Nestor Wilke", (string?)line!["name"]);
        await using var db = await bot.Store.OpenAsync();
        var megan = await db.Stakeholders.SingleAsync(s => s.Key == "meganb");
        var nestor = await db.Stakeholders.SingleAsync(s => s.Key == "nestorw");
        var vote = await db.Votes.SingleAsync(v => v.RequestId == id && v.ApproverId == megan.Id);
        Assert.Equal(nestor.Id, vote.CastById);
        Assert.True(await db.Outbox.AnyAsync(o => o.Destination == "person:meganb@example.com" && o.PayloadJson.Contains("on your behalf")));
        Assert.True(await db.Outbox.AnyAsync(o => o.Destination == "person:nestorw@example.com" && o.PayloadJson.Contains("delegated their Phoenix approvals")));
        var audit = await db.Audit.SingleAsync(a => a.Action == "approval.vote.approve");
        Assert.Equal("nestorw", audit.Actor);
        Assert.Contains("on behalf of meganb", audit.After, StringComparison.Ordinal);
        Assert.Single(await db.Audit.Where(a => a.Action == "approval.delegated" && a.Actor == "meganb").ToListAsync());
    }

    [Fact]
    public async Task Delegation_AfterItsEndDate_NoLongerLetsTheDelegateVote()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await bot.SendAsync("delegate approvals to nestorw@example.com until 2026-11-26", Megan);
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

        var reply = Assert.Single(await VoteAsync(bot, await IdOfAsync(bot, "gate-3"), "approve", "nestorw@example.com"));

        Assert.Contains("Only the approvers", reply.ShouldBeText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approvals_ListsOnlyWhatStillWaitsForMyVote()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);

        var lee = Assert.Single(await bot.SendAsync("approvals", Lee)).ShouldBeText();
        var megan = await bot.SendAsync("approvals", Megan);

        Assert.Contains("Nothing is waiting", lee, StringComparison.Ordinal);
        Assert.Contains("**Gate 3: release to pilot customers**", megan[0].ShouldBeText(), StringComparison.Ordinal);
        Assert.Equal("Megan", (string?)megan[1].ShouldBeCard("approval.request").Data["viewer"]!["firstName"]);
    }

    [Fact]
    public async Task Refresh_ShowsEachViewerTheirOwnButtons()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        var id = await IdOfAsync(bot, "gate-3");

        var forMegan = Assert.Single(await bot.ActAsync("approval.refresh", new() { ["requestId"] = id.ToString() }, Megan)).ShouldBeCard("approval.request");
        var forAdele = Assert.Single(await bot.ActAsync("approval.refresh", new() { ["requestId"] = id.ToString() }, "adelev@example.com")).ShouldBeCard("approval.request");

        Assert.True((bool)forMegan.Data["viewer"]!["canVote"]!);
        Assert.False((bool)forAdele.Data["viewer"]!["canVote"]!);
        Assert.Equal(1, (int)forAdele.Data["request"]!["tally"]!["approve"]!);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheDeadline_ExpiresAnUndecidedRequest_Once(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        await bot.SendAsync("link Phoenix", Manager, BotHarness.ChannelChat("phoenix-team"));
        var id = await RequestAsync(bot, "all");
        await VoteAsync(bot, id, "approve", Lee);
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 5, 16, 59, 59, TimeSpan.Zero));
        await RunAsync<ApprovalDeadlineJob>(bot);
        Assert.Equal(ApprovalStatus.Pending, (await LoadAsync(bot, id)).Status);
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 5, 17, 0, 1, TimeSpan.Zero));

        await RunAsync<ApprovalDeadlineJob>(bot);
        await RunAsync<ApprovalDeadlineJob>(bot);

        Assert.Equal(ApprovalStatus.Expired, (await LoadAsync(bot, id)).Status);
        await using var db = await bot.Store.OpenAsync();
        Assert.Equal("expired", (await db.DecisionLog.SingleAsync(d => d.ApprovalRequestId == id)).Outcome);
        var decided = await db.Outbox.SingleAsync(o => o.Channel == "update" && o.IdempotencyKey.EndsWith(":decided") && o.Subject == ApprovalSubjects.Channel(id));
        Assert.Equal("approval.decided", OutboundPayloadOf(decided).Content.Template);
        Assert.Single(await db.Audit.Where(a => a.Action == "approval.decided" && a.Subject == "approval:gate-4").ToListAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheDeadline_OfAnEscalatingRequest_AsksTheSponsorToDecide(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        var id = await IdOfAsync(bot, "gate-3");
        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));

        await RunAsync<ApprovalDeadlineJob>(bot);

        Assert.Equal(ApprovalStatus.Escalated, (await LoadAsync(bot, id)).Status);
        await using var db = await bot.Store.OpenAsync();
        var toSponsor = await db.Outbox.Where(o => o.Destination == "person:meganb@example.com").ToListAsync();
        Assert.Contains(toSponsor, o => o.PayloadJson.Contains("escalated to you as sponsor"));
        Assert.Single(await db.Audit.Where(a => a.Action == "approval.escalated" && a.After!.Contains("meganb")).ToListAsync());
        // Escalating is not deciding: nothing is in the decision log until the sponsor decides.
        Assert.False(await db.DecisionLog.AnyAsync(d => d.ApprovalRequestId == id));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Reminders_GoOnceBeforeTheDeadline_OnlyToApproversWhoHaveNotVoted(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        var id = await IdOfAsync(bot, "gate-3");

        await RunAsync<ApprovalReminderJob>(bot);
        await using (var db = await bot.Store.OpenAsync())
        {
            Assert.False(await db.Outbox.AnyAsync(o => o.IdempotencyKey.Contains(":reminder:")));
        }

        bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 4, 18, 0, 0, TimeSpan.Zero));
        await RunAsync<ApprovalReminderJob>(bot);
        await RunAsync<ApprovalReminderJob>(bot);

        await using var check = await bot.Store.OpenAsync();
        var reminders = await check.Outbox.Where(o => o.IdempotencyKey.Contains(":reminder:") && o.IdempotencyKey.EndsWith(":text")).ToListAsync();
        Assert.Equal(["person:diegos@example.com", "person:meganb@example.com"], reminders.Select(r => r.Destination).Order().ToList());
        Assert.NotNull((await LoadAsync(bot, id)).RemindedAt);
        Assert.Single(await check.Audit.Where(a => a.Action == "approval.reminded").ToListAsync());
    }

    private static OutboundPayload OutboundPayloadOf(OutboxMessage message) =>
        System.Text.Json.JsonSerializer.Deserialize(message.PayloadJson, OutboxJson.Default.OutboundPayload)!;
}
