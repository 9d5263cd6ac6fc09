using System.Text.Json.Nodes;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GovernanceBot.Tests.Features.GovernanceAsCode;

/// <summary>The life cycle and benefit actuals in the governance file: located errors, round trips, and chat-owned state kept.</summary>
public sealed class LifeCycleImportTests
{
    private static readonly FakeTimeProvider Clock = new(BotHarness.DefaultNow);

    private static string Phoenix => File.ReadAllText(RepoPaths.Combine("samples", "phoenix.yaml"));

    // Line numbers in the cases below refer to this file.
    private const string Small = """
        version: 1
        workspace: { key: acme, name: Acme }
        program:
          key: atlas
          name: Atlas
          phase: build
          timeZone: Europe/London
        stakeholders:
          - { key: ann, name: Ann Archer, email: ann@example.com, roles: [program-manager] }
          - { key: bob, name: Bob Baker, email: bob@example.com, roles: [approver] }
        benefits:
          - key: savings
            name: Savings
            unit: EUR k
            baseline: 0
            target: 100
            realisationDate: 2027-06-30
            actuals:
              - { date: 2026-10-31, value: 20 }
        approverGroups:
          - { key: board, name: Board, members: [bob], quorum: any }
        lifeCycle:
          phases: [design, build, run]
          gates:
            - key: gate-1
              name: Design approved
              after: design
              passed: 2026-06-01
            - key: gate-2
              name: Go live
              after: build
              date: 2026-12-10
              approverGroup: board
              criteria:
                - { key: tested, text: Tested end to end, owner: ann }
        """;

