using GovernanceBot.Conversation;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.IntegrationTests.Channels.Teams;

/// <summary>What the connector says of a sender (member or guest) is asked again once it is older than Teams:MemberInfoMaxAge.</summary>
public sealed class TeamsMembershipRecheckTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AMemberTurnedGuest_WhoKeepsWriting_IsLookedUpAgain_OnceWhatTeamsSaidIsOlderThanTheBound(StoreKind kind)
    {
        // Each turn used to stamp "membership checked" from the stored answer, so someone who wrote
        // more often than the bound was never looked up again and stayed a member in the bot.
        await using var teams = await TeamsBot.StartAsync(kind, extra: new Dictionary<string, string?> { ["Teams:MemberInfoMaxAge"] = "00:15:00" });
        teams.Framework.MemberEmails[TestActivities.UserId] = "alexw@example.com";
        using (await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: "m-0"), teams.ValidToken()))
        {
        }

        teams.Framework.MemberRoles[TestActivities.UserId] = ("guest", null);
        for (var minute = 5; minute <= 15; minute += 5)
        {
            teams.Bot.Clock.Advance(TimeSpan.FromMinutes(5));
            using var _ = await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "help", id: $"m-{minute}"), teams.ValidToken());
        }

        var lookups = teams.Framework.Requests.Count(r => r.Method == "GET" && r.Path.Contains("/members/", StringComparison.Ordinal));
        Assert.Equal(2, lookups);
        await using var db = await teams.DbAsync();
        var user = await db.ChatUsers.SingleAsync(u => u.Channel == ChannelNames.Teams && u.ExternalUserId == TestActivities.UserId);
        Assert.Equal(Membership.Guest, user.Membership);
        Assert.Equal(teams.Now, user.MembershipCheckedAt);
    }
}
