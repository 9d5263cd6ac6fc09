using System.Text.Json.Nodes;
using GovernanceBot.Features.Ask;
using GovernanceBot.Testing;

namespace GovernanceBot.Tests.Features.Ask;

public sealed class QuestionLanguageTests
{
    private static readonly string[] EvaluationHalves = ["questions.json", "heldout.json"];

    [Theory]
    [InlineData("Qu'est-ce qu'un comité de pilotage et à quoi sert-il ?", "French")]
    [InlineData("Was ist der Unterschied zwischen einem Programm und einem Projekt?", "German")]
    [InlineData("¿Cuál es la diferencia entre un programa y un proyecto?", "Spanish")]
    [InlineData("Qual è la differenza tra un programma e un progetto?", "Italian")]
    [InlineData("Wat is het verschil tussen een programma en een project?", "Dutch")]
    [InlineData("项目集经理和产品经理有什么区别？", "Chinese")]
    [InlineData("プログラムマネージャーとは何ですか？", "Japanese")]
    [InlineData("프로그램 관리자는 무엇을 하나요?", "Korean")]
    public void QuestionsInOtherLanguages_AreRecognised(string question, string language)
    {
        Assert.Equal(language, QuestionLanguage.Detect(question));
    }

    [Fact]
    public void CyrillicQuestions_AreForeign_WithoutGuessingWhichLanguage()
    {
        Assert.Contains("Cyrillic", QuestionLanguage.Detect("Чем отличается программа от проекта?"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wat is teh diffrence btween a progam and a projct")]
    [InlineData("hi")]
    [InlineData("PgMP vs PM")]
    [InlineData("e.g. the PMO and a sponsor: who decides at a gate, i.e. a go/no-go?")]
    [InlineData("is the programme manager on the steerco con or pro the change?")]
    public void EnglishQuestions_AreNeverTakenForForeign(string question)
    {
        Assert.Null(QuestionLanguage.Detect(question));
    }

    [Fact]
    public void EveryQuestionOfBothEvaluationHalves_IsEnglish()
    {
        var questions = EvaluationHalves
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(RepoPaths.Combine("tests", "bench", "qa", f)))!.AsArray())
            .Select(q => (string)q!["q"]!)
            .ToList();

        Assert.True(questions.Count > 200);
        Assert.DoesNotContain(questions, q => QuestionLanguage.Detect(q) is not null);
    }
}
