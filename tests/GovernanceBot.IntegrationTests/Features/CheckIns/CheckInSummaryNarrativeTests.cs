using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.IntegrationTests.Features.Ask;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Features.CheckIns;

/// <summary>
/// The check-in summary's narrative with Azure OpenAI configured against a fake server on 127.0.0.1:
/// the real client and resilience pipeline, the round closed by the sweep, the card as posted.
/// </summary>
public sealed partial class CheckInSummaryNarrativeTests
{
    /// <summary>Phoenix's weekly round opened on schedule and answered by three people (two in writing); offline when <paramref name="model"/> is null.</summary>
    internal static async Task<(BotHarness Bot, RecordingSender Sender)> StartAsync(FakeAzureOpenAI? model, StoreKind kind)
    {
        var sender = new RecordingSender();
        var bot = await BotHarness.StartAsync(kind, settings: model is null ? null : new Dictionary<string, string?>
        {
            ["AzureOpenAI:Endpoint"] = model.Endpoint.ToString(),
            ["AzureOpenAI:Deployment"] = "gpt-test",
            ["AzureOpenAI:ApiKey"] = "test-key",
            ["AzureOpenAI:MaxRetries"] = "1",
        }, configure: b => b.Services.AddSingleton<IChannelSender>(sender), now: CheckInSteps.MondayMorning);
        await bot.SendAsync("help", "alexw@example.com");
        await bot.SendAsync("link Phoenix", "alexw@example.com", BotHarness.ChannelChat("phoenix-team"));
        await CheckInSteps.OpenOnScheduleAsync(bot);
        await using var db = await bot.Store.OpenAsync();
        var roundId = (await db.CheckInRounds.SingleAsync(r => r.Status == CheckInRoundStatus.Open)).Id;
        await bot.ActAsync("checkin.submit", Answers(roundId, "Release 1 passed security testing.", "Vendor sandbox is down most afternoons."), "adelev@example.com");
        await bot.ActAsync("checkin.submit", Answers(roundId, "Data migration dry run finished early.", "The vendor sandbox was down again on Tuesday afternoon."), "pattif@example.com");
        await bot.ActAsync("checkin.submit", Answers(roundId, "None", "none"), "lynner@example.com");
        return (bot, sender);
    }

    private static JsonObject Answers(Guid roundId, string highlights, string risks) => new()
    {
        ["roundId"] = roundId.ToString(),
        ["q_confidence"] = "3",
        ["q_status"] = "Some risk",
        ["q_highlights"] = highlights,
        ["q_risks"] = risks,
    };

    internal static async Task<JsonObject> CloseAndReadSummaryAsync(BotHarness bot, RecordingSender sender)
    {
        bot.Clock.SetUtcNow(CheckInSteps.CloseTime);
        await CheckInSteps.SweepTwiceAndDrainAsync(bot);
        return Assert.Single(sender.Sent, s => s.Conversation.ConversationId == "phoenix-team").Reply.ShouldBeCard("checkin.summary").Data;
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task WithAzureOpenAI_TheSummaryCardsNarrative_IsTheModelsCitedLines_FromTheAnswersRaidItemsAndKpisOnly(StoreKind kind)
    {
        await using var model = await FakeAzureOpenAI.StartAsync();
        model.Respond = (request, _) =>
        {
            var raid = RaidId().Match(request.UserMessage).Value;
            var kpi = KpiId().Match(request.UserMessage).Value;
            return new FakeResponse(200, new JsonObject
            {
                ["sentences"] = new JsonArray(
                    "Both answers report the vendor sandbox down in the afternoons [A1][A2].",
                    $"The RAID log already tracks a related risk {raid}.",
                    "Costs are fine.",
                    $"Delivery is tracked as a KPI {kpi}. The new supplier signed [A7]."),
            }.ToJsonString());
        };
        var (bot, sender) = await StartAsync(model, kind);
        await using var _ = bot;

        var data = await CloseAndReadSummaryAsync(bot, sender);

        var request = Assert.Single(model.Requests);
        Assert.Contains("End every sentence with the ids of the sources", request.SystemMessage, StringComparison.Ordinal);
        Assert.Contains("[A1] Release 1 passed security testing. / Vendor sandbox is down most afternoons.", request.UserMessage, StringComparison.Ordinal);
        Assert.Contains("[A2] Data migration dry run finished early.", request.UserMessage, StringComparison.Ordinal);
        // Lynne's "None" is no answer; authors stay out of the prompt.
        Assert.DoesNotContain("[A3]", request.UserMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("Adele", request.UserMessage, StringComparison.Ordinal);
        Assert.Matches(RaidId(), request.UserMessage);
        Assert.Matches(KpiId(), request.UserMessage);

        var narrative = data["narrative"]!;
        Assert.Equal("model", (string?)narrative["kind"]);
        Assert.StartsWith("Written by Azure OpenAI from 2 answers, ", (string?)narrative["note"], StringComparison.Ordinal);
        Assert.EndsWith("; each line cites its source (2 lines citing nothing given left out)", (string?)narrative["note"], StringComparison.Ordinal);
        var lines = narrative["lines"]!.AsArray();
        Assert.Equal(3, lines.Count);
        Assert.Equal("Both answers report the vendor sandbox down in the afternoons.", (string?)lines[0]!["text"]);
        Assert.Equal(["A1", "A2"], lines[0]!["sources"]!.AsArray().Select(s => (string)s!).ToArray());
        Assert.Equal("Sources: Adele Vance, Patti Fernandez", (string?)lines[0]!["sourcesText"]);
        Assert.Matches(@"^Sources: R-\d+$", (string?)lines[1]!["sourcesText"]);
        Assert.StartsWith("Sources: KPI ", (string?)lines[2]!["sourcesText"], StringComparison.Ordinal);

        var shown = bot.Services.GetRequiredService<ICardRenderer>().Render("checkin.summary", data)
            .ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Contains("What people wrote", shown, StringComparison.Ordinal);
        Assert.Contains("✨ Written by Azure OpenAI from 2 answers", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("Costs are fine", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("new supplier", shown, StringComparison.Ordinal);
        // The quoted risks keep their "Add to RAID log" buttons under the narrative.
        Assert.Contains("raid.fromcheckin", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenAzureOpenAIRefusesTheRequest_TheSummaryCarriesTheExtractiveNarrative_AndSaysWhy()
    {
        await using var model = await FakeAzureOpenAI.StartAsync();
        model.Respond = (_, _) => FakeResponse.Fail(400);
        var (bot, sender) = await StartAsync(model, StoreKind.Sqlite);
        await using var _ = bot;

        var data = await CloseAndReadSummaryAsync(bot, sender);

        Assert.NotEmpty(model.Requests);
        var narrative = data["narrative"]!;
        Assert.Equal("extractive", (string?)narrative["kind"]);
        Assert.Equal("Extractive summary: themes most answers share (Azure OpenAI did not answer)", (string?)narrative["note"]);
        Assert.Equal(@"Vendor sandbox \(2 of 2 answers\): “The vendor sandbox was down again on Tuesday afternoon.” — Patti Fernandez", (string?)narrative["lines"]![0]!["text"]);
    }

    [GeneratedRegex(@"\[R-\d+\]")]
    private static partial Regex RaidId();

    [GeneratedRegex(@"\[K:[a-z0-9-]+\]")]
    private static partial Regex KpiId();
}
