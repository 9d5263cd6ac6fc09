using GovernanceBot.Testing;

namespace GovernanceBot.Tests.Conformance;

/// <summary>
/// Runs the Node conformance suites in tests/conformance/ (the platforms' own validators: the
/// Adaptive Cards SDK and templating engine, @slack/types, the Teams manifest schema, Bicep) as
/// part of `dotnet test`, so one command runs every test.
/// </summary>
public sealed class NodeConformanceTests
{
    public static TheoryData<string> Suites()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(RepoPaths.Combine("tests", "conformance")).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(dir, "package.json")) && Directory.EnumerateFiles(dir, "*.test.mjs").Any())
            {
                data.Add(Path.GetFileName(dir));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public async Task ConformanceSuite_Passes(string suite)
    {
        var dir = RepoPaths.Combine("tests", "conformance", suite);
        if (!Directory.Exists(Path.Combine(dir, "node_modules")))
        {
            var (code, output) = await ProcessRunner.RunAsync("npm", "ci --no-audit --no-fund --loglevel=error", dir, TimeSpan.FromMinutes(5));
            Assert.True(code == 0, $"npm ci in {suite} failed:\n{output}");
        }

        var (exit, log) = await ProcessRunner.RunAsync("node", "--test", dir, TimeSpan.FromMinutes(8));

        Assert.True(exit == 0, $"node --test in tests/conformance/{suite} failed:\n{log}");
    }
}
