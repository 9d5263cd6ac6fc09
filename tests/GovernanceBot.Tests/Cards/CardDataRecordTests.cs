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

namespace GovernanceBot.Tests.Cards;

/// <summary>Each card's typed record has exactly the shape of its template's samples.</summary>
public sealed class CardDataRecordTests
{
    private static readonly Dictionary<string, Func<JsonNode, JsonNode?>> RoundTrips = new(StringComparer.Ordinal)
    {
        ["answer"] = n => RoundTrip(n, AskJson.Default.AnswerCard),
        ["roles.comparison"] = n => RoundTrip(n, AskJson.Default.RolesComparisonCard),
        ["approval.request"] = n => RoundTrip(n, ApprovalsJson.Default.ApprovalRequestCard),
        ["approval.decided"] = n => RoundTrip(n, ApprovalsJson.Default.ApprovalDecidedCard),
        ["benefits.status"] = n => RoundTrip(n, BenefitsJson.Default.BenefitsStatusCard),
        ["benefit.detail"] = n => RoundTrip(n, BenefitsJson.Default.BenefitDetailCard),
        ["gates.status"] = n => RoundTrip(n, LifeCycleJson.Default.GatesStatusCard),
        ["gate.detail"] = n => RoundTrip(n, LifeCycleJson.Default.GateDetailCard),
        ["portfolio.status"] = n => RoundTrip(n, PortfolioJson.Default.PortfolioStatusCard),
        ["checkin.define"] = n => RoundTrip(n, CheckInJson.Default.CheckInDefineCard),
        ["checkin.prompt"] = n => RoundTrip(n, CheckInJson.Default.CheckInPromptCard),
        ["checkin.thanks"] = n => RoundTrip(n, CheckInJson.Default.CheckInThanksCard),
        ["checkin.summary"] = n => RoundTrip(n, CheckInJson.Default.CheckInSummaryCard),
        ["error"] = n => RoundTrip(n, ConversationJson.Default.ErrorCard),
        ["help"] = n => RoundTrip(n, ConversationJson.Default.HelpCard),
        ["welcome"] = n => RoundTrip(n, HelpJson.Default.WelcomeCard),
        ["kpis.status"] = n => RoundTrip(n, KpisJson.Default.KpisStatusCard),
        ["kpi.detail"] = n => RoundTrip(n, KpisJson.Default.KpiDetailCard),
        ["kpi.record"] = n => RoundTrip(n, KpisJson.Default.KpiRecordCard),
        ["program.status"] = n => RoundTrip(n, ProgramsJson.Default.ProgramStatusCard),
        ["raid.log"] = n => RoundTrip(n, RaidJson.Default.RaidLogCard),
        ["steering.pack"] = n => RoundTrip(n, SteeringJson.Default.SteeringPackCard),
        ["steering.meeting"] = n => RoundTrip(n, SteeringJson.Default.SteeringMeetingCard),
        ["steering.minutes"] = n => RoundTrip(n, SteeringJson.Default.SteeringMinutesCard),
        ["steering.actions"] = n => RoundTrip(n, SteeringJson.Default.SteeringActionsCard),
        ["raid.item"] = n => RoundTrip(n, RaidJson.Default.RaidItemCard),
        ["raid.new"] = n => RoundTrip(n, RaidJson.Default.RaidNewCard),
        ["decisions.log"] = n => RoundTrip(n, DecisionsJson.Default.DecisionsLogCard),
    };

    public static TheoryData<string, string> Cases() => TemplateParityTests.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sample_DeserialisedIntoItsRecord_SerialisesBackToTheSameJson(string template, string variant)
    {
        var dataPath = NodeConformance.Cases().Single(c => c.Name == template && c.Variant == variant).DataPath;
        var sample = NodeConformance.ReadSample(dataPath);
        Assert.True(RoundTrips.ContainsKey(template), $"no record for the {template} card");

        var again = RoundTrips[template](sample);

        Assert.Equal(NodeConformance.Normalise(sample), NodeConformance.Normalise(again));
    }

    private static JsonNode? RoundTrip<T>(JsonNode sample, JsonTypeInfo<T> type)
    {
        var record = sample.Deserialize(type);
        Assert.NotNull(record);
        return JsonSerializer.SerializeToNode(record, type);
    }
}
