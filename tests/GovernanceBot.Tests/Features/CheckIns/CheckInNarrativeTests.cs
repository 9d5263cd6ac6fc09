using System.Text.Json;
using GovernanceBot.Features.Ask;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.Narratives;
using GovernanceBot.Store.Entities;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovernanceBot.Tests.Features.CheckIns;

/// <summary>The narrative on a check-in round's summary: the offline themes, and the citation filter on a model's lines.</summary>
public sealed class CheckInNarrativeTests
{
    private static readonly CheckInQuestion[] Questions =
    [
        new() { Key = "confidence", Kind = CheckInQuestionKind.Scale, Text = "Confidence" },
        new() { Key = "highlights", Kind = CheckInQuestionKind.Text, Text = "Highlights since last week" },
        new() { Key = "risks", Kind = CheckInQuestionKind.Text, Text = "Risks or blockers", FlagsRisks = true },
    ];

    // A realistic round: nine people, most of them held up by the same provider, a few by the sandbox.
    private static readonly (string Name, string Highlights, string Risks)[] Round =
    [
        ("Diego Siciliani", "Release 1 passed security testing.", "Still waiting on the payment provider's certification slot."),
        ("Patti Fernandez", "", "Payment provider certification keeps slipping; we can't book the January cut-over."),
        ("Nestor Wilke", "", "The partner API sandbox is down most afternoons."),
        ("Isaiah Langer", "Migration rehearsal done.", "Payment provider certification is still not scheduled."),
        ("Lynne Robbins", "", "Two senior testers leave in December."),
        ("Adele Vance", "", "No news from the payment provider on certification. Sandbox outages again."),
        ("Alex Wilber", "Data migration dry run finished a day early.", "None"),
        ("Megan Bowen", "", "API sandbox down again on Tuesday and Wednesday afternoons."),
        ("Joni Sherman", "", "Payment provider certification: waiting on their slot."),
    ];

    private static readonly string[] ModelSentences =
    [
        "Most answers wait on the payment provider's certification [A2][A4][R-3].",
        "Morale is low across the team.",
        "Two testers leave in December [A5][R-9].",
        "The sandbox is down in the afternoons [A3, A8]. Backfills start in February [A99].",
        "Alex's migration dry run finished early. [A7]",
    ];

