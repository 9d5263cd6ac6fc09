using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GovernanceBot.Cards;
using GovernanceBot.Channels.Terminal;
using GovernanceBot.Tests.Cards;

namespace GovernanceBot.Tests.Channels.Terminal;

/// <summary>Cards as the terminal prints them, and their forms as a person types into them.</summary>
public sealed partial class TerminalCardTests
{
    private static readonly TemplateCardRenderer Renderer = new(NodeConformance.TemplatesDirectory);

    [Fact]
    public void EverySample_PrintsAsPlainText_WithEachButtonNumberedOnce()
    {
        foreach (var (name, variant, dataPath) in NodeConformance.Cases())
        {
            var buttons = new List<TerminalAction>();

            var text = CardText.Render(Renderer.Render(name, NodeConformance.ReadSample(dataPath)), buttons);

            Assert.False(string.IsNullOrWhiteSpace(text), $"{name} ({variant}) printed nothing");
            Assert.DoesNotContain("${", text, StringComparison.Ordinal);
            Assert.DoesNotContain("**", text, StringComparison.Ordinal);
            var numbers = ButtonNumber().Matches(text).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.True(numbers.SequenceEqual(Enumerable.Range(1, buttons.Count)), $"{name} ({variant}): buttons {string.Join(",", numbers)} for {buttons.Count} actions\n{text}");
        }
    }

    [Fact]
    public void ApprovalRequest_VoteButtonsSendTheCommentTheCardAsksFor()
    {
        var buttons = new List<TerminalAction>();

        var text = CardText.Render(Renderer.Render("approval.request", Sample("approval.request")), buttons);

        Assert.Contains("  ▸ Comment (shown to everyone)", text, StringComparison.Ordinal);
        // Rejecting opens a form of its own (Reject…) that asks for the reason; the other buttons send the comment.
        var approve = Assert.Single(buttons, b => b.Title == "Approve");
        Assert.Equal("comment", (string?)Assert.Single(approve.Inputs)["id"]);
        Assert.Equal(("approval.vote", "approve"), (CardElements.VerbAndData(approve.Action).Verb, (string?)CardElements.VerbAndData(approve.Action).Data["decision"]));
        var reject = Assert.Single(buttons, b => b.Title == "Reject…");
        Assert.Equal("Action.ShowCard", reject.Type);
        Assert.Contains("\"isRequired\": true", reject.Action["card"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckInForm_TakesChoicesByNumber_AsksAgainAfterAWrongOne_AndSendsEveryAnswer()
    {
        var buttons = new List<TerminalAction>();
        CardText.Render(Renderer.Render("checkin.prompt", Sample("checkin.prompt")), buttons);
        var submit = Assert.Single(buttons);
        var answers = string.Join('\n', submit.Inputs.Select(i => (string?)i["type"] == "Input.ChoiceSet" ? "seven\n2" : "All good")) + "\n";
        var output = new StringWriter();

        var data = await new TerminalForm(new StringReader(answers), output, prompt: false)
            .FillAsync(submit, CardElements.VerbAndData(submit.Action).Data, CancellationToken.None);

        Assert.NotNull(data);
        Assert.All(submit.Inputs, i => Assert.True(data.ContainsKey((string)i["id"]!), $"{i["id"]} was not sent"));
        Assert.All(submit.Inputs.Where(i => (string?)i["type"] == "Input.ChoiceSet"), i => Assert.Equal((string?)i["choices"]![1]!["value"], (string?)data[(string)i["id"]!]));
        Assert.Contains("\"seven\" is not one of the choices: type its number, 1 to 5.", output.ToString(), StringComparison.Ordinal);
        Assert.NotNull(data["roundId"]);
    }

    [Theory]
    [InlineData("/cancel\n")]
    [InlineData("")]
    public async Task Form_CancelledOrEndedInput_SendsNothing(string typed)
    {
        var buttons = new List<TerminalAction>();
        CardText.Render(Renderer.Render("checkin.prompt", Sample("checkin.prompt")), buttons);

        var data = await new TerminalForm(new StringReader(typed), new StringWriter(), prompt: false)
            .FillAsync(buttons[0], [], CancellationToken.None);

        Assert.Null(data);
    }

    [Fact]
    public async Task Form_ChecksNumbersDatesAndToggles_AsACardClientDoes()
    {
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["body"] = new JsonArray(
                new JsonObject { ["type"] = "Input.Number", ["id"] = "value", ["label"] = "Value", ["min"] = 0, ["max"] = 10, ["isRequired"] = true },
                new JsonObject { ["type"] = "Input.Date", ["id"] = "on", ["label"] = "Measured on", ["value"] = "2026-12-01" },
                new JsonObject { ["type"] = "Input.Toggle", ["id"] = "notify", ["title"] = "Tell the owner", ["valueOn"] = "yes", ["valueOff"] = "no" }),
            ["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.Execute", ["title"] = "Save", ["verb"] = "kpi.record" }),
        };
        var buttons = new List<TerminalAction>();
        CardText.Render(card, buttons);
        var output = new StringWriter();

        var data = await new TerminalForm(new StringReader("\n12\nseven\n7\n1 Dec\n\ny\n"), output, prompt: false)
            .FillAsync(buttons[0], [], CancellationToken.None);

        Assert.Equal("""{"value":"7","on":"2026-12-01","notify":"yes"}""", data!.ToJsonString());
        var said = output.ToString();
        Assert.Contains("This one needs an answer.", said, StringComparison.Ordinal);
        Assert.Contains("Type a number from 0 to 10.", said, StringComparison.Ordinal);
        Assert.Contains("Type a number, for example 42 or 3.5.", said, StringComparison.Ordinal);
        Assert.Contains("Type the date as YYYY-MM-DD, for example 2027-01-31.", said, StringComparison.Ordinal);
    }

    private static JsonObject Sample(string name) => NodeConformance.ReadSample(Path.Combine(NodeConformance.SamplesDirectory, $"{name}.data.json"));

    [GeneratedRegex(@"\[#(\d+)\] ")]
    private static partial Regex ButtonNumber();
}
