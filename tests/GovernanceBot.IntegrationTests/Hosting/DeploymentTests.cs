using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using GovernanceBot.Channels.Slack;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Hosting;

/// <summary>Several instances of one deployment behind a proxy: what they share, and what they believe.</summary>
public sealed class DeploymentTests
{
    [Fact]
    public async Task TwoInstancesOnOnePostgresStore_ShareTheKeyRing_ATokenStoredByOneIsReadByTheOther()
    {
        await using var first = await BotHarness.StartAsync(StoreKind.Postgres, settings: OwnKeysDirectory());
        await using var second = await BotHarness.StartAsync(StoreKind.Postgres, loadDemo: false, settings: OwnKeysDirectory(), sharedStore: first.Store, sharedClock: first.Clock);

        await Workspaces(first).SaveAsync("T-SHARED", "xoxb-shared-token", "UBOT", CancellationToken.None);
        var read = await Workspaces(second).FindAsync("T-SHARED", CancellationToken.None);

        Assert.Equal("xoxb-shared-token", read?.BotToken);
        await using var db = await first.Store.OpenAsync();
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync());
        Assert.DoesNotContain("xoxb-shared-token", (await db.WorkspaceIdentities.SingleAsync(i => i.ExternalId == "T-SHARED")).ProtectedBotToken, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyRingWithACertificate_IsEncryptedAtRest_AndReadByEveryInstanceThatHasTheCertificate()
    {
        var pfx = Path.Combine(Path.GetTempPath(), $"gb-dp-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(pfx, SelfSignedPfx("pfx-password"));
        try
        {
            var settings = new Dictionary<string, string?>(OwnKeysDirectory())
            {
                ["DataProtection:CertificatePath"] = pfx,
                ["DataProtection:CertificatePassword"] = "pfx-password",
            };
            await using var first = await BotHarness.StartAsync(StoreKind.Sqlite, settings: settings);
            await using var second = await BotHarness.StartAsync(StoreKind.Sqlite, loadDemo: false, settings: settings, sharedStore: first.Store, sharedClock: first.Clock);

            await Workspaces(first).SaveAsync("T-CERT", "xoxb-cert-token", "UBOT", CancellationToken.None);

            Assert.Equal("xoxb-cert-token", (await Workspaces(second).FindAsync("T-CERT", CancellationToken.None))?.BotToken);
            await using var db = await first.Store.OpenAsync();
            var key = Assert.Single(await db.DataProtectionKeys.ToListAsync());
            Assert.Contains("EncryptedData", key.Xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<value>", key.Xml, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(pfx);
        }
    }

    [Fact]
    public async Task AnInstallWithTheOldKeysDirectory_StillReadsItsTokens_AndProtectsNewOnesForEveryInstance()
    {
        var oldKeys = Directory.CreateTempSubdirectory("gb-old-keys-");
        try
        {
            // What an earlier version wrote: a key ring on disk, and a token it protected in the store.
            var legacy = DataProtectionProvider.Create(oldKeys, b => b.SetApplicationName("GovernanceBot"))
                .CreateProtector("GovernanceBot.Slack.BotToken.v1").Protect("xoxb-from-before");
            await using var upgraded = await BotHarness.StartAsync(StoreKind.Sqlite, settings: new Dictionary<string, string?> { ["DataProtection:KeysPath"] = oldKeys.FullName });
            await Workspaces(upgraded).SaveAsync("T-OLD", "placeholder", "UBOT", CancellationToken.None);
            await using (var db = await upgraded.Store.OpenAsync())
            {
                await db.WorkspaceIdentities.Where(i => i.ExternalId == "T-OLD").ExecuteUpdateAsync(s => s.SetProperty(i => i.ProtectedBotToken, legacy));
            }

            upgraded.Clock.Advance(TimeSpan.FromMinutes(2));
            var old = await Workspaces(upgraded).FindAsync("T-OLD", CancellationToken.None);
            await Workspaces(upgraded).SaveAsync("T-NEW", "xoxb-after-upgrade", "UBOT", CancellationToken.None);
            await using var another = await BotHarness.StartAsync(StoreKind.Sqlite, loadDemo: false, settings: OwnKeysDirectory(), sharedStore: upgraded.Store, sharedClock: upgraded.Clock);

            Assert.Equal("xoxb-from-before", old?.BotToken);
            Assert.Equal("xoxb-after-upgrade", (await Workspaces(another).FindAsync("T-NEW", CancellationToken.None))?.BotToken);
        }
        finally
        {
            oldKeys.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ForwardedHeaders_FromAKnownProxy_MakeTheOAuthRedirectHttpsAndTheInstallCookieSecure()
    {
        await using var slack = await StartInstallableAsync(knownProxy: "127.0.0.1");

        var (redirectUri, cookie) = await InstallThroughProxyAsync(slack);

        Assert.Equal("https://bot.example.com/slack/oauth/callback", redirectUri);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ForwardedHeaders_FromAPeerThatIsNotAKnownProxy_AreIgnored()
    {
        await using var slack = await StartInstallableAsync(knownProxy: "10.9.8.7");

        var (redirectUri, cookie) = await InstallThroughProxyAsync(slack);

        Assert.StartsWith($"http://{slack.Bot.BaseAddress.Authority}/", redirectUri, StringComparison.Ordinal);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AnUninstallSeenByOneInstance_StopsTheOtherUsingTheTokenWithinTheCacheLifetime(StoreKind kind)
    {
        var settings = new Dictionary<string, string?> { ["Slack:BotToken"] = null, ["Slack:TokenCacheLifetime"] = "00:01:00" };
        await using var first = await SlackTestBot.StartAsync(kind, settings: settings);
        await using var second = await SlackTestBot.StartAsync(kind, settings: settings, sharing: first);
        await Workspaces(first.Bot).SaveAsync(SlackTestBot.Team, "xoxb-soon-revoked", "UBOT", CancellationToken.None);
        Assert.Equal("xoxb-soon-revoked", (await Workspaces(second.Bot).FindAsync(SlackTestBot.Team, CancellationToken.None))?.BotToken);

        await first.PostEventAsync(SlackTestBot.Envelope("EvUninstallOne", new JsonObject { ["type"] = "app_uninstalled" }));
        await first.IdleAsync();
        Assert.Null(await Workspaces(first.Bot).FindAsync(SlackTestBot.Team, CancellationToken.None));
        first.Bot.Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Null(await Workspaces(second.Bot).FindAsync(SlackTestBot.Team, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AnInstallSeenByOneInstance_ReachesTheOtherThatHadCachedNotInstalled(StoreKind kind)
    {
        var settings = new Dictionary<string, string?> { ["Slack:BotToken"] = null };
        await using var first = await SlackTestBot.StartAsync(kind, settings: settings);
        await using var second = await SlackTestBot.StartAsync(kind, settings: settings, sharing: first);
        Assert.Null(await Workspaces(second.Bot).FindAsync("T-LATER", CancellationToken.None));

        await Workspaces(first.Bot).SaveAsync("T-LATER", "xoxb-new-install", "UBOT", CancellationToken.None);
        first.Bot.Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal("xoxb-new-install", (await Workspaces(second.Bot).FindAsync("T-LATER", CancellationToken.None))?.BotToken);
    }

    private static SlackWorkspaces Workspaces(BotHarness bot) => bot.Services.GetRequiredService<SlackWorkspaces>();

    /// <summary>A keys directory of this instance's own (that does not exist): only the store can be shared.</summary>
    private static Dictionary<string, string?> OwnKeysDirectory() =>
        new() { ["DataProtection:KeysPath"] = Path.Combine(Path.GetTempPath(), $"gb-no-keys-{Guid.NewGuid():N}") };

    private static Task<SlackTestBot> StartInstallableAsync(string knownProxy) => SlackTestBot.StartAsync(settings: new Dictionary<string, string?>
    {
        ["Slack:BotToken"] = null,
        ["Slack:ClientId"] = "1234.5678",
        ["Slack:ClientSecret"] = "client-secret-value",
        ["ForwardedHeaders:KnownProxies:0"] = knownProxy,
    });

    /// <summary>GET /slack/install as a TLS-terminating proxy on this machine forwards it.</summary>
    private static async Task<(string RedirectUri, string Cookie)> InstallThroughProxyAsync(SlackTestBot slack)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = slack.Bot.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/slack/install");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "bot.example.com");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var redirectUri = QueryHelpers.ParseQuery(response.Headers.Location!.Query)["redirect_uri"].ToString();
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(SlackOAuth.StateCookie, StringComparison.Ordinal));
        return (redirectUri, cookie);
    }

    private static byte[] SelfSignedPfx(string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=GovernanceBot Data Protection (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return certificate.Export(X509ContentType.Pfx, password);
    }
}
