using System.Globalization;
using System.Text.Json;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.Dashboard;
using GovernanceBot.Features.Health;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Features.Dashboard;

/// <summary>Arranging and reading what the dashboard tests need, straight from the store.</summary>
internal static class DashboardSteps
{
    /// <summary>The whole bot; links point at the address it listens on (no public address configured).</summary>
    public static Task<BotHarness> StartAsync(StoreKind kind, bool loadDemo = true) => BotHarness.StartAsync(kind, loadDemo);

    /// <summary>A link made the way chat makes one, for the person with this e-mail.</summary>
    public static async Task<string> LinkAsync(BotHarness bot, string email, string? program = null, string workspace = "demo")
    {
        await using var scope = bot.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GovernanceDb>();
        var ws = await db.Workspaces.SingleAsync(w => w.Key == workspace);
        return scope.ServiceProvider.GetRequiredService<DashboardLinks>().Issue(ws, new DashboardPerson(ws.Id, email), program);
    }

    /// <summary>Each KPI's latest value as the store holds it, formatted as the cards format it, by KPI key.</summary>
    public static async Task<Dictionary<string, string>> LatestValuesAsync(BotHarness bot, string programKey)
    {
        await using var db = await bot.Store.OpenAsync();
        var kpis = await db.Kpis.AsNoTracking().Include(k => k.Measurements).Where(k => k.Program!.Key == programKey).ToListAsync();
        return kpis.ToDictionary(k => k.Key, k => k.Measurements.MaxBy(m => m.Date) is { } m ? KpiRag.Format(m.Value, k.Unit) : "no data");
    }

    /// <summary>
    /// Six closed rounds of Phoenix's weekly check-in with answers from its participants, the last
    /// with a risk answer carrying <paramref name="lastRisk"/>.
    /// </summary>
    public static async Task SeedCheckInRoundsAsync(BotHarness bot, string lastRisk)
    {
        await using var db = await bot.Store.OpenAsync();
        var checkIn = await db.CheckIns.Include(c => c.Program!).ThenInclude(p => p.Stakeholders).SingleAsync(c => c.Key == "weekly");
        var people = CheckInRounds.Participants(checkIn, checkIn.Program!.Stakeholders);
        var monday = new DateOnly(2026, 11, 23);
        for (var week = 5; week >= 0; week--)
        {
            var date = monday.AddDays(-7 * week);
            var opens = new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
            var round = new CheckInRound
            {
                CheckInId = checkIn.Id,
                ProgramId = checkIn.ProgramId,
                OccurrenceDate = date,
                OpensAt = opens,
                ClosesAt = opens.AddHours(32),
                Status = CheckInRoundStatus.Closed,
                SummarisedAt = opens.AddHours(32),
            };
            // Fewer answer, and less confidently, as the weeks go by: a trend to see.
            var answering = people.Take(Math.Max(1, people.Count - (5 - week) / 2)).ToList();
            foreach (var (person, i) in answering.Select((p, i) => (p, i)))
            {
                var answers = new Dictionary<string, string>
                {
                    ["confidence"] = (5 - ((i + (5 - week)) % 3)).ToString(CultureInfo.InvariantCulture),
                    ["status"] = i == 0 && week == 0 ? "Some risk" : "On track",
                };
                if (week == 0 && i == 0)
                {
                    answers["risks"] = lastRisk;
                }

                round.Responses.Add(new CheckInResponse
                {
                    StakeholderId = person.Id,
                    AnswersJson = JsonSerializer.Serialize(answers),
                    SubmittedAt = opens.AddHours(2),
                    UpdatedAt = opens.AddHours(2),
                });
            }

            db.CheckInRounds.Add(round);
        }

        await db.SaveChangesAsync();
    }
}
