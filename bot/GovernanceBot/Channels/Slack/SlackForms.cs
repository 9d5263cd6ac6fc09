using System.Text.Json.Nodes;
using Microsoft.Extensions.Caching.Memory;

namespace GovernanceBot.Channels.Slack;

/// <summary>
/// The modals of posted cards. A form button gets a fresh <c>action_id</c> (<see cref="Prefix"/> +
/// a random id) and its modal waits here until someone presses it. Held in memory, bounded and
/// expiring: a press after a restart (or on another instance) gets a friendly "ask again".
/// </summary>
public sealed class SlackForms(TimeProvider time) : IDisposable
{
    public const string Prefix = "gbform:";

    /// <summary>How long a posted form can still be opened.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    private readonly MemoryCache modals = new(new MemoryCacheOptions { SizeLimit = 20_000, Clock = new CacheClock(time) });

    /// <summary>
    /// Returns a copy of <paramref name="blocks"/> whose form buttons (keys of <paramref name="forms"/>)
    /// carry new action ids, and remembers each modal under its new id.
    /// </summary>
    public JsonArray Register(JsonArray blocks, IReadOnlyDictionary<string, JsonObject> forms)
    {
        var copy = (JsonArray)blocks.DeepClone();
        if (forms.Count == 0)
        {
            return copy;
        }

        foreach (var element in Elements(copy))
        {
            if (element["action_id"]?.GetValue<string>() is { } actionId && forms.TryGetValue(actionId, out var modal))
            {
                var id = Prefix + Guid.NewGuid().ToString("N");
                element["action_id"] = id;
                modals.Set(id, (JsonObject)modal.DeepClone(), new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = Lifetime });
            }
        }

        return copy;
    }

    /// <summary>Remembers which message an opened modal (by view id) belongs to, until it is submitted.</summary>
    public void RememberView(string viewId, SlackFormContext context) =>
        modals.Set("view:" + viewId, context, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromDays(1) });

    public SlackFormContext? FindView(string? viewId) =>
        viewId is not null && modals.TryGetValue("view:" + viewId, out SlackFormContext? context) ? context : null;

    /// <summary>A copy of the modal a form button opens, or null when it is unknown or expired.</summary>
    public JsonObject? Find(string actionId) =>
        modals.TryGetValue(actionId, out JsonObject? modal) && modal is not null ? (JsonObject)modal.DeepClone() : null;

    public void Dispose() => modals.Dispose();

    private static IEnumerable<JsonObject> Elements(JsonArray blocks)
    {
        foreach (var block in blocks.OfType<JsonObject>())
        {
            if (block["accessory"] is JsonObject accessory)
            {
                yield return accessory;
            }

            if (block["elements"] is JsonArray elements)
            {
                foreach (var element in elements.OfType<JsonObject>())
                {
                    yield return element;
                }
            }
        }
    }

    private sealed class CacheClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
