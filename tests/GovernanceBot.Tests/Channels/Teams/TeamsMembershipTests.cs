using GovernanceBot.Channels.Teams;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Tests.Channels.Teams;

public sealed class TeamsMembershipTests
{
    private const string Tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    [Theory]
    [InlineData("user", Tenant, Membership.Member)]
    [InlineData("guest", Tenant, Membership.Guest)]
    [InlineData("anonymous", null, Membership.Guest)]
    [InlineData("user", "0d2a6f3c-0000-4000-8000-000000000001", Membership.External)]
    [InlineData(null, null, Membership.Unknown)]
    public void AMemberLookup_SaysWhetherSomeoneIsAMemberAGuestOrFromAnotherTenant(string? userRole, string? tenantId, Membership expected) =>
        Assert.Equal(expected, TeamsMembership.MembershipOf(new ChannelAccount { Id = "29:1", UserRole = userRole, TenantId = tenantId }, Tenant));
}
