using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Hosting;
using GovernanceBot.IntegrationTests.Channels.Teams;
using GovernanceBot.Scheduling;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Features;

/// <summary>
/// Teams end to end, with real JWTs and the real card renderer: a request posted to the program
/// channel and an approver's 1:1; the approver's vote (an Action.Execute invoke) is answered with the
/// new card and every other copy is PUT-updated with the new tally.
/// </summary>
public sealed class TeamsApprovalEndToEndTests
{
    private const string Channel = "19:phoenix@thread.tacv2";

    [Fact]
    public async Task AVoteInAnApproversChat_IsTheInvokeAnswer_AndTheChannelCopyIsUpdated()
    {
        await using var teams = await TeamsBot.StartAsync(extra: new() { ["Conversation:BindUnknownWorkspacesTo"] = "demo" },
            configure: b => b.Services.AddSingleton<ICardRenderer>(sp => sp.GetRequiredService<TemplateCardRenderer>()));
        var demo = StoreInitializer.DemoPath(AppContext.BaseDirectory)!;
        Assert.True((await teams.Bot.Services.GetRequiredService<GovernanceImporter>().ImportAsync(demo, await File.ReadAllTextAsync(demo), false, CancellationToken.None)).Succeeded);
        teams.Framework.MemberEmails[TestActivities.UserId] = "alexw@example.com";
        teams.Framework.MemberEmails["29:user-megan"] = "meganb@example.com";
        var dispatcher = teams.Bot.Services.GetRequiredService<OutboxDispatcher>();

        Assert.Equal(HttpStatusCode.OK, (await teams.PostAsync(AsMegan(TestActivities.Message(teams.Framework.ServiceUrl, "help", "m-0")), teams.ValidToken())).StatusCode);
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

    private static JsonObject AsMegan(JsonObject activity)
    {
        activity["from"] = new JsonObject { ["id"] = "29:user-megan", ["name"] = "Megan Bowen", ["aadObjectId"] = "aad-megan" };
        activity["conversation"] = new JsonObject { ["id"] = "a:conv-megan", ["conversationType"] = "personal", ["tenantId"] = FakeBotFramework.Tenant };
        return activity;
    }
}
