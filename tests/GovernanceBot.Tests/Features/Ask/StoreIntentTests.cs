using System.Text.Json.Nodes;
using GovernanceBot.Features.Ask;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.Tests.Features.Ask;

public sealed class StoreIntentTests
{
    [Fact]
    public async Task KnowledgeQuestions_OfTheEvaluationSet_AreNotTakenForStoreQuestions_InPhoenixsWorkspace()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite);
        await using var scope = bot.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GovernanceBot.Store.GovernanceDb>();
        var demo = (await db.Workspaces.SingleAsync(w => w.Key == "demo")).Id;
        var facts = scope.ServiceProvider.GetRequiredService<StoreFacts>();

        var hijacked = new List<string>();
        foreach (var question in EvaluationQuestions())
        {
            if (await facts.AnswerAsync(demo, question, null, CancellationToken.None) is not null)
            {
                hijacked.Add(question);
            }
        }

        Assert.Empty(hijacked);
    }

    private static IEnumerable<string> EvaluationQuestions()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "GovernanceBot.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        var questions = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.FullName, "tests", "bench", "qa", "questions.json")))!.AsArray();
        return questions.Select(q => (string)q!["q"]!);
    }
}
