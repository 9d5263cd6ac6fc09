using System.Security.Claims;
using GovernanceBot.IntegrationTests.Channels.Teams;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GovernanceBot.IntegrationTests.Features.Dashboard;

/// <summary>
/// Teams single sign-on for the dashboard's tab: the bot configured for an Entra app whose keys a
/// local OpenID metadata endpoint publishes, the demo workspace bound to an Entra tenant, and the
/// tokens Teams would hand the tab, signed by those keys.
/// </summary>
internal static class TeamsSsoSteps
{
    public const string Tenant = "8b8fbc0e-3a4f-4c5e-9a77-0d3c3a1b2c3d";
    public const string ClientId = "6f1c0a52-9d0e-4a7b-8e51-3b1f2d4c5a6e";

    /// <summary>The whole bot with Teams single sign-on for <see cref="ClientId"/>, its keys read from <paramref name="entra"/>.</summary>
    public static async Task<BotHarness> StartAsync(FakeBotFramework entra)
    {
        var bot = await BotHarness.StartAsync(StoreKind.Sqlite, settings: new Dictionary<string, string?>
        {
            ["Dashboard:TeamsSso:ClientId"] = ClientId,
            ["Dashboard:TeamsSso:MetadataUrl"] = new Uri(entra.BaseAddress, "openid").ToString(),
        });
        await using var db = await bot.Store.OpenAsync();
        var demo = await db.Workspaces.SingleAsync(w => w.Key == "demo");
        db.WorkspaceIdentities.Add(new WorkspaceIdentity { WorkspaceId = demo.Id, Channel = "msteams", ExternalId = Tenant });
        await db.SaveChangesAsync();
        return bot;
    }

    /// <summary>An Entra access token for Megan Bowen, as Teams hands it to the tab (valid an hour from <paramref name="now"/>).</summary>
    public static string Token(SecurityKey key, DateTimeOffset now, string? audience = null, string tenant = Tenant, string? issuer = null) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? $"https://login.microsoftonline.com/{tenant}/v2.0",
            Audience = audience ?? ClientId,
            Subject = new ClaimsIdentity(),
            Claims = new Dictionary<string, object>
            {
                ["tid"] = tenant,
                ["oid"] = "11111111-2222-3333-4444-555555555555",
                ["preferred_username"] = "meganb@example.com",
                ["name"] = "Megan Bowen",
            },
            IssuedAt = now.UtcDateTime,
            NotBefore = now.AddMinutes(-1).UtcDateTime,
            Expires = now.AddHours(1).UtcDateTime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
}
