using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace GovernanceBot.Tests.Features.GovernanceAsCode;

public sealed class ImportTests
{
    private static readonly FakeTimeProvider Clock = new(BotHarness.DefaultNow);

    private static string Phoenix => File.ReadAllText(RepoPaths.Combine("samples", "phoenix.yaml"));

    // Line numbers in the cases below refer to this file.
    private const string Small = """
        version: 1
        workspace:
          key: acme
          name: Acme
        program:
          key: atlas
          name: Atlas
          timeZone: Europe/London
        stakeholders:
          - key: ann
            name: Ann Archer
            email: ann@example.com
            roles: [program-manager]
          - key: bob
            name: Bob Baker
            email: bob@example.com
            roles: [approver]
            timeZone: Australia/Sydney
        kpis:
          - key: uptime
            name: Uptime
            unit: "%"
            direction: higher
            target: 99.9
            amber: 99.5
            red: 99
            owner: ann
            history:
              - { date: 2026-11-16, value: 99.7 }
              - { date: 2026-11-23, value: 99.4 }
        """;

    public static TheoryData<string, string, string, string> BadFiles => new()
    {
        { "YAML syntax", Small.Replace("    name: Uptime", "    name: \"Uptime", StringComparison.Ordinal), "21:", "YAML syntax error" },
        { "unknown field", Small.Replace("    owner: ann", "    ownr: ann", StringComparison.Ordinal), "27:5:", "unknown field 'ownr' in a KPI (hint: did you mean 'owner'?)" },
        { "missing field", Small.Replace("    name: Uptime\n", "", StringComparison.Ordinal), "20:5:", "a KPI needs 'name'" },
        { "unknown stakeholder", Small.Replace("    owner: ann", "    owner: zed", StringComparison.Ordinal), "27:12:", "unknown stakeholder 'zed' in 'owner'" },
        { "invalid time zone", Small.Replace("Australia/Sydney", "Mars/Olympus_Mons", StringComparison.Ordinal), "18:15:", "'Mars/Olympus_Mons' is not a time zone" },
        { "invalid cron", Small.Replace("  timeZone: Europe/London", "  timeZone: Europe/London\n  statusPost: \"0 25 * * MON\"", StringComparison.Ordinal), "9:15:", "is not a valid cron expression" },
        { "thresholds in the wrong order", Small.Replace("    amber: 99.5\n    red: 99", "    amber: 99\n    red: 99.5", StringComparison.Ordinal), "25:12:", "thresholds of 'uptime' are in the wrong order" },
        { "unknown kind in selfApproval", Small.Replace("  timeZone: Europe/London", "  timeZone: Europe/London\n  selfApproval: [budget-change, budget-chang]", StringComparison.Ordinal), "9:33:", "'budget-chang' is not an approval kind (hint: use any of: stage-gate, change-request, scope-change, budget-change)" },
        { "duplicate key", Small.Replace("    name: Bob Baker", "    name: Bob Baker\n    name: Robert Baker", StringComparison.Ordinal), "16:5:", "duplicate key 'name' (first at line 15)" },
        { "duplicate stakeholder", Small.Replace("  - key: bob", "  - key: ann", StringComparison.Ordinal), "14:10:", "the key 'ann' is used twice" },
        { "value not a number", Small.Replace("value: 99.4", "value: 99.4%", StringComparison.Ordinal), "30:36:", "'value' must be a number, not '99.4%'" },
        { "measurement in the future", Small.Replace("2026-11-23", "2027-01-04", StringComparison.Ordinal), "30:17:", "is in the future" },
        { "measurement after asOf", Small.Replace("version: 1\n", "version: 1\nasOf: 2026-11-20\n", StringComparison.Ordinal), "31:17:", "the measurement dated 2026-11-23 is after the file's asOf (2026-11-20)" },
        { "unknown role", Small.Replace("roles: [approver]", "roles: [aprover]", StringComparison.Ordinal), "17:12:", "unknown role 'aprover'" },
        { "invalid date", Small.Replace("2026-11-16", "16/11/2026", StringComparison.Ordinal), "29:17:", "'16/11/2026' is not a date" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Import_OfABadFile_ReportsFileLineAndColumnAndWritesNothing(string problem, string yaml, string location, string message)
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite);
        (await store.OpenAsync()).Dispose();
        var importer = new GovernanceImporter(store.Factory, Clock);

        var result = await importer.ImportAsync("atlas.yaml", yaml, dryRun: false, CancellationToken.None);

        Assert.False(result.Succeeded, problem);
        var error = Assert.Single(result.Errors, e => e.Contains(message, StringComparison.Ordinal));
        Assert.StartsWith($"atlas.yaml:{location}", error, StringComparison.Ordinal);
        await using var db = await store.OpenAsync();
        Assert.False(await db.Workspaces.AnyAsync(), "nothing may be written when the file has errors");
    }

