using GovernanceBot.Conversation;

namespace GovernanceBot.Channels.Slack;

/// <summary>
/// Slack's half of the inbound pipeline, after the acknowledgement: reads a stored request back into
/// a <see cref="Turn"/> or an effect, by kind — <see cref="SlackEvents"/>, <see cref="SlackInteractions"/>
/// and <see cref="SlackCommands"/> each take their own requests in (verify, classify, store) and
/// translate them; what they share is <see cref="SlackTurns"/>.
/// </summary>
public sealed class SlackInbound(SlackEvents events, SlackInteractions interactions, SlackCommands commands) : IInboundChannel
{
    public string Channel => ChannelNames.Slack;

    public Task<InboundWork> TranslateAsync(InboxWork item, CancellationToken cancellationToken) => item.Kind switch
    {
        SlackEvents.MessageKind or SlackEvents.UninstallKind or SlackEvents.HomeKind => events.TranslateAsync(item, cancellationToken),
        SlackInteractions.ActionKind or SlackInteractions.ViewKind => interactions.TranslateAsync(item, cancellationToken),
        SlackCommands.CommandKind => commands.TranslateAsync(item, cancellationToken),
        _ => Task.FromResult<InboundWork>(new NoWork($"unknown kind '{item.Kind}'")),
    };
}
