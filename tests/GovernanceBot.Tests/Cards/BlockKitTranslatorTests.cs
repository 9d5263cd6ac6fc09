using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Cards.BlockKit;

namespace GovernanceBot.Tests.Cards;

public sealed class BlockKitTranslatorTests
{
    private static readonly BlockKitTranslator Translator = new();

    private static JsonObject Card(params JsonNode[] body) => new()
    {
        ["type"] = "AdaptiveCard",
        ["version"] = "1.5",
        ["body"] = new JsonArray(body),
    };

    private static JsonObject Text(string text, string? weight = null, string? size = null) => new()
    {
        ["type"] = "TextBlock",
        ["text"] = text,
        ["weight"] = weight,
        ["size"] = size,
        ["wrap"] = true,
    };

    private static JsonObject Execute(string title, string verb, JsonObject data) => new()
    {
        ["type"] = "Action.Execute",
        ["title"] = title,
        ["verb"] = verb,
        ["data"] = data,
    };

    private static IEnumerable<JsonObject> Blocks(BlockKitMessage message) => message.Blocks.OfType<JsonObject>();

    private static string AllText(BlockKitMessage message) =>
        message.Blocks.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    [Fact]
    public void UserText_WithMentionsAndAmpersands_IsEscapedSoItStaysInert()
    {
        var message = Translator.Translate(Card(Text("Alex said: <!channel> ping <@U123> & see *bold*")), "x");

        var section = Assert.Single(Blocks(message));
        var text = (string?)section["text"]!["text"];
        Assert.Equal("Alex said: &lt;!channel&gt; ping &lt;@U123&gt; &amp; see *bold*", text);
    }

    [Fact]
    public void TemplateMarkdown_BoldAndLinks_BecomeSlackFormatting()
    {
        var message = Translator.Translate(Card(Text("**Schedule** — see [the plan](https://example.com/a?b=1&c=2)")), "x");

        Assert.Equal("*Schedule* — see <https://example.com/a?b=1&amp;c=2|the plan>", (string?)Blocks(message).Single()["text"]!["text"]);
    }

    [Fact]
    public void FallbackText_IsEscapedToo()
    {
        var message = Translator.Translate(Card(Text("x")), "<!here> & more");

        Assert.Equal("&lt;!here&gt; &amp; more", message.Text);
    }

    [Fact]
    public void HeadingTextBlock_BecomesAPlainTextHeader_CutTo150Characters()
    {
        var message = Translator.Translate(Card(Text(new string('h', 200), "Bolder", "Large")), "x");

        var header = Assert.Single(Blocks(message));
        Assert.Equal("header", (string?)header["type"]);
        Assert.Equal("plain_text", (string?)header["text"]!["type"]);
        Assert.Equal(150, ((string?)header["text"]!["text"])!.Length);
    }

    [Fact]
    public void BoldTextBlock_BecomesABoldSection_AndSubtleTextAContext()
    {
        var subtle = Text("as of today");
        subtle["isSubtle"] = true;

        var blocks = Blocks(Translator.Translate(Card(Text("Votes", "Bolder"), subtle), "x")).ToList();

        Assert.Equal("*Votes*", (string?)blocks[0]["text"]!["text"]);
        Assert.Equal("context", (string?)blocks[1]["type"]);
    }

