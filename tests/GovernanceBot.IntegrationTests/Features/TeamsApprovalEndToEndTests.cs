using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Hosting;
using GovernanceBot.IntegrationTests.Channels.Teams;
using GovernanceBot.Scheduling;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Features;

/// <summary>
/// Teams end to end, with real JWTs and the real card renderer: a request posted to the program
/// channel and an approver's 1:1; the approver's vote (an Action.Execute invoke) is answered with the
/// new card and every other copy is PUT-updated with the new tally; an escalated gate is decided by
/// its sponsor from the card.
/// </summary>
public sealed class TeamsApprovalEndToEndTests
{
    private const string Channel = "19:phoenix@thread.tacv2";

    [Fact]
    public async Task AVoteInAnApproversChat_IsTheInvokeAnswer_AndTheChannelCopyIsUpdated()
    {
        await using var teams = await StartAsync();
        var dispatcher = teams.Bot.Services.GetRequiredService<OutboxDispatcher>();

        Assert.Equal(HttpStatusCode.OK, (await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "link Phoenix", "m-1", "channel", Channel), teams.ValidToken())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl,
            "approval request \"Gate 4: go live\" approvers meganb leeg quorum all due 2026-12-10", "m-2", "channel", Channel), teams.ValidToken())).StatusCode);
        await dispatcher.DrainAllAsync(CancellationToken.None);

        Guid requestId;
        await using (var db = await teams.DbAsync())
        {
            requestId = (await db.Approvals.SingleAsync(a => a.Title == "Gate 4: go live")).Id;
        }

        var channelCard = Assert.Single(teams.Framework.Sent("POST"), r => r.Path == $"/v3/conversations/{Channel}/activities" && r.Body!.ToJsonString().Contains("Gate 4", StringComparison.Ordinal));
        Assert.Contains(teams.Framework.Sent("POST"), r => r.Path.StartsWith("/v3/conversations/a:conv-megan/activities", StringComparison.Ordinal) && r.Body!.ToJsonString().Contains("Gate 4", StringComparison.Ordinal));

        var vote = AsMegan(TestActivities.Invoke(teams.Framework.ServiceUrl, "approval.vote",
            new JsonObject { ["requestId"] = requestId.ToString(), ["decision"] = "approve" }, id: "vote-1", replyToId: "dm-card"));
        using var answer = await teams.PostAsync(vote, teams.ValidToken());
        await dispatcher.DrainAllAsync(CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var invoke = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.Equal(200, (int)invoke["statusCode"]!);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)invoke["type"]);
        var channelUpdate = Assert.Single(teams.Framework.Sent("PUT"), r => r.Path.StartsWith($"/v3/conversations/{Channel}/activities/", StringComparison.Ordinal));
        var updated = channelUpdate.Body!.ToJsonString();
        Assert.Contains("1 approve", updated, StringComparison.Ordinal);
        Assert.Contains("1 waiting", updated, StringComparison.Ordinal);
        Assert.DoesNotContain("1 approve", channelCard.Body!.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ARequestTypedInTheLinkedChannel_IsPostedThereOnce_AndThatCopyIsUpdatedByTheVote(StoreKind kind)
    {
        await using var teams = await StartAsync(kind);
        var dispatcher = teams.Bot.Services.GetRequiredService<OutboxDispatcher>();
        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "link Phoenix", "m-1", "channel", Channel), teams.ValidToken());

        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl,
            "approval request \"Gate 4: go live\" approvers meganb leeg quorum all due 2026-12-10", "m-2", "channel", Channel), teams.ValidToken());
        await dispatcher.DrainAllAsync(CancellationToken.None);

        var cardsHere = teams.Framework.Sent("POST").Where(r => r.Path.StartsWith($"/v3/conversations/{Channel}/activities", StringComparison.Ordinal)
            && r.Body!.ToJsonString().Contains("application/vnd.microsoft.card.adaptive", StringComparison.Ordinal)).ToList();
        Assert.Single(cardsHere);
        Assert.Contains(teams.Framework.Sent("POST"), r => r.Path.StartsWith($"/v3/conversations/{Channel}/activities", StringComparison.Ordinal)
            && r.Body!.ToJsonString().Contains("posted it here", StringComparison.Ordinal));

        using var answer = await teams.PostAsync(AsMegan(TestActivities.Invoke(teams.Framework.ServiceUrl, "approval.vote",
            new JsonObject { ["requestId"] = await IdAsync(teams, "gate-4"), ["decision"] = "approve" }, id: "vote-1", replyToId: "dm-card")), teams.ValidToken());
        await dispatcher.DrainAllAsync(CancellationToken.None);

        var update = Assert.Single(teams.Framework.Sent("PUT"), r => r.Path.StartsWith($"/v3/conversations/{Channel}/activities/", StringComparison.Ordinal));
        Assert.Contains("1 approve", update.Body!.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AnEscalatedGate_IsDecidedByTheSponsorsActionExecute_AndTheRequesterAndApproversAreTold(StoreKind kind)
    {
        await using var teams = await StartAsync(kind);
        var dispatcher = teams.Bot.Services.GetRequiredService<OutboxDispatcher>();
        teams.Bot.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
        await using (var scope = teams.Bot.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ApprovalDeadlineJob>().RunAsync(CancellationToken.None);
        }

        await dispatcher.DrainAllAsync(CancellationToken.None);
        var toMegan = teams.Framework.Sent("POST").Where(r => r.Path.StartsWith("/v3/conversations/a:conv-megan/activities", StringComparison.Ordinal))
            .Select(r => r.Body!.ToJsonString()).ToList();
        Assert.Contains(toMegan, b => b.Contains("escalated to you as sponsor to decide", StringComparison.Ordinal));
        Assert.Contains(toMegan, b => b.Contains("Your decision, Megan", StringComparison.Ordinal));

        using var answer = await teams.PostAsync(AsMegan(TestActivities.Invoke(teams.Framework.ServiceUrl, "approval.vote",
            new JsonObject { ["requestId"] = await IdAsync(teams, "gate-3"), ["decision"] = "approve", ["comment"] = "Pilot customers are ready" },
            id: "decide-1", replyToId: "dm-card")), teams.ValidToken());
        await dispatcher.DrainAllAsync(CancellationToken.None);

        var invoke = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)invoke["type"]);
        Assert.Contains("Decided by Megan Bowen", invoke.ToJsonString(), StringComparison.Ordinal);
        await using var db = await teams.DbAsync();
        var request = await db.Approvals.SingleAsync(a => a.Key == "gate-3");
        Assert.Equal(ApprovalStatus.Approved, request.Status);
        Assert.Equal("approved", (await db.DecisionLog.SingleAsync(d => d.ApprovalRequestId == request.Id)).Outcome);
        var told = await db.Outbox.Where(o => o.IdempotencyKey.StartsWith($"approval:{request.Id}:decided:told:")).ToListAsync();
        Assert.Equal(["person:alexw@example.com", "person:diegos@example.com", "person:leeg@example.com"], told.Select(o => o.Destination).Order().ToList());
        var toAlex = Assert.Single(teams.Framework.Sent("POST"), r => r.Path.StartsWith("/v3/conversations/a:conv-1/activities", StringComparison.Ordinal)
            && r.Body!.ToJsonString().Contains("is approved", StringComparison.Ordinal));
        Assert.Contains("Gate 3: release to pilot customers", toAlex.Body!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectingWithoutAReason_AnswersWhereToWriteIt_AndRecordsNothing()
    {
        await using var teams = await StartAsync();
        var id = await IdAsync(teams, "gate-3");

        using var answer = await teams.PostAsync(AsMegan(TestActivities.Invoke(teams.Framework.ServiceUrl, "approval.vote",
            new JsonObject { ["requestId"] = id, ["decision"] = "reject", ["reason"] = "  " }, id: "reject-1", replyToId: "dm-card")), teams.ValidToken());

        var invoke = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.activity.message", (string?)invoke["type"]);
        var said = (string?)invoke["value"];
        Assert.Contains("Reason for rejecting", said, StringComparison.Ordinal);
        Assert.DoesNotContain("comment box", said, StringComparison.Ordinal);
        await using var db = await teams.DbAsync();
        Assert.False(await db.Votes.AnyAsync(v => v.RequestId == Guid.Parse(id) && v.Decision == VoteDecision.Reject));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ApproversNamedByTeamsMention_AreTheMentionedPeople_ThoughTheirTeamsNameIsNotTheirName(StoreKind kind)
    {
        await using var teams = await StartAsync(kind);
        var dispatcher = teams.Bot.Services.GetRequiredService<OutboxDispatcher>();
        // Teams shows Megan as "Megan B.": the mention's id is what names her (her e-mail, from the store), not the text.
        var request = TestActivities.Message(teams.Framework.ServiceUrl,
            "<at>GovernanceBot</at> approval request \"Gate 4: go live\" approvers <at>Megan B.</at> leeg quorum all due 2026-12-10", "m-mention");
        request["entities"] = new JsonArray(
            new JsonObject { ["type"] = "mention", ["text"] = "<at>GovernanceBot</at>", ["mentioned"] = new JsonObject { ["id"] = TestActivities.BotId, ["name"] = "GovernanceBot" } },
            new JsonObject { ["type"] = "mention", ["text"] = "<at>Megan B.</at>", ["mentioned"] = new JsonObject { ["id"] = "29:user-megan", ["name"] = "Megan B." } });

        Assert.Equal(HttpStatusCode.OK, (await teams.PostAsync(request, teams.ValidToken())).StatusCode);
        await dispatcher.DrainAllAsync(CancellationToken.None);

        await using var db = await teams.DbAsync();
        var approvers = await db.Approvals.Where(a => a.Title == "Gate 4: go live").SelectMany(a => a.Approvers)
            .Join(db.Stakeholders, a => a.StakeholderId, s => s.Id, (_, s) => s.Key).ToListAsync();
        Assert.Equal(["leeg", "meganb"], approvers.Order().ToList());
        var answer = Assert.Single(teams.Framework.Sent("POST"), r => r.Path.StartsWith("/v3/conversations/a:conv-1/activities", StringComparison.Ordinal)
            && r.Body!.ToJsonString().Contains("Requested", StringComparison.Ordinal));
        Assert.Contains("from Megan Bowen, Lee Gu.", (string?)answer.Body!["text"], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ApprovalCards_ShowTheirTimesWithTeamsDateAndTimeFunctions_SoEachReaderSeesTheirOwnZone(StoreKind kind)
    {
        await using var teams = await StartAsync(kind);
        var dispatcher = teams.Bot.Services.GetRequiredService<OutboxDispatcher>();
        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl,
            "approval request \"Gate 4: go live\" approvers meganb quorum all due 2026-12-10", "m-2"), teams.ValidToken());
        await dispatcher.DrainAllAsync(CancellationToken.None);
        var id = await IdAsync(teams, "gate-4");

        var pending = Assert.Single(teams.Framework.Sent("POST"), r => r.Path.StartsWith("/v3/conversations/a:conv-megan/activities", StringComparison.Ordinal)
            && r.Body!.ToJsonString().Contains("Gate 4", StringComparison.Ordinal)).Body!.ToJsonString();
        using var answer = await teams.PostAsync(AsMegan(TestActivities.Invoke(teams.Framework.ServiceUrl, "approval.vote",
            new JsonObject { ["requestId"] = id, ["decision"] = "approve" }, id: "vote-1", replyToId: "dm-card")), teams.ValidToken());
        var decided = await answer.Content.ReadAsStringAsync();

        Assert.Contains(@"**Deadline:** {{DATE(2026-12-10T17:00:00Z, SHORT)}} at {{TIME(2026-12-10T17:00:00Z)}} (", pending, StringComparison.Ordinal);
        Assert.Matches(@"\*\*Requester:\*\* Alex Wilber, \{\{DATE\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, SHORT\)\}\} at \{\{TIME\(", pending);
        Assert.Matches(@"Decided \{\{DATE\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, SHORT\)\}\} at \{\{TIME\(", decided);
        foreach (var card in new[] { pending, decided })
        {
            Assert.DoesNotContain("London time", card, StringComparison.Ordinal);
            Assert.DoesNotContain("\\uF8F0", card, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ExtendingARequest_InTheRequestersChat_ConfirmsTheNewDeadlineInTheirOwnZone_Named(StoreKind kind)
    {
        await using var teams = await StartAsync(kind);
        var dispatcher = teams.Bot.Services.GetRequiredService<OutboxDispatcher>();
        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl,
            "approval request \"Gate 4: go live\" approvers meganb quorum all due 2026-12-10", "m-2"), teams.ValidToken());
        await dispatcher.DrainAllAsync(CancellationToken.None);

        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "approval extend gate-4 due 2026-12-12", "m-3"), teams.ValidToken());
        await teams.Bot.IdleAsync();
        await dispatcher.DrainAllAsync(CancellationToken.None);

        // Teams shows message text as written, so the time is Alex's own (New York), named: 17:00 in London is noon for him.
        var text = (string?)teams.Framework.Sent("POST").Last(r => r.Body?.ToJsonString().Contains("Extended:", StringComparison.Ordinal) == true).Body!["text"];
        Assert.Contains("now closes Sat 12 Dec 2026, 12:00 (America/New_York)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("London time", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\uF8F0', text!);
    }

    /// <summary>Teams with the real card renderer and the Phoenix demo; Megan (sponsor, approver) and Alex (program manager) have talked to the bot, so their 1:1 chats are known.</summary>
    internal static async Task<TeamsBot> StartAsync(StoreKind kind = StoreKind.Sqlite)
    {
        var teams = await TeamsBot.StartAsync(kind, extra: new() { ["Conversation:BindUnknownWorkspacesTo"] = "demo" },
            configure: b => b.Services.AddSingleton<ICardRenderer>(sp => sp.GetRequiredService<TemplateCardRenderer>()));
        var demo = StoreInitializer.DemoPath(AppContext.BaseDirectory)!;
        Assert.True((await teams.Bot.Services.GetRequiredService<GovernanceImporter>().ImportAsync(demo, await File.ReadAllTextAsync(demo), false, CancellationToken.None)).Succeeded);
        teams.Framework.MemberEmails[TestActivities.UserId] = "alexw@example.com";
        teams.Framework.MemberEmails["29:user-megan"] = "meganb@example.com";
        Assert.Equal(HttpStatusCode.OK, (await teams.PostAsync(AsMegan(TestActivities.Message(teams.Framework.ServiceUrl, "help", "m-0")), teams.ValidToken())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", "m-alex"), teams.ValidToken())).StatusCode);
        return teams;
    }

    private static async Task<string> IdAsync(TeamsBot teams, string key)
    {
        await using var db = await teams.DbAsync();
        return (await db.Approvals.SingleAsync(a => a.Key == key)).Id.ToString();
    }

    internal static JsonObject AsMegan(JsonObject activity)
    {
        activity["from"] = new JsonObject { ["id"] = "29:user-megan", ["name"] = "Megan Bowen", ["aadObjectId"] = "aad-megan" };
        activity["conversation"] = new JsonObject { ["id"] = "a:conv-megan", ["conversationType"] = "personal", ["tenantId"] = FakeBotFramework.Tenant };
        return activity;
    }
}
