using System.Net;
using GovernanceBot.Testing;

namespace GovernanceBot.IntegrationTests.Channels.Teams;

public sealed class TeamsQuestionTests
{
    [Fact]
    public async Task AQuestion_ShowsTypingFirst_ThenTheAnswerCardInTheSameConversation()
    {
        await using var teams = await TeamsBot.StartAsync(StoreKind.Sqlite);
        teams.Framework.MemberEmails[TestActivities.UserId] = "alexw@example.com";
        var activity = TestActivities.Message(teams.Framework.ServiceUrl, "how does a program manager differ from a product manager?");

        using var response = await teams.PostAsync(activity, teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var posts = teams.Framework.Sent("POST").Where(r => r.Path.Contains("/activities", StringComparison.Ordinal)).ToList();
        Assert.True(posts.Count >= 2, $"expected typing then the answer, got {posts.Count} posts");
        Assert.Equal("typing", (string?)posts[0].Body!["type"]);
        Assert.Equal("message", (string?)posts[1].Body!["type"]);
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)posts[1].Body!["attachments"]![0]!["contentType"]);
    }

    [Fact]
    public async Task ACommand_IsAnsweredWithoutTyping()
    {
        await using var teams = await TeamsBot.StartAsync(StoreKind.Sqlite);
        teams.Framework.MemberEmails[TestActivities.UserId] = "alexw@example.com";

        using var response = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help"), teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(teams.Framework.Sent("POST"), r => (string?)r.Body?["type"] == "typing");
    }

    [Fact]
    public async Task AGreeting_IsGreetedBackWithWhatToTry_NotDeclined()
    {
        await using var teams = await TeamsBot.StartAsync(StoreKind.Sqlite);
        teams.Framework.MemberEmails[TestActivities.UserId] = "alexw@example.com";

        using var response = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "hi"), teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = teams.Framework.Sent("POST").Last(r => (string?)r.Body?["type"] == "message");
        var text = (string?)reply.Body!["text"];
        Assert.StartsWith("Hi", text, StringComparison.Ordinal);
        Assert.Contains("**help**", text, StringComparison.Ordinal);
        Assert.DoesNotContain("I can't answer that", text, StringComparison.Ordinal);
    }
}
