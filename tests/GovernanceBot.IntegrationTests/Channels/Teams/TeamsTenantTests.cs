using System.Net;
using System.Text.Json.Nodes;

namespace GovernanceBot.IntegrationTests.Channels.Teams;

/// <summary>Which organisations' activities the bot serves (Teams:TenantId, Teams:AllowedTenants).</summary>
public sealed class TeamsTenantTests
{
    [Theory]
    [InlineData(FakeBotFramework.Tenant)]
    [InlineData("PARTNER-TENANT")]
    public async Task AConfiguredTenant_IsServed(string tenant)
    {
        await using var teams = await StartRestrictedAsync();

        using var response = await teams.PostAsync(From(teams, tenant, "help"), teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(teams.Framework.Sent("POST"));
    }

    [Fact]
    public async Task AnotherTenant_IsRefusedWith403_EvenWithAGenuineToken_AndLeavesNoTrace()
    {
        await using var teams = await StartRestrictedAsync();

        using var response = await teams.PostAsync(From(teams, "another-organisation", "help"), teams.ValidToken());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Teams:TenantId", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await teams.InboundEventCountAsync());
        Assert.Empty(teams.Framework.Sent("POST"));
    }

    [Fact]
    public async Task WithNoTenantConfigured_EveryTenantTheAppIsInstalledIn_IsServed()
    {
        await using var teams = await TeamsBot.StartAsync();

        using var response = await teams.PostAsync(From(teams, "another-organisation", "help"), teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(teams.Framework.Sent("POST"));
    }

    private static Task<TeamsBot> StartRestrictedAsync() => TeamsBot.StartAsync(extra: new Dictionary<string, string?>
    {
        ["Teams:TenantId"] = FakeBotFramework.Tenant,
        ["Teams:AllowedTenants:0"] = "partner-tenant",
    });

    private static JsonObject From(TeamsBot teams, string tenant, string text)
    {
        var activity = TestActivities.Message(teams.Framework.ServiceUrl, text);
        activity["conversation"]!["tenantId"] = tenant;
        activity["channelData"]!["tenant"]!["id"] = tenant;
        return activity;
    }
}
