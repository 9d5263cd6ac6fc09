using System.IO.Compression;
using System.Text.Json.Nodes;
using GovernanceBot.Hosting;
using GovernanceBot.Testing;

namespace GovernanceBot.Tests.Hosting;

public sealed class TeamsPackageTests
{
    [Fact]
    public async Task TheTeamsPackage_HoldsTheManifestWithTheAppIdAndBothIcons()
    {
        var appId = Guid.NewGuid();
        var zipPath = Path.Combine(Path.GetTempPath(), $"gb-teams-{Guid.NewGuid():N}.zip");
        try
        {
            await TeamsPackage.WriteAsync(RepoPaths.Combine("infra", "teams"), appId, "1.2.3", zipPath, CancellationToken.None);

            using var zip = ZipFile.OpenRead(zipPath);
            Assert.Equal(["color.png", "manifest.json", "outline.png"], zip.Entries.Select(e => e.FullName).Order().ToArray());
            await using var stream = zip.GetEntry("manifest.json")!.Open();
            var manifest = (await JsonNode.ParseAsync(stream))!;
            Assert.Equal(appId.ToString(), (string?)manifest["id"]);
            Assert.Equal(appId.ToString(), (string?)manifest["bots"]![0]!["botId"]);
            Assert.Equal("1.2.3", (string?)manifest["version"]);
            Assert.DoesNotContain("{{", manifest.ToJsonString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(zipPath);
        }
    }

    [Fact]
    public async Task WithTheDashboardAddressAndAnEntraApp_ThePackageHasTheDashboardTabsAndSingleSignOn()
    {
        var appId = Guid.NewGuid();
        var client = Guid.NewGuid();
        var zipPath = Path.Combine(Path.GetTempPath(), $"gb-teams-{Guid.NewGuid():N}.zip");
        try
        {
            await TeamsPackage.WriteAsync(RepoPaths.Combine("infra", "teams"), appId, null, zipPath, CancellationToken.None,
                new Uri("https://governance.example.com"), client);

            using var zip = ZipFile.OpenRead(zipPath);
            await using var stream = zip.GetEntry("manifest.json")!.Open();
            var manifest = (await JsonNode.ParseAsync(stream))!;
            Assert.Equal("https://governance.example.com/dashboard/teams", (string?)manifest["staticTabs"]![0]!["contentUrl"]);
            Assert.Equal("https://governance.example.com/dashboard/teams/configure", (string?)manifest["configurableTabs"]![0]!["configurationUrl"]);
            Assert.Equal("governance.example.com", (string?)manifest["validDomains"]![0]);
            Assert.Equal($"api://governance.example.com/{client}", (string?)manifest["webApplicationInfo"]!["resource"]);
            Assert.DoesNotContain("{{", manifest.ToJsonString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(zipPath);
        }
    }

    [Fact]
    public async Task WithoutTheDashboardAddress_ThePackageHoldsTheBotAloneAndNoPlaceholder()
    {
        var zipPath = Path.Combine(Path.GetTempPath(), $"gb-teams-{Guid.NewGuid():N}.zip");
        try
        {
            await TeamsPackage.WriteAsync(RepoPaths.Combine("infra", "teams"), Guid.NewGuid(), null, zipPath, CancellationToken.None);

            using var zip = ZipFile.OpenRead(zipPath);
            await using var stream = zip.GetEntry("manifest.json")!.Open();
            var manifest = (await JsonNode.ParseAsync(stream))!.AsObject();
            Assert.False(manifest.ContainsKey("staticTabs"));
            Assert.False(manifest.ContainsKey("configurableTabs"));
            Assert.Empty(manifest["validDomains"]!.AsArray());
            Assert.DoesNotContain("{{", manifest.ToJsonString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(zipPath);
        }
    }
}
