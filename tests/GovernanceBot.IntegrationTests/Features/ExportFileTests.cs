using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GovernanceBot.Cards;
using GovernanceBot.IntegrationTests.Channels.Teams;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Features;

/// <summary>
/// Exports (<c>audit export</c>, <c>checkin answers</c>) reach the program manager who asked as a real
/// file: a Slack upload into their DM with the bot, a Teams download link of their own.
/// </summary>
public sealed partial class ExportFileTests
{
    private const string Header = "at,actor,channel,action,subject,before,after\n";

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AuditExport_InASlackDm_IsUploadedAndSharedInThatDm_AsACsvFile(StoreKind kind)
    {
        await using var slack = await SlackTestBot.StartAsync(kind);

        await slack.PostEventAsync(SlackTestBot.DirectMessage("audit export Phoenix", "EvFile1"));
        await slack.IdleAsync();

        var file = Assert.Single(slack.Slack.SharedFiles);
        Assert.Equal("D0ALEX", file.Channel);
        Assert.Equal("phoenix-audit-trail.csv", file.FileName);
        Assert.Equal("Audit trail of Phoenix", file.Title);
        Assert.Equal("xoxb-config-token", file.Token);
        Assert.StartsWith("text/csv", file.ContentType, StringComparison.Ordinal);
        var csv = Encoding.UTF8.GetString(file.Bytes);
        Assert.StartsWith(Header, csv, StringComparison.Ordinal);
        Assert.Contains(",audit.exported,program:phoenix,,\"all time,", csv, StringComparison.Ordinal);
        Assert.StartsWith("*Audit trail of Phoenix*, all time: ", file.Comment, StringComparison.Ordinal);
        Assert.Contains("Chain head: entry ", file.Comment, StringComparison.Ordinal);
        // The upload flow in Slack's order, with the length it announced.
        var methods = slack.Slack.Calls.Select(c => c.Method).Where(m => m.StartsWith("files.", StringComparison.Ordinal) || m == "upload").ToList();
        Assert.Equal(["files.getUploadURLExternal", "upload", "files.completeUploadExternal"], methods);
        Assert.Equal(file.Bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)Assert.Single(slack.Slack.CallsTo("files.getUploadURLExternal")).Body["length"]);
        Assert.DoesNotContain(slack.Slack.Calls, c => c.Method.StartsWith("chat.", StringComparison.Ordinal) && c.Body.ToJsonString().Contains("at,actor", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AuditExport_AskedInASlackChannel_IsSharedInTheManagersDmOnly_WithAPrivateNoteInTheChannel(StoreKind kind)
    {
        await using var slack = await SlackTestBot.StartAsync(kind);

        await slack.PostEventAsync(SlackTestBot.Mention("<@UBOT> audit export Phoenix", "EvFile2"));
        await slack.IdleAsync();

        Assert.Equal(SlackTestBot.Alex, (string?)Assert.Single(slack.Slack.CallsTo("conversations.open")).Body["users"]);
        var file = Assert.Single(slack.Slack.SharedFiles);
        Assert.Equal("D" + SlackTestBot.Alex, file.Channel);
        Assert.Empty(slack.Slack.CallsTo("chat.postMessage"));
        var note = Assert.Single(slack.Slack.CallsTo("chat.postEphemeral"));
        Assert.Equal("C0PROGRAM", (string?)note.Body["channel"]);
        Assert.Equal(SlackTestBot.Alex, (string?)note.Body["user"]);
        Assert.Equal("📎 I've sent you *Audit trail of Phoenix* in our direct messages, so it stays with you.", (string?)note.Body["text"]);
    }

    [Fact]
    public async Task AuditExport_ByASlashCommandInAChannel_IsSharedInTheDm_AndTheNoteGoesToTheResponseUrl()
    {
        await using var slack = await SlackTestBot.StartAsync();

        await slack.PostCommandAsync("audit export Phoenix");
        await slack.IdleAsync();

        Assert.Equal("D" + SlackTestBot.Alex, Assert.Single(slack.Slack.SharedFiles).Channel);
        var note = Assert.Single(slack.Slack.CallsTo("response_url"));
        Assert.Equal("ephemeral", (string?)note.Body["response_type"]);
        Assert.Contains("in our direct messages", (string?)note.Body["text"], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AuditExport_BySomeoneWhoIsNotAProgramManager_UploadsNothing(StoreKind kind)
    {
        await using var slack = await SlackTestBot.StartAsync(kind);

        await slack.PostEventAsync(SlackTestBot.DirectMessage("audit export Phoenix", "EvFile3", user: "UMEGAN"));
        await slack.IdleAsync();

        Assert.DoesNotContain(slack.Slack.Calls, c => c.Method.StartsWith("files.", StringComparison.Ordinal) || c.Method == "upload");
        var text = (string?)Assert.Single(slack.Slack.CallsTo("chat.postMessage")).Body["text"];
        Assert.Contains("Only Phoenix's program managers and PMO can see the audit trail", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AThrottledAndFailingUpload_IsRetriedByTheOutbox_AndTheFileIsSharedOnce()
    {
        await using var slack = await SlackTestBot.StartAsync();
        slack.Slack.Script("files.getUploadURLExternal", FakeSlackAnswer.RateLimited(5));
        // Four 500s outlast the client's own three retries: the outbox has to try again.
        slack.Slack.Script("upload", FakeSlackAnswer.ServerError, FakeSlackAnswer.ServerError, FakeSlackAnswer.ServerError, FakeSlackAnswer.ServerError);

        await slack.PostEventAsync(SlackTestBot.DirectMessage("audit export Phoenix", "EvFile4"));
        await slack.IdleAsync();
        Assert.Empty(slack.Slack.SharedFiles);
        slack.Bot.Clock.Advance(TimeSpan.FromSeconds(6));
        await slack.IdleAsync();
        Assert.Empty(slack.Slack.SharedFiles);
        slack.Bot.Clock.Advance(TimeSpan.FromMinutes(10));
        await slack.IdleAsync();

        var file = Assert.Single(slack.Slack.SharedFiles);
        Assert.StartsWith(Header, Encoding.UTF8.GetString(file.Bytes), StringComparison.Ordinal);
        Assert.Equal(3, slack.Slack.CallsTo("files.getUploadURLExternal").Count);
        Assert.Single(slack.Slack.CallsTo("files.completeUploadExternal"));
        await using var db = await slack.Bot.Store.OpenAsync();
        Assert.Equal(OutboxStatus.Sent, (await db.Outbox.SingleAsync()).Status);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task CheckinAnswers_InASlackDm_SharesTheRoundsAnswersAsAFile(StoreKind kind)
    {
        await using var slack = await SlackTestBot.StartAsync(kind);
        await AnswerARoundAsync(slack.Bot);

        await slack.PostEventAsync(SlackTestBot.DirectMessage("checkin answers Phoenix", "EvFile5"));
        await slack.IdleAsync();

        var file = Assert.Single(slack.Slack.SharedFiles);
        Assert.Equal("D0ALEX", file.Channel);
        Assert.Matches(@"^phoenix-weekly-check-in-\d{4}-\d\d-\d\d\.csv$", file.FileName);
        var csv = Encoding.UTF8.GetString(file.Bytes);
        Assert.StartsWith("name,email,answered_at,", csv, StringComparison.Ordinal);
        Assert.Contains("Adele Vance,adelev@example.com,", csv, StringComparison.Ordinal);
        Assert.Contains("Release 1 passed security testing.", csv, StringComparison.Ordinal);
        Assert.Contains("1 answer, one row per person", file.Comment, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AuditExport_OnTeams_SendsADownloadLinkOfTheirOwn_ThatGivesTheCsvOnce(StoreKind kind)
    {
        await using var teams = await StartTeamsAsync(kind);

        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "audit export Phoenix"));
        await teams.Bot.IdleAsync();

        var text = (string?)Assert.Single(teams.Framework.Sent("POST")).Body!["text"] ?? string.Empty;
        Assert.StartsWith("**Audit trail of Phoenix**, all time: ", text, StringComparison.Ordinal);
        Assert.Contains("The link is yours alone: it works once, for an hour, and only while you may still have the file.", text, StringComparison.Ordinal);
        var link = LinkIn(text);
        using var http = new HttpClient();

        using var first = await http.GetAsync(link);
        using var second = await http.GetAsync(link);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/csv", first.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", first.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("phoenix-audit-trail.csv", first.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("no-store", first.Headers.CacheControl?.ToString());
        var csv = await first.Content.ReadAsStringAsync();
        Assert.StartsWith(Header, csv, StringComparison.Ordinal);
        Assert.Contains(",audit.exported,program:phoenix,", csv, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        Assert.Contains("This download link has been used", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditExport_AskedInATeamsChannel_SendsTheLinkToThe1To1_NotTheChannel()
    {
        await using var teams = await StartTeamsAsync(StoreKind.Sqlite);

        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "audit export Phoenix", conversationType: "channel", conversationId: "19:general@thread.tacv2"));
        await teams.Bot.IdleAsync();

        var withLink = Assert.Single(teams.Framework.Sent("POST"), r => ((string?)r.Body?["text"])?.Contains("/dashboard/files/", StringComparison.Ordinal) == true);
        Assert.DoesNotContain("19:general", Uri.UnescapeDataString(withLink.Path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATeamsDownloadLink_IsRefused_WhenExpired_Forged_OrOpenedBySomeoneNoLongerAManager()
    {
        await using var teams = await StartTeamsAsync(StoreKind.Sqlite);
        using var http = new HttpClient();
        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "audit export Phoenix", id: "m-1"));
        await teams.Bot.IdleAsync();
        var expired = LinkIn((string?)teams.Framework.Sent("POST")[^1].Body!["text"] ?? string.Empty);
        teams.Bot.Clock.Advance(TimeSpan.FromMinutes(61));
        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "audit export Phoenix", id: "m-2"));
        await teams.Bot.IdleAsync();
        var demoted = LinkIn((string?)teams.Framework.Sent("POST")[^1].Body!["text"] ?? string.Empty);
        await using (var db = await teams.DbAsync())
        {
            var alex = await db.Stakeholders.SingleAsync(s => s.Email == "alexw@example.com");
            alex.Roles = [StakeholderRoles.Member];
            await db.SaveChangesAsync();
        }

        using var late = await http.GetAsync(expired);
        using var forged = await http.GetAsync(new Uri(demoted.GetLeftPart(UriPartial.Path) + "?t=CfDJ8forged"));
        using var notAllowed = await http.GetAsync(demoted);

        Assert.Equal(HttpStatusCode.Forbidden, late.StatusCode);
        Assert.Contains("This download link has expired", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notAllowed.StatusCode);
        var page = await notAllowed.Content.ReadAsStringAsync();
        Assert.Contains("you are no longer one of them", page, StringComparison.Ordinal);
        Assert.DoesNotContain("at,actor", page, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task CheckinAnswers_OnTeams_SendsALinkToTheRoundsAnswers(StoreKind kind)
    {
        await using var teams = await StartTeamsAsync(kind);
        await AnswerARoundAsync(teams.Bot);

        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "checkin answers Phoenix"));
        await teams.Bot.IdleAsync();

        var text = (string?)Assert.Single(teams.Framework.Sent("POST")).Body!["text"] ?? string.Empty;
        Assert.Contains("1 answer, one row per person", text, StringComparison.Ordinal);
        using var http = new HttpClient();
        using var download = await http.GetAsync(LinkIn(text));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Matches(@"^phoenix-weekly-check-in-\d{4}-\d\d-\d\d\.csv$", download.Content.Headers.ContentDisposition?.FileName ?? string.Empty);
        Assert.Contains("Adele Vance,adelev@example.com,", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<TeamsBot> StartTeamsAsync(StoreKind kind)
    {
        var teams = await TeamsBot.StartAsync(kind, developmentMode: true,
            configure: b => b.Services.AddSingleton<ICardRenderer>(sp => sp.GetRequiredService<TemplateCardRenderer>()));
        teams.Framework.MemberEmails[TestActivities.UserId] = "alexw@example.com";
        return teams;
    }

    /// <summary>Opens a round now (as the program manager) and records Adele's answer to it.</summary>
    private static async Task AnswerARoundAsync(BotHarness bot)
    {
        await bot.SendAsync("checkin run Phoenix", "alexw@example.com");
        Guid roundId;
        await using (var db = await bot.Store.OpenAsync())
        {
            roundId = (await db.CheckInRounds.SingleAsync(r => r.Status == CheckInRoundStatus.Open)).Id;
        }

        await bot.ActAsync("checkin.submit", new JsonObject
        {
            ["roundId"] = roundId.ToString(),
            ["q_confidence"] = "4",
            ["q_status"] = "On track",
            ["q_highlights"] = "Release 1 passed security testing.",
            ["q_risks"] = string.Empty,
        }, "adelev@example.com");
    }

    private static Uri LinkIn(string text)
    {
        var match = DownloadLink().Match(text);
        Assert.True(match.Success, text);
        return new Uri(match.Groups[1].Value);
    }

    [GeneratedRegex(@"\]\((http://[^)\s]+/dashboard/files/[^)\s]+)\)")]
    private static partial Regex DownloadLink();
}
