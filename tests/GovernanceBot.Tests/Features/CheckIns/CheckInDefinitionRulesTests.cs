using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Cards.BlockKit;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Tests.Cards;

namespace GovernanceBot.Tests.Features.CheckIns;

/// <summary>The question-line syntax of the check-in form, and the rules a definition obeys wherever it comes from.</summary>
public sealed class CheckInDefinitionRulesTests
{
    private static readonly CheckInPerson[] People =
    [
        new("alexw", "Alex Wilber", ["program-manager"]),
        new("adelev", "Adele Vance", ["project-manager"]),
    ];

    private static CheckInSpec Valid() => new()
    {
        Key = "weekly",
        Name = "Weekly",
        Schedule = "0 9 * * MON",
        Window = "1d",
        Reminders = ["2h"],
        Participants = new ParticipantsSpec { Roles = ["project-manager"] },
        Questions = [new QuestionSpec { Key = "progress", Text = "How is it going?", Kind = "scale" }],
    };

    private static string Problems(CheckInSpec spec) => string.Join("\n", CheckInRules.Check(spec, People).Select(p => p.Message));

    [Fact]
    public void QuestionLines_ReadEachKind_WithLabelsOptionsRequiredAndRisks()
    {
        var (lines, problems) = QuestionLines.Parse("""
            [confidence] How confident are you? | scale: Very low, Low, Medium, High, Very high | required
            Overall status? | choice: On track, Some risk, Off track | required

            How would you rate the week? | scale
            Any blockers? | risks
            """);

        Assert.Empty(problems);
        Assert.Equal([1, 2, 4, 5], lines.Select(l => l.Number));
        var q = lines.Select(l => l.Question).ToList();
        Assert.Equal(("confidence", "scale", true), (q[0].Key, q[0].Kind, q[0].Required));
        Assert.Equal(["Very low", "Low", "Medium", "High", "Very high"], q[0].Options);
        Assert.Equal(("overall-status", "choice", true), (q[1].Key, q[1].Kind, q[1].Required));
        Assert.Equal(["On track", "Some risk", "Off track"], q[1].Options);
        Assert.Equal(("how-would-you-rate", "scale", false), (q[2].Key, q[2].Kind, q[2].Required));
        Assert.Empty(q[2].Options);
        Assert.Equal(("any-blockers", "text", false, true), (q[3].Key, q[3].Kind, q[3].Required, q[3].FlagsRisks));
    }

    [Fact]
    public void QuestionLines_WithTheSameFirstWords_GetDistinctKeys()
    {
        var (lines, _) = QuestionLines.Parse("What went well this week?\nWhat went well this week for the team?\n[what-went-well] Kept key");

        Assert.Equal(["what-went-well-this", "what-went-well-this-2", "what-went-well"], lines.Select(l => l.Question.Key));
    }

    [Fact]
    public void QuestionLines_NameTheLineOfAnUnknownPartOrATwoKindQuestion()
    {
        var (_, problems) = QuestionLines.Parse("How is it going? | scale\nStatus? | choise: A, B\nMood? | scale | choice: Up, Down");

        Assert.Equal(
        [
            "line 2: 'choise: A, B' is not part of a question — did you mean 'choice'?",
            "line 3: a question has one kind, not both 'scale' and 'choice'.",
        ], problems);
    }

    [Fact]
    public void QuestionLines_FormattedFromTheDemoQuestions_ReadBackIdentically()
    {
        QuestionSpec[] questions =
        [
            new() { Key = "confidence", Text = "How confident are you?", Kind = "scale", Required = true, Options = ["Very low", "Low", "Medium", "High", "Very high"] },
            new() { Key = "status", Text = "Overall status?", Kind = "choice", Required = true, Options = ["On track", "Some risk", "Off track"] },
            new() { Key = "mood", Text = "Mood (1-5)?", Kind = "scale" },
            new() { Key = "highlights", Text = "What did your team get done?", Kind = "text" },
            new() { Key = "risks", Text = "Any risks: issues, blockers?", Kind = "text", FlagsRisks = true },
        ];

        var (lines, problems) = QuestionLines.Parse(QuestionLines.Format(questions));

        Assert.Empty(problems);
        Assert.Equal(
            questions.Select(q => (q.Key, q.Text, q.Kind, q.Required, string.Join("|", q.Options), q.FlagsRisks)),
            lines.Select(l => l.Question).Select(q => (q.Key, q.Text, q.Kind, q.Required, string.Join("|", q.Options), q.FlagsRisks)));
    }

    [Fact]
    public void ValidDefinition_HasNoProblems() => Assert.Empty(CheckInRules.Check(Valid(), People));

