using System.Collections.Concurrent;
using System.Security.Cryptography;
using GovernanceBot.Conversation;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Channels.Slack;

/// <summary>What the bot needs to act in one Slack workspace (team).</summary>
public sealed record SlackInstallation(string TeamId, string BotToken, string? BotUserId);

/// <summary>
/// Each workspace's bot token: installed through OAuth (stored encrypted with ASP.NET Data
/// Protection on the team's <c>WorkspaceIdentity</c>), else the configured <c>Slack:BotToken</c>.
/// Each instance caches what it read for <see cref="SlackOptions.TokenCacheLifetime"/>: the store is
/// the only thing instances share, so an uninstall seen by one reaches the others when their entry expires.
/// </summary>
public sealed class SlackWorkspaces(
    IGovernanceDbFactory factory,
    WorkspaceResolver resolver,
    IDataProtectionProvider protection,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SlackWorkspaces> logger)
{
    private readonly IDataProtector protector = protection.CreateProtector("GovernanceBot.Slack.BotToken.v1");
    private readonly ConcurrentDictionary<string, Cached> installed = new(StringComparer.Ordinal);

    /// <summary>The team's installation, or null when the bot has no token for it.</summary>
    public async Task<SlackInstallation?> FindAsync(string teamId, CancellationToken cancellationToken)
    {
        SlackInstallation? installation;
        if (installed.TryGetValue(teamId, out var cached) && time.GetUtcNow() - cached.ReadAt < options.Value.TokenCacheLifetime)
        {
            installation = cached.Installation;
        }
        else
        {
            var readAt = time.GetUtcNow();
            installation = await LoadAsync(teamId, cancellationToken);
            installed[teamId] = new Cached(installation, readAt);
        }

        return installation ?? (string.IsNullOrWhiteSpace(options.Value.BotToken) ? null : new SlackInstallation(teamId, options.Value.BotToken, null));
    }

    /// <summary>Stores (or replaces) a team's bot token after an install; binds the team to a workspace.</summary>
    public async Task SaveAsync(string teamId, string botToken, string? botUserId, CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        await resolver.ResolveAsync(db, ChannelNames.Slack, teamId, cancellationToken);
        var identity = await db.WorkspaceIdentities.FirstAsync(i => i.Channel == ChannelNames.Slack && i.ExternalId == teamId, cancellationToken);
        identity.ProtectedBotToken = protector.Protect(botToken);
        identity.BotUserId = botUserId;
        identity.InstalledAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        installed[teamId] = new Cached(new SlackInstallation(teamId, botToken, botUserId), time.GetUtcNow());
        Log.SlackInstalled(logger, teamId);
    }

    /// <summary>Forgets a team's token (uninstalled, or its tokens revoked). The workspace's data stays.</summary>
    public async Task RemoveAsync(string teamId, CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        await db.WorkspaceIdentities
            .Where(i => i.Channel == ChannelNames.Slack && i.ExternalId == teamId)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.ProtectedBotToken, (string?)null).SetProperty(i => i.BotUserId, (string?)null), cancellationToken);
        installed[teamId] = new Cached(null, time.GetUtcNow());
        Log.SlackUninstalled(logger, teamId);
    }

    private async Task<SlackInstallation?> LoadAsync(string teamId, CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        var identity = await db.WorkspaceIdentities.AsNoTracking()
            .FirstOrDefaultAsync(i => i.Channel == ChannelNames.Slack && i.ExternalId == teamId, cancellationToken);
        if (identity?.ProtectedBotToken is not { } protectedToken)
        {
            return null;
        }

        try
        {
            return new SlackInstallation(teamId, protector.Unprotect(protectedToken), identity.BotUserId);
        }
        catch (CryptographicException)
        {
            // The key ring that protected it is gone (keys not persisted or rotated away): reinstall needed.
            Log.SlackTokenUnreadable(logger, teamId);
            return null;
        }
    }

    private sealed record Cached(SlackInstallation? Installation, DateTimeOffset ReadAt);
}
