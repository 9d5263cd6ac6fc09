using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Cards.Templating;

namespace GovernanceBot.Tests.Cards;

/// <summary>Expected values were taken from adaptivecards-templating 2.3.1 itself.</summary>
public sealed class TemplateEngineTests
{
    private const string Data = """
        {"a": 1234.5, "n": -3.25, "s": "x", "arr": [1, 2, 3], "o": {"k": "v"}, "b": true, "e": "", "big": 1e21, "small": 1e-7, "nul": null, "f": 2,
         "items": [{"name": "one"}, {"name": "two"}], "none": []}
        """;

    private static JsonNode? Expand(string template, string data = Data) =>
        CardTemplate.Parse(JsonNode.Parse(template)!).Expand(JsonNode.Parse(data));

    private static JsonNode? Value(string expression) => Expand($$"""{"v": {{System.Text.Json.JsonSerializer.Serialize(expression)}}}""")!["v"];

    [Theory]
    [InlineData("${formatNumber(a, 1)}", "\"1,234.5\"")]
    [InlineData("${formatNumber(n, 1)}", "\"\u22123.2\"")]
    [InlineData("${formatNumber(2, 1)}", "\"2.0\"")]
    [InlineData("${formatNumber(0.125, 2)}", "\"0.13\"")]
    [InlineData("${formatNumber(-0.04, 1)}", "\"0.0\"")]
    [InlineData("${string(a)}", "\"1,234.5\"")]
    [InlineData("${string(n)}", "\"\u22123.25\"")]
    [InlineData("x${a}", "\"x1234.5\"")]
    [InlineData("x${big}", "\"x1e+21\"")]
    [InlineData("x${small}", "\"x1e-7\"")]
    [InlineData("x${0.1+0.2}", "\"x0.30000000000000004\"")]
    [InlineData("${concat(arr, arr)}", "\"1,2,31,2,3\"")]
    [InlineData("x${arr}", "\"x1,2,3\"")]
    [InlineData("x${o}", "\"x[object Object]\"")]
    [InlineData("x${b}", "\"xtrue\"")]
    [InlineData("${missing}", "\"${missing}\"")]
    [InlineData("x${missing.deep}", "\"x${missing.deep}\"")]
    [InlineData("e=${e} m=${missing}", "\"e= m=${missing}\"")]
    [InlineData("${count(missing)}", "10")]
    [InlineData("${10/3}", "3")]
    [InlineData("${10/4}", "2")]
    [InlineData("${f*1.5}", "3")]
    [InlineData("${f - 0.5}", "1.5")]
    [InlineData("${-a}", "-1234.5")]
    [InlineData("${s+1}", "\"x1\"")]
    [InlineData("${s+missing}", "\"x${missing}\"")]
    [InlineData("${a > missing}", "false")]
    [InlineData("x ${a > s}", "\"x ${(a > s)}\"")]
    [InlineData("x ${f/0}", "\"x ${(f / 0)}\"")]
    [InlineData("${nul}", "null")]
    [InlineData("${$index}", "\"${$index}\"")]
    [InlineData("${$root.s}", "\"x\"")]
    [InlineData("${toUpper(s)}", "\"X\"")]
    [InlineData("${exists(missing)}", "false")]
    [InlineData("${exists(nul)}", "false")]
    [InlineData("${nul == null}", "true")]
    [InlineData("${missing == null}", "true")]
    [InlineData("x ${if(b, 1, 2)}", "\"x 1\"")]
    [InlineData("${if(missing, 1, 2)}", "2")]
    [InlineData("${empty(arr)}", "false")]
    [InlineData("${empty(e)}", "true")]
    [InlineData("${join(arr, '-')}", "\"1-2-3\"")]
    [InlineData("q ${a == 1 && s}", "\"q false\"")]
    [InlineData("${'it\\'s'}", "\"it's\"")]
    [InlineData("x\\${a}", "\"x${a}\"")]
    [InlineData("${s}${s}", "\"xx\"")]
    [InlineData("${O.K}", "\"v\"")]
    [InlineData("x${arr[1]}", "\"x2\"")]
    [InlineData("x${arr[5]}", "\"x${arr[5]}\"")]
    [InlineData("x${o['k']}", "\"xv\"")]
    [InlineData("${!b}", "false")]
    [InlineData("${1 == 1.0}", "true")]
    [InlineData("${'1' == 1}", "false")]
    [InlineData("${arr}", "[1,2,3]")]
    [InlineData("${o}", """{"k":"v"}""")]
    [InlineData("${count(arr) > 2 || missing}", "true")]
    public void Expression_ExpandsLikeTheReferenceEngine(string expression, string expected)
    {
        Assert.Equal(JsonNode.Parse(expected)?.ToJsonString() ?? "null", Value(expression)?.ToJsonString() ?? "null");
    }

    [Fact]
    public void DataArray_RepeatsTheElementWithItsIndex_AndAnEmptyListRemovesIt()
    {
        var card = Expand("""
            {"body": [
              {"type": "TextBlock", "$data": "${items}", "text": "${$index}: ${name} of ${count($root.items)}"},
              {"type": "TextBlock", "$data": "${none}", "text": "never"},
              {"type": "TextBlock", "$when": "${count(none) > 0}", "text": "hidden"},
              {"type": "TextBlock", "$when": "${b}", "text": "shown"}
            ]}
            """)!;

        Assert.Equal(
            """{"body":[{"type":"TextBlock","text":"0: one of 2"},{"type":"TextBlock","text":"1: two of 2"},{"type":"TextBlock","text":"shown"}]}""",
            card.ToJsonString());
    }

    [Fact]
    public void DataObject_ChangesTheScopeForItsChildren()
    {
        var card = Expand("""{"x": {"$data": "${o}", "t": "${k} and ${$root.s}"}}""")!;

        Assert.Equal("""{"x":{"t":"v and x"}}""", card.ToJsonString());
    }

    [Fact]
    public void UserText_ThatLooksLikeAnExpression_IsNeverExpandedAgain()
    {
        var card = Expand("""{"t": "said: ${comment}"}""", """{"comment": "${secret} and ${count(x)}", "secret": "leak"}""")!;

        Assert.Equal("said: ${secret} and ${count(x)}", (string?)card["t"]);
    }

    [Fact]
    public void NullInsideText_IsRejected_LikeTheReferenceEngine()
    {
        Assert.Throws<CardTemplateException>(() => Value("a ${nul}"));
    }

    [Fact]
    public void UnsupportedFunction_IsRejectedWhenTheTemplateLoads()
    {
        var error = Assert.Throws<CardTemplateException>(() => CardTemplate.Parse(JsonValue.Create("${utcNow()}")));

        Assert.Contains("utcNow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownTemplate_ThrowsKeyNotFound()
    {
        var renderer = new TemplateCardRenderer(NodeConformance.TemplatesDirectory);

        Assert.Throws<KeyNotFoundException>(() => renderer.Render("no.such.card", []));
        Assert.Throws<KeyNotFoundException>(() => renderer.Render("../README", []));
    }

    [Fact]
    public void Renderer_ParsesEachTemplateOnce()
    {
        var renderer = new TemplateCardRenderer(NodeConformance.TemplatesDirectory);

        Assert.Same(renderer.Template("help"), renderer.Template("help"));
    }
}
