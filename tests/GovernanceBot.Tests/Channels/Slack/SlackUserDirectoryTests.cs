using GovernanceBot.Channels.Slack;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Tests.Channels.Slack;

public sealed class SlackUserDirectoryTests
{
    private const string Team = "T0TEST";

    public static TheoryData<SlackUserInfo, Membership> Users => new()
    {
        { User(), Membership.Member },
        { User() with { TeamId = Team }, Membership.Member },
        { User() with { IsRestricted = true }, Membership.Guest },
        { User() with { IsUltraRestricted = true }, Membership.Guest },
        { User() with { IsStranger = true }, Membership.External },
        { User() with { TeamId = "T0OTHERORG" }, Membership.External },
        { User() with { TeamId = "T0OTHERORG", IsRestricted = true }, Membership.External },
        // Enterprise Grid: a member of a sibling workspace of the same organisation is not external.
        { User() with { TeamId = "T0SIBLING", EnterpriseUser = new SlackEnterpriseUser("E0ORG", ["T0SIBLING", Team]) }, Membership.Member },
    };

    [Theory]
    [MemberData(nameof(Users))]
    public void UsersInfo_SaysWhetherSomeoneIsAMemberAGuestOrFromAnotherOrganisation(SlackUserInfo user, Membership expected) =>
        Assert.Equal(expected, SlackUserDirectory.MembershipOf(user, Team));

    private static SlackUserInfo User() => new("U1", "u1", "User One", Deleted: false, IsBot: false, Profile: null);
}
