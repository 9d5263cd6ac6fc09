using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GovernanceBot.Tests.Cards;

/// <summary>
/// Runs the Node conformance tools in tests/conformance/cards (the reference templating engine, the
/// @slack/types check), installing their packages with <c>npm ci</c> the first time.
/// </summary>
internal static class NodeConformance
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static readonly Lazy<Task<JsonObject>> ReferenceExpansions = new(LoadReferenceExpansionsAsync);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string CardsToolDirectory => Path.Combine(RepoRoot, "tests", "conformance", "cards");

    public static string TemplatesDirectory => Path.Combine(RepoRoot, "adaptivecards");

    public static string SamplesDirectory => Path.Combine(TemplatesDirectory, "samples");

    /// <summary>Every template × sample: (template name, "normal" | "large", data file).</summary>
    public static IEnumerable<(string Name, string Variant, string DataPath)> Cases()
    {
        foreach (var template in Directory.EnumerateFiles(TemplatesDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(template);
            var normal = Path.Combine(SamplesDirectory, name + ".data.json");
            if (File.Exists(normal))
            {
                yield return (name, "normal", normal);
            }

            var large = Path.Combine(SamplesDirectory, "large", name + ".data.json");
            if (File.Exists(large))
            {
                yield return (name, "large", large);
            }
        }
    }

    public static JsonObject ReadSample(string dataPath) => (JsonObject)JsonNode.Parse(File.ReadAllText(dataPath))!;

    /// <summary>The reference expansion of every case, keyed "name" or "name.large".</summary>
    public static Task<JsonObject> ReferenceExpansionsAsync() => ReferenceExpansions.Value;

    public static bool NodeAvailable()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, RedirectStandardError = true });
            process!.WaitForExit(10_000);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public static async Task EnsurePackagesAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(CardsToolDirectory, "node_modules", "adaptivecards-templating"))
                && Directory.Exists(Path.Combine(CardsToolDirectory, "node_modules", "@slack", "types")))
            {
                return;
            }

            var (code, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], CardsToolDirectory, null);
            if (code != 0)
            {
                throw new InvalidOperationException($"npm ci failed in {CardsToolDirectory}:\n{output}");
            }
        }
        finally
        {
            InstallLock.Release();
        }
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IReadOnlyList<string> args, string workingDirectory, IDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>JSON text with object keys sorted and numbers in one canonical form, so equal values compare equal.</summary>
    public static string Normalise(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(node, builder, 0);
        return builder.ToString();
    }

    private static void Write(JsonNode? node, StringBuilder builder, int depth)
    {
        var indent = new string(' ', depth * 2);
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                builder.Append("{\n");
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    builder.Append(first ? string.Empty : ",\n").Append(indent).Append("  ").Append(JsonSerializer.Serialize(key)).Append(": ");
                    Write(value, builder, depth + 1);
                    first = false;
                }

                builder.Append('\n').Append(indent).Append('}');
                break;
            case JsonArray array:
                builder.Append("[\n");
                for (var i = 0; i < array.Count; i++)
                {
                    builder.Append(i == 0 ? string.Empty : ",\n").Append(indent).Append("  ");
                    Write(array[i], builder, depth + 1);
                }

                builder.Append('\n').Append(indent).Append(']');
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                builder.Append(double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
                break;
            default:
                builder.Append(node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                break;
        }
    }

    private static async Task<JsonObject> LoadReferenceExpansionsAsync()
    {
        await EnsurePackagesAsync();
        var (code, output) = await RunAsync("node", ["expand-all.mjs"], CardsToolDirectory, null);
        if (code != 0)
        {
            throw new InvalidOperationException($"expand-all.mjs failed:\n{output}");
        }

        return (JsonObject)JsonNode.Parse(output)!;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GovernanceBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("GovernanceBot.sln not found above " + AppContext.BaseDirectory);
    }
}
