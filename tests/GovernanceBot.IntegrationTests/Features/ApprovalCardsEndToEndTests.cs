using System.Net;
using System.Text.Json.Nodes;
using GovernanceBot.Cards;
using GovernanceBot.Cards.BlockKit;
using GovernanceBot.Scheduling;
using GovernanceBot.Testing;
using GovernanceBot.Testing.Slack;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace GovernanceBot.IntegrationTests.Features;

/// <summary>
/// Slack end to end, with the real card renderer and Block Kit translator: a request posted to the
/// program channel and to an approver's DM; the approver's vote updates both copies in place.
/// </summary>
public sealed class ApprovalCardsEndToEndTests
{
    [Fact]
    public async Task AVoteInAnApproversDm_UpdatesTheChannelCopyForEveryone()
    {
        await using var slack = await SlackTestBot.StartAsync(configure: b =>
        {
            b.Services.AddSingleton<ICardRenderer>(sp => sp.GetRequiredService<TemplateCardRenderer>());
            b.Services.AddSingleton<IBlockKitTranslator, BlockKitTranslator>();
        });
        var dispatcher = slack.Bot.Services.GetRequiredService<OutboxDispatcher>();

        Assert.Equal(HttpStatusCode.OK, (await slack.PostCommandAsync("link Phoenix")).StatusCode);
        await slack.IdleAsync();
        Assert.Equal(HttpStatusCode.OK, (await slack.PostCommandAsync("approval request \"Gate 4: go live\" approvers meganb leeg quorum all due 2026-12-10")).StatusCode);
        await slack.IdleAsync();
        await dispatcher.DrainAllAsync(CancellationToken.None);

        Guid requestId;
        await using (var db = await slack.Bot.Store.OpenAsync())
        {
            requestId = (await db.Approvals.SingleAsync(a => a.Title == "Gate 4: go live")).Id;
        }

        var posts = slack.Slack.CallsTo("chat.postMessage");
        var channelCopy = Assert.Single(posts, p => (string?)p.Body["channel"] == "C0PROGRAM" && p.Body.ToJsonString().Contains("Gate 4", StringComparison.Ordinal));
        Assert.Contains(posts, p => (string?)p.Body["channel"] == "DUMEGAN");
        Assert.StartsWith("Gate 4: go live: 0 approve, 0 reject, 0 abstain, 2 waiting", (string?)channelCopy.Body["text"], StringComparison.Ordinal);

        var press = new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = SlackTestBot.Team },
            ["user"] = new JsonObject { ["id"] = "UMEGAN", ["team_id"] = SlackTestBot.Team, ["name"] = "meganb" },
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1764072100.000001", ["channel_id"] = "DUMEGAN", ["is_ephemeral"] = false },
            ["channel"] = new JsonObject { ["id"] = "DUMEGAN" },
            ["trigger_id"] = "1.2.3",
            ["message"] = new JsonObject { ["ts"] = "1764072100.000001", ["text"] = "card" },
            ["actions"] = new JsonArray(new JsonObject
            {
                ["action_id"] = "approval.vote",
                ["block_id"] = "b1",
                ["type"] = "button",
                ["value"] = new JsonObject { ["requestId"] = requestId.ToString(), ["decision"] = "approve" }.ToJsonString(),
                ["action_ts"] = "1764072105.000001",
            }),
        };
        Assert.Equal(HttpStatusCode.OK, (await slack.PostInteractionAsync(press)).StatusCode);
        await slack.IdleAsync();
        await dispatcher.DrainAllAsync(CancellationToken.None);

        await using (var db = await slack.Bot.Store.OpenAsync())
        {
            Assert.Equal(1, await db.Votes.CountAsync(v => v.RequestId == requestId));
        }

        var updates = slack.Slack.CallsTo("chat.update");
        Assert.Contains(updates, u => (string?)u.Body["channel"] == "DUMEGAN");
        var channelUpdate = Assert.Single(updates, u => (string?)u.Body["channel"] == "C0PROGRAM");
        Assert.False(string.IsNullOrEmpty((string?)channelUpdate.Body["ts"]), "chat.update names the posted message");
        Assert.StartsWith("Gate 4: go live: 1 approve, 0 reject, 0 abstain, 1 waiting", (string?)channelUpdate.Body["text"], StringComparison.Ordinal);
        Assert.Contains("✅ Approve", channelUpdate.Body["blocks"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), StringComparison.Ordinal);
    }
}
