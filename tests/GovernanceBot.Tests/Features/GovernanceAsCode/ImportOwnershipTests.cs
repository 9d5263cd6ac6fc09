using System.Text.Json.Nodes;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Tests.Features.GovernanceAsCode;

/// <summary>
/// The file owns definitions, chat owns state: importing the governance file after people have
/// worked in chat never undoes what they recorded, and the dry run says everything it would do.
/// </summary>
public sealed class ImportOwnershipTests
{
    private const string Manager = "alexw@example.com";

    private static string Phoenix => File.ReadAllText(RepoPaths.Combine("samples", "phoenix.yaml"));

    /// <summary>The demo, then a morning in chat: statuses reported, a target changed, a check-in answered, gate 3 escalated.</summary>
    private static async Task<BotHarness> StartWithChatStateAsync(StoreKind kind)
    {
        var bot = await BotHarness.StartAsync(kind);
        Assert.Contains("→", (await bot.SendAsync("benefit \"Faster customer onboarding\" status at-risk", Manager))[0].ShouldBeText(), StringComparison.Ordinal);
        Assert.Contains("→", (await bot.SendAsync("benefit \"Lower onboarding operating cost\" target 1100", Manager))[0].ShouldBeText(), StringComparison.Ordinal);
        await bot.SendAsync("checkin run Phoenix", Manager);
        await using var db = await bot.Store.OpenAsync();
        var round = await db.CheckInRounds.SingleAsync(r => r.Status == CheckInRoundStatus.Open);
        await bot.ActAsync("checkin.submit", new JsonObject
        {
            ["roundId"] = round.Id.ToString(),
            ["q_confidence"] = "4",
            ["q_status"] = "On track",
            ["q_highlights"] = "Release 1 passed security testing.",
        }, "lynner@example.com");

        // Gate 3 went past its deadline and was escalated, as the deadline job records it.
        var gate = await db.Approvals.SingleAsync(a => a.Key == "gate-3");
        gate.Status = ApprovalStatus.Escalated;
        gate.DecidedAt = bot.Clock.GetUtcNow();
        db.DecisionLog.Add(new DecisionLogEntry { ProgramId = gate.ProgramId, ApprovalRequestId = gate.Id, Title = gate.Title, Outcome = "escalated", DecidedAt = bot.Clock.GetUtcNow() });
        await db.SaveChangesAsync();
        return bot;
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ImportingTheFileAfterWorkInChat_KeepsEveryStatusDecisionAndAnswer_AndTheDryRunSaysSo(StoreKind kind)
    {
        await using var bot = await StartWithChatStateAsync(kind);
        var importer = new GovernanceImporter(bot.Store.Factory, bot.Clock);

        var dry = await importer.ImportAsync("phoenix.yaml", Phoenix, dryRun: true, CancellationToken.None);
        var applied = await importer.ImportAsync("phoenix.yaml", Phoenix, dryRun: false, CancellationToken.None);

        Assert.True(dry.Succeeded, string.Join("\n", dry.Errors));
        Assert.Contains("benefit cost-savings: target 1100 → 1200", dry.Changes);
        var overwrite = Assert.Single(dry.Overwrites!);
        Assert.StartsWith("benefit cost-savings: target in chat by alexw on 2026-11-25", overwrite, StringComparison.Ordinal);
        Assert.Contains("benefit faster-onboarding: status stays at-risk as reported in chat (the file says in-delivery)", dry.Kept!);
        Assert.Contains("approval gate-3: stays escalated as decided in chat (the file says pending)", dry.Kept!);
        Assert.Empty(dry.Removals!);
        Assert.Equal(dry.Changes, applied.Changes);

        await using var db = await bot.Store.OpenAsync();
        Assert.Equal(BenefitStatus.AtRisk, (await db.Benefits.SingleAsync(b => b.Key == "faster-onboarding")).Status);
        Assert.Equal(1200, (await db.Benefits.SingleAsync(b => b.Key == "cost-savings")).Target);
        var gate = await db.Approvals.Include(a => a.Votes).SingleAsync(a => a.Key == "gate-3");
        Assert.Equal(ApprovalStatus.Escalated, gate.Status);
        Assert.Equal("escalated", (await db.DecisionLog.SingleAsync(d => d.ApprovalRequestId == gate.Id)).Outcome);
        Assert.Equal(1, await db.CheckInResponses.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AFileThatDropsACheckInWithAnswers_ArchivesItInsteadOfDeletingTheAnswers(StoreKind kind)
    {
        await using var bot = await StartWithChatStateAsync(kind);
        var withoutCheckIns = Phoenix[..Phoenix.IndexOf("checkIns:", StringComparison.Ordinal)] + Phoenix[Phoenix.IndexOf("approvals:", StringComparison.Ordinal)..];

        var result = await new GovernanceImporter(bot.Store.Factory, bot.Clock).ImportAsync("phoenix.yaml", withoutCheckIns, dryRun: false, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Contains("check-in weekly archived, not deleted: its 1 recorded round(s) and their answers are kept", result.Removals!);
        await using var db = await bot.Store.OpenAsync();
        Assert.NotNull((await db.CheckIns.SingleAsync(c => c.Key == "weekly")).ArchivedAt);
        Assert.Equal(1, await db.CheckInResponses.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AFileThatDropsAKpiWithMeasurements_IsRefusedAndChangesNothing(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        (await store.OpenAsync()).Dispose();
        var importer = new GovernanceImporter(store.Factory, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(BotHarness.DefaultNow));
        await importer.ImportAsync("phoenix.yaml", Phoenix, false, CancellationToken.None);
        var start = Phoenix.IndexOf("  - key: adoption", StringComparison.Ordinal);
        var withoutAdoption = Phoenix[..start] + Phoenix[Phoenix.IndexOf("benefits:", StringComparison.Ordinal)..];
        withoutAdoption = withoutAdoption.Replace("    kpis: [adoption]\n", "", StringComparison.Ordinal);

        var result = await importer.ImportAsync("phoenix.yaml", withoutAdoption, false, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Contains("the KPI 'adoption', which has 13 recorded measurement(s)", StringComparison.Ordinal));
        await using var db = await store.OpenAsync();
        Assert.Equal(13, await db.KpiMeasurements.CountAsync(m => db.Kpis.Any(k => k.Id == m.KpiId && k.Key == "adoption")));
    }

    [Fact]
    public void ACheckInForARoleNobodyHolds_SaysNoOneHoldsTheRole()
    {
        var yaml = Phoenix.Replace("      roles: [project-manager, product-manager, benefit-owner]", "      roles: [member]", StringComparison.Ordinal);

        var (_, errors) = GovernanceFileReader.Read(yaml, BotHarness.DefaultNow);

        var error = Assert.Single(errors);
        Assert.Contains("no one in the program holds the role 'member'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("has no participants", error.Message, StringComparison.Ordinal);
    }
}
