using GovernanceBot.Conversation;
using NetArchTest.Rules;

namespace GovernanceBot.Tests;

/// <summary>The boundaries DESIGN.md draws, enforced on the compiled assembly.</summary>
public sealed class ArchitectureTests
{
    private static Types Bot => Types.InAssembly(typeof(Turn).Assembly);

    [Fact]
    public void Features_NeverReferenceChannels()
    {
        var result = Bot.That().ResideInNamespace("GovernanceBot.Features").ShouldNot().HaveDependencyOn("GovernanceBot.Channels").GetResult();

        Assert.True(result.IsSuccessful, "Features must stay channel-neutral: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void TheConversationCore_DependsOnNoFeatureAndNoChannel()
    {
        var result = Bot.That().ResideInNamespace("GovernanceBot.Conversation")
            .ShouldNot().HaveDependencyOnAny("GovernanceBot.Features", "GovernanceBot.Channels").GetResult();

        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void TheStore_DependsOnNothingAboveIt()
    {
        var result = Bot.That().ResideInNamespace("GovernanceBot.Store")
            .ShouldNot().HaveDependencyOnAny("GovernanceBot.Features", "GovernanceBot.Channels", "GovernanceBot.Conversation", "GovernanceBot.Cards").GetResult();

        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Handlers_AreSealed()
    {
        var result = Bot.That().ImplementInterface(typeof(ITurnHandler)).Should().BeSealed().GetResult();

        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void NoFolderIsNamedCommonHelpersOrUtils()
    {
        var result = Bot.ShouldNot().ResideInNamespaceMatching(@"\.(Common|Helpers|Utils)(\.|$)").GetResult();

        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }
}
