using System.Text.Json.Nodes;
using GovernanceBot.Cards;

namespace GovernanceBot.Tests.Cards;

public sealed class CardsCliTests
{
    private static (int Code, string Output, string Errors) Run(string name, string target, FileInfo? data = null)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = CardsCli.Render(name, data, target, output, errors);
        return (code, output.ToString(), errors.ToString());
    }

    [Fact]
    public void RenderForTeams_PrintsTheActivityWithTheAdaptiveCardAttachment()
    {
        var (code, output, _) = Run("program.status", "teams");

        Assert.Equal(0, code);
        var activity = JsonNode.Parse(output)!;
        var attachment = activity["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)attachment["contentType"]);
        Assert.Equal("AdaptiveCard", (string?)attachment["content"]!["type"]);
        Assert.Contains("Phoenix — program status", output, StringComparison.Ordinal);
    }

    [Fact]
    public void RenderForSlack_PrintsAChatPostMessageBodyWithBlocks()
    {
        var (code, output, errors) = Run("approval.request", "slack");

        Assert.Equal(0, code);
        var body = JsonNode.Parse(output)!;
        Assert.NotEmpty(body["blocks"]!.AsArray());
        Assert.False(string.IsNullOrEmpty((string?)body["text"]));
        Assert.Contains("form:approval.vote", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithOwnData_UsesIt()
    {
        var file = new FileInfo(Path.GetTempFileName());
        try
        {
            var sample = NodeConformance.ReadSample(Path.Combine(NodeConformance.SamplesDirectory, "error.data.json"));
            sample["title"] = "Custom failure title";
            File.WriteAllText(file.FullName, sample.ToJsonString());

            var (code, output, _) = Run("error", "teams", file);

            Assert.Equal(0, code);
            Assert.Contains("Custom failure title", output, StringComparison.Ordinal);
        }
        finally
        {
            file.Delete();
        }
    }

    [Fact]
    public void Render_OfAnUnknownCard_NamesTheCardsThatExist()
    {
        var (code, _, errors) = Run("no.such.card", "teams");

        Assert.Equal(2, code);
        Assert.Contains("program.status", errors, StringComparison.Ordinal);
    }
}