    [Fact]
    public void Text_Of3001Characters_IsSplitIntoSectionsOfAtMost3000_AndNothingIsLost()
    {
        var words = string.Join(' ', Enumerable.Repeat("word", 601))[..3001];

        var sections = Blocks(Translator.Translate(Card(Text(words)), "x")).ToList();

        Assert.Equal(2, sections.Count);
        Assert.All(sections, s => Assert.True(((string?)s["text"]!["text"])!.Length <= BlockLimits.SectionText));
        Assert.Equal(words.Replace(" ", string.Empty, StringComparison.Ordinal),
            string.Concat(sections.Select(s => (string?)s["text"]!["text"])).Replace(" ", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public void FactSet_With11Facts_BecomesTwoSectionsOfAtMost10Fields()
    {
        var facts = new JsonArray([.. Enumerable.Range(1, 11).Select(i => (JsonNode)new JsonObject { ["title"] = $"T{i}", ["value"] = $"V{i}" })]);

        var sections = Blocks(Translator.Translate(Card(new JsonObject { ["type"] = "FactSet", ["facts"] = facts }), "x")).ToList();

        Assert.Equal(2, sections.Count);
        Assert.Equal(10, sections[0]["fields"]!.AsArray().Count);
        Assert.Single(sections[1]["fields"]!.AsArray());
        Assert.Equal("*T11*\nV11", (string?)sections[1]["fields"]![0]!["text"]);
    }

    [Fact]
    public void Field_LongerThan2000Characters_IsCut()
    {
        var facts = new JsonArray(new JsonObject { ["title"] = "Long", ["value"] = new string('v', 2500) });

        var field = Blocks(Translator.Translate(Card(new JsonObject { ["type"] = "FactSet", ["facts"] = facts }), "x")).Single()["fields"]![0]!;

        Assert.Equal(BlockLimits.FieldText, ((string?)field["text"])!.Length);
        Assert.EndsWith("…", (string?)field["text"], StringComparison.Ordinal);
    }

    [Fact]
    public void Card_With60Elements_KeepsAtMost50Blocks_SaysHowManyMore_AndKeepsTheButtons()
    {
        var card = Card([.. Enumerable.Range(1, 60).Select(i => (JsonNode)Text($"row {i}"))]);
        card["actions"] = new JsonArray(Execute("Refresh", "kpis.show", new JsonObject { ["program"] = "phoenix" }));

        var blocks = Blocks(Translator.Translate(card, "x")).ToList();

        Assert.Equal(BlockLimits.MessageBlocks, blocks.Count);
        Assert.Equal("actions", (string?)blocks[^1]["type"]);
        Assert.Contains("…and 12 more", (string?)blocks[^2]["elements"]![0]!["text"], StringComparison.Ordinal);
    }

    [Fact]
    public void ExecuteAction_BecomesAButton_WithTheVerbAsActionIdAndTheDataAsValue()
    {
        var card = Card(Text("x"));
        card["actions"] = new JsonArray(
            Execute("Approve", "approval.vote", new JsonObject { ["requestId"] = "CR-17", ["decision"] = "approve" }),
            Execute("Reject", "approval.vote", new JsonObject { ["requestId"] = "CR-17", ["decision"] = "reject" }));
        ((JsonObject)card["actions"]![0]!)["style"] = "positive";

        var buttons = Blocks(Translator.Translate(card, "x")).Single(b => (string?)b["type"] == "actions")["elements"]!.AsArray();

        Assert.Equal("approval.vote", (string?)buttons[0]!["action_id"]);
        Assert.Equal("approval.vote#2", (string?)buttons[1]!["action_id"]);
        Assert.Equal("""{"requestId":"CR-17","decision":"approve"}""", (string?)buttons[0]!["value"]);
        Assert.Equal("primary", (string?)buttons[0]!["style"]);
    }

    [Fact]
    public void SubmitAction_TakesItsVerbFromTheData()
    {
        var card = Card(Text("x"));
        card["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.Submit", ["title"] = "Go", ["data"] = new JsonObject { ["verb"] = "help.run", ["command"] = "help" } });

        var button = Blocks(Translator.Translate(card, "x")).Single(b => (string?)b["type"] == "actions")["elements"]![0]!;

        Assert.Equal("help.run", (string?)button["action_id"]);
        Assert.Equal("""{"command":"help"}""", (string?)button["value"]);
    }

    [Fact]
    public void ButtonTitleAndValue_AreKeptWithinTheirLimits()
    {
        var card = Card(Text("x"));
        card["actions"] = new JsonArray(Execute(new string('t', 100), "kpi.record", new JsonObject { ["kpiId"] = "k1", ["note"] = new string('n', 3000) }));

        var button = Blocks(Translator.Translate(card, "x")).Single(b => (string?)b["type"] == "actions")["elements"]![0]!;

        Assert.Equal(BlockLimits.ButtonText, ((string?)button["text"]!["text"])!.Length);
        Assert.True(((string?)button["value"])!.Length <= BlockLimits.ButtonValue);
        Assert.Equal("k1", (string?)JsonNode.Parse((string)button["value"]!)!["kpiId"]);
    }

    [Fact]
    public void ThirtyButtons_AreSplitIntoActionBlocksOfAtMost25()
    {
        var card = Card(Text("x"));
        card["actions"] = new JsonArray([.. Enumerable.Range(1, 30).Select(i => (JsonNode)Execute($"B{i}", "help.run", new JsonObject { ["command"] = $"c{i}" }))]);

        var actions = Blocks(Translator.Translate(card, "x")).Where(b => (string?)b["type"] == "actions").ToList();

        Assert.Equal([25, 5], actions.Select(a => a["elements"]!.AsArray().Count));
    }

    [Fact]
    public void OpenUrlAction_BecomesALinkButton()
    {
        var card = Card(Text("x"));
        card["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Docs", ["url"] = "https://example.com/docs" });

        var button = Blocks(Translator.Translate(card, "x")).Single(b => (string?)b["type"] == "actions")["elements"]![0]!;

        Assert.Equal("https://example.com/docs", (string?)button["url"]);
    }

    [Fact]
    public void Form_BecomesAButtonThatOpensAModalHoldingTheInputs()
    {
        var card = Card(
            Text("Record CSAT", "Bolder", "Large"),
            new JsonObject { ["type"] = "Input.Number", ["id"] = "value", ["label"] = "Value", ["isRequired"] = true },
            new JsonObject { ["type"] = "Input.Date", ["id"] = "date", ["label"] = "Date", ["value"] = "2025-11-24" },
            new JsonObject { ["type"] = "Input.Text", ["id"] = "note", ["label"] = "Note", ["isMultiline"] = true },
            new JsonObject
            {
                ["type"] = "Input.ChoiceSet", ["id"] = "mood", ["label"] = "Mood", ["style"] = "expanded", ["value"] = "b",
                ["choices"] = new JsonArray(new JsonObject { ["title"] = "A", ["value"] = "a" }, new JsonObject { ["title"] = "B", ["value"] = "b" }),
            },
            new JsonObject { ["type"] = "Input.Toggle", ["id"] = "ok", ["title"] = "I agree" });
        card["actions"] = new JsonArray(Execute("Save", "kpi.record", new JsonObject { ["kpiId"] = "phoenix.csat" }));

        var message = Translator.Translate(card, "x");

        Assert.DoesNotContain(Blocks(message), b => (string?)b["type"] == "input");
        var button = Blocks(message).Single(b => (string?)b["type"] == "actions")["elements"]![0]!;
        Assert.Equal("form:kpi.record", (string?)button["action_id"]);
        var modal = message.Modals["form:kpi.record"];
        Assert.Equal("modal", (string?)modal["type"]);
        Assert.Equal("kpi.record", (string?)modal["callback_id"]);
        Assert.Equal("""{"verb":"kpi.record","data":{"kpiId":"phoenix.csat"}}""", (string?)modal["private_metadata"]);
        var inputs = modal["blocks"]!.AsArray().OfType<JsonObject>().Where(b => (string?)b["type"] == "input").ToList();
        Assert.Equal(["value", "date", "note", "mood", "ok"], inputs.Select(i => (string?)i["block_id"]));
        Assert.Equal(["number_input", "datepicker", "plain_text_input", "radio_buttons", "checkboxes"], inputs.Select(i => (string?)i["element"]!["type"]));
        Assert.False((bool)inputs[0]["optional"]!);
        Assert.Equal("2025-11-24", (string?)inputs[1]["element"]!["initial_date"]);
        Assert.Equal("b", (string?)inputs[3]["element"]!["initial_option"]!["value"]);
        Assert.True(((string?)modal["title"]!["text"])!.Length <= BlockLimits.ModalTitle);
    }

    [Fact]
    public void ChoiceSet_WithMoreThan100Choices_OffersTheFirst100()
    {
        var choices = new JsonArray([.. Enumerable.Range(1, 120).Select(i => (JsonNode)new JsonObject { ["title"] = $"C{i}", ["value"] = $"{i}" })]);
        var card = Card(new JsonObject { ["type"] = "Input.ChoiceSet", ["id"] = "pick", ["choices"] = choices });
        card["actions"] = new JsonArray(Execute("Send", "checkin.submit", new JsonObject { ["roundId"] = "r1" }));

        var select = Translator.Translate(card, "x").Modals.Values.Single()["blocks"]!.AsArray().OfType<JsonObject>().Single(b => (string?)b["type"] == "input")["element"]!;

        Assert.Equal("static_select", (string?)select["type"]);
        Assert.Equal(BlockLimits.SelectOptions, select["options"]!.AsArray().Count);
    }

    [Fact]
    public void ShowCard_WithAForm_BecomesAModalButton_AndWithoutOne_IsShownInline()
    {
        var form = Card(new JsonObject { ["type"] = "Input.Text", ["id"] = "note" });
        form["actions"] = new JsonArray(Execute("Save", "kpi.record", new JsonObject { ["kpiId"] = "k" }));
        var details = Card(Text("More details here"));
        var card = Card(Text("x"));
        card["actions"] = new JsonArray(
            new JsonObject { ["type"] = "Action.ShowCard", ["title"] = "Record a value", ["card"] = form },
            new JsonObject { ["type"] = "Action.ShowCard", ["title"] = "Details", ["card"] = details });

        var message = Translator.Translate(card, "x");

        var button = Blocks(message).Single(b => (string?)b["type"] == "actions")["elements"]![0]!;
        Assert.Equal("Record a value", (string?)button["text"]!["text"]);
        Assert.True(message.Modals.ContainsKey((string)button["action_id"]!));
        Assert.Contains("More details here", AllText(message), StringComparison.Ordinal);
    }

    [Fact]
    public void TeamsOnlyChart_UsesItsFallback_AndHiddenElementsNeverAppear()
    {
        var chart = new JsonObject
        {
            ["type"] = "Chart.Line",
            ["data"] = new JsonArray(),
            ["fallback"] = Text("▁▂▃ sparkline"),
        };
        var hidden = Text("secret");
        hidden["isVisible"] = false;

        var message = Translator.Translate(Card(chart, hidden, new JsonObject { ["type"] = "Chart.Donut" }), "x");

        Assert.Contains("▁▂▃ sparkline", AllText(message), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", AllText(message), StringComparison.Ordinal);
        Assert.DoesNotContain("Chart", AllText(message), StringComparison.Ordinal);
    }

    [Fact]
    public void ColumnSetOfText_BecomesSideBySideFields_AndASelectActionAButton()
    {
        var row = new JsonObject
        {
            ["type"] = "ColumnSet",
            ["columns"] = new JsonArray(
                new JsonObject { ["type"] = "Column", ["items"] = new JsonArray(Text("CSAT", "Bolder")) },
                new JsonObject { ["type"] = "Column", ["items"] = new JsonArray(Text("🟢 Green")) }),
            ["selectAction"] = Execute("Details", "kpi.detail", new JsonObject { ["kpiId"] = "phoenix.csat" }),
        };

        var section = Blocks(Translator.Translate(Card(row), "x")).Single();

        Assert.Equal(["*CSAT*", "🟢 Green"], section["fields"]!.AsArray().Select(f => (string?)f!["text"]));
        Assert.Equal("kpi.detail", (string?)section["accessory"]!["action_id"]);
    }
}
