using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Conversation;

public sealed class ConversationOptions
{
    public const string Section = "Conversation";

    /// <summary>
    /// Key of a workspace that platform workspaces nobody has claimed are bound to. Set only in
    /// development mode (the demo workspace), so the Playground and a test Slack team see the demo.
    /// In production each unknown tenant or team gets a workspace of its own, and sees nothing else.
    /// </summary>
    public string? BindUnknownWorkspacesTo { get; set; }
}

/// <summary>Maps a platform's workspace id (Teams tenant, Slack team) to the store's workspace.</summary>
public sealed class WorkspaceResolver(IOptions<ConversationOptions> options, TimeProvider time)
{
    public async Task<Workspace> ResolveAsync(GovernanceDb db, string channel, string externalId, CancellationToken cancellationToken)
    {
        if (channel is ChannelNames.Local or ChannelNames.Terminal)
        {
            return await db.Workspaces.FirstOrDefaultAsync(w => w.Key == externalId, cancellationToken)
                ?? throw new InvalidOperationException($"No workspace with key '{externalId}'.");
        }

        var existing = await FindAsync(db, channel, externalId, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        var bindTo = options.Value.BindUnknownWorkspacesTo;
        var workspace = bindTo is null
            ? null
            : await db.Workspaces.FirstOrDefaultAsync(w => w.Key == bindTo, cancellationToken);
        if (workspace is null)
        {
            workspace = new Workspace
            {
                Key = $"{channel}-{externalId}".ToLowerInvariant(),
                Name = $"{channel} {externalId}",
                CreatedAt = time.GetUtcNow(),
            };
            db.Workspaces.Add(workspace);
        }

        db.WorkspaceIdentities.Add(new WorkspaceIdentity
        {
            WorkspaceId = workspace.Id,
            Channel = channel,
            ExternalId = externalId,
            InstalledAt = time.GetUtcNow(),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return workspace;
        }
        catch (DbUpdateException)
        {
            // Another request for the same new workspace won the race; use what it stored.
            db.ChangeTracker.Clear();
            return await FindAsync(db, channel, externalId, cancellationToken)
                ?? throw new InvalidOperationException($"Could not bind {channel} workspace '{externalId}'.");
        }
    }

    private static Task<Workspace?> FindAsync(GovernanceDb db, string channel, string externalId, CancellationToken cancellationToken) =>
        db.WorkspaceIdentities
            .Where(i => i.Channel == channel && i.ExternalId == externalId)
            .Select(i => i.Workspace)
            .FirstOrDefaultAsync(cancellationToken);
}
