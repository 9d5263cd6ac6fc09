using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GovernanceBot.Cards;
using GovernanceBot.IntegrationTests.Features.Ask;
using GovernanceBot.IntegrationTests.Features.CheckIns;
using GovernanceBot.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Features;

/// <summary>
/// The steering pack's written summary: the answers of the latest closed check-in round, offline as
/// the extractive summary, with Azure OpenAI (a fake server on 127.0.0.1) as cited lines; on the card
/// as rendered and in the HTML file.
/// </summary>
public sealed partial class SteeringPackNarrativeTests
{
    private const string Sponsor = "meganb@example.com";

    private static string Shown(BotHarness bot, JsonObject data) => bot.Services.GetRequiredService<ICardRenderer>().Render("steering.pack", data)
        .ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task Offline_ThePack_SummarisesTheLatestClosedRoundsAnswers_Extractively_AndSaysSo_OnTheCardAndInTheFile(StoreKind kind)
    {
        var (bot, sender) = await CheckInSummaryNarrativeTests.StartAsync(null, kind);
        await using var _ = bot;
        await CheckInSummaryNarrativeTests.CloseAndReadSummaryAsync(bot, sender);

        var replies = await bot.SendAsync("steering pack Phoenix", Sponsor);

        var data = replies[0].ShouldBeCard("steering.pack").Data;
        var narrative = data["narrative"]!;
        Assert.Equal("extractive", (string?)narrative["kind"]);
        Assert.Equal("Extractive summary: themes most answers share", (string?)narrative["note"]);
        // Card text is Markdown: the parentheses of what people wrote are escaped.
        Assert.Equal(@"Vendor sandbox \(2 of 2 answers\): “The vendor sandbox was down again on Tuesday afternoon.” — Patti Fernandez", (string?)narrative["lines"]![0]!["text"]);
        Assert.Equal(@"From the latest check-in round: Phoenix weekly check-in, Week 49, 30 Nov 2026 \(2 written answers\).", (string?)data["narrativeFrom"]);
        var shown = Shown(bot, data);
        Assert.Contains("What people wrote", shown, StringComparison.Ordinal);
        Assert.Contains("• Vendor sandbox ", shown, StringComparison.Ordinal);
        Assert.Contains("Extractive summary: themes most answers share", shown, StringComparison.Ordinal);
        var html = await bot.FileTextAsync(replies[1]);
        Assert.Contains("<h2 id=\"narrative\">What people wrote</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<li>Vendor sandbox (2 of 2 answers)", html, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task WithAzureOpenAI_ThePacksSummary_IsTheModelsCitedLines_FromTheLatestAnswersAndTheRegisters(StoreKind kind)
    {
        await using var model = await FakeAzureOpenAI.StartAsync();
        model.Respond = (request, _) => new FakeResponse(200, new JsonObject
        {
            ["sentences"] = new JsonArray(
                "Both answers report the vendor sandbox down in the afternoons [A1][A2].",
                $"The RAID log tracks a related risk {RaidId().Match(request.UserMessage).Value}.",
                "Morale is high."),
        }.ToJsonString());
        var (bot, sender) = await CheckInSummaryNarrativeTests.StartAsync(model, kind);
        await using var _ = bot;
        await CheckInSummaryNarrativeTests.CloseAndReadSummaryAsync(bot, sender);

        var data = (await bot.SendAsync("steering pack Phoenix", Sponsor))[0].ShouldBeCard("steering.pack").Data;

        var request = Assert.Single(model.Requests, r => r.UserMessage.StartsWith("Round: Phoenix's latest check-in rounds:", StringComparison.Ordinal));
        Assert.Contains("[A1] Release 1 passed security testing. / Vendor sandbox is down most afternoons.", request.UserMessage, StringComparison.Ordinal);
        Assert.Matches(RaidId(), request.UserMessage);
        Assert.Matches(@"\[K:[a-z0-9-]+\]", request.UserMessage);
        var narrative = data["narrative"]!;
        Assert.Equal("model", (string?)narrative["kind"]);
        Assert.StartsWith("Written by Azure OpenAI from 2 answers, ", (string?)narrative["note"], StringComparison.Ordinal);
        Assert.EndsWith("(1 line citing nothing given left out)", (string?)narrative["note"], StringComparison.Ordinal);
        var lines = narrative["lines"]!.AsArray();
        Assert.Equal(2, lines.Count);
        Assert.Equal("Sources: Adele Vance, Patti Fernandez", (string?)lines[0]!["sourcesText"]);
        Assert.Matches(@"^Sources: R-\d+$", (string?)lines[1]!["sourcesText"]);
        var shown = Shown(bot, data);
        Assert.Contains("✨ Written by Azure OpenAI from 2 answers", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("Morale", shown, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\[R-\d+\]")]
    private static partial Regex RaidId();
}
