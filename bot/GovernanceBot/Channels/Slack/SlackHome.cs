using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Cards.BlockKit;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Dashboard;
using GovernanceBot.Features.Health;

namespace GovernanceBot.Channels.Slack;

/// <summary>
/// Slack's App Home: the channel-neutral <see cref="HomeView"/> as a Block Kit <c>home</c> view, and
/// <c>views.publish</c> for the outbox (<see cref="IHomeSender"/>). Buttons follow the Block Kit
/// translator's contract (<c>action_id</c> = verb#n, <c>value</c> = the action's data), so a press
/// comes back through <see cref="SlackInbound"/> as any card action does.
/// </summary>
public sealed class SlackHome(SlackApiClient api, SlackWorkspaces workspaces, ILogger<SlackHome> logger) : IHomeSender
{
    /// <summary>Slack allows 100 blocks in a view; lists are cut well before, with a pointer to the dashboard.</summary>
    internal const int MaxWaiting = 20;
    internal const int MaxPrograms = 25;

    public string Channel => ChannelNames.Slack;

    public async Task<SendResult> PublishHomeAsync(ConversationRef person, JsonObject home, CancellationToken cancellationToken)
    {
        var view = home.Deserialize(HomeJson.Default.HomeView);
        if (view is null)
        {
            return SendResult.Permanent("unreadable home");
        }

        var installation = await workspaces.FindAsync(person.WorkspaceExternalId, cancellationToken);
        if (installation is null)
        {
            Hosting.Log.SlackSendFailed(logger, "views.publish", person.WorkspaceExternalId, "not_installed");
            return SendResult.Permanent("not_installed");
        }

        try
        {
            await api.PublishViewAsync(installation.BotToken, person.ConversationId, Build(view), cancellationToken);
            return SendResult.Sent(null);
        }
        catch (SlackApiException ex)
        {
            Hosting.Log.SlackSendFailed(logger, ex.Method, person.WorkspaceExternalId, ex.Error);
            return SlackSender.ToResult(ex);
        }
    }

    /// <summary>The home view: what is waiting (each with its button), the person's programs with their health, the dashboard.</summary>
    public static JsonObject Build(HomeView home)
    {
        var blocks = new JsonArray
        {
            Block.Header("Waiting for you"),
        };
        if (home.Waiting.Count == 0)
        {
            blocks.Add(Block.Section("Nothing is waiting for you: no check-in to answer, no vote to cast, no KPI value due."));
        }

        var n = 0;
        foreach (var item in home.Waiting.Take(MaxWaiting))
        {
            var section = Block.Section($"{Icon(item.Kind)} *{SlackMrkdwn.Escape(item.Title)}*\n{LocalTime.Slack(SlackMrkdwn.Escape(item.Detail))}");
            var data = new JsonObject();
            foreach (var (key, value) in item.Data)
            {
                data[key] = value;
            }

            section["accessory"] = Block.Button(item.Button, $"{item.Verb}#{++n}", data.ToJsonString(), "primary");
            blocks.Add(section);
        }

        if (home.Waiting.Count > MaxWaiting)
        {
            blocks.Add(Block.Context($"…and {home.Waiting.Count - MaxWaiting} more: type *checkin*, *approvals* or *kpis* to see them all."));
        }

        blocks.Add(Block.Divider());
        blocks.Add(Block.Header("Your programs"));
        if (home.Outsider)
        {
            blocks.Add(Block.Section("You see a program's status in the channel it is posted to."));
        }
        else if (home.Programs.Count == 0)
        {
            blocks.Add(Block.Section(home.WorkspaceHasPrograms
                ? "There is no program here you can see yet."
                : "No programs are set up in this workspace yet. A program manager can import one: `governancebot import program.yaml`."));
        }

        foreach (var program in home.Programs.Take(MaxPrograms))
        {
            var section = Block.Section($"*{SlackMrkdwn.Escape(program.Name)}* — {RagIcon(program.Rag)} {program.Health} · {program.Phase}\n{SlackMrkdwn.Escape(program.Summary)}");
            section["accessory"] = Block.Button("Status", $"status.show#{++n}", new JsonObject { ["program"] = program.Key }.ToJsonString(), null);
            blocks.Add(section);
        }

        if (home.Programs.Count > MaxPrograms)
        {
            blocks.Add(Block.Context($"…and {home.Programs.Count - MaxPrograms} more programs on the dashboard."));
        }

        blocks.Add(Block.Divider());
        blocks.Add(Block.Section("Every program you can see, with KPI trends, benefits, approvals and check-ins, on one page:"));
        blocks.Add(Block.Actions([Block.Button("Open dashboard", $"dashboard.open#{++n}", "{}", null)]));
        return new JsonObject { ["type"] = "home", ["blocks"] = blocks };
    }

    private static string Icon(string kind) => kind switch
    {
        "checkin" => ":memo:",
        "vote" => ":ballot_box_with_ballot:",
        _ => ":bar_chart:",
    };

    private static string RagIcon(string rag) => rag switch
    {
        "red" => ":red_circle:",
        "amber" => ":large_orange_circle:",
        "green" => ":large_green_circle:",
        _ => ":white_circle:",
    };
}
