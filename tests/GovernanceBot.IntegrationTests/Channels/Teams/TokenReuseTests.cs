using System.Net;

namespace GovernanceBot.IntegrationTests.Channels.Teams;

/// <summary>
/// The Bot Framework sends one token for many requests, and the bot remembers a token that passed.
/// What can change while the same token keeps arriving is still checked on every request: its
/// lifetime, and whether the key that signed it is still published.
/// </summary>
public sealed class TokenReuseTests
{
    [Fact]
    public async Task TheSameToken_IsServedUntilItExpires_ThenRefused()
    {
        await using var teams = await TeamsBot.StartAsync();
        var token = teams.ValidToken();
        for (var i = 1; i <= 3; i++)
        {
            using var served = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: $"e-{i}"), token);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        // An hour of lifetime and five minutes of allowed skew.
        teams.Bot.Clock.Advance(TimeSpan.FromMinutes(66));
        using var expired = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "e-4"), token);

        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal(3, await teams.InboundEventCountAsync());
    }

    [Fact]
    public async Task TheSameToken_IsRefused_OnceItsSigningKeyIsNoLongerPublished()
    {
        await using var teams = await TeamsBot.StartAsync(extra: new() { ["Teams:KeyRefreshInterval"] = "00:10:00" });
        var token = teams.ValidToken();
        using (var served = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "k-1"), token))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        // The issuer rotates key-1 out; the token is still within its lifetime.
        teams.Framework.AddKey("key-2", ["msteams"]);
        Assert.True(teams.Framework.Keys.TryRemove("key-1", out _));
        teams.Bot.Clock.Advance(TimeSpan.FromMinutes(11));

        using var refused = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "k-2"), token);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(1, await teams.InboundEventCountAsync());
    }

    [Fact]
    public async Task AnotherTokenFromTheSameKey_IsCheckedOnItsOwn()
    {
        await using var teams = await TeamsBot.StartAsync();
        using (var served = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "o-1"), teams.ValidToken()))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        // Signed for another bot: a token that passed says nothing about one that differs.
        var otherAudience = TestTokens.Create(teams.Key, new TokenSpec { ServiceUrl = teams.Framework.ServiceUrl, Audience = "another-bot" }, teams.Now);
        using var refused = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "o-2"), otherAudience);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
