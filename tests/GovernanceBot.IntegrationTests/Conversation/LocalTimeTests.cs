using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using GovernanceBot.Cards;
using GovernanceBot.Cards.BlockKit;
using GovernanceBot.IntegrationTests.Channels.Teams;
using GovernanceBot.Store.Entities;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Conversation;

/// <summary>Times reach each reader in their own time zone: Slack date tokens, Teams DATE/TIME functions.</summary>
public sealed class LocalTimeTests
{
    [Theory]
    [MemberData(nameof(TestStore.Both), MemberType = typeof(TestStore))]
    public async Task CheckinStatus_OnSlack_ShowsTheCloseAsADateTokenEveryReaderSeesInTheirOwnZone_NotUtc(StoreKind kind)
    {
        await using var slack = await SlackTestBot.StartAsync(kind);
        await slack.PostCommandAsync("checkin run Phoenix");
        await slack.IdleAsync();
        long closes;
        await using (var db = await slack.Bot.Store.OpenAsync())
        {
            closes = (await db.CheckInRounds.SingleAsync(r => r.Status == CheckInRoundStatus.Open)).ClosesAt.ToUnixTimeSeconds();
        }

        await slack.PostEventAsync(SlackTestBot.Mention("<@UBOT> checkin status Phoenix", "EvStatus1"));
        await slack.IdleAsync();

        var text = (string?)Assert.Single(slack.Slack.CallsTo("chat.postEphemeral")).Body["text"] ?? string.Empty;
        Assert.Contains($"open until <!date^{closes.ToString(CultureInfo.InvariantCulture)}^{{date_short_pretty}} at {{time}}|", text, StringComparison.Ordinal);
        Assert.DoesNotContain("UTC", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\uF8F0', text);
    }

    [Fact]
    public async Task CheckinsList_SaysThePromptTimeIsEachPersonsOwn_AndGivesTheFirstPromptAsALocalTime()
    {
        await using var slack = await SlackTestBot.StartAsync();

        await slack.PostEventAsync(SlackTestBot.Mention("<@UBOT> checkins Phoenix", "EvList1"));
        await slack.IdleAsync();

        var text = (string?)slack.Slack.Calls.Last(c => c.Method is "chat.postMessage" or "chat.postEphemeral").Body["text"] ?? string.Empty;
        Assert.Contains("Mondays at 09:00 in each person's time zone", text, StringComparison.Ordinal);
        Assert.Contains("first prompts go out <!date^", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStatusCardOnSlack_ShowsItsAsOfTimeAndTheGateDeadlineAsDateTokens()
    {
        await using var slack = await SlackTestBot.StartAsync(configure: b =>
        {
            b.Services.AddSingleton<ICardRenderer>(sp => sp.GetRequiredService<TemplateCardRenderer>());
            b.Services.AddSingleton<IBlockKitTranslator, BlockKitTranslator>();
        });

        await slack.PostEventAsync(SlackTestBot.Mention("<@UBOT> status Phoenix", "EvCard1"));
        await slack.IdleAsync();

        // Relaxed escaping: the default encoder writes '<' as \u003C, which would hide the token.
        var blocks = Assert.Single(slack.Slack.CallsTo("chat.postMessage")).Body["blocks"]!
            .ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Contains("deadline <!date^", blocks, StringComparison.Ordinal);
        // "as of" is a moment too, not the program's zone written out ("Wed 25 Nov 2026, 12:00 Europe/London").
        Assert.Contains($"as of <!date^{BotHarness.DefaultNow.ToUnixTimeSeconds()}^{{date_short_pretty}} at {{time}}|Wed 25 Nov 2026, 12:00 (Europe/London)>", blocks, StringComparison.Ordinal);
        Assert.DoesNotContain("\\uF8F0", blocks, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AStatusCardOnTeams_ShowsItsAsOfTimeAndTheGateDeadlineWithTeamsDateAndTimeFunctions()
    {
        await using var teams = await TeamsBot.StartAsync(developmentMode: true,
            configure: b => b.Services.AddSingleton<ICardRenderer>(sp => sp.GetRequiredService<TemplateCardRenderer>()));

        await teams.PostAsync(TestActivities.Message(teams.Framework.ServiceUrl, "status Phoenix"));
        await teams.Bot.IdleAsync();

        var card = Assert.Single(teams.Framework.Sent("POST")).Body!["attachments"]![0]!["content"]!.ToJsonString();
        Assert.Contains("as of {{DATE(2026-11-25T12:00:00Z, SHORT)}} at {{TIME(2026-11-25T12:00:00Z)}}", card, StringComparison.Ordinal);
        Assert.Matches(@"deadline \{\{DATE\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, SHORT\)\}\} at \{\{TIME\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\}\}", card);
        Assert.DoesNotContain("\\uF8F0", card, StringComparison.OrdinalIgnoreCase);
    }
}
