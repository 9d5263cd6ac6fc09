using System.CommandLine;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace GovernanceBot.Hosting;

/// <summary><c>teams-package --app-id ID</c>: the Teams app package (manifest with the App ID, and the icons) as a zip to upload.</summary>
public static class TeamsPackage
{
    public static Command Command()
    {
        var appId = new Option<string>("--app-id") { Description = "The bot's Microsoft App ID (a GUID).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the zip.", DefaultValueFactory = _ => new FileInfo("governancebot-teams.zip") };
        var version = new Option<string?>("--version") { Description = "The app version to put in the manifest (default: the manifest's)." };
        var dashboard = new Option<string?>("--dashboard-url")
        {
            Description = "The bot's public https address (e.g. https://governance.example.com): adds the Dashboard tabs. Without it the package holds the bot only.",
        };
        var ssoClientId = new Option<string?>("--sso-client-id") { Description = "The Entra app (client id) Teams signs people into the Dashboard tab with; needs --dashboard-url." };
        var command = new Command("teams-package", "Make the Teams app package (manifest.json, color.png, outline.png) for a bot registration.") { appId, output, version, dashboard, ssoClientId };
        command.SetAction(async (result, ct) =>
        {
            var id = result.GetRequiredValue(appId);
            if (!Guid.TryParse(id, out var guid))
            {
                await Console.Error.WriteLineAsync($"'{id}' is not a Microsoft App ID: it looks like 00000000-0000-0000-0000-000000000000.");
                return 2;
            }

            var source = FindSource();
            if (source is null)
            {
                await Console.Error.WriteLineAsync("infra/teams/manifest.json was not found beside the program or in the repository.");
                return 2;
            }

            Uri? dashboardUrl = null;
            if (result.GetValue(dashboard) is { Length: > 0 } typed
                && (!Uri.TryCreate(typed, UriKind.Absolute, out dashboardUrl) || dashboardUrl.Scheme != Uri.UriSchemeHttps || dashboardUrl.AbsolutePath != "/"))
            {
                await Console.Error.WriteLineAsync($"'{typed}' is not the bot's public address: Teams tabs need https and a host alone, like https://governance.example.com");
                return 2;
            }

            Guid? sso = null;
            if (result.GetValue(ssoClientId) is { Length: > 0 } client)
            {
                if (!Guid.TryParse(client, out var clientGuid) || dashboardUrl is null)
                {
                    await Console.Error.WriteLineAsync("--sso-client-id needs the Entra app's client id (a GUID) and --dashboard-url.");
                    return 2;
                }

                sso = clientGuid;
            }

            var file = result.GetRequiredValue(output);
            await WriteAsync(source, guid, result.GetValue(version), file.FullName, ct, dashboardUrl, sso);
            Console.WriteLine($"Wrote {file.FullName}: upload it in Teams (Apps > Manage your apps > Upload an app).");
            return 0;
        });
        return command;
    }

    public static async Task WriteAsync(string sourceDirectory, Guid appId, string? version, string zipPath, CancellationToken cancellationToken,
        Uri? dashboardUrl = null, Guid? ssoClientId = null)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(sourceDirectory, "manifest.json"), cancellationToken);
        // Host names hold no JSON-special characters (Uri has checked it), so the placeholder is replaced as text.
        var manifest = JsonNode.Parse(dashboardUrl is null ? text : text.Replace("{{DASHBOARD_HOST}}", dashboardUrl.Authority, StringComparison.Ordinal))!.AsObject();
        if (dashboardUrl is null)
        {
            // No public address, no tabs: the bot alone.
            manifest.Remove("staticTabs");
            manifest.Remove("configurableTabs");
            manifest["validDomains"] = new JsonArray();
        }
        else if (ssoClientId is { } client)
        {
            manifest["webApplicationInfo"] = new JsonObject
            {
                ["id"] = client.ToString(),
                ["resource"] = $"api://{dashboardUrl.Authority}/{client}",
            };
        }

        manifest["id"] = appId.ToString();
        foreach (var bot in manifest["bots"]?.AsArray() ?? [])
        {
            bot!["botId"] = appId.ToString();
        }

        if (version is not null)
        {
            manifest["version"] = version;
        }

        if (File.Exists(zipPath))
        {
            File.Delete(zipPath);
        }

        await using var stream = File.Create(zipPath);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        var entry = zip.CreateEntry("manifest.json");
        await using (var writer = new StreamWriter(await entry.OpenAsync(cancellationToken)))
        {
            await writer.WriteAsync(manifest.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        }

        foreach (var icon in new[] { "color.png", "outline.png" })
        {
            await zip.CreateEntryFromFileAsync(Path.Combine(sourceDirectory, icon), icon, cancellationToken);
        }
    }

    private static string? FindSource() =>
        new[]
        {
            Path.Combine(AppContext.BaseDirectory, "teams"),
            Path.Combine(Directory.GetCurrentDirectory(), "infra", "teams"),
            Path.Combine(Directory.GetCurrentDirectory(), "..", "..", "infra", "teams"),
        }.FirstOrDefault(d => File.Exists(Path.Combine(d, "manifest.json")));
}