    [Theory]
    [InlineData("schedule", "0 25 * * MON", "'0 25 * * MON' is not a valid cron expression")]
    [InlineData("window", "soon", "'soon' is not a duration")]
    [InlineData("reminder", "1d", "a reminder 1d before close would go out before the round opens (window 1d)")]
    [InlineData("reminder", "later", "'later' is not a reminder")]
    [InlineData("role", "aprover", "unknown role 'aprover'")]
    [InlineData("stakeholder", "adele", "unknown stakeholder 'adele' in 'stakeholders'")]
    [InlineData("holiday", "25/12/2026", "'25/12/2026' is not a date")]
    [InlineData("name", "<b>Weekly</b>", "the check-in name can't contain '<' or '>'")]
    public void EachRule_NamesWhatIsWrong(string field, string value, string expected)
    {
        var spec = Valid();
        switch (field)
        {
            case "schedule": spec.Schedule = value; break;
            case "window": spec.Window = value; break;
            case "reminder": spec.Reminders = [value]; break;
            case "role": spec.Participants.Roles = [value]; break;
            case "stakeholder": spec.Participants.Stakeholders = [value]; break;
            case "holiday": spec.Holidays = [value]; break;
            default: spec.Name = value; break;
        }

        Assert.Contains(expected, Problems(spec), StringComparison.Ordinal);
    }

    [Fact]
    public void QuestionRules_CoverLabelsOptionsKeysAndCount()
    {
        var spec = Valid();
        spec.Questions =
        [
            new() { Key = "mood", Text = "Mood?", Kind = "scale", Options = ["Bad", "OK", "Good"] },
            new() { Key = "status", Text = "Status?", Kind = "choice", Options = ["On track"] },
            new() { Key = "mood", Text = "Notes?", Kind = "text", Options = ["x", "y"] },
            new() { Key = "Bad Key", Text = "", Kind = "txt" },
            new() { Key = "long", Text = new string('x', 10_240), Kind = "text" },
        ];

        var problems = Problems(spec);

        Assert.Contains("question 'mood': a scale question has 5 labels (for 1 to 5) or none", problems, StringComparison.Ordinal);
        Assert.Contains("question 'status': a choice question needs at least 2 options", problems, StringComparison.Ordinal);
        Assert.Contains("the key 'mood' is used twice in questions", problems, StringComparison.Ordinal);
        Assert.Contains("'Bad Key' is not a valid key", problems, StringComparison.Ordinal);
        Assert.Contains("'txt' is not a valid kind", problems, StringComparison.Ordinal);
        Assert.Contains("question 'long': the text is 10240 characters long; keep it under 300", problems, StringComparison.Ordinal);

        spec.Questions = [];
        Assert.Contains("the check-in 'weekly' has no questions", Problems(spec), StringComparison.Ordinal);
    }

    [Fact]
    public void Form_DaysAndTime_BecomeACronReadInEachParticipantsZone_AndSplitBack()
    {
        var (spec, problems, _) = CheckInForm.Read(new JsonObject { ["name"] = "Standup", ["days"] = "FRI,MON", ["time"] = "08:30", ["questions"] = "How is it going?" });

        Assert.Empty(problems);
        Assert.Equal("30 8 * * MON,FRI", spec.Schedule);
        Assert.Equal(("MON,FRI", "08:30", ""), CheckInForm.Split(spec.Schedule));
        Assert.Equal(("SUN", "09:00", ""), CheckInForm.Split("0 9 * * 0"));
        Assert.Equal(("", "", "0 9 1-7 * MON"), CheckInForm.Split("0 9 1-7 * MON"));
        Assert.Equal("Mondays and Fridays at 08:30", CheckInForm.Cadence(spec.Schedule));
    }

    [Fact]
    public void Form_WithDaysAndACron_OrNeither_OrAnOversizedField_SaysWhichInput()
    {
        var both = CheckInForm.Read(new JsonObject { ["days"] = "MON", ["time"] = "09:00", ["cron"] = "0 9 * * TUE" }).Problems;
        var neither = CheckInForm.Read(new JsonObject { ["time"] = "09:00" }).Problems;
        var noTime = CheckInForm.Read(new JsonObject { ["days"] = "MON", ["time"] = "9 o'clock" }).Problems;
        var huge = CheckInForm.Read(new JsonObject { ["days"] = "MON", ["time"] = "09:00", ["questions"] = new string('q', 10_240) }).Problems;

        Assert.Equal(["cron"], both.Keys);
        Assert.Equal(["days"], neither.Keys);
        Assert.Contains("'9 o'clock' is not a time of day", Assert.Single(noTime["time"]), StringComparison.Ordinal);
        Assert.Equal("this field holds 10,240 characters; keep it under 4,000.", Assert.Single(huge["questions"]));
    }

    [Fact]
    public void DefineForm_InSlack_IsAButtonThatOpensAModalWithEveryInput()
    {
        var renderer = new TemplateCardRenderer(NodeConformance.TemplatesDirectory);
        var card = renderer.Render("checkin.define", NodeConformance.ReadSample(Path.Combine(NodeConformance.SamplesDirectory, "checkin.define.data.json")));

        var message = new BlockKitTranslator().Translate(card, "weekly");

        var (actionId, modal) = Assert.Single(message.Modals);
        Assert.Equal("form:checkin.define", actionId);
        Assert.Contains(actionId, message.Blocks.ToJsonString(), StringComparison.Ordinal);
        var inputs = modal["blocks"]!.AsArray().Where(b => (string?)b!["type"] == "input").Select(b => (string)b!["block_id"]!).ToList();
        Assert.Equal(["name", "days", "time", "cron", "window", "reminders", "roles", "people", "questions", "holidays", "mentionNonResponders"], inputs);
        Assert.Contains("\"checkIn\":\"weekly\"", (string)modal["private_metadata"]!, StringComparison.Ordinal);
    }
}
