using System.Collections.Concurrent;
using GovernanceBot.Conversation;

namespace GovernanceBot.Testing;

/// <summary>
/// A channel sender for the in-process "local" channel: records every proactive message and can be
/// told to fail for some people, so outbox behaviour is visible without a platform.
/// </summary>
public sealed class RecordingSender : IChannelSender
{
    private int next;

    public string Channel => ChannelNames.Local;

    public ConcurrentQueue<(ConversationRef Conversation, Reply Reply, string MessageId)> Sent { get; } = new();

    public ConcurrentQueue<(ConversationRef Conversation, string MessageId, Reply Reply)> Updated { get; } = new();

    /// <summary>Conversation id → the result to return instead of sending.</summary>
    public ConcurrentDictionary<string, SendResult> Failures { get; } = new();

    public Task<SendResult> SendAsync(ConversationRef conversation, Reply reply, CancellationToken cancellationToken)
    {
        if (Failures.TryGetValue(conversation.ConversationId, out var failure))
        {
            return Task.FromResult(failure);
        }

        var id = $"m{Interlocked.Increment(ref next)}";
        Sent.Enqueue((conversation, reply, id));
        return Task.FromResult(SendResult.Sent(id));
    }

    public Task<SendResult> UpdateAsync(ConversationRef conversation, string messageId, Reply reply, CancellationToken cancellationToken)
    {
        Updated.Enqueue((conversation, messageId, reply));
        return Task.FromResult(SendResult.Sent(messageId));
    }

    public Task<(ConversationRef? Conversation, SendResult? Failure)> OpenDirectAsync(string workspaceExternalId, ChatUserRef user, CancellationToken cancellationToken) =>
        Task.FromResult<(ConversationRef?, SendResult?)>((null, SendResult.Permanent($"{user.Email} has never talked to the bot")));

    public IReadOnlyList<string> SentTo(string email) =>
        Sent.Where(s => s.Conversation.ConversationId == $"dm-{email}").Select(s => s.Reply is CardReply c ? c.Template : "text").ToList();
}
