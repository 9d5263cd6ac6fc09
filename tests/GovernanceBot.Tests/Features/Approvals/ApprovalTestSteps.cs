using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Scheduling;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.Tests.Features.Approvals;

/// <summary>The steps approval conversations share: raise a request, vote, run a sweep, read the store.</summary>
internal static class ApprovalTestSteps
{
    public const string Manager = "alexw@example.com";
    public const string Megan = "meganb@example.com";
    public const string Lee = "leeg@example.com";
    public const string Diego = "diegos@example.com";

    /// <summary>Alex (program manager) raises a request to Megan, Lee and Diego; returns its id.</summary>
    public static async Task<Guid> RequestAsync(BotHarness bot, string rule, string extra = "", string approvers = "@meganb @leeg @diegos")
    {
        var replies = await bot.SendAsync($"approval request \"Gate 4: go live\" approvers {approvers} quorum {rule} due 2026-12-05 {extra}", Manager);
        Assert.StartsWith("Requested **Gate 4: go live**", replies[0].ShouldBeText(), StringComparison.Ordinal);
        await using var db = await bot.Store.OpenAsync();
        return (await db.Approvals.SingleAsync(a => a.Title == "Gate 4: go live")).Id;
    }

    public static Task<IReadOnlyList<Reply>> VoteAsync(BotHarness bot, Guid requestId, string decision, string asEmail, string comment = "", ConversationRef? conversation = null) =>
        bot.ActAsync("approval.vote", new JsonObject { ["requestId"] = requestId.ToString(), ["decision"] = decision, ["comment"] = comment }, asEmail, conversation);

    public static async Task<ApprovalRequest> LoadAsync(BotHarness bot, Guid requestId)
    {
        await using var db = await bot.Store.OpenAsync();
        return await db.Approvals.AsNoTracking().Include(a => a.Votes).SingleAsync(a => a.Id == requestId);
    }

    public static async Task<Guid> IdOfAsync(BotHarness bot, string key)
    {
        await using var db = await bot.Store.OpenAsync();
        return (await db.Approvals.SingleAsync(a => a.Key == key)).Id;
    }

    public static async Task RunAsync<TJob>(BotHarness bot) where TJob : IGovernanceJob
    {
        await using var scope = bot.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TJob>().RunAsync(CancellationToken.None);
    }

    public static async Task<List<AuditEntry>> AuditAsync(BotHarness bot, string action)
    {
        await using var db = await bot.Store.OpenAsync();
        return await db.Audit.AsNoTracking().Where(a => a.Action == action).ToListAsync();
    }
}
