using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Hosting;
using GovernanceBot.IntegrationTests.Channels.Teams;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static GovernanceBot.IntegrationTests.Features.CheckIns.CheckInSteps;

namespace GovernanceBot.IntegrationTests.Features.CheckIns;

/// <summary>
/// A Phoenix check-in round in Teams, end to end: real JWTs, the real card renderer, the fake Bot
/// Connector. People are linked when they first talk to the bot in the team's channel (the bot asks
/// the connector for their e-mail); their prompts come in 1:1 chats the bot creates.
/// </summary>
public sealed class TeamsCheckInRoundTests
{
    private const string TeamChannel = "19:phoenix@thread.tacv2";

    private static readonly ChatPerson Alex = new("29:user-alex", "Alex Wilber", "alexw@example.com");
    private static readonly ChatPerson Adele = new("29:user-adele", "Adele Vance", "adelev@example.com");
    private static readonly ChatPerson Isaiah = new("29:user-isaiah", "Isaiah Langer", "isaiahl@example.com");
    private static readonly ChatPerson Patti = new("29:user-patti", "Patti Fernandez", "pattif@example.com");
    private static readonly ChatPerson Lynne = new("29:user-lynne", "Lynne Robbins", "lynner@example.com");
    private static readonly ChatPerson Diego = new("29:user-diego", "Diego Siciliani", "diegos@example.com");
    private static readonly ChatPerson[] Participants = [Adele, Isaiah, Patti, Lynne, Diego];

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ARound_PromptsEachParticipantOnceInANewOneToOne_AtTheirLocalTime_ThenRemindsOnlyNonResponders_AndPostsTheSummaryToTheLinkedChannel(StoreKind kind)
    {
        await using var teams = await StartAsync(kind);

        await SweepTwiceAndDrainAsync(teams.Bot);

        // 08:00 UTC: only Sydney and Berlin have reached 09:00.
        Assert.Equal([Isaiah.Id, Lynne.Id], teams.Framework.DirectConversations.Keys.Order(StringComparer.Ordinal));
        Assert.Single(PromptsTo(teams, Isaiah));
        Assert.Single(PromptsTo(teams, Lynne));
        var create = teams.Framework.Requests.First(r => r.Method == "POST" && r.Path == "/v3/conversations");
        Assert.False((bool)create.Body!["isGroup"]!);
        Assert.Equal(FakeBotFramework.Tenant, (string?)create.Body["channelData"]!["tenant"]!["id"]);

        teams.Bot.Clock.SetUtcNow(MondayEvening);
        await SweepTwiceAndDrainAsync(teams.Bot);

        Assert.All(Participants, p => Assert.Single(PromptsTo(teams, p)));
        Assert.Equal(Participants.Length, teams.Framework.Requests.Count(r => r.Method == "POST" && r.Path == "/v3/conversations"));
        Assert.DoesNotContain(Alex.Id, teams.Framework.DirectConversations.Keys);

        // Adele answers on the card: the invoke is answered with the thanks card, and the prompt is replaced by it.
        var prompt = Assert.Single(PromptsTo(teams, Adele));
        using (var answer = await SubmitAsync(teams, Adele, prompt, Answers("4", "On track", risks: "Vendor sandbox is down most afternoons.")))
        {
            var invoke = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
            Assert.Equal(200, (int)invoke["statusCode"]!);
            Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)invoke["type"]);
            Assert.Equal("✅ Thanks, Adele!", (string?)invoke["value"]!["body"]![0]!["text"]);
            // When, with Teams' DATE/TIME: each reader's client shows it in their own zone.
            Assert.EndsWith("were recorded {{DATE(2026-11-30T18:00:00Z, SHORT)}} at {{TIME(2026-11-30T18:00:00Z)}}.", (string?)invoke["value"]!["body"]![1]!["text"], StringComparison.Ordinal);
        }

        var replaced = Assert.Single(teams.Framework.Requests, r => r.Method == "PUT" && r.Path == $"/v3/conversations/{ConversationOf(teams, Adele)}/activities/{PromptId(prompt)}");
        Assert.Equal("✅ Thanks, Adele!", (string?)AdaptiveCard(replaced)!["body"]![0]!["text"]);
        Assert.Equal(["adelev@example.com"], await RespondentsAsync(teams.Bot));
        Assert.Contains("\"confidence\":\"4\"", await AnswersOfAsync(teams.Bot, Adele.Email), StringComparison.Ordinal);

        using (await SubmitAsync(teams, Patti, Assert.Single(PromptsTo(teams, Patti)), Answers("3", "Some risk")))
        {
        }

        teams.Bot.Clock.SetUtcNow(ReminderTime);
        await SweepTwiceAndDrainAsync(teams.Bot);

        foreach (var waiting in new[] { Isaiah, Lynne, Diego })
        {
            Assert.Single(RemindersTo(teams, waiting));
        }

        Assert.Empty(RemindersTo(teams, Adele));
        Assert.Empty(RemindersTo(teams, Patti));
        Assert.Equal(Participants.Length, teams.Framework.Requests.Count(r => r.Method == "POST" && r.Path == "/v3/conversations"));

        teams.Bot.Clock.SetUtcNow(CloseTime);
        await SweepTwiceAndDrainAsync(teams.Bot);
        await SweepTwiceAndDrainAsync(teams.Bot);

        var summary = Assert.Single(Delivered(teams), r => r.Path.StartsWith($"/v3/conversations/{TeamChannel}/activities", StringComparison.Ordinal) && IsSummary(r));
        var summaryText = AdaptiveCard(summary)!.ToJsonString();
        Assert.Contains("2 of 5 answered", summaryText, StringComparison.Ordinal);
        Assert.Contains("Vendor sandbox is down most afternoons.", summaryText, StringComparison.Ordinal);
        Assert.DoesNotContain(Delivered(teams), r => IsSummary(r) && !r.Path.Contains(TeamChannel, StringComparison.Ordinal));

        // Lynne answers the prompt she still has after the round closed: refused politely, nothing stored.
        using (var late = await SubmitAsync(teams, Lynne, Assert.Single(PromptsTo(teams, Lynne)), Answers("5", "On track")))
        {
            var invoke = JsonNode.Parse(await late.Content.ReadAsStringAsync())!;
            Assert.Equal(200, (int)invoke["statusCode"]!);
            var text = (string?)invoke["value"];
            Assert.Contains("Sorry, Lynne", text, StringComparison.Ordinal);
            Assert.Contains("closed", text, StringComparison.Ordinal);
            Assert.Contains("not recorded", text, StringComparison.Ordinal);
        }

        Assert.Equal(["adelev@example.com", "pattif@example.com"], await RespondentsAsync(teams.Bot));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AnInvalidAnswerOnTheCard_IsAnsweredWithWhatIsWrong_AndNothingIsStored(StoreKind kind)
    {
        await using var teams = await StartAsync(kind);
        teams.Bot.Clock.SetUtcNow(MondayEvening);
        await SweepTwiceAndDrainAsync(teams.Bot);
        var prompt = Assert.Single(PromptsTo(teams, Isaiah));
        var postedBefore = teams.Framework.Sent("POST").Count;

        using var outOfRange = await SubmitAsync(teams, Isaiah, prompt, Answers("7", "Mostly fine"));
        using var missing = await SubmitAsync(teams, Isaiah, prompt, Answers(string.Empty, string.Empty));

        var first = JsonNode.Parse(await outOfRange.Content.ReadAsStringAsync())!;
        Assert.Equal(200, (int)first["statusCode"]!);
        Assert.Equal("application/vnd.microsoft.activity.message", (string?)first["type"]);
        Assert.Contains("pick a score from 1 to 5 (got \"7\")", (string?)first["value"], StringComparison.Ordinal);
        Assert.Contains("choose one of \"On track\", \"Some risk\", \"Off track\"", (string?)first["value"], StringComparison.Ordinal);
        var second = JsonNode.Parse(await missing.Content.ReadAsStringAsync())!;
        Assert.Contains("needs an answer", (string?)second["value"], StringComparison.Ordinal);
        Assert.Empty(await RespondentsAsync(teams.Bot));
        Assert.DoesNotContain(teams.Framework.Requests, r => r.Method == "PUT");
        // What is wrong is shown on the card only, not posted into the chat as well.
        Assert.Equal(postedBefore, teams.Framework.Sent("POST").Count);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task EachPromptIsSentOnce_ThoughTeamsNumbersMessagesWithinEachConversation(StoreKind kind)
    {
        await using var teams = await StartAsync(kind);
        teams.Bot.Clock.SetUtcNow(MondayEvening);

        await SweepTwiceAndDrainAsync(teams.Bot);

        var prompts = Participants.Select(p => Assert.Single(PromptsTo(teams, p))).ToList();
        // Every new 1:1's prompt has the same message id: only conversation and id together name a message.
        Assert.Single(prompts.Select(PromptId).Distinct());
        await using (var db = await teams.DbAsync())
        {
            Assert.Equal(Participants.Length, await db.CardMessages.CountAsync());
            var outbox = await db.Outbox.AsNoTracking().ToListAsync();
            Assert.All(outbox, o => Assert.True(o.Status == OutboxStatus.Sent && o.LastError is null && o.SendStartedAt is null,
                $"{o.IdempotencyKey}: {o.Status}, {o.LastError}, in doubt since {o.SendStartedAt}"));
        }

        // Long after any lease: nothing was left in doubt, so nothing is sent again.
        teams.Bot.Clock.SetUtcNow(MondayEvening + TimeSpan.FromMinutes(15));
        await DrainAsync(teams.Bot);
        Assert.All(Participants, p => Assert.Single(PromptsTo(teams, p)));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AStakeholderWhoOnlyInstalledTheApp_GetsTheirPromptInTheChatTheyInstalledItIn(StoreKind kind)
    {
        await using var teams = await StartAsync(kind, firstContact: p => p != Diego);
        var install = TestActivities.BotAdded(teams.Framework.ServiceUrl, $"install-{Guid.NewGuid():N}", "installationUpdate");
        install["from"] = new JsonObject { ["id"] = Diego.Id, ["name"] = Diego.Name, ["aadObjectId"] = "aad-diego" };
        install["conversation"] = new JsonObject { ["id"] = "a:diego-personal", ["conversationType"] = "personal", ["tenantId"] = FakeBotFramework.Tenant };
        using (var installed = await teams.PostAsync(install, teams.ValidToken()))
        {
            Assert.Equal(HttpStatusCode.OK, installed.StatusCode);
        }

        await DrainAsync(teams.Bot);
        Assert.Single(Delivered(teams), r => r.Path == "/v3/conversations/a:diego-personal/activities");
        teams.Bot.Clock.SetUtcNow(MondayEvening);

        await SweepTwiceAndDrainAsync(teams.Bot);

        Assert.Single(Delivered(teams), r => r.Path == "/v3/conversations/a:diego-personal/activities" && HasCheckInForm(r));
        Assert.DoesNotContain(Diego.Id, teams.Framework.DirectConversations.Keys);
        Assert.Empty(await FailedAsync(teams));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AStakeholderWhoNeverWroteToTheBot_IsFoundInTheTeamsRoster_AndPromptedInANewOneToOne(StoreKind kind)
    {
        await using var teams = await StartAsync(kind, firstContact: p => p != Diego);
        // Five members, two a page: the bot follows the continuation token to the last page, where Diego is.
        teams.Framework.RosterPageLimit = 2;
        teams.Framework.Rosters[TeamChannel] = [.. new[] { Alex, Adele, Isaiah, Patti, Diego }.Select(p => new RosterMember(p.Id, p.Name, p.Email, $"aad-{p.FirstName.ToLowerInvariant()}"))];
        teams.Bot.Clock.SetUtcNow(MondayEvening);

        await SweepTwiceAndDrainAsync(teams.Bot);

        Assert.Single(PromptsTo(teams, Diego));
        var create = Assert.Single(teams.Framework.Requests, r => r.Method == "POST" && r.Path == "/v3/conversations" && (string?)r.Body!["members"]![0]!["id"] == Diego.Id);
        Assert.Equal(FakeBotFramework.Tenant, (string?)create.Body!["channelData"]!["tenant"]!["id"]);
        var pages = teams.Framework.Requests.Where(r => r.Method == "GET" && r.Path == $"/v3/conversations/{TeamChannel}/pagedmembers").ToList();
        Assert.Equal(3, pages.Count);
        Assert.DoesNotContain("continuationToken", pages[0].Query, StringComparison.Ordinal);
        Assert.All(pages.Skip(1), p => Assert.Contains("continuationToken=page", p.Query, StringComparison.Ordinal));
        Assert.Empty(await FailedAsync(teams));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AnApproverWhoCannotBeReached_IsNamedToTheRequesterWithTheReason(StoreKind kind)
    {
        await using var teams = await StartAsync(kind);
        teams.Framework.Rosters[TeamChannel] = [.. new[] { Alex, Diego }.Select(p => new RosterMember(p.Id, p.Name, p.Email, $"aad-{p.FirstName.ToLowerInvariant()}"))];

        await SayInChannelAsync(teams, Alex, "approval request \"Gate 4: go live\" approvers @diegos @leeg quorum majority due 2026-12-18");
        var reply = Assert.Single(Delivered(teams), r => ((string?)r.Body?["text"])?.StartsWith("Requested **Gate 4: go live**", StringComparison.Ordinal) == true);
        Assert.Contains("If I can't reach someone, I'll tell you who and why.", (string?)reply.Body!["text"], StringComparison.Ordinal);
        await DrainAsync(teams.Bot);

        // Lee Gu never wrote to the bot and is in no team it is in: Alex hears so, with the reason and what to do.
        var notice = Assert.Single(InOneToOne(teams, Alex), r => ((string?)r.Body?["text"])?.StartsWith("I couldn't deliver", StringComparison.Ordinal) == true);
        var text = (string)notice.Body!["text"]!;
        Assert.Contains("the approval request gate-4 (\"Gate 4: go live\") to **Lee Gu**", text, StringComparison.Ordinal);
        Assert.Contains("is not in any team or chat GovernanceBot is in", text, StringComparison.Ordinal);
        Assert.Contains("add GovernanceBot to a team they are in", text, StringComparison.Ordinal);
        Assert.DoesNotContain(InOneToOne(teams, Alex), r => ((string?)r.Body?["text"])?.Contains("**Diego Siciliani**", StringComparison.Ordinal) == true);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ARemindersCard_SaysItIsAReminderAndWhenTheRoundCloses(StoreKind kind)
    {
        await using var teams = await StartAsync(kind);
        await OpenOnScheduleAsync(teams.Bot);
        teams.Bot.Clock.SetUtcNow(ReminderTime);

        await SweepTwiceAndDrainAsync(teams.Bot);

        var reminder = Assert.Single(RemindersTo(teams, Isaiah));
        // The notification is plain text, so the close is in Isaiah's own zone, named; the card gives Teams' DATE/TIME, which each reader's client shows in their zone.
        Assert.Equal("Reminder: Phoenix weekly check-in closes Wed 2 Dec 2026, 12:00 (Australia/Sydney) and you haven't answered yet.", (string?)reminder.Body!["summary"]);
        var texts = AdaptiveCard(reminder)!["body"]!.AsArray().Select(b => (string?)b?["text"]).ToList();
        Assert.Contains("⏰ **Reminder:** you haven't answered yet. This round closes {{DATE(2026-12-02T01:00:00Z, SHORT)}} at {{TIME(2026-12-02T01:00:00Z)}}.", texts);
        Assert.DoesNotContain(texts, t => t?.StartsWith("🔒", StringComparison.Ordinal) == true);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheSummaryOfAClosedRound_MentionsWhoDidNotAnswer_ShowsEveryWrittenAnswer_AndThePromptsShowTheyAreClosed(StoreKind kind)
    {
        await using var teams = await StartAsync(kind);
        await using (var db = await teams.DbAsync())
        {
            await db.CheckIns.ExecuteUpdateAsync(s => s.SetProperty(c => c.MentionNonResponders, true));
        }

        await OpenOnScheduleAsync(teams.Bot);
        using (await SubmitAsync(teams, Adele, Assert.Single(PromptsTo(teams, Adele)), Answers("4", "On track")))
        {
        }

        using (await SubmitAsync(teams, Patti, Assert.Single(PromptsTo(teams, Patti)), Answers("3", "Some risk")))
        {
        }

        teams.Bot.Clock.SetUtcNow(CloseTime);
        await SweepTwiceAndDrainAsync(teams.Bot);

        var summary = AdaptiveCard(Assert.Single(Delivered(teams), IsSummary))!;
        var json = Texts(summary);
        Assert.Contains("Average **3.5** of 5", json, StringComparison.Ordinal);
        Assert.DoesNotContain("of of", json, StringComparison.Ordinal);
        Assert.Contains("Did not answer (3)", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Not answered yet", json, StringComparison.Ordinal);
        var mentions = summary["msteams"]!["entities"]!.AsArray();
        Assert.Equal([Diego.Id, Isaiah.Id, Lynne.Id], mentions.Select(m => (string)m!["mentioned"]!["id"]!).Order(StringComparer.Ordinal));
        Assert.All(mentions, m => Assert.Contains((string)m!["text"]!, json, StringComparison.Ordinal));
        Assert.Contains("<at>Isaiah Langer</at>", json, StringComparison.Ordinal);
        Assert.DoesNotContain("isaiahl@example.com", json, StringComparison.Ordinal);
        // Written answers that raise no risk are there, collapsed under "Show all answers".
        var all = summary["actions"]!.AsArray().OfType<JsonObject>().Single(a => (string?)a["title"] == "Show all answers");
        Assert.Equal("Action.ShowCard", (string?)all["type"]);
        Assert.Contains("Release 1 passed security testing.", Texts(all), StringComparison.Ordinal);
        var csv = summary["actions"]!.AsArray().OfType<JsonObject>().Single(a => (string?)a["title"] == "Answers as CSV");
        Assert.Equal("checkin.answers", (string?)csv["verb"]);

        // Isaiah's prompt no longer offers the form; Adele's thanks card no longer offers Edit.
        var isaiahs = AdaptiveCard(teams.Framework.Requests.Last(r => r.Method == "PUT" && r.Path == $"/v3/conversations/{ConversationOf(teams, Isaiah)}/activities/{PromptId(Assert.Single(PromptsTo(teams, Isaiah)))}"))!;
        Assert.Contains("🔒 This round closed {{DATE(2026-12-02T01:00:00Z, SHORT)}} at {{TIME(2026-12-02T01:00:00Z)}}. Answers are no longer recorded", Texts(isaiahs), StringComparison.Ordinal);
        Assert.Empty(isaiahs["actions"]!.AsArray());
        Assert.DoesNotContain("Input.", isaiahs.ToJsonString(), StringComparison.Ordinal);
        var adeles = AdaptiveCard(teams.Framework.Requests.Last(r => r.Method == "PUT" && r.Path == $"/v3/conversations/{ConversationOf(teams, Adele)}/activities/{PromptId(Assert.Single(PromptsTo(teams, Adele)))}"))!;
        Assert.Contains("This round has closed", Texts(adeles), StringComparison.Ordinal);
    }


    private static async Task<List<OutboxMessage>> FailedAsync(TeamsBot teams)
    {
        await using var db = await teams.DbAsync();
        return await db.Outbox.AsNoTracking().Where(o => o.Status == OutboxStatus.Failed).ToListAsync();
    }

    private static async Task<TeamsBot> StartAsync(StoreKind kind, Func<ChatPerson, bool>? firstContact = null)
    {
        var teams = await TeamsBot.StartAsync(kind, extra: new() { ["Conversation:BindUnknownWorkspacesTo"] = "demo" },
            configure: b => b.Services.AddSingleton<ICardRenderer>(sp => sp.GetRequiredService<TemplateCardRenderer>()));
        var demo = StoreInitializer.DemoPath(AppContext.BaseDirectory)!;
        var imported = await teams.Bot.Services.GetRequiredService<GovernanceImporter>().ImportAsync(demo, await File.ReadAllTextAsync(demo), false, CancellationToken.None);
        Assert.True(imported.Succeeded, string.Join("\n", imported.Errors));
        teams.Bot.Clock.SetUtcNow(MondayMorning);
        foreach (var person in Participants.Append(Alex))
        {
            teams.Framework.MemberEmails[person.Id] = person.Email;
        }

        await SayInChannelAsync(teams, Alex, "link Phoenix");
        foreach (var person in Participants.Where(firstContact ?? (_ => true)))
        {
            // First contact: the bot looks the person up at the connector and links them by e-mail. A command
            // answered in the channel: "checkin" is answered privately, in a 1:1 the round would then reuse.
            await SayInChannelAsync(teams, person, "programs");
        }

        return teams;
    }

    private static async Task SayInChannelAsync(TeamsBot teams, ChatPerson who, string text)
    {
        var activity = TestActivities.Message(teams.Framework.ServiceUrl, text, $"msg-{Guid.NewGuid():N}", "channel", TeamChannel);
        activity["from"] = new JsonObject { ["id"] = who.Id, ["name"] = who.Name };
        using var response = await teams.PostAsync(activity, teams.ValidToken());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Presses the card's Submit (Action.Execute) in the person's 1:1, with the inputs filled in as Teams sends them.</summary>
    private static async Task<HttpResponseMessage> SubmitAsync(TeamsBot teams, ChatPerson who, ConnectorRequest prompt, JsonObject inputs)
    {
        var card = AdaptiveCard(prompt)!;
        var submit = card["actions"]!.AsArray().OfType<JsonObject>().Single(a => (string?)a["type"] == "Action.Execute");
        var data = (JsonObject)submit["data"]!.DeepClone();
        foreach (var (id, value) in inputs)
        {
            data[id] = value?.DeepClone();
        }

        var invoke = TestActivities.Invoke(teams.Framework.ServiceUrl, (string)submit["verb"]!, data, $"invoke-{Guid.NewGuid():N}", PromptId(prompt));
        invoke["from"] = new JsonObject { ["id"] = who.Id, ["name"] = who.Name };
        invoke["conversation"] = new JsonObject { ["id"] = ConversationOf(teams, who), ["conversationType"] = "personal", ["tenantId"] = FakeBotFramework.Tenant };
        var response = await teams.PostAsync(invoke, teams.ValidToken());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    private static JsonObject Answers(string confidence, string status, string? risks = null) => new()
    {
        ["q_confidence"] = confidence,
        ["q_status"] = status,
        ["q_highlights"] = "Release 1 passed security testing.",
        ["q_risks"] = risks ?? string.Empty,
    };

    private static string ConversationOf(TeamsBot teams, ChatPerson who) => teams.Framework.DirectConversations[who.Id];

    private static string PromptId(ConnectorRequest prompt) => (string)prompt.Answer!["id"]!;

    /// <summary>Messages the connector accepted (rejected ones never reached anybody).</summary>
    private static List<ConnectorRequest> Delivered(TeamsBot teams) =>
        teams.Framework.Requests.Where(r => r.Method == "POST" && r.Path.Contains("/activities", StringComparison.Ordinal) && r.Status is >= 200 and < 300).ToList();

    private static List<ConnectorRequest> InOneToOne(TeamsBot teams, ChatPerson who) =>
        teams.Framework.DirectConversations.TryGetValue(who.Id, out var conversation)
            ? Delivered(teams).Where(r => r.Path == $"/v3/conversations/{conversation}/activities").ToList()
            : [];

    private static List<ConnectorRequest> PromptsTo(TeamsBot teams, ChatPerson who) =>
        InOneToOne(teams, who).Where(r => HasCheckInForm(r) && !IsReminder(r)).ToList();

    private static List<ConnectorRequest> RemindersTo(TeamsBot teams, ChatPerson who) =>
        InOneToOne(teams, who).Where(r => HasCheckInForm(r) && IsReminder(r)).ToList();

    private static JsonObject? AdaptiveCard(ConnectorRequest request) =>
        request.Body?["attachments"]?[0]?["content"] as JsonObject;

    private static bool HasCheckInForm(ConnectorRequest request) =>
        AdaptiveCard(request)?["actions"] is JsonArray actions
        && actions.OfType<JsonObject>().Any(a => (string?)a["type"] == "Action.Execute" && (string?)a["verb"] == "checkin.submit");

    private static bool IsReminder(ConnectorRequest request) =>
        ((string?)request.Body?["summary"])?.StartsWith("Reminder:", StringComparison.Ordinal) == true;

    private static bool IsSummary(ConnectorRequest request) =>
        ((string?)AdaptiveCard(request)?["body"]?[0]?["text"])?.EndsWith("— results", StringComparison.Ordinal) == true;
}
