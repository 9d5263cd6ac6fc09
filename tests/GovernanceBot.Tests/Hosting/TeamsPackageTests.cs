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
}
