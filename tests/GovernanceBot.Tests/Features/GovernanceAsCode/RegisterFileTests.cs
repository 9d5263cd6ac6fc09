using System.Text.Json.Nodes;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace GovernanceBot.Tests.Features.GovernanceAsCode;

/// <summary>The governance file's <c>raid</c> and <c>decisions</c> sections: located errors, idempotent import, export round trip, chat-owned state kept.</summary>
public sealed class RegisterFileTests
{
    private static readonly FakeTimeProvider Clock = new(BotHarness.DefaultNow);

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
        raid:
          - key: r-1
            type: risk
            title: Vendor late
            owner: ann
            probability: high
            impact: 3
            review: 2026-12-01
            raised: 2026-11-02
          - key: d-1
            type: dependency
            title: Single sign-on
            owner: ann
            on: Identity team
            neededBy: 2027-01-10
        decisions:
          - key: dec-1
            title: Pilot in the Midlands
            rationale: Smallest region with every product line
            decidedBy: [ann]
            decided: 2026-11-10
            status: superseded
          - key: dec-2
            title: Pilot in two regions
            rationale: Sales asked for it
            decided: 2026-11-20
            supersedes: dec-1
            concerns: { raid: [r-1], meetings: [2026-11-19] }
        """;

    public static TheoryData<string, string, string, string> BadFiles => new()
    {
        { "unknown type", Small.Replace("    type: risk", "    type: rsk", StringComparison.Ordinal), "16:11:", "'rsk' is not a valid type (hint: did you mean 'risk'?)" },
        { "score outside the scale", Small.Replace("    impact: 3", "    impact: 7", StringComparison.Ordinal), "20:13:", "'7' is not on the scale for 'impact'" },
        { "review before it was raised", Small.Replace("    review: 2026-12-01", "    review: 2026-10-01", StringComparison.Ordinal), "21:13:", "the risk 'r-1' is due (2026-10-01) before it was raised (2026-11-02)" },
        { "the wrong date for the type", Small.Replace("    neededBy: 2027-01-10", "    review: 2027-01-10", StringComparison.Ordinal), "28:13:", "a dependency has no 'review'" },
        { "unknown owner", Small.Replace("    owner: ann\n    on:", "    owner: zed\n    on:", StringComparison.Ordinal), "26:12:", "unknown stakeholder 'zed' in 'owner'" },
        { "dependency on its own program", Small.Replace("    on: Identity team", "    onProgram: atlas", StringComparison.Ordinal), "27:16:", "the dependency 'd-1' is on its own program" },
        { "a status of another type", Small.Replace("    raised: 2026-11-02", "    raised: 2026-11-02\n    status: met", StringComparison.Ordinal), "23:13:", "'met' is not a status of a risk" },
        { "decision superseding itself", Small.Replace("    supersedes: dec-1", "    supersedes: dec-2", StringComparison.Ordinal), "40:17:", "the decision 'dec-2' supersedes itself" },
        { "superseded decision still active", Small.Replace("    status: superseded", "    status: active", StringComparison.Ordinal), "35:13:", "the decision 'dec-1' is superseded by 'dec-2' but its status is active" },
        { "concerns an unknown item", Small.Replace("raid: [r-1]", "raid: [r-9]", StringComparison.Ordinal), "41:23:", "the decision 'dec-2' concerns the unknown raid item 'r-9'" },
        { "an action without a due date", Small.Replace("    neededBy: 2027-01-10", "    neededBy: 2027-01-10\n  - key: act-1\n    type: action\n    title: Chase the vendor\n    owner: ann", StringComparison.Ordinal),
            "29:5:", "the action 'act-1' needs 'due'" },
        { "an action with a status of another type", Small.Replace("    neededBy: 2027-01-10", "    neededBy: 2027-01-10\n  - key: act-1\n    type: action\n    title: Chase the vendor\n    owner: ann\n    due: 2026-12-04\n    status: met", StringComparison.Ordinal),
            "34:13:", "'met' is not a status of an action" },
        { "a meeting that is not a date", Small.Replace("meetings: [2026-11-19]", "meetings: [19 Nov]", StringComparison.Ordinal), "41:41:", "the decision 'dec-2' names the meeting '19 Nov', which is not a date" },
        { "a meeting that has not happened", Small.Replace("meetings: [2026-11-19]", "meetings: [2026-12-19]", StringComparison.Ordinal), "41:41:", "the decision 'dec-2' concerns a meeting on 2026-12-19, which has not happened yet" },
        { "decision in the future", Small.Replace("2026-11-20", "2026-12-20", StringComparison.Ordinal), "39:14:", "the decision 'dec-2' is dated in the future" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Import_OfABadRegister_ReportsFileLineAndColumnAndWritesNothing(string problem, string yaml, string location, string message)
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
    public async Task ADependencyOnAProgramOutsideTheWorkspace_IsRefused_AndNothingIsWritten(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        (await store.OpenAsync()).Dispose();
        var importer = new GovernanceImporter(store.Factory, Clock);
        // "phoenix" exists, but in another workspace.
        Assert.True((await importer.ImportAsync("phoenix.yaml", File.ReadAllText(RepoPaths.Combine("samples", "phoenix.yaml")), false, CancellationToken.None)).Succeeded);

        var result = await importer.ImportAsync("atlas.yaml", Small.Replace("    on: Identity team", "    onProgram: phoenix", StringComparison.Ordinal), false, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains("the dependency 'd-1' is on the program 'phoenix', which is not a program of workspace 'acme'", StringComparison.Ordinal));
        await using var db = await store.OpenAsync();
        Assert.False(await db.Programs.AnyAsync(p => p.Key == "atlas"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task TheRegisters_ImportOnce_ExportAndImportBackUnchanged_IntoAFreshStoreToo(StoreKind kind)
    {
        await using var first = await TestStore.CreateAsync(kind);
        await using var second = await TestStore.CreateAsync(kind);
        (await first.OpenAsync()).Dispose();
        (await second.OpenAsync()).Dispose();

        var imported = await new GovernanceImporter(first.Factory, Clock).ImportAsync("atlas.yaml", Small, false, CancellationToken.None);
        var again = await new GovernanceImporter(first.Factory, Clock).ImportAsync("atlas.yaml", Small, false, CancellationToken.None);
        var (exported, _) = await new GovernanceExporter(first.Factory).ExportAsync("acme", "atlas", CancellationToken.None);
        var intoFirst = await new GovernanceImporter(first.Factory, Clock).ImportAsync("export.yaml", exported!, false, CancellationToken.None);
        var intoSecond = await new GovernanceImporter(second.Factory, Clock).ImportAsync("export.yaml", exported!, false, CancellationToken.None);
        var (reexported, _) = await new GovernanceExporter(second.Factory).ExportAsync("acme", "atlas", CancellationToken.None);

        Assert.True(imported.Succeeded, string.Join("\n", imported.Errors));
        Assert.Contains("RAID item r-1 added", imported.Changes);
        Assert.Contains("decision dec-2 added", imported.Changes);
        Assert.False(again.Changed);
        Assert.True(intoFirst.Succeeded, string.Join("\n", intoFirst.Errors));
        Assert.False(intoFirst.Changed);
        Assert.True(intoSecond.Succeeded, string.Join("\n", intoSecond.Errors));
        Assert.Equal(exported, reexported);
        Assert.Contains("  probability: high\n  impact: medium\n  review: 2026-12-01\n", exported, StringComparison.Ordinal);
        Assert.Contains("  supersedes: dec-1\n", exported, StringComparison.Ordinal);
        Assert.Contains("    meetings:\n    - 2026-11-19\n", exported, StringComparison.Ordinal);
        await using var db = await second.OpenAsync();
        var dec1 = await db.DecisionLog.SingleAsync(d => d.Key == "dec-1");
        var dec2 = await db.DecisionLog.SingleAsync(d => d.Key == "dec-2");
        Assert.Equal((dec2.Id, dec1.Id, DecisionStatus.Superseded), (dec1.SupersededById!.Value, dec2.SupersedesId!.Value, dec1.Status));
        Assert.Equal(["raid:r-1", "meeting:2026-11-19"], dec2.Links);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ADecisionRecordedInASteeringMeeting_KeepsItsMeeting_ThroughExportAndImportIntoAFreshStore(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        var meetingId = (string)(await bot.SendAsync("meeting start Phoenix", "alexw@example.com"))[1].ShouldBeCard("steering.meeting").Data["meetingId"]!;
        await bot.ActAsync("meeting.decision", new JsonObject { ["meetingId"] = meetingId, ["decisionTitle"] = "Keep the 12 January pilot start", ["rationale"] = "The provider confirmed its API date" }, "alexw@example.com");
        await using var fresh = await TestStore.CreateAsync(kind);
        (await fresh.OpenAsync()).Dispose();

        var (exported, _) = await new GovernanceExporter(bot.Store.Factory).ExportAsync("demo", "phoenix", CancellationToken.None);
        var imported = await new GovernanceImporter(fresh.Factory, Clock).ImportAsync("export.yaml", exported!, false, CancellationToken.None);

        Assert.True(imported.Succeeded, string.Join("\n", imported.Errors));
        Assert.Contains("- key: dec-4\n  title: Keep the 12 January pilot start\n", exported, StringComparison.Ordinal);
        await using var db = await fresh.OpenAsync();
        Assert.Equal(["meeting:2026-11-25"], (await db.DecisionLog.SingleAsync(d => d.Key == "dec-4")).Links);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AnItemChangedInChat_StaysAsItIs_WhenTheFileIsImportedAgain(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        await using (var db = await bot.Store.OpenAsync())
        {
            var id = (await db.RaidItems.SingleAsync(r => r.Key == "r-2")).Id.ToString();
            await bot.ActAsync("raid.close", new JsonObject { ["itemId"] = id, ["note"] = "Matched" }, "isaiahl@example.com");
        }

        var importer = new GovernanceImporter(bot.Store.Factory, Clock);
        var result = await importer.ImportAsync("phoenix.yaml", File.ReadAllText(RepoPaths.Combine("samples", "phoenix.yaml")), false, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Contains("RAID item r-2: stays closed as recorded in chat (the file says open)", result.Kept!);
        await using var after = await bot.Store.OpenAsync();
        Assert.Equal(RaidStatus.Closed, (await after.RaidItems.SingleAsync(r => r.Key == "r-2")).Status);
        Assert.Equal(14, await after.RaidItems.CountAsync());
    }
}
