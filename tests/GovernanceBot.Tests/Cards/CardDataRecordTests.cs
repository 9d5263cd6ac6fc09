using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.Ask;
using GovernanceBot.Features.Benefits;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.Help;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.Decisions;
using GovernanceBot.Features.LifeCycle;
using GovernanceBot.Features.Portfolio;
using GovernanceBot.Features.Programs;
using GovernanceBot.Features.Raid;
using GovernanceBot.Features.Steering;
using GovernanceBot.Testing;

namespace GovernanceBot.Tests.Cards;

/// <summary>Each card's typed record has exactly the shape of its template's samples.</summary>
public sealed partial class CardDataRecordTests
{
    private static readonly Dictionary<string, ICardShape> Shapes = new(StringComparer.Ordinal)
    {
        ["answer"] = Shape(AskJson.Default.AnswerCard),
        ["roles.comparison"] = Shape(AskJson.Default.RolesComparisonCard),
        ["approval.request"] = Shape(ApprovalsJson.Default.ApprovalRequestCard),
        ["approval.decided"] = Shape(ApprovalsJson.Default.ApprovalDecidedCard),
        ["benefits.status"] = Shape(BenefitsJson.Default.BenefitsStatusCard),
        ["benefit.detail"] = Shape(BenefitsJson.Default.BenefitDetailCard),
        ["gates.status"] = Shape(LifeCycleJson.Default.GatesStatusCard),
        ["gate.detail"] = Shape(LifeCycleJson.Default.GateDetailCard),
        ["portfolio.status"] = Shape(PortfolioJson.Default.PortfolioStatusCard),
        ["checkin.define"] = Shape(CheckInJson.Default.CheckInDefineCard),
        ["checkin.prompt"] = Shape(CheckInJson.Default.CheckInPromptCard),
        ["checkin.thanks"] = Shape(CheckInJson.Default.CheckInThanksCard),
        ["checkin.summary"] = Shape(CheckInJson.Default.CheckInSummaryCard),
        ["error"] = Shape(ConversationJson.Default.ErrorCard),
        ["help"] = Shape(ConversationJson.Default.HelpCard),
        ["welcome"] = Shape(HelpJson.Default.WelcomeCard),
        ["kpis.status"] = Shape(KpisJson.Default.KpisStatusCard),
        ["kpi.detail"] = Shape(KpisJson.Default.KpiDetailCard),
        ["kpi.record"] = Shape(KpisJson.Default.KpiRecordCard),
        ["program.status"] = Shape(ProgramsJson.Default.ProgramStatusCard),
        ["raid.log"] = Shape(RaidJson.Default.RaidLogCard),
        ["steering.pack"] = Shape(SteeringJson.Default.SteeringPackCard),
        ["steering.meeting"] = Shape(SteeringJson.Default.SteeringMeetingCard),
        ["steering.minutes"] = Shape(SteeringJson.Default.SteeringMinutesCard),
        ["steering.actions"] = Shape(SteeringJson.Default.SteeringActionsCard),
        ["raid.item"] = Shape(RaidJson.Default.RaidItemCard),
        ["raid.new"] = Shape(RaidJson.Default.RaidNewCard),
        ["decisions.log"] = Shape(DecisionsJson.Default.DecisionsLogCard),
    };

    public static TheoryData<string, string> Cases() => TemplateParityTests.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sample_DeserialisedIntoItsRecord_SerialisesBackToTheSameJson(string template, string variant)
    {
        var dataPath = NodeConformance.Cases().Single(c => c.Name == template && c.Variant == variant).DataPath;
        var sample = NodeConformance.ReadSample(dataPath);
        Assert.True(Shapes.ContainsKey(template), $"no record for the {template} card");

        var again = Shapes[template].RoundTrip(sample);

        Assert.Equal(NodeConformance.Normalise(sample), NodeConformance.Normalise(again));
    }

    /// <summary>
    /// A sample carries the bot's moments where its handler puts them. Built into its card as the bot
    /// builds it (user text escaped), each moment must keep its marker: a moment in a property escaped
    /// as user text loses it, and readers see "1797094800|Tue 1 Dec…" instead of a time.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Sample_BuiltAsItsCard_KeepsEveryMomentForTheChannelsToLocalise(string template, string variant)
    {
        var dataPath = NodeConformance.Cases().Single(c => c.Name == template && c.Variant == variant).DataPath;
        var sample = NodeConformance.ReadSample(dataPath);

        var card = Shapes[template].Card(template, sample);

        Assert.Equal(Moments(sample), Moments(card.Data));
        ReplyAssertions.ShouldHaveNoStrippedMoment(card.Data);
    }

    [Fact]
    public void AMomentInAPropertyEscapedAsUserText_IsCaughtByTheCheck()
    {
        // The check itself must fail on the defect it is there for: the RAID item's fact values are user text.
        var sample = NodeConformance.ReadSample(NodeConformance.Cases().Single(c => c.Name == "raid.item" && c.Variant == "normal").DataPath);
        sample["facts"]!.AsArray().Add(new JsonObject { ["title"] = "Escalated", ["value"] = LocalTime.Of(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc) });

        var card = Shapes["raid.item"].Card("raid.item", sample);

        Assert.NotEqual(Moments(sample), Moments(card.Data));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => ReplyAssertions.ShouldHaveNoStrippedMoment(card.Data));
    }

    private static List<string> Moments(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Moments(p.Value)).ToList(),
        JsonArray array => array.SelectMany(Moments).ToList(),
        JsonValue value when value.TryGetValue<string>(out var text) => MomentPattern().Matches(text).Select(m => m.Value).ToList(),
        _ => [],
    };

    [System.Text.RegularExpressions.GeneratedRegex("\uF8F0-?\\d+\\|[^\uF8F1]*\uF8F1")]
    private static partial System.Text.RegularExpressions.Regex MomentPattern();

    private static CardShape<T> Shape<T>(JsonTypeInfo<T> type) => new(type);

    private interface ICardShape
    {
        JsonNode? RoundTrip(JsonNode sample);

        CardReply Card(string template, JsonNode sample);
    }

    private sealed class CardShape<T>(JsonTypeInfo<T> type) : ICardShape
    {
        public JsonNode? RoundTrip(JsonNode sample) => JsonSerializer.SerializeToNode(Read(sample), type);

        public CardReply Card(string template, JsonNode sample) => Reply.Card(template, Read(sample), type, template);

        private T Read(JsonNode sample)
        {
            var record = sample.Deserialize(type);
            Assert.NotNull(record);
            return record;
        }
    }
}