    public static TheoryData<string, string, string, string> BadFiles => new()
    {
        { "phase not in the life cycle", Small.Replace("  phase: build", "  phase: pilot", StringComparison.Ordinal), "6:10:", "'pilot' is not a phase of the program's life cycle (hint: use one of: design, build, run, or closed)" },
        { "gate after the last phase", Small.Replace("      after: build", "      after: run", StringComparison.Ordinal), "31:14:", "the gate 'gate-2' comes after the last phase ('run'): a gate leads into a next phase" },
        { "gate after an unknown phase", Small.Replace("      after: build", "      after: biuld", StringComparison.Ordinal), "31:14:", "the gate 'gate-2' comes after 'biuld', which is not a phase" },
        { "unknown approver group", Small.Replace("approverGroup: board", "approverGroup: bord", StringComparison.Ordinal), "33:22:", "unknown approver group 'bord'" },
        { "criterion without owner", Small.Replace(", owner: ann }", " }", StringComparison.Ordinal), "35:11:", "the criterion 'tested' of 'gate-2' has no owner: its owner confirms it" },
        { "criterion owner unknown", Small.Replace(", owner: ann }", ", owner: zed }", StringComparison.Ordinal), "35:58:", "unknown stakeholder 'zed' in 'owner'" },
        { "gate behind the phase not passed", Small.Replace("      passed: 2026-06-01\n", "", StringComparison.Ordinal), "25:7:", "the program is in 'build', past the gate 'gate-1', but the gate has no 'passed' date" },
        { "gate ahead passed", Small.Replace("      date: 2026-12-10\n", "      date: 2026-12-10\n      passed: 2026-11-01\n", StringComparison.Ordinal), "33:15:", "the gate 'gate-2' is passed, but the program is still in 'build'" },
        { "two gates after one phase", Small.Replace("      after: design", "      after: build", StringComparison.Ordinal).Replace("      passed: 2026-06-01\n", "", StringComparison.Ordinal), "30:14:", "two gates come after 'build'" },
        { "actual in the future", Small.Replace("2026-10-31", "2027-01-04", StringComparison.Ordinal), "19:17:", "the measurement dated 2027-01-04 is in the future" },
        { "phase listed twice", Small.Replace("[design, build, run]", "[design, build, build, run]", StringComparison.Ordinal), "23:27:", "the phase 'build' is listed twice" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Import_OfABadLifeCycle_ReportsFileLineAndColumnAndWritesNothing(string problem, string yaml, string location, string message)
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite);
        (await store.OpenAsync()).Dispose();

        var result = await new GovernanceImporter(store.Factory, Clock).ImportAsync("atlas.yaml", yaml, dryRun: false, CancellationToken.None);

        Assert.False(result.Succeeded, problem);
        var error = Assert.Single(result.Errors, e => e.Contains(message, StringComparison.Ordinal));
        Assert.StartsWith($"atlas.yaml:{location}", error, StringComparison.Ordinal);
        await using var db = await store.OpenAsync();
        Assert.False(await db.Workspaces.AnyAsync(), "nothing may be written when the file has errors");
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheLifeCycleAndActuals_ExportAndImportBackUnchanged_AndASecondImportChangesNothing(StoreKind kind)
    {
        await using var first = await TestStore.CreateAsync(kind);
        await using var second = await TestStore.CreateAsync(kind);
        (await first.OpenAsync()).Dispose();
        (await second.OpenAsync()).Dispose();
        var importer = new GovernanceImporter(first.Factory, Clock);
        Assert.True((await importer.ImportAsync("phoenix.yaml", Phoenix, false, CancellationToken.None)).Succeeded);
        Assert.False((await importer.ImportAsync("phoenix.yaml", Phoenix, false, CancellationToken.None)).Changed);
        var (exported, _) = await new GovernanceExporter(first.Factory).ExportAsync(null, null, CancellationToken.None);

        var result = await new GovernanceImporter(second.Factory, Clock).ImportAsync("export.yaml", exported!, false, CancellationToken.None);
        var (again, _) = await new GovernanceExporter(second.Factory).ExportAsync(null, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(exported, again);
        Assert.Contains("  phases:\n  - definition\n  - design\n  - build", exported, StringComparison.Ordinal);
        Assert.Contains("approval: gate-3", exported, StringComparison.Ordinal);
        Assert.Contains("disBenefit: true", exported, StringComparison.Ordinal);
        await using var db = await second.OpenAsync();
        Assert.Equal(5, await db.StageGates.CountAsync());
        Assert.Equal(2, await db.GateCriteria.CountAsync(c => c.ConfirmedAt != null && c.Key != "business-case" && c.Key != "architecture" && c.Key != "budget"));
        Assert.Equal(4 + 4 + 3 + 1 + 3, await db.BenefitActuals.CountAsync());
        var review = await db.Approvals.SingleAsync(a => a.Key == "gate-3");
        Assert.Equal(review.Id, (await db.StageGates.SingleAsync(g => g.Key == "gate-3")).ApprovalRequestId);
        Assert.Contains("Entry criteria: 2 of 4 entry criteria confirmed", review.EvidenceJson, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ReimportingTheFile_AfterAGateWasPassedAndACriterionConfirmedInChat_KeepsWhatChatDecided(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        await bot.ActAsync("gate.confirm", new JsonObject { ["program"] = "phoenix", ["gate"] = "gate-3", ["criterion"] = "pilot-support" }, "adelev@example.com");
        Guid review;
        await using (var db = await bot.Store.OpenAsync())
        {
            review = (await db.Approvals.SingleAsync(a => a.Key == "gate-3")).Id;
        }

        await bot.ActAsync("approval.vote", new JsonObject { ["requestId"] = review.ToString(), ["decision"] = "approve" }, "meganb@example.com");
        await bot.SendAsync("benefit record \"Lower onboarding operating cost\" 905 2026-11-23", "diegos@example.com");

        var result = await bot.Services.GetRequiredService<GovernanceImporter>().ImportAsync("phoenix.yaml", Phoenix, false, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Contains("program phoenix: phase stays pilot, where passing a gate in chat moved it (the file says build)", result.Kept!);
        Assert.Contains(result.Kept!, k => k.StartsWith("gate gate-3: stays passed on 2026-11-25 by review gate-3", StringComparison.Ordinal));
        Assert.Contains(result.Kept!, k => k.StartsWith("gate gate-3, criterion pilot-support: stays confirmed on 2026-11-25 as its owner said in chat", StringComparison.Ordinal));
        Assert.Contains("benefit cost-savings: the 2026-11-23 actual stays 905 as recorded (the file says 860)", result.Kept!);
        await using var after = await bot.Store.OpenAsync();
        Assert.Equal("pilot", (await after.Programs.SingleAsync()).Phase);
        Assert.NotNull((await after.StageGates.SingleAsync(g => g.Key == "gate-3")).PassedAt);
        Assert.NotNull((await after.GateCriteria.SingleAsync(c => c.Key == "pilot-support")).ConfirmedAt);
    }
}
