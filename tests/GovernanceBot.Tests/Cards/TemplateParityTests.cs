using System.Text.Json.Nodes;
using GovernanceBot.Cards;

namespace GovernanceBot.Tests.Cards;

/// <summary>Our engine against the npm adaptivecards-templating reference, on every template × sample.</summary>
public sealed class TemplateParityTests
{
    private static readonly TemplateCardRenderer Renderer = new(NodeConformance.TemplatesDirectory);

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, variant, _) in NodeConformance.Cases())
        {
            data.Add(name, variant);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Expansion_OfEverySample_EqualsTheReferenceEngine(string template, string variant)
    {
        var reference = await NodeConformance.ReferenceExpansionsAsync();
        var key = variant == "large" ? template + ".large" : template;
        var expected = reference[key];
        Assert.False(expected is JsonObject o && o.ContainsKey("$error"), expected?.ToJsonString());
        var dataPath = NodeConformance.Cases().Single(c => c.Name == template && c.Variant == variant).DataPath;

        var ours = Renderer.Render(template, NodeConformance.ReadSample(dataPath));

        Assert.Equal(NodeConformance.Normalise(expected), NodeConformance.Normalise(ours));
    }

    [Fact]
    public void EveryTemplate_HasASampleAndIsCompared()
    {
        var names = Renderer.TemplateNames;

        Assert.True(names.Count >= 15, string.Join(", ", names));
        Assert.All(names, n => Assert.Contains(NodeConformance.Cases(), c => c.Name == n && c.Variant == "normal"));
    }
}