    [Fact]
    public async Task Import_OfAFileWithSeveralProblems_ReportsThemAllAtOnce()
    {
        var yaml = Small
            .Replace("    owner: ann", "    owner: zed", StringComparison.Ordinal)
            .Replace("Australia/Sydney", "Nowhere/Land", StringComparison.Ordinal)
            .Replace("direction: higher", "direction: upwards", StringComparison.Ordinal);

        var (file, errors) = GovernanceFileReader.Read(yaml, BotHarness.DefaultNow);

        Assert.Null(file);
        Assert.Equal(3, errors.Count);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Import_OfABadFileOverAnExistingProgram_LeavesTheStoreUnchanged(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        (await store.OpenAsync()).Dispose();
        var importer = new GovernanceImporter(store.Factory, Clock);
        var exporter = new GovernanceExporter(store.Factory);
        Assert.True((await importer.ImportAsync("phoenix.yaml", Phoenix, false, CancellationToken.None)).Succeeded);
        var before = await exporter.ExportAsync("demo", "phoenix", CancellationToken.None);
        var broken = Phoenix.Replace("    owner: pattif\n    status: planned", "    owner: nobody\n    status: planned", StringComparison.Ordinal)
            .Replace("name: Phoenix\n", "name: Phoenix renamed\n", StringComparison.Ordinal);

        var result = await importer.ImportAsync("phoenix.yaml", broken, false, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains("unknown stakeholder 'nobody'", StringComparison.Ordinal));
        Assert.Equal(before, await exporter.ExportAsync("demo", "phoenix", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Import_TheSameFileTwice_ChangesNothingTheSecondTime(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        (await store.OpenAsync()).Dispose();
        var importer = new GovernanceImporter(store.Factory, Clock);

        var first = await importer.ImportAsync("phoenix.yaml", Phoenix, false, CancellationToken.None);
        var second = await importer.ImportAsync("phoenix.yaml", Phoenix, false, CancellationToken.None);

        Assert.True(first.Changed);
        Assert.True(second.Succeeded);
        Assert.False(second.Changed, string.Join("; ", second.Changes));
        await using var db = await store.OpenAsync();
        Assert.Equal(9, await db.Stakeholders.CountAsync());
        Assert.Equal(6 * 13, await db.KpiMeasurements.CountAsync());
        Assert.Equal(1, await db.Audit.CountAsync(a => a.Action == "governance.imported"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Import_OfAnEditedFile_UpdatesInPlaceAndRemovesWhatTheFileDropped(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        (await store.OpenAsync()).Dispose();
        var importer = new GovernanceImporter(store.Factory, Clock);
        await importer.ImportAsync("phoenix.yaml", Phoenix, false, CancellationToken.None);
        Guid kpiId;
        await using (var db = await store.OpenAsync())
        {
            kpiId = (await db.Kpis.SingleAsync(k => k.Key == "csat")).Id;
        }

        var edited = Phoenix
            .Replace("    target: 4.5\n", "    target: 4.6\n", StringComparison.Ordinal)
            .Replace("  - key: licence-retirement", "  - key: licence-retirement-gone", StringComparison.Ordinal);
        var result = await importer.ImportAsync("phoenix.yaml", edited, false, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        await using var after = await store.OpenAsync();
        var csat = await after.Kpis.SingleAsync(k => k.Key == "csat");
        Assert.Equal(kpiId, csat.Id);
        Assert.Equal(4.6, csat.Target);
        Assert.Equal(6, await after.Benefits.CountAsync());
        Assert.False(await after.Benefits.AnyAsync(b => b.Key == "licence-retirement"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ExportThenImport_IntoAFreshStore_YieldsTheSameStore(StoreKind kind)
    {
        await using var first = await TestStore.CreateAsync(kind);
        await using var second = await TestStore.CreateAsync(kind);
        (await first.OpenAsync()).Dispose();
        (await second.OpenAsync()).Dispose();
        await new GovernanceImporter(first.Factory, Clock).ImportAsync("phoenix.yaml", Phoenix, false, CancellationToken.None);
        var (exported, _) = await new GovernanceExporter(first.Factory).ExportAsync(null, null, CancellationToken.None);

        var result = await new GovernanceImporter(second.Factory, Clock).ImportAsync("export.yaml", exported!, false, CancellationToken.None);
        var (again, _) = await new GovernanceExporter(second.Factory).ExportAsync(null, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(exported, again);
        Assert.Equal(await DumpAsync(first), await DumpAsync(second));
        var reimport = await new GovernanceImporter(first.Factory, Clock).ImportAsync("export.yaml", exported!, false, CancellationToken.None);
        Assert.False(reimport.Changed, string.Join("; ", reimport.Changes));
    }

    [Fact]
    public async Task DryRun_ReportsChangesButWritesNothing()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite);
        (await store.OpenAsync()).Dispose();

        var result = await new GovernanceImporter(store.Factory, Clock).ImportAsync("phoenix.yaml", Phoenix, dryRun: true, CancellationToken.None);

        Assert.True(result.Changed);
        Assert.Contains("program phoenix created", result.Changes);
        await using var db = await store.OpenAsync();
        Assert.False(await db.Programs.AnyAsync());
    }

    [Fact]
    public async Task SelfApproval_IsImportedExportedAndReimportedUnchanged()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite);
        (await store.OpenAsync()).Dispose();
        var yaml = Small.Replace("  timeZone: Europe/London", "  timeZone: Europe/London\n  selfApproval: [budget-change, change-request]", StringComparison.Ordinal);

        var imported = await new GovernanceImporter(store.Factory, Clock).ImportAsync("atlas.yaml", yaml, dryRun: false, CancellationToken.None);
        var (exported, _) = await new GovernanceExporter(store.Factory).ExportAsync(null, "atlas", CancellationToken.None);
        var reimport = await new GovernanceImporter(store.Factory, Clock).ImportAsync("export.yaml", exported!, dryRun: false, CancellationToken.None);

        Assert.True(imported.Succeeded, string.Join("\n", imported.Errors));
        await using var db = await store.OpenAsync();
        Assert.Equal(["change-request", "budget-change"], (await db.Programs.SingleAsync()).SelfApprovalKinds);
        Assert.Contains("selfApproval:\n  - change-request\n  - budget-change\n", exported, StringComparison.Ordinal);
        Assert.False(reimport.Changed, string.Join("; ", reimport.Changes));
    }

    /// <summary>The attack from issue 14: 200,000 nested lists, which used to overflow the stack.</summary>
    internal static string NestedTooDeep => "version: 1\nprogram: " + new string('[', 200_000) + new string(']', 200_000) + "\n";

    [Fact]
    public void AFileNested200000LevelsDeep_GetsOneLocatedErrorInsteadOfAStackOverflow()
    {
        var (file, errors) = GovernanceFileReader.Read(NestedTooDeep, BotHarness.DefaultNow);

        Assert.Null(file);
        var error = Assert.Single(errors);
        // The mapping at line 1 is level 1, so the 64th '[' (column 10 + 63) is level 65.
        Assert.Equal("deep.yaml:2:73: the file nests mappings and lists more than 64 levels deep (hint: a governance file needs only a few levels; look for runaway '[' or '{' or indentation)",
            error.Format("deep.yaml"));
    }

    [Fact]
    public void NestingUpToTheLimit_IsReadNormally()
    {
        var yaml = "version: 1\nprogram: " + new string('[', YamlTree.MaxDepth - 1) + new string(']', YamlTree.MaxDepth - 1) + "\n";

        var (_, errors) = GovernanceFileReader.Read(yaml, BotHarness.DefaultNow);

        Assert.DoesNotContain(errors, e => e.Message.Contains("levels deep", StringComparison.Ordinal));
    }

    [Fact]
    public void PhoenixSample_MeetsTheDemoRequirements()
    {
        var (file, errors) = GovernanceFileReader.Read(Phoenix, BotHarness.DefaultNow);

        Assert.Empty(errors);
        Assert.True(file!.Stakeholders.Count >= 8);
        Assert.True(file.Stakeholders.Select(s => s.TimeZone).Distinct().Count() >= 3);
        foreach (var role in new[] { "sponsor", "program-manager", "project-manager", "product-manager", "benefit-owner", "kpi-owner" })
        {
            Assert.Contains(file.Stakeholders, s => s.Roles.Contains(role));
        }

        Assert.Equal("alexw@example.com", file.Stakeholders.Single(s => s.Roles.Contains("program-manager")).Email);
        Assert.True(file.Kpis.Count >= 6);
        Assert.All(file.Kpis, k => Assert.True(k.History.Count >= 12));
        Assert.True(file.Benefits.Count >= 4);
        Assert.Contains(file.CheckIns, c => c.Schedule.EndsWith("MON", StringComparison.Ordinal));
        Assert.NotEmpty(file.ApproverGroups);
        Assert.Contains(file.Approvals, a => a.Kind == "stage-gate" && a.Status == "pending");
    }

    private static async Task<string> DumpAsync(TestStore store)
    {
        await using var db = await store.OpenAsync();
        var program = await db.Programs.AsNoTracking().AsSplitQuery()
            .Include(p => p.Stakeholders).Include(p => p.Kpis).ThenInclude(k => k.Measurements)
            .Include(p => p.Benefits).Include(p => p.ApproverGroups).Include(p => p.CheckIns).ThenInclude(c => c.Questions)
            .Include(p => p.Approvals).ThenInclude(a => a.Votes)
            .SingleAsync();
        var lines = new List<string> { $"{program.Key}|{program.Name}|{program.Phase}|{program.Stage}|{program.TimeZone}|{program.StatusPostCron}" };
        lines.AddRange(program.Stakeholders.OrderBy(s => s.Key).Select(s => $"S|{s.Key}|{s.Name}|{s.Email}|{string.Join(',', s.Roles)}|{s.TimeZone}|{s.AwayUntil}"));
        lines.AddRange(program.Kpis.OrderBy(k => k.Key).Select(k => $"K|{k.Key}|{k.Direction}|{k.Target}|{k.Amber}|{k.Red}|{k.Cadence}|{string.Join(',', k.Measurements.OrderBy(m => m.Date).Select(m => $"{m.Date:yyyy-MM-dd}={m.Value}"))}"));
        lines.AddRange(program.Benefits.OrderBy(b => b.Key).Select(b => $"B|{b.Key}|{b.Status}|{b.RealisationDate}|{b.Baseline}|{b.Target}|{string.Join(',', b.KpiKeys)}"));
        lines.AddRange(program.ApproverGroups.OrderBy(g => g.Key).Select(g => $"G|{g.Key}|{g.Quorum}|{g.QuorumCount}|{g.MaxRejections}|{string.Join(',', g.MemberKeys)}"));
        lines.AddRange(program.CheckIns.OrderBy(c => c.Key).Select(c => $"C|{c.Key}|{c.Cron}|{c.Window}|{string.Join(',', c.Reminders)}|{string.Join(',', c.Questions.OrderBy(q => q.Order).Select(q => $"{q.Key}:{q.Kind}:{q.Required}"))}"));
        lines.AddRange(program.Approvals.OrderBy(a => a.Key).Select(a => $"A|{a.Key}|{a.Status}|{a.Quorum}|{a.Deadline:O}|{a.DecidedAt:O}|{string.Join(',', a.Votes.OrderBy(v => v.CastAt).Select(v => $"{v.Decision}@{v.CastAt:O}"))}"));
        return string.Join('\n', lines);
    }
}
