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

    /// <summary>Outbox key → conversation id and message id of what was sent under it (what a platform with history would find).</summary>
    public ConcurrentDictionary<string, (string ConversationId, string MessageId)> SentKeys { get; } = new();

    /// <summary>False: behave like a platform without history for bots (Teams) when asked for a lost send.</summary>
    public bool CanFindSent { get; set; } = true;

    /// <summary>When set, the answer to every lookup of a lost send (e.g. a failure to ask).</summary>
    public SentLookup? LookupAnswer { get; set; }

    /// <summary>How many times a lost send was looked up.</summary>
    public int Lookups => lookups;

    private int lookups;

    /// <summary>Conversation id → the result to return instead of sending.</summary>
    public ConcurrentDictionary<string, SendResult> Failures { get; } = new();

    /// <summary>When set, every send throws this (a bug in a sender, not a platform's answer).</summary>
    public Exception? Throws { get; set; }

    /// <summary>When set, every send waits for a release of this before it answers: a slow platform, paced by the test.</summary>
    public SemaphoreSlim? Hold { get; set; }

    /// <summary>Sends that have begun, those still waiting on <see cref="Hold"/> included.</summary>
    public int Begun => begun;

    private int begun;

    /// <summary>A turn's reply: recorded as a send into the turn's conversation (or an update of the card acted on).</summary>
    public Task<SendResult> ReplyAsync(ReplyRoute route, Reply reply, CancellationToken cancellationToken) =>
        reply.ReplacesSourceCard && route.SourceMessageId is { } source
            ? UpdateAsync(route.Conversation, source, reply, cancellationToken)
            : SendAsync(route.Conversation, reply, cancellationToken);

    public async Task<SendResult> SendAsync(ConversationRef conversation, Reply reply, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref begun);
        if (Hold is { } hold)
        {
            await hold.WaitAsync(cancellationToken);
        }

        if (Throws is { } exception)
        {
            throw exception;
        }

        if (Failures.TryGetValue(conversation.ConversationId, out var failure))
        {
            return failure;
        }

        var id = $"m{Interlocked.Increment(ref next)}";
        Sent.Enqueue((conversation, reply, id));
        if (OutboxDelivery.Current is { } delivery)
        {
            SentKeys[delivery.Key] = (conversation.ConversationId, id);
        }

        return SendResult.Sent(id);
    }

    public Task<SentLookup> FindSentAsync(ConversationRef conversation, string key, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult(Interlocked.Increment(ref lookups) > 0 && LookupAnswer is { } answer ? answer
            : !CanFindSent ? SentLookup.Unknowable
            : SentKeys.TryGetValue(key, out var sent) && sent.ConversationId == conversation.ConversationId ? SentLookup.Found(sent.MessageId)
            : SentLookup.NotFound);

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
