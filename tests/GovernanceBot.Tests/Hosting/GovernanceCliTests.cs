using GovernanceBot.Testing;
using GovernanceBot.Tests.Features.GovernanceAsCode;

namespace GovernanceBot.Tests.Hosting;

public sealed class GovernanceCliTests
{
    /// <summary>Runs the executable's command line in this process against a store of the test's own.</summary>
    internal static Task<(int Exit, string Output, string Error)> RunAsync(TestStore store, params string[] command) => CliRunner.RunAsync(store, command);

    [Fact]
    public async Task ImportDryRun_OfAFileNested200000LevelsDeep_ExitsWithALocatedErrorInsteadOfCrashing()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite);
        var path = Path.Combine(Path.GetTempPath(), $"gb-deep-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, ImportTests.NestedTooDeep);
        try
        {
            var (exit, _, error) = await RunAsync(store, "import", path, "--dry-run");

            Assert.Equal(1, exit);
            Assert.Contains($"{Path.GetFileName(path)}:2:73: the file nests mappings and lists more than 64 levels deep", error, StringComparison.Ordinal);
            Assert.Contains("1 error(s); nothing was written.", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
