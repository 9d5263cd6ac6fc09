using System.Net;

namespace GovernanceBot.IntegrationTests.Channels.Teams;

/// <summary>The Bot Framework's key endpoint failing: at start, and on a later refresh.</summary>
public sealed class SigningKeyTests
{
    [Fact]
    public async Task KeyEndpointDownAtStart_GenuineRequestsAreServedSecondsAfterItComesBack()
    {
        await using var teams = await TeamsBot.StartAsync(beforeBotStarts: framework => framework.KeysAvailable = false);
        using (var refused = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "k-0"), teams.ValidToken()))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        teams.Framework.KeysAvailable = true;

        // One second of the bot's clock at a time: the retry delay grows from 1 s, never to the
        // five minutes an unknown kid waits once keys are cached.
        var waited = TimeSpan.Zero;
        var status = HttpStatusCode.Unauthorized;
        for (var attempt = 1; status != HttpStatusCode.OK && waited < TimeSpan.FromSeconds(20); attempt++)
        {
            teams.Bot.Clock.Advance(TimeSpan.FromSeconds(1));
            waited += TimeSpan.FromSeconds(1);
            using var response = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: $"k-{attempt}"), teams.ValidToken());
            status = response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(waited <= TimeSpan.FromSeconds(16), $"served only after {waited}");
    }

    [Fact]
    public async Task KeyEndpointFailingAtRefresh_TheCachedKeysKeepServingGenuineRequests()
    {
        await using var teams = await TeamsBot.StartAsync();
        using (var first = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "r-1"), teams.ValidToken()))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        teams.Framework.KeysAvailable = false;
        var fetchesBefore = teams.Framework.MetadataRequests;
        teams.Bot.Clock.Advance(TimeSpan.FromHours(13));

        using var afterFailedRefresh = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "r-2"), teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, afterFailedRefresh.StatusCode);
        Assert.True(teams.Framework.MetadataRequests > fetchesBefore, "the stale keys were not refreshed at all");
    }
}
