using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Features.Dashboard;

/// <summary>
/// The person a dashboard session is for, as chat knows them: the workspace, their e-mail (how
/// stakeholders are matched) and, when the link was asked for in chat, their chat account.
/// </summary>
public sealed record DashboardPerson(Guid WorkspaceId, string? Email, string? Channel = null, string? UserId = null, string? Name = null);

/// <summary>What a link carries, encrypted and signed by Data Protection, with its expiry.</summary>
internal sealed record LinkTicket(Guid Id, Guid WorkspaceId, string? Email, string? Channel, string? UserId, string? Name, string? Program, DateTimeOffset ExpiresAt);

/// <summary>Why a link did not start a session. The person sees one page for all; the log says which.</summary>
public enum LinkRefusal
{
    /// <summary>Not a link the bot made (edited, truncated, made with another key ring).</summary>
    Forged,
    Expired,
    /// <summary>Already used to start a session: links are single use.</summary>
    Reused,
    /// <summary>Made for one workspace, presented at another's address.</summary>
    OtherWorkspace,
}

/// <summary>A link that started a session: who for, and which page to open first.</summary>
public sealed record RedeemedLink(DashboardPerson Person, string? Program);

/// <summary>
/// Signed, expiring, single-use dashboard links for one person of one workspace. The link's text is
/// a Data Protection payload (time-limited protector: tampering or expiry makes it unreadable); its
/// random id is recorded in the store when used, so a second use is refused on every instance.
/// </summary>
public sealed class DashboardLinks(
    IDataProtectionProvider protection,
    IGovernanceDbFactory factory,
    IOptions<DashboardOptions> options,
    IConfiguration configuration,
    IServiceProvider services,
    TimeProvider time)
{
    /// <summary>The purpose string isolates these payloads from every other use of the key ring (Slack tokens, cookies).</summary>
    internal const string Purpose = "GovernanceBot.Dashboard.Link.v1";

    private readonly ITimeLimitedDataProtector protector = protection.CreateProtector(Purpose).ToTimeLimitedDataProtector();

    /// <summary>A link for <paramref name="person"/>, opening <paramref name="program"/> (a key) or the portfolio.</summary>
    public string Issue(Workspace workspace, DashboardPerson person, string? program)
    {
        var lifetime = options.Value.LinkLifetime;
        var ticket = new LinkTicket(Guid.NewGuid(), workspace.Id, person.Email?.Trim().ToLowerInvariant(), person.Channel, person.UserId, person.Name, program,
            time.GetUtcNow() + lifetime);
        // The protector checks its expiry against the wall clock (it takes no TimeProvider); the
        // ticket's own expiry is checked against the bot's clock. In production both agree.
        var token = protector.Protect(JsonSerializer.Serialize(ticket, DashboardJson.Default.LinkTicket), TimeProvider.System.GetUtcNow() + lifetime);
        return $"{BaseUrl()}/dashboard/start/{Uri.EscapeDataString(workspace.Key)}?t={token}";
    }

    /// <summary>The address the dashboard is reached at, without a trailing slash.</summary>
    public string BaseUrl()
    {
        var configured = options.Value.PublicUrl;
        if (string.IsNullOrWhiteSpace(configured))
        {
            // Where this process actually listens, when it serves (the CLI does not).
            configured = services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.Features
                .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        }

        if (string.IsNullOrWhiteSpace(configured))
        {
            configured = (configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? HostingSetup.DefaultUrl).Split(';')[0];
        }

        // Every interface ("+", "*", 0.0.0.0, [::]) means this machine to a person on it.
        return configured.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .TrimEnd('/');
    }

    /// <summary>Starts a session from a link presented at <paramref name="workspaceKey"/>'s address, or says why not.</summary>
    public async Task<(RedeemedLink? Link, LinkRefusal? Refusal)> RedeemAsync(string workspaceKey, string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 4000)
        {
            return (null, LinkRefusal.Forged);
        }

        LinkTicket? ticket;
        try
        {
            ticket = JsonSerializer.Deserialize(protector.Unprotect(token, out _), DashboardJson.Default.LinkTicket);
        }
        catch (CryptographicException ex) when (ex.Message.Contains("expired", StringComparison.OrdinalIgnoreCase))
        {
            return (null, LinkRefusal.Expired);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException or DecoderFallbackException)
        {
            return (null, LinkRefusal.Forged);
        }

        if (ticket is null)
        {
            return (null, LinkRefusal.Forged);
        }

        var now = time.GetUtcNow();
        var expires = ticket.ExpiresAt;
        if (expires <= now)
        {
            return (null, LinkRefusal.Expired);
        }

        await using var db = factory.Create();
        var workspace = await db.Workspaces.AsNoTracking().FirstOrDefaultAsync(w => w.Key == workspaceKey, cancellationToken);
        if (workspace is null || workspace.Id != ticket.WorkspaceId)
        {
            return (null, LinkRefusal.OtherWorkspace);
        }

        if (await db.DashboardLinkUses.AnyAsync(u => u.Id == ticket.Id, cancellationToken))
        {
            return (null, LinkRefusal.Reused);
        }

        db.DashboardLinkUses.Add(new DashboardLinkUse { Id = ticket.Id, WorkspaceId = ticket.WorkspaceId, UsedAt = now, ExpiresAt = expires });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two uses at the same moment: the store's key let one through.
            return (null, LinkRefusal.Reused);
        }

        return (new RedeemedLink(new DashboardPerson(ticket.WorkspaceId, ticket.Email, ticket.Channel, ticket.UserId, ticket.Name), ticket.Program), null);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LinkTicket))]
internal sealed partial class DashboardJson : JsonSerializerContext;