    private static List<NarrativeSource> Sources(bool anonymous, params (string Name, string Highlights, string Risks)[] answers)
    {
        var names = new Dictionary<Guid, string>();
        var responses = answers.Select((a, i) =>
        {
            var id = Guid.CreateVersion7();
            names[id] = a.Name;
            var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["confidence"] = "3", ["highlights"] = a.Highlights, ["risks"] = a.Risks });
            return new CheckInResponse { StakeholderId = id, AnswersJson = json, SubmittedAt = new DateTimeOffset(2026, 11, 30, 9, i, 0, TimeSpan.Zero) };
        }).ToList();
        return CheckInSummaries.AnswerSources(Questions, responses, names, anonymous);
    }

    [Fact]
    public void ExtractiveSummary_OfARealisticRound_CountsTheSharedThemes_AndQuotesEach()
    {
        var narrative = ExtractiveSummary.Of(Sources(anonymous: false, Round));

        Assert.Equal(Narrative.Extractive, narrative.Kind);
        Assert.Equal("Extractive summary: themes most answers share", narrative.Note);
        Assert.Equal(
        [
            "Payment provider certification (5 of 9 answers): “Payment provider certification keeps slipping; we can't book the January cut-over.” — Patti Fernandez",
            "Sandbox (3 of 9 answers): “API sandbox down again on Tuesday and Wednesday afternoons.” — Megan Bowen",
            "Migration (2 of 9 answers): “Data migration dry run finished a day early.” — Alex Wilber",
            "1 of 9 answers mentions none of these.",
        ], narrative.Lines.Select(l => l.Text));
        Assert.Equal(["A1", "A2", "A4", "A6", "A9"], narrative.Lines[0].Sources);
        Assert.Equal(["A3", "A6", "A8"], narrative.Lines[1].Sources);
        // Isaiah's highlight is a theme of its own although his risk is the provider's: themes are counted per sentence said.
        Assert.Equal(["A4", "A7"], narrative.Lines[2].Sources);
        // Alex's "None" is no answer; only Lynne's testers share nothing with the others.
        Assert.Equal(["A5"], narrative.Lines[3].Sources);
    }

    [Fact]
    public void ExtractiveSummary_IsTheSameEveryTime()
    {
        var first = ExtractiveSummary.Of(Sources(anonymous: false, Round));
        var again = ExtractiveSummary.Of(Sources(anonymous: false, Round));

        Assert.Equal(first.Lines.Select(l => l.Text), again.Lines.Select(l => l.Text));
    }

    [Fact]
    public void AnonymousRound_NamesNoOne_InQuotes_SourcesOrTheModelsPrompt()
    {
        var sources = Sources(anonymous: true, Round);
        var narrative = ExtractiveSummary.Of(sources);
        var prompt = CitedNarrative.Message(new NarrativeRequest("Phoenix weekly check-in, week of 30 Nov 2026", sources));

        var shown = string.Join("\n", narrative.Lines.Select(l => $"{l.Text} {l.SourcesText}").Concat(sources.Select(s => $"{s.Label} {s.Author}")).Append(prompt));
        foreach (var (name, _, _) in Round)
        {
            Assert.DoesNotContain(name, shown, StringComparison.Ordinal);
            Assert.DoesNotContain(name.Split(' ')[0], shown, StringComparison.Ordinal);
        }

        Assert.StartsWith("Payment provider certification (5 of 9 answers): “Payment provider certification keeps slipping; we can't book the January cut-over.”", narrative.Lines[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("”", narrative.Lines[0].Text, StringComparison.Ordinal);
        Assert.Equal("answer 2", sources[1].Label);
    }

    [Fact]
    public void OneWrittenAnswer_IsQuoted_AndSaysThereIsNoSharedTheme()
    {
        var narrative = ExtractiveSummary.Of(Sources(anonymous: false, ("Nestor Wilke", "", "The partner API sandbox is down most afternoons."), ("Alex Wilber", "", "n/a")));

        var line = Assert.Single(narrative.Lines);
        Assert.Equal("One written answer, so no shared theme: “The partner API sandbox is down most afternoons.” — Nestor Wilke", line.Text);
        Assert.Equal(["A1"], line.Sources);
    }

    [Fact]
    public void ARoundWithoutWrittenAnswers_SaysThereIsNothingToSummarise()
    {
        var narrative = ExtractiveSummary.Of(Sources(anonymous: false, ("Nestor Wilke", "", "None."), ("Alex Wilber", "", "")));

        Assert.Empty(narrative.Lines);
        Assert.Equal("No written answers this round: nothing to summarise", narrative.Note);
    }

    [Fact]
    public void AnswersThatShareNothing_SaySo_RatherThanMakingUpAThemeOfOne()
    {
        var narrative = ExtractiveSummary.Of(Sources(anonymous: false,
            ("Nestor Wilke", "", "The partner API sandbox is down most afternoons."),
            ("Lynne Robbins", "", "Two senior testers leave in December.")));

        Assert.Equal("No theme comes up in more than one of the 2 written answers.", Assert.Single(narrative.Lines).Text);
    }

    [Fact]
    public void CitationFilter_KeepsLinesCitingGivenSources_AndDropsUncitedOrMadeUpOnes()
    {
        var sources = Sources(anonymous: false, Round).Append(new NarrativeSource("R-3", NarrativeSource.Raid, "Risk “Payment provider certification”", "R-3")).ToList();
        var reply = JsonSerializer.Serialize(new Dictionary<string, string[]> { ["sentences"] = ModelSentences });

        var cited = CitedNarrative.Parse(reply, sources)!;

        Assert.Equal(
        [
            ("Most answers wait on the payment provider's certification.", "Sources: Patti Fernandez, Isaiah Langer, R-3"),
            ("The sandbox is down in the afternoons.", "Sources: Nestor Wilke, Megan Bowen"),
            ("Alex's migration dry run finished early.", "Sources: Alex Wilber"),
        ], cited.Kept.Select(l => (l.Text, l.SourcesText)));
        Assert.Equal(["A2", "A4", "R-3"], cited.Kept[0].Sources);
        Assert.Equal(3, cited.Dropped);
    }

    [Fact]
    public async Task AModelWhoseLinesAllCiteNothingGiven_IsNotUsed_AndTheExtractiveNoteSaysSo()
    {
        var model = new ScriptedModel("""{"sentences":["Everything is fine.","Costs are up [K:cost]."]}""");
        var writer = new NarrativeWriter(model, NullLogger<NarrativeWriter>.Instance);

        var narrative = await writer.WriteAsync(new NarrativeRequest("Phoenix weekly", Sources(anonymous: false, Round)), CancellationToken.None);

        Assert.Equal(1, model.Calls);
        Assert.Equal(Narrative.Extractive, narrative.Kind);
        Assert.Equal("Extractive summary: themes most answers share (Azure OpenAI's lines cited none of the sources given, so none was kept)", narrative.Note);
        Assert.StartsWith("Payment provider certification (5 of 9 answers)", narrative.Lines[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AModelThatFails_LeavesTheExtractiveSummary_WithANoteSayingWhy()
    {
        var writer = new NarrativeWriter(new ScriptedModel(null), NullLogger<NarrativeWriter>.Instance);

        var narrative = await writer.WriteAsync(new NarrativeRequest("Phoenix weekly", Sources(anonymous: false, Round)), CancellationToken.None);

        Assert.Equal(Narrative.Extractive, narrative.Kind);
        Assert.Equal("Extractive summary: themes most answers share (Azure OpenAI did not answer)", narrative.Note);
    }

    [Fact]
    public async Task AModelsCitedLines_AreTheNarrative_AndTheNoteSaysWhatItWasWrittenFrom()
    {
        var sources = Sources(anonymous: false, Round);
        sources.Add(new NarrativeSource("R-3", NarrativeSource.Raid, "Risk “Payment provider certification”", "R-3"));
        sources.Add(new NarrativeSource("K:on-time-delivery", NarrativeSource.Kpi, "KPI On-time delivery: 82 %", "KPI On-time delivery"));
        var model = new ScriptedModel("""{"sentences":["Five answers wait on the payment provider's certification, already logged as R-3 [A1][A2][A4][A6][A9][R-3].","On-time delivery is off target [K:on-time-delivery].","Everyone is tired."]}""");

        var narrative = await new NarrativeWriter(model, NullLogger<NarrativeWriter>.Instance)
            .WriteAsync(new NarrativeRequest("Phoenix weekly", sources), CancellationToken.None);

        Assert.Equal(Narrative.Model, narrative.Kind);
        Assert.Equal("Written by Azure OpenAI from 9 answers, 1 open RAID item and 1 KPI; each line cites its source (1 line citing nothing given left out)", narrative.Note);
        Assert.Equal(["Five answers wait on the payment provider's certification, already logged as R-3.", "On-time delivery is off target."], narrative.Lines.Select(l => l.Text));
        Assert.Equal("Sources: KPI On-time delivery", narrative.Lines[1].SourcesText);
        Assert.Contains("[A9] Payment provider certification: waiting on their slot.", model.Messages.Single(), StringComparison.Ordinal);
        Assert.Contains("[R-3] Risk “Payment provider certification”", model.Messages.Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("Joni", model.Messages.Single(), StringComparison.Ordinal);
    }

    /// <summary>A model that replies with a fixed content (null: it failed), through the caller's own check.</summary>
    private sealed class ScriptedModel(string? content) : IModelCompletion
    {
        public int Calls { get; private set; }

        public List<string> Messages { get; } = [];

        public bool IsAvailable => true;

        public Task<T?> CompleteAsync<T>(string instructions, string message, string schemaName, BinaryData schema, Func<string, T?> check, CancellationToken cancellationToken)
            where T : class
        {
            Calls++;
            Messages.Add(message);
            return Task.FromResult(content is null ? null : check(content));
        }
    }
}
