using GovernanceBot.Features.Ask;

namespace GovernanceBot.Tests.Features.Ask;

public sealed class RetrievalTests
{
    private static readonly Lazy<PassageIndex> Index = new(() => new PassageIndex(KnowledgeBase.Load(KnowledgeBase.DefaultFolder)));

    [Theory]
    [InlineData("PgMP vs PM", "program-vs-product-manager")]
    [InlineData("what does a product owner do that a program lead doesn't", "product-owner-vs-program-manager")]
    [InlineData("who sits on the steerco?", "governance-board")]
    [InlineData("what happens at a go/no-go review", "phase-gates")]
    [InlineData("what should our benefit tracker contain", "benefits-register")]
    [InlineData("how do I stop check-in prompts while I'm on holiday?", "bot-check-ins")]
    public void Paraphrase_LandsOnTheTopicThatAnswersIt(string question, string topic)
    {
        var retrieval = Index.Value.Search(question);

        Assert.False(retrieval.OffTopic);
        Assert.Equal(topic, retrieval.Best!.Topic.Id);
    }

    [Theory]
    [InlineData("progam mangaer vs prodcut manager", "program-vs-product-manager")]
    [InlineData("what is a stage gaet?", "phase-gates")]
    [InlineData("when do we write the benfits realisation plan?", "benefits-realisation-plan")]
    public void Typos_AreCorrectedAgainstTheKnowledgeBase(string question, string topic)
    {
        var retrieval = Index.Value.Search(question);

        Assert.NotEmpty(retrieval.Corrections);
        Assert.Equal(topic, retrieval.Best!.Topic.Id);
    }

    [Theory]
    [InlineData("tell me a joke")]
    [InlineData("Give me a recipe for banana bread")]
    [InlineData("what's the weather in Oslo tomorrow?")]
    [InlineData("write me a poem about spring")]
    [InlineData("how many people live in London")]
    [InlineData("what is the meaning of life")]
    [InlineData("what's the difference between a cat and a dog?")]
    public void OffTopicQuestions_AreDeclined(string question)
    {
        Assert.True(Index.Value.Search(question).OffTopic);
    }

    [Fact]
    public void Synonyms_MeetOnBothSides_SoSteercoFindsTheGovernanceBoard()
    {
        var analyzer = Index.Value.Analyzer;

        var question = analyzer.AnalyzeQuery("who is on the steerco");
        var passage = analyzer.AnalyzeDocument("The governance board decides.");

        Assert.NotEmpty(question.Concepts.Intersect(passage.Concepts));
    }

