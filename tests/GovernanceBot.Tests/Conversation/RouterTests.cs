using GovernanceBot.Conversation;
using GovernanceBot.Testing;

namespace GovernanceBot.Tests.Conversation;

public sealed class RouterTests
{
    private sealed class A : ITurnHandler
    {
        public Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken) => throw new InvalidOperationException("not run");
    }

    private sealed class B : ITurnHandler
    {
        public Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken) => throw new InvalidOperationException("not run");
    }

    private static Turn Text(string text) => new()
    {
        Conversation = BotHarness.DirectChat("a@example.com"),
        User = new ChatUserRef("u1"),
        Text = text,
    };

    private static Router Sample() => new Router()
        .MapCommand<A>("checkin", "checkin", "My check-in.", "Check-ins")
        .MapCommand<B>("checkin status", "checkin status [program]", "Who answered.", "Check-ins")
        .MapCommand<A>("status", "status <program>", "Program status.", "Programs")
        .MapAction<B>("approval.vote")
        .MapFallback<B>();

    [Fact]
    public void MappingTheSameCommandTwice_ThrowsAtStartUp()
    {
        var router = new Router().MapCommand<A>("status", "status", "x", "g");

        var error = Assert.Throws<InvalidOperationException>(() => router.MapCommand<B>("Status", "status", "y", "g"));

        Assert.Contains("'status' is mapped twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MappingTheSameVerbTwice_ThrowsAtStartUp()
    {
        var router = new Router().MapAction<A>("approval.vote");

        Assert.Throws<InvalidOperationException>(() => router.MapActionAsCommand("approval.vote", _ => "x"));
    }

    [Fact]
    public void TheLongestMatchingCommand_Wins_WhateverTheOrderOfMapping()
    {
        var match = Assert.IsType<CommandMatch>(Sample().Match(Text("checkin status Phoenix")));

        Assert.Equal("checkin status", match.Route.Words);
        Assert.Equal("Phoenix", match.Arguments);
    }

    [Fact]
    public void CommandWords_AreMatchedCaseInsensitively_AndKeepTheArgumentsAsTyped()
    {
        var match = Assert.IsType<CommandMatch>(Sample().Match(Text("  STATUS   Phoenix Rising ")));

        Assert.Equal("status", match.Route.Words);
        Assert.Equal("Phoenix Rising", match.Arguments);
    }

    [Fact]
    public void ATypoOfACommand_GetsDidYouMean_InsteadOfBeingTreatedAsAQuestion()
    {
        var miss = Assert.IsType<NearMiss>(Sample().Match(Text("statsu Phoenix")));

        Assert.Equal("status", Assert.Single(miss.Suggestions).Words);
    }

    [Fact]
    public void FreeText_GoesToTheFallback()
    {
        var match = Assert.IsType<FallbackMatch>(Sample().Match(Text("how does a program manager differ from a product manager?")));

        Assert.Equal(typeof(B), match.Handler);
    }

    [Fact]
    public void CardActions_RouteByVerb_AndUnknownVerbsAreReported()
    {
        var router = Sample();
        var vote = Text("") with { Text = null, Action = new CardAction("approval.vote", []) };
        var unknown = vote with { Action = new CardAction("nope.never", []) };

        Assert.IsType<ActionMatch>(router.Match(vote));
        Assert.Equal("nope.never", Assert.IsType<UnknownAction>(router.Match(unknown)).Verb);
    }

    [Fact]
    public void ARunCommandButton_RoutesLikeTypingTheCommand()
    {
        var turn = Text("") with { Text = null, Action = new CardAction(Router.RunCommandVerb, new() { ["command"] = "checkin status Phoenix" }) };

        var match = Assert.IsType<CommandMatch>(Sample().Match(turn));

        Assert.Equal("checkin status", match.Route.Words);
    }

    [Fact]
    public void A241KilobyteQuestion_IsRefusedBeforeRouting_AndTheRefusalSaysTheLimit()
    {
        var question = "how does a program manager differ from a product manager? " + new string('x', 241_000);

        var tooLong = Assert.IsType<TooLong>(Sample().Match(Text(question)));

        Assert.Equal(question.Length, tooLong.Length);
        Assert.Contains("up to 2,000 characters", tooLong.Refusal.Body, StringComparison.Ordinal);
        Assert.Contains($"{question.Length:N0} characters long", tooLong.Refusal.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("xxxx", tooLong.Refusal.Body, StringComparison.Ordinal);
        Assert.Equal(ReplyAudience.Requester, tooLong.Refusal.Audience);
    }

    [Fact]
    public void ALongCommand_IsRefusedLikeALongQuestion_WhileOneAtTheLimitStillRoutes()
    {
        var atLimit = "status " + new string('p', Router.MaxTextLength - "status ".Length);

        Assert.IsType<CommandMatch>(Sample().Match(Text(atLimit)));
        Assert.IsType<TooLong>(Sample().Match(Text(atLimit + "p")));
    }

    [Fact]
    public void ARunCommandButtonCarryingAnOverlongCommand_IsRefusedToo()
    {
        var turn = Text("") with { Text = null, Action = new CardAction(Router.RunCommandVerb, new() { ["command"] = "status " + new string('p', 3000) }) };

        Assert.IsType<TooLong>(Sample().Match(turn));
    }

    [Theory]
    [InlineData("kpi record \"On-time delivery\" 93.5", new[] { "kpi", "record", "On-time delivery", "93.5" })]
    [InlineData("approval request \u201CGate 2: enter delivery\u201D due 2026-12-05", new[] { "approval", "request", "Gate 2: enter delivery", "due", "2026-12-05" })]
    [InlineData("ask ''", new[] { "ask", "" })]
    public void Tokenize_HonoursStraightAndCurlyQuotes(string text, string[] expected)
    {
        Assert.Equal(expected, CommandText.Tokenize(text));
    }
}
