using GovernanceBot.Conversation;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.IntegrationTests.Channels.Slack;

/// <summary>Readers by role over real Slack requests: users.info says who is a guest or from another organisation.</summary>
public sealed class SlackReadersTests
{
    private const string Guest = "UGUEST";
    private const string Connect = "UCONNECT";

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ASlackGuest_AskingForTheAuditTrailAndWhoAnswered_IsRefused_EvenWithAManagersEmail(StoreKind kind)
    {
        await using var slack = await SlackTestBot.StartAsync(kind);
        slack.Slack.Emails[Guest] = "alexw@example.com";
        slack.Slack.MakeGuest(Guest);

        await slack.PostEventAsync(SlackTestBot.DirectMessage("audit export Phoenix", "EvG1", user: Guest));
        await slack.IdleAsync();
        await slack.PostEventAsync(SlackTestBot.DirectMessage("checkin status Phoenix", "EvG2", user: Guest));
        await slack.IdleAsync();

        var answers = slack.Slack.CallsTo("chat.postMessage").Select(c => (string?)c.Body["text"] ?? string.Empty).ToList();
        Assert.Equal(2, answers.Count);
        Assert.All(answers, text =>
        {
            Assert.True(text.Contains("You are a guest in this workspace", StringComparison.Ordinal), text);
            Assert.DoesNotContain("at,actor", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Could not reach", text, StringComparison.Ordinal);
        });
        await using var db = await slack.Bot.Store.OpenAsync();
        var user = await db.ChatUsers.SingleAsync(u => u.Channel == ChannelNames.Slack && u.ExternalUserId == Guest);
        Assert.Equal(Membership.Guest, user.Membership);
        Assert.NotNull(user.MembershipCheckedAt);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task ASlackConnectUser_AskingForTheAuditTrailOrWhoAnswered_IsRefusedInAnEphemeral(StoreKind kind)
    {
        await using var slack = await SlackTestBot.StartAsync(kind);
        slack.Slack.Emails[Connect] = "alexw@example.com";
        slack.Slack.MakeExternal(Connect);

        await slack.PostCommandAsync("audit export Phoenix", user: Connect);
        await slack.IdleAsync();
        await slack.PostCommandAsync("checkin status Phoenix", user: Connect);
        await slack.IdleAsync();

        var answers = slack.Slack.CallsTo("response_url");
        Assert.Equal(2, answers.Count);
        Assert.All(answers, answer =>
        {
            var text = (string?)answer.Body["text"] ?? string.Empty;
            Assert.Equal("ephemeral", (string?)answer.Body["response_type"]);
            Assert.True(text.Contains("You are from another organisation", StringComparison.Ordinal), text);
            Assert.DoesNotContain("at,actor", text, StringComparison.Ordinal);
        });
        Assert.Empty(slack.Slack.CallsTo("chat.postMessage"));
    }

    [Fact]
    public async Task AMemberTurnedGuest_IsRefused_OnceWhatSlackSaidIsOlderThanTheBound()
    {
        await using var slack = await SlackTestBot.StartAsync(settings: new Dictionary<string, string?> { ["Slack:UserInfoMaxAge"] = "00:15:00" });

        await slack.PostEventAsync(SlackTestBot.DirectMessage("audit export Phoenix", "EvT1"));
        await slack.IdleAsync();
        slack.Slack.MakeGuest(SlackTestBot.Alex);
        slack.Bot.Clock.Advance(TimeSpan.FromMinutes(16));
        await slack.PostEventAsync(SlackTestBot.DirectMessage("audit export Phoenix", "EvT2"));
        await slack.IdleAsync();

        // The first, as a member: the audit trail as a file in the DM. The second, as a guest: refused, no file.
        var file = Assert.Single(slack.Slack.SharedFiles);
        Assert.Contains("at,actor", System.Text.Encoding.UTF8.GetString(file.Bytes), StringComparison.Ordinal);
        var answer = Assert.Single(slack.Slack.CallsTo("chat.postMessage").Select(c => (string?)c.Body["text"] ?? string.Empty));
        Assert.True(answer.Contains("You are a guest in this workspace", StringComparison.Ordinal), answer);
        Assert.Equal(2, slack.Slack.CallsTo("users.info").Count);
    }

    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task AMemberTurnedGuest_WhoKeepsWriting_IsAskedAboutAgain_AndRefusedOnceWhatSlackSaidIsOlderThanTheBound(StoreKind kind)
    {
        // Each turn used to stamp "membership checked" from the cached answer, so someone who wrote
        // more often than the bound was never looked up again and stayed a member in the bot.
        await using var slack = await SlackTestBot.StartAsync(kind, settings: new Dictionary<string, string?> { ["Slack:UserInfoMaxAge"] = "00:15:00" });
        await slack.PostEventAsync(SlackTestBot.DirectMessage("help", "EvK0"));
        await slack.IdleAsync();
        slack.Slack.MakeGuest(SlackTestBot.Alex);

        for (var minute = 5; minute <= 15; minute += 5)
        {
            slack.Bot.Clock.Advance(TimeSpan.FromMinutes(5));
            await slack.PostEventAsync(SlackTestBot.DirectMessage("help", $"EvK{minute}"));
            await slack.IdleAsync();
        }

        Assert.Equal(2, slack.Slack.CallsTo("users.info").Count);
        await slack.PostEventAsync(SlackTestBot.DirectMessage("audit export Phoenix", "EvK16"));
        await slack.IdleAsync();

        Assert.Empty(slack.Slack.SharedFiles);
        var answer = slack.Slack.CallsTo("chat.postMessage").Select(c => (string?)c.Body["text"] ?? string.Empty).Last();
        Assert.True(answer.Contains("You are a guest in this workspace", StringComparison.Ordinal), answer);
        await using var db = await slack.Bot.Store.OpenAsync();
        var user = await db.ChatUsers.SingleAsync(u => u.Channel == ChannelNames.Slack && u.ExternalUserId == SlackTestBot.Alex);
        Assert.Equal(Membership.Guest, user.Membership);
        Assert.Equal(slack.Bot.Clock.GetUtcNow(), user.MembershipCheckedAt);
    }
}
