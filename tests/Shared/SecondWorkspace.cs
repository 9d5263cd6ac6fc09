using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.Testing;

/// <summary>
/// Another organisation (Globex, program Atlas) whose benefit and KPI share names with Phoenix's but
/// belong to someone else: for proving that one workspace never sees another's data.
/// </summary>
public static class SecondWorkspace
{
    public const string Key = "globex";
    public const string ProgramName = "Atlas";
    public const string OwnerName = "Zed Secretkeeper";

    public const string Yaml = """
        version: 1
        workspace:
          key: globex
          name: Globex
        program:
          key: atlas
          name: Atlas
          phase: delivery
          timeZone: Europe/Paris
        stakeholders:
          - key: zed
            name: Zed Secretkeeper
            email: zed@globex.example
            roles: [benefit-owner, kpi-owner]
            timeZone: Europe/Paris
        kpis:
          - key: on-time-delivery
            name: On-time delivery
            unit: "%"
            direction: higher
            target: 99
            amber: 97
            red: 95
            owner: zed
            history:
              - { date: 2026-11-20, value: 42.0 }
        benefits:
          - key: cost-savings
            name: Cost savings
            owner: zed
            status: at-risk
        """;

    /// <summary>Imports Globex next to whatever the bot already holds; returns its workspace id.</summary>
    public static async Task<Guid> ImportAsync(BotHarness bot)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<GovernanceImporter>().ImportAsync("globex.yaml", Yaml, false, CancellationToken.None);
        Assert.True(outcome.Succeeded, string.Join("; ", outcome.Errors));
        var db = scope.ServiceProvider.GetRequiredService<GovernanceDb>();
        return (await db.Workspaces.SingleAsync(w => w.Key == Key)).Id;
    }
}
