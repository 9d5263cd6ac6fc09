using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace GovernanceBot.Channels.Slack;

/// <summary>
/// The modals of posted cards. A form button's <c>action_id</c> is <see cref="Prefix"/> + a hash of
/// its modal, and the modal is kept in the store under it, so any instance, before or after a
/// restart, opens it when the button is pressed; identical forms (a check-in prompt sent to a
/// thousand people) are kept once. An opened modal's message (to update on submit) is kept too.
/// </summary>
public sealed class SlackForms(IGovernanceDbFactory factory, TimeProvider time) : IDisposable
{
    public const string Prefix = "gbform:";

    /// <summary>A form kept in the store less than this long ago is not written again (it has weeks left).</summary>
    private static readonly TimeSpan RewriteAfter = TimeSpan.FromDays(1);

    /// <summary>Forms this instance kept lately (or is keeping): a round's thousand identical prompts write once, not a thousand times.</summary>
    private readonly MemoryCache kept = new(new MemoryCacheOptions { SizeLimit = 20_000, Clock = new CacheClock(time) });

    /// <summary>How long after it was last posted a form can still be opened.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    /// <summary>How long an opened modal can still be submitted.</summary>
    public static readonly TimeSpan ViewLifetime = TimeSpan.FromDays(1);

    /// <summary>
    /// Returns a copy of <paramref name="blocks"/> whose form buttons (keys of <paramref name="forms"/>)
    /// carry the action ids their modals are kept under.
    /// </summary>
    public async Task<JsonArray> RegisterAsync(JsonArray blocks, IReadOnlyDictionary<string, JsonObject> forms)
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
                var json = modal.ToJsonString();
                var id = Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..32];
                await KeepFormAsync("form:" + id, json);
                element["action_id"] = id;
            }
        }

        return copy;
    }

    /// <summary>The modal a form button opens, or null when it is unknown or expired.</summary>
    public async Task<JsonObject?> FindAsync(string actionId, CancellationToken cancellationToken) =>
        await ReadAsync("form:" + actionId, cancellationToken) is { } json ? JsonNode.Parse(json) as JsonObject : null;

    /// <summary>Remembers which message an opened modal (by view id) belongs to, until it is submitted.</summary>
    public Task RememberViewAsync(string viewId, SlackFormContext context, CancellationToken cancellationToken) =>
        KeepAsync("view:" + viewId, JsonSerializer.Serialize(context, SlackJson.Default.SlackFormContext), ViewLifetime, cancellationToken);

    public async Task<SlackFormContext?> FindViewAsync(string? viewId, CancellationToken cancellationToken) =>
        viewId is not null && await ReadAsync("view:" + viewId, cancellationToken) is { } json
            ? JsonSerializer.Deserialize(json, SlackJson.Default.SlackFormContext)
            : null;

    public void Dispose() => kept.Dispose();

    /// <summary>Keeps a form unless this instance did so lately; concurrent callers for one form share one write.</summary>
    private async Task KeepFormAsync(string key, string json)
    {
        var keeping = kept.GetOrCreate(key, entry =>
        {
            entry.Size = 1;
            entry.AbsoluteExpirationRelativeToNow = RewriteAfter;
            // Not cancellable: other sends wait on the same write.
            return new Lazy<Task>(() => KeepAsync(key, json, Lifetime, CancellationToken.None));
        })!;
        try
        {
            await keeping.Value;
        }
        catch
        {
            kept.Remove(key);
            throw;
        }
    }

    /// <summary>Keeps <paramref name="json"/> under <paramref name="key"/> for <paramref name="lifetime"/> from now (the same key again only extends it).</summary>
    private async Task KeepAsync(string key, string json, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var expiresAt = time.GetUtcNow() + lifetime;
        await using var db = factory.Create();
        if (await db.SlackForms.Where(f => f.Key == key).ExecuteUpdateAsync(s => s.SetProperty(f => f.ExpiresAt, expiresAt), cancellationToken) > 0)
        {
            return;
        }

        db.SlackForms.Add(new SlackForm { Key = key, Json = json, ExpiresAt = expiresAt });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Kept by a concurrent caller a moment ago: the content is the same (the key is its hash, or the view's own id).
        }
    }

    private async Task<string?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = factory.Create();
        return await db.SlackForms.AsNoTracking().Where(f => f.Key == key && f.ExpiresAt >= now).Select(f => f.Json).FirstOrDefaultAsync(cancellationToken);
    }

    private sealed class CacheClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }

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
}
