using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.IntegrationTests.Channels.Teams;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.IntegrationTests.Features;

/// <summary>
/// The steering meeting on both channels, with the real card renderer (and, on Slack, the real Block
/// Kit translator): an action recorded from the meeting's agenda card (Teams Action.Execute, Slack
/// block_actions and the modal).
/// </summary>
public sealed class SteeringChannelTests
{
    private const string AlexsChat = "DUALEX";

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task OnTeams_AnActionRecordedFromTheMeetingCard_IsInTheRaidLog_AndTheInvokeAnswerIsTheAgendaWithIt(StoreKind kind)
    {
        await using var teams = await RaidChannelTests.StartTeamsAsync(kind);
        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "meeting start Phoenix", "m-1"), teams.ValidToken());
        var agenda = teams.Framework.Sent("POST").Select(r => RaidChannelTests.Plain(r.Body!))
            .Single(b => b.Contains("Phoenix — steering meeting", StringComparison.Ordinal));
        Assert.Contains("\"verb\":\"meeting.action\"", agenda, StringComparison.Ordinal);
        string meetingId;
        await using (var db = await teams.DbAsync())
        {
            meetingId = (await db.SteeringMeetings.SingleAsync()).Id.ToString();
        }

        using var answer = await teams.PostAsync(TestActivities.Invoke(teams.Framework.ServiceUrl, "meeting.action", new JsonObject
        {
            ["meetingId"] = meetingId, ["actionTitle"] = "Send the revised pilot plan to the board", ["owner"] = "adelev", ["due"] = "2026-12-18",
        }, id: "act-1"), teams.ValidToken());

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var invoke = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        var card = RaidChannelTests.Plain(invoke["value"]!);
        Assert.Contains("Recorded in this meeting", card, StringComparison.Ordinal);
        Assert.Contains("Send the revised pilot plan to the board", card, StringComparison.Ordinal);
        await using var after = await teams.DbAsync();
        var action = await after.RaidItems.Include(r => r.Owner).SingleAsync(r => r.Key == "act-4");
        Assert.Equal((RaidType.Action, "adelev", new DateOnly(2026, 12, 18)), (action.Type, action.Owner!.Key, action.DueDate!.Value));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task OnTeams_TheSteeringPack_GivesItsTimeAndAPendingApprovalsDeadline_WithTeamsDateAndTimeFunctions(StoreKind kind)
    {
        await using var teams = await RaidChannelTests.StartTeamsAsync(kind);

        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "steering pack Phoenix", "m-1"), teams.ValidToken());

        var pack = teams.Framework.Sent("POST").Select(r => RaidChannelTests.Plain(r.Body!)).Single(b => b.Contains("Phoenix — steering pack", StringComparison.Ordinal));
        Assert.Matches(@"Produced \{\{DATE\([0-9T:Z-]+, SHORT\)\}\} at \{\{TIME\([0-9T:Z-]+\)\}\}\.", pack);
        // Gate 3's review is waiting: its deadline was escaped as user text, which stripped its marker and showed "1797…|…".
        Assert.Matches(@"Stage gate · \d of \d voted · deadline \{\{DATE\([0-9T:Z-]+, SHORT\)\}\} at \{\{TIME\([0-9T:Z-]+\)\}\}", pack);
        Assert.DoesNotMatch(@"\d{9,}\|", pack);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task OnSlack_TheSteeringPack_GivesAPendingApprovalsDeadline_AsADateToken(StoreKind kind)
    {
        await using var slack = await RaidChannelTests.StartSlackAsync(kind);

        await slack.PostCommandAsync("steering pack Phoenix", channel: AlexsChat);
        await slack.IdleAsync();

        var pack = RaidChannelTests.Plain(slack.Slack.Calls.Last(c => c.Body["blocks"] is JsonArray b && RaidChannelTests.Plain(b).Contains("Phoenix — steering pack", StringComparison.Ordinal)).Body);
        Assert.Matches(@"Stage gate · \d of \d voted · deadline <!date\^\d+\^\{date_short_pretty\} at \{time\}\|\w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d \(Europe/London\)>", pack);
        Assert.DoesNotMatch(@"\d{9,}\|", pack);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task OnSlack_AnActionRecordedThroughTheMeetingCardsModal_IsInTheRaidLog(StoreKind kind)
    {
        await using var slack = await RaidChannelTests.StartSlackAsync(kind);
        await slack.PostCommandAsync("meeting start Phoenix", channel: AlexsChat);
        await slack.IdleAsync();
        var cardPost = slack.Slack.Calls.Last(c => c.Body["blocks"] is JsonArray b && RaidChannelTests.Plain(b).Contains("Phoenix — steering meeting", StringComparison.Ordinal));
        var button = cardPost.Body["blocks"]!.AsArray().Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray())
            .First(e => ((string?)e!["text"]!["text"])!.Contains("Record action", StringComparison.Ordinal))!;
        var ts = slack.Slack.Posted.Where(p => p.Channel == AlexsChat).Select(p => p.Ts).LastOrDefault() ?? "1764072100.000002";

        await slack.PostInteractionAsync(RaidChannelTests.Press(AlexsChat, ts, (string)button["action_id"]!, (string?)button["value"]));
        var view = Assert.Single(slack.Slack.CallsTo("views.open")).Body["view"]!.AsObject();
        Assert.Contains("Adele Vance", RaidChannelTests.Plain(view), StringComparison.Ordinal);
        using (var accepted = await slack.PostInteractionAsync(RaidChannelTests.Submit(view, new Dictionary<string, string>
        {
            ["actionTitle"] = "Confirm the payment provider's API date in writing", ["owner"] = "adelev", ["due"] = "2026-12-04",
        })))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        await slack.IdleAsync();
        await using var db = await slack.Bot.Store.OpenAsync();
        var action = await db.RaidItems.SingleAsync(r => r.Key == "act-4");
        Assert.Equal((RaidType.Action, "Confirm the payment provider's API date in writing"), (action.Type, action.Title));
        Assert.Contains(slack.Slack.Calls, c => RaidChannelTests.Plain(c.Body).Contains("Recorded action *ACT-4* for Adele Vance", StringComparison.Ordinal));
    }
}
