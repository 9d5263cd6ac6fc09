using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Cards.BlockKit;

namespace GovernanceBot.Tests.Cards;

/// <summary>Every sample card, translated, checked by Slack's own Block Kit types (@slack/types under tsc).</summary>
public sealed class BlockKitSamplesTests
{
    private static readonly TemplateCardRenderer Renderer = new(NodeConformance.TemplatesDirectory);

    /// <summary>Writes the message blocks and every modal of every sample as *.blocks.json files.</summary>
    private static string WriteTranslations()
    {
        var dir = Path.Combine(Path.GetTempPath(), "governancebot-blockkit-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var translator = new BlockKitTranslator();
        foreach (var (name, variant, dataPath) in NodeConformance.Cases())
        {
            var card = Renderer.Render(name, NodeConformance.ReadSample(dataPath));
            var message = translator.Translate(card, name);
            var stem = variant == "large" ? $"{name}.large" : name;
            var body = new JsonObject { ["text"] = message.Text, ["blocks"] = message.Blocks.DeepClone() };
            File.WriteAllText(Path.Combine(dir, $"{stem}.blocks.json"), body.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            var i = 0;
            foreach (var modal in message.Modals.Values)
            {
                File.WriteAllText(Path.Combine(dir, $"{stem}.modal{++i}.blocks.json"), modal.ToJsonString());
            }
        }

        return dir;
    }

    [Fact]
    public void EverySample_TranslatesWithinTheBlockKitLimits()
    {
        var translator = new BlockKitTranslator();
        foreach (var (name, variant, dataPath) in NodeConformance.Cases())
        {
            var message = translator.Translate(Renderer.Render(name, NodeConformance.ReadSample(dataPath)), name);

            Assert.True(message.Blocks.Count is > 0 and <= BlockLimits.MessageBlocks, $"{name} ({variant}): {message.Blocks.Count} blocks");
            Assert.All(message.Modals.Values, m => Assert.True(m["blocks"]!.AsArray().Count <= BlockLimits.ModalBlocks));
            Assert.All(message.Modals.Values, m => Assert.True(((string)m["private_metadata"]!).Length <= BlockLimits.PrivateMetadata));
            Assert.DoesNotContain("${", message.Blocks.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ApprovalRequest_OffersVoteButtonsThatOpenTheCommentForm()
    {
        var card = Renderer.Render("approval.request", NodeConformance.ReadSample(Path.Combine(NodeConformance.SamplesDirectory, "approval.request.data.json")));

        var message = new BlockKitTranslator().Translate(card, "CR-17");

        Assert.Equal(["form:approval.vote", "form:approval.vote#2", "form:approval.vote#3"], message.Modals.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("\"decision\":\"reject\"", (string)message.Modals["form:approval.vote#2"]["private_metadata"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryTranslatedSample_SatisfiesSlackTypesKnownBlock()
    {
        if (!NodeConformance.NodeAvailable())
        {
            Assert.Fail("node is not on PATH: the Block Kit type check needs Node 20 (see tests/conformance/cards/README.md)");
        }

        await NodeConformance.EnsurePackagesAsync();
        var dir = WriteTranslations();
        try
        {
            var (code, output) = await NodeConformance.RunAsync(
                "node", ["--test", "blockkit.test.mjs"], NodeConformance.CardsToolDirectory, new Dictionary<string, string> { ["BLOCKKIT_DIR"] = dir });

            Assert.True(code == 0, output);
            Assert.Contains("# fail 0", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