    [Fact]
    public void Compose_CitesTheBestPassage_AndKeepsTheAnswerShort()
    {
        var answers = new KnowledgeAnswers(Index.Value);

        var answer = answers.Compose(Index.Value.Search("what is a phase gate?"));

        Assert.False(answer.Declined);
        Assert.EndsWith("[1]", answer.Answer, StringComparison.Ordinal);
        Assert.InRange(KnowledgeAnswers.Sentences(answer.Answer).Count, 1, 3);
        Assert.Equal(1, answer.Sources[0].Number);
        Assert.Contains("phase-gates.md", answer.Sources[0].Source.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_IsFast_OnceTheIndexIsBuilt()
    {
        var index = Index.Value;
        index.Search("warm up");
        var started = TimeProvider.System.GetTimestamp();

        for (var i = 0; i < 100; i++)
        {
            index.Search("how do program and product managers differ in focus?");
        }

        Assert.True(TimeProvider.System.GetElapsedTime(started).TotalMilliseconds / 100 < 20);
    }

    [Fact]
    public void ProgramManagement_IsNotTheProgramManagerRole()
    {
        Assert.NotEqual(TextAnalyzer.Stem("management"), TextAnalyzer.Stem("manager"));
        Assert.Equal(TextAnalyzer.Stem("managers"), TextAnalyzer.Stem("manager"));
        Assert.Equal(TextAnalyzer.Stem("program"), TextAnalyzer.Stem("programme"));
    }

    [Theory]
    [InlineData("wat", "what")]
    [InlineData("teh", "the")]
    [InlineData("cat", null)]
    [InlineData("dog", null)]
    public void ThreeLetterWords_AreCorrectedOnlyToTheFramingWordTheyMisspell(string typed, string? meant)
    {
        Assert.Equal(meant, TextAnalyzer.CorrectToStopWord(typed));
    }

    [Fact]
    public void BroadComparisonTopic_DoesNotWin_WhenTheQuestionNamesNoRole()
    {
        var retrieval = Index.Value.Search("What is benefits management and why does a programme need it?");

        Assert.Equal("benefits-management", retrieval.Best!.Topic.Id);
    }

    [Fact]
    public void PassageOrder_FollowsTheKindOfQuestion()
    {
        Assert.Equal("What a governance board does", Index.Value.Search("what does a steering committee do").Best!.Passages[0].Passage.Heading);
        Assert.Equal("Who sits on a steering committee", Index.Value.Search("who sits on the steering committee?").Best!.Passages[0].Passage.Heading);
    }

    [Theory]
    [InlineData("what do program managers pay attention to that product managers don't", "program-vs-product-manager-focus")]
    [InlineData("what results is a program manager evaluated on, versus a product manager", "program-vs-product-manager-success-measures")]
    [InlineData("how far does a programme manager's remit go compared to a product lead", "program-vs-product-manager-scope")]
    [InlineData("is a product manager's role permanent while a program manager's is temporary?", "program-vs-product-manager-time-horizon")]
    [InlineData("what abilities make a good programme manager compared with a good product manager?", "program-vs-product-manager-skills")]
    [InlineData("program manager or product manager - what's the real difference in one sentence?", "program-vs-product-manager")]
    [InlineData("why are product and program managers so often confused with each other", "program-vs-product-manager")]
    public void RoleQuestions_NamingAnAspectInEverydayWords_LandOnThatAspectsTopic(string question, string topic)
    {
        Assert.Equal(topic, Index.Value.Search(question).Best!.Topic.Id);
    }

    [Fact]
    public void BroadTopic_YieldsToItsNarrowerTopic_WhenTheQuestionNamesThatTopicsAspect()
    {
        // The broad overview mentions the aspect too, and says "program manager" more often, so on
        // words alone it would win.
        var broad = new KnowledgeTopic("roles", "Program manager vs product manager", ["program manager", "product manager", "comparison"], [],
        [
            new("roles", "Program manager vs product manager", "A program manager and a product manager differ. A program manager has a focus on benefits; a product manager on customers. A program manager and a product manager both lead."),
        ]) { Narrower = ["roles-focus"] };
        var focus = new KnowledgeTopic("roles-focus", "Focus: program manager vs product manager", ["program manager", "product manager", "focus", "comparison"], [],
        [
            new("roles-focus", "What a program manager focuses on", "Benefits across projects."),
        ]);
        var synonyms = KnowledgeBase.ParseSynonyms(["program manager, programme manager", "product manager, product lead", "weak: focus, priorities, care about"]);
        var index = new PassageIndex(new KnowledgeBase([broad, focus], synonyms, null));

        Assert.Equal("roles-focus", index.Search("what does a program manager care about, compared with a product manager?").Best!.Topic.Id);
        Assert.Equal("roles", index.Search("how does a program manager differ from a product manager?").Best!.Topic.Id);
    }

    [Fact]
    public void NarrowerTopics_AreReadFromTheFrontMatter_AndMustExist()
    {
        var topic = KnowledgeBase.ParseTopic("broad", "---\ntitle: Broad\nnarrower: [missing-topic]\n---\n## Heading\nText.\n");

        Assert.Equal(["missing-topic"], topic.Narrower);
        var error = Assert.Throws<InvalidDataException>(() => new PassageIndex(new KnowledgeBase([topic], [], null)));
        Assert.Contains("missing-topic", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("how do I improve my focus when studying?")]
    [InlineData("what skills do I need to become a chef?")]
    [InlineData("what's the best way to measure my running pace")]
    [InlineData("how long does it take to boil an egg")]
    public void EverydayQuestions_UsingAspectWords_AreStillDeclined(string question)
    {
        Assert.True(Index.Value.Search(question).OffTopic);
    }
}
