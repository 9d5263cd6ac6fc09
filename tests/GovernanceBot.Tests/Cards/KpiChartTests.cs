using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Cards.Charts;
using GovernanceBot.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.Tests.Cards;

public sealed class KpiChartTests
{
    private static JsonObject KpiDetailCard(IServiceProvider services) =>
        services.GetRequiredService<ICardRenderer>().Render("kpi.detail", NodeConformance.ReadSample(Path.Combine(NodeConformance.SamplesDirectory, "kpi.detail.data.json")));

    [Fact]
    public void Sparkline_ScalesValuesToEightBars()
    {
        Assert.Equal("▁▅█", KpiChartRenderer.Sparkline([1, 2, 3]));
        Assert.Equal("▄▄", KpiChartRenderer.Sparkline([5, 5]));
    }

    [Fact]
    public void LineChart_RendersAPng()
    {
        var card = NodeConformance.ReadSample(Path.Combine(NodeConformance.SamplesDirectory, "kpi.detail.data.json"));
        var chart = new TemplateCardRenderer(NodeConformance.TemplatesDirectory).Render("kpi.detail", card)["body"]!.AsArray()
            .OfType<JsonObject>().Single(e => (string?)e["type"] == "Chart.Line");

        var png = new KpiChartRenderer().RenderLine(chart);

        Assert.NotNull(png);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Fact]
    public async Task Slack_WithoutAPublicBaseUrl_GetsTheTextSparkline()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite, loadDemo: false);

        var message = bot.Services.GetRequiredService<IBlockKitTranslator>().Translate(KpiDetailCard(bot.Services), "CSAT");

        Assert.DoesNotContain(message.Blocks.OfType<JsonObject>(), b => (string?)b["type"] == "image");
        Assert.Contains("▃▁▂▄▅▃▄▆", message.Blocks.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slack_WithAPublicBaseUrl_GetsAChartImageThatExpires()
    {
        await using var bot = await BotHarness.StartAsync(StoreKind.Sqlite, loadDemo: false, settings: new Dictionary<string, string?> { ["PublicBaseUrl"] = "https://bot.example.com/" });

        var message = bot.Services.GetRequiredService<IBlockKitTranslator>().Translate(KpiDetailCard(bot.Services), "CSAT");

        var image = Assert.Single(message.Blocks.OfType<JsonObject>(), b => (string?)b["type"] == "image");
        var url = new Uri((string)image["image_url"]!);
        Assert.Equal("bot.example.com", url.Host);
        Assert.Matches("^/cards/charts/[0-9a-f]{32}\\.png$", url.AbsolutePath);
        using var http = new HttpClient { BaseAddress = bot.BaseAddress };

        using var fresh = await http.GetAsync(url.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal("image/png", fresh.Content.Headers.ContentType?.MediaType);

        bot.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        using var expired = await http.GetAsync(url.AbsolutePath);
        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);

        using var guessed = await http.GetAsync("/cards/charts/00000000000000000000000000000000.png");
        Assert.Equal(HttpStatusCode.NotFound, guessed.StatusCode);
    }
}
