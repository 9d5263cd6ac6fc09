using System.Text.Json.Nodes;
using GovernanceBot.Cards.Templating;

namespace GovernanceBot.Tests.Cards;

public sealed class TemplateEngineTests
{
    private static JsonNode? Expand(string template, string data) =>
        CardTemplate.Parse(JsonNode.Parse(template)!).Expand(JsonNode.Parse(data));

    [Theory]
    [InlineData("""{"v":"${a.b}"}""", """{"a":{"b":"x"}}""", """{"v":"x"}""")]
    public void Expression_ExpandsLikeTheReferenceEngine(string template, string data, string expected)
    {
        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), Expand(template, data)!.ToJsonString());
    }
}
