using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Channels.Teams;

/// <summary>A decision that changes a card: the actor's invoke answer and everyone's copy of the message.</summary>
public sealed class CardUpdateTests
{
    private sealed class DecideHandler : ITurnHandler
    {
        public Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
        {
            var data = new JsonObject
            {
                ["decision"] = "approved",
                // Those who still have to act, as handlers know them: by e-mail (or an id they already have).
                ["refreshUserIds"] = new JsonArray("alexw@example.com", "29:megan", "nobody@example.com"),
            };
            IReadOnlyList<Reply> replies = [new CardReply("approval.decided", data, "Approved") { ReplacesSourceCard = true }];
            return Task.FromResult(replies);
        }
    }

    [Fact]
    public async Task ReplacingCard_IsTheInvokeAnswer_AndTheOriginalMessageIsUpdatedForEveryone()
    {
        await using var teams = await TeamsBot.StartAsync(configure: b => b.Services.AddScoped<DecideHandler>());
        teams.Bot.Services.GetRequiredService<Router>().MapAction<DecideHandler>("test.decide");
        teams.Framework.MemberEmails[TestActivities.UserId] = "alexw@example.com";
        using (var first = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "m-1"), teams.ValidToken()))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var response = await teams.PostAsync(
            TestActivities.Invoke(teams.Framework.ServiceUrl, "test.decide", [], id: "inv-1", replyToId: "card-msg-1"), teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, (int)body["statusCode"]!);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)body["type"]);
        Assert.Equal("approval.decided", (string?)body["value"]!["template"]);
        Assert.Equal(["29:user-alex", "29:megan"], body["value"]!["refresh"]!["userIds"]!.AsArray().Select(n => (string?)n));
        var put = Assert.Single(teams.Framework.Sent("PUT"));
        Assert.Equal("/v3/conversations/a:conv-1/activities/card-msg-1", put.Path);
        Assert.Equal("approval.decided", (string?)put.Body!["attachments"]![0]!["content"]!["template"]);
        Assert.Equal("card-msg-1", (string?)put.Body["id"]);
    }

    [Fact]
    public async Task AutomaticRefresh_ShowsTheUserTheirView_WithoutUpdatingAnyoneElses()
    {
        await using var teams = await TeamsBot.StartAsync(configure: b => b.Services.AddScoped<DecideHandler>());
        teams.Bot.Services.GetRequiredService<Router>().MapAction<DecideHandler>("test.decide");

        using var response = await teams.PostAsync(
            TestActivities.Invoke(teams.Framework.ServiceUrl, "test.decide", [], id: "inv-2", trigger: "automatic"), teams.ValidToken());

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)body["type"]);
        Assert.Empty(teams.Framework.Sent("PUT"));
        Assert.Empty(teams.Framework.Sent("POST"));
    }
}
