using GovernanceBot.Conversation;

namespace GovernanceBot.Scheduling;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Rows claimed at a time; the next batch is claimed while this one is still being sent.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Sends in flight at once; the rate limits, not this, set the pace.</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>How long a claimed row stays reserved for this instance (renewed when its send starts).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    public int MaxAttempts { get; set; } = 10;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often an instance tells the store it is alive (<see cref="InstanceRegistry"/>); the global limits are shared among those heard from within three beats.</summary>
    public TimeSpan InstanceHeartbeat { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The one-second window sends are counted in is stretched by this fraction, so that network
    /// jitter between here and the platform never pushes its exact window over the limit (each
    /// send over it is a 429).
    /// </summary>
    public double SafetyMargin { get; set; } = 0.02;

    /// <summary>
    /// Per platform: messages per second into one conversation (per instance: a conversation's turns
    /// and rounds are sent by whichever instance took them), and for the whole bot (shared: each
    /// instance paces at its share, <see cref="InstanceRegistry"/>).
    /// </summary>
    public Dictionary<string, ChannelRateLimit> RateLimits { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        // platforms.md A6: 7 per second per thread, 50 per second per app and tenant.
        [ChannelNames.Teams] = new() { PerConversationPerSecond = 7, GlobalPerSecond = 50 },
        // platforms.md B5: chat.postMessage about 1 per second per channel.
        [ChannelNames.Slack] = new() { PerConversationPerSecond = 1, GlobalPerSecond = 20 },
        // views.publish, Tier 4 (100+ per minute per workspace): one a second stays under it.
        [$"{ChannelNames.Slack}.home"] = new() { PerConversationPerSecond = 1, GlobalPerSecond = 1 },
    };
}

public sealed class ChannelRateLimit
{
    public int PerConversationPerSecond { get; set; } = 1;

    public int GlobalPerSecond { get; set; } = 20;
}
