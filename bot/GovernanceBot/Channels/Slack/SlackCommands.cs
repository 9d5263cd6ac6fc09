using System.Text.Json;
using GovernanceBot.Conversation;

namespace GovernanceBot.Channels.Slack;

/// <summary>The slash command (<c>/gov …</c>): stored and acknowledged at once, answered through its <c>response_url</c>.</summary>
public sealed class SlackCommands(SlackTurns turns)
{
    public const string CommandKind = "command";

    public async Task<InboundWork> TranslateAsync(InboxWork item, CancellationToken cancellationToken) =>
        await CommandAsync(SlackTurns.Read(item, SlackJson.Default.DictionaryStringString), cancellationToken);

    public async Task<SlackAck> HandleCommandAsync(IReadOnlyDictionary<string, string> form, CancellationToken cancellationToken)
    {
        if (!form.TryGetValue("team_id", out var teamId) || !form.TryGetValue("user_id", out var userId)
            || !form.TryGetValue("channel_id", out var channelId) || string.IsNullOrEmpty(teamId) || string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(channelId))
        {
            return new SlackAck(StatusCodes.Status400BadRequest, Text: "A slash command needs team_id, user_id and channel_id.");
        }

        // Without a trigger_id a retry cannot be told from a new command: each is its own.
        var key = form.TryGetValue("trigger_id", out var triggerId) && triggerId.Length > 0 ? triggerId : Guid.NewGuid().ToString("N");
        var item = new InboundItem(ChannelNames.Slack, $"command:{key}", CommandKind, $"slack:{teamId}:{channelId}",
            JsonSerializer.Serialize(form.ToDictionary(), SlackJson.Default.DictionaryStringString));
        return await turns.AdmitAsync(item, key, null, cancellationToken) ?? SlackAck.Empty;
    }

    private async Task<InboundWork> CommandAsync(Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        var (teamId, userId, channelId) = (form["team_id"], form["user_id"], form["channel_id"]);
        var installation = await turns.InstallationAsync(teamId, "command", cancellationToken);
        if (installation is null)
        {
            return new NoWork("the workspace is not installed");
        }

        var (text, mentions) = await turns.ResolveMentionsAsync(installation, form.GetValueOrDefault("text")?.Trim() ?? string.Empty, installation.BotUserId, cancellationToken);
        var responseUrl = turns.ResponseUrl(form.GetValueOrDefault("response_url"));
        var origin = new SlackOrigin(teamId, channelId, userId, channelId.StartsWith('D'), ResponseUrl: responseUrl, ViaResponseUrl: responseUrl is not null);
        var turn = await turns.TurnAsync(installation, origin, form.GetValueOrDefault("user_name"), cancellationToken) with
        {
            Text = string.IsNullOrEmpty(text) ? "help" : text,
            Mentions = mentions,
            EventId = form.GetValueOrDefault("trigger_id"),
        };
        return new TurnWork(turn, SlackTurns.Route(origin, turn));
    }
}
