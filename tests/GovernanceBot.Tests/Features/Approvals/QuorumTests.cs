using GovernanceBot.Features.Approvals;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Tests.Features.Approvals;

/// <summary>Quorum rules as people write them, read in one place for governance files and chat commands alike.</summary>
public sealed class QuorumTests
{
    [Theory]
    [InlineData("any", QuorumRule.Any, null, null)]
    [InlineData(" Majority ", QuorumRule.Majority, null, null)]
    [InlineData("ALL", QuorumRule.All, null, null)]
    [InlineData("2 of 3", QuorumRule.NOfM, 2, 3)]
    [InlineData("2of3", QuorumRule.NOfM, 2, 3)]
    [InlineData("2 OF 3", QuorumRule.NOfM, 2, 3)]
    [InlineData("3", QuorumRule.NOfM, 3, null)]
    public void AWrittenRule_IsReadAsItsRuleCountAndApprovers(string text, QuorumRule rule, int? count, int? of)
    {
        Assert.True(Quorum.TryParse(text, out var quorum));
        Assert.Equal(new WrittenQuorum(rule, count, of), quorum);
    }

    [Theory]
    [InlineData("most")]
    [InlineData("0 of 3")]
    [InlineData("two of three")]
    [InlineData("99999999999 of 3")]
    [InlineData("")]
    public void SomethingElse_IsNotARule(string text)
    {
        Assert.False(Quorum.TryParse(text, out _));
    }

    [Theory]
    [InlineData(QuorumRule.Majority, null, 5, "majority")]
    [InlineData(QuorumRule.NOfM, 2, 3, "2 of 3")]
    public void ARuleWritten_ReadsBackAsTheSameRule(QuorumRule rule, int? count, int members, string expected)
    {
        var text = Quorum.Write(rule, count, members);

        Assert.Equal(expected, text);
        Assert.True(Quorum.TryParse(text, out var again));
        Assert.Equal((rule, count), (again.Rule, again.Count));
    }
}
