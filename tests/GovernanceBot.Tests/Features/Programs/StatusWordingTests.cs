using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.Tests.Features.Programs;

/// <summary>The words a program manager reads on the status and benefit cards mean what they say.</summary>
public sealed class StatusWordingTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task StatusCard_SaysGreenForHealth_AndOnTargetOnlyForAKpiThatMeetsItsTarget(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var card = Assert.Single(await bot.SendAsync("status Phoenix")).ShouldBeCard("program.status");
        var shown = Shown(bot, card.Template, card.Data);

        // Cost savings is Green at 860 EUR k, but its target is 1,200: that is not "on target".
        var highlights = card.Data["highlights"]!.AsArray().Select(h => (string)h!).ToList();
        Assert.Contains("Cost savings Green at 860 EUR k, short of its target ≥ 1200 EUR k.", highlights);
        Assert.DoesNotContain(highlights, h => h.StartsWith("Cost savings on target", StringComparison.Ordinal));
        Assert.Contains("🟢 3 Green · 🟠 2 Amber · 🔴 1 Red", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("on target ·", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("(s)", shown, StringComparison.Ordinal);
        Assert.Equal("Needs attention: 1 KPI Red, 2 KPIs Amber, 1 benefit at risk.", (string?)card.Data["overall"]!["summary"]);
        // One word and one colour per benefit status: at risk is amber in the counts and under health.
        Assert.Contains("🔵 3 in delivery", shown, StringComparison.Ordinal);
        Assert.Contains("🟠 1 at risk", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("on track", shown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("off track", shown, StringComparison.OrdinalIgnoreCase);
        var benefits = card.Data["dimensions"]!.AsArray().Single(d => (string?)d!["name"] == "Benefits")!;
        Assert.Equal("amber", (string?)benefits["rag"]);
        Assert.Equal("amber", (string?)card.Data["risks"]!.AsArray().Single(r => ((string?)r!["title"])!.StartsWith("Benefit at risk", StringComparison.Ordinal))!["rag"]);
        // The facts read as sentences: no "Check-in: Check-in:", no "None scheduled, —".
        Assert.DoesNotContain("Check-in: Check-in", shown, StringComparison.Ordinal);
        Assert.Equal("No round has run yet", (string?)card.Data["checkin"]!["text"]);
        Assert.Equal(UserText.Escape("Gate 3: Release to pilot customers (Build → Pilot), Sat 5 Dec 2026; 2 of 4 entry criteria confirmed; review gate-3 waiting, deadline Sat 5 Dec 2026"),
            (string?)card.Data["nextGate"]!["text"]);
        Assert.DoesNotContain(", —", shown, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AnEscalatedGate_IsStillWaitingForADecision_AndShowsAsEscalated(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);
        await using (var db = await bot.Store.OpenAsync())
        {
            var gate = await db.Approvals.SingleAsync(a => a.Key == "gate-3");
            gate.Status = ApprovalStatus.Escalated;
            await db.SaveChangesAsync();
        }

        var card = Assert.Single(await bot.SendAsync("status Phoenix")).ShouldBeCard("program.status");

        var decisions = card.Data["dimensions"]!.AsArray().Single(d => (string?)d!["name"] == "Decisions")!;
        Assert.NotEqual("Nothing waiting for a decision.", (string?)decisions["note"]);
        Assert.StartsWith("1 waiting, 1 escalated", (string?)decisions["note"], StringComparison.Ordinal);
        Assert.Equal("red", (string?)decisions["rag"]);
        Assert.EndsWith("review gate-3 escalated \\(its deadline passed\\)", (string?)card.Data["nextGate"]!["text"], StringComparison.Ordinal);
        Assert.Contains("escalated", (string?)Assert.Single(card.Data["pendingApprovals"]!.AsArray())!["tallyText"], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task BenefitsRegister_UsesTheStatusesOwnersSet_AndTheBenefitsOwnBaseline(StoreKind kind)
    {
        await using var bot = await BotHarness.StartAsync(kind);

        var card = Assert.Single(await bot.SendAsync("benefits Phoenix", "adelev@example.com")).ShouldBeCard("benefits.status");
        var shown = Shown(bot, card.Template, card.Data);

        var counts = card.Data["counts"]!;
        Assert.Equal((0, 1, 3, 1, 0, 1, 6),
            ((int)counts["identified"]!, (int)counts["planned"]!, (int)counts["inDelivery"]!, (int)counts["realised"]!, (int)counts["sustained"]!, (int)counts["atRisk"]!, (int)counts["total"]!));
        Assert.Equal("⚪ 1 planned · 🔵 3 in delivery · ✅ 1 realised · 🟠 1 at risk", (string?)counts["text"]);
        var savings = card.Data["benefits"]!.AsArray().Single(b => (string?)b!["id"] == "phoenix.cost-savings")!;
        Assert.Equal(("inDelivery", "🔵 In delivery", "Accent"), ((string?)savings["status"], (string?)savings["statusText"], (string?)savings["statusColor"]));
        // The benefit's own baseline (0), not the first value its KPI ever recorded.
        Assert.Equal("Baseline 0 EUR k → target 1200 EUR k", (string?)savings["measureText"]);
        var retention = card.Data["benefits"]!.AsArray().Single(b => (string?)b!["id"] == "phoenix.customer-retention")!;
        Assert.Equal(("🟠 At risk", "Warning"), ((string?)retention["statusText"], (string?)retention["statusColor"]));
        Assert.DoesNotContain("On track", shown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Off track", shown, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Baseline 0 EUR k → target 1200 EUR k", shown, StringComparison.Ordinal);
    }

    /// <summary>Every text of the rendered card, one per line: what a reader sees.</summary>
    private static string Shown(BotHarness bot, string template, JsonObject data) =>
        string.Join('\n', Texts(bot.Services.GetRequiredService<ICardRenderer>().Render(template, data)));

    private static IEnumerable<string> Texts(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Texts(p.Value)),
        JsonArray a => a.SelectMany(Texts),
        JsonValue v when v.TryGetValue<string>(out var text) => [text],
        _ => [],
    };
}
