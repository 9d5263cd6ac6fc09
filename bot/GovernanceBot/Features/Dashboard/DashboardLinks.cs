using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Conversation;
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

/// <summary>What a link carries, encrypted and signed by Data Protection, with its expiry; a download link carries its <paramref name="File"/>.</summary>
internal sealed record LinkTicket(Guid Id, Guid WorkspaceId, string? Email, string? Channel, string? UserId, string? Name, string? Program, DateTimeOffset ExpiresAt,
    FileRequest? File = null);

/// <summary>Why a link did not start a session. The person sees one page for all; the log says which.</summary>
internal enum LinkRefusal
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
internal sealed record RedeemedLink(DashboardPerson Person, string? Program);

/// <summary>
/// Signed, expiring, single-use links for one person of one workspace: dashboard links, and download
/// links for files (<see cref="IFileLinks"/>). The link's text is a Data Protection payload
/// (time-limited protector: tampering or expiry makes it unreadable), under a purpose of its own for
/// each use, so a dashboard link never opens a file nor the reverse; its random id is recorded in the
/// store when used, so a second use is refused on every instance.
/// </summary>
internal sealed class DashboardLinks(
    IDataProtectionProvider protection,
    IGovernanceDbFactory factory,
    IOptions<DashboardOptions> options,
    IConfiguration configuration,
    IServiceProvider services,
    TimeProvider time) : IFileLinks
{
    /// <summary>The purpose string isolates these payloads from every other use of the key ring (Slack tokens, cookies).</summary>
    internal const string Purpose = "GovernanceBot.Dashboard.Link.v1";

    /// <summary>Download links' own purpose.</summary>
    internal const string FilePurpose = "GovernanceBot.Files.Link.v1";

    private readonly ITimeLimitedDataProtector protector = protection.CreateProtector(Purpose).ToTimeLimitedDataProtector();

    private readonly ITimeLimitedDataProtector fileProtector = protection.CreateProtector(FilePurpose).ToTimeLimitedDataProtector();

    /// <summary>A link for <paramref name="person"/>, opening <paramref name="program"/> (a key) or the portfolio.</summary>
    public string Issue(Workspace workspace, DashboardPerson person, string? program)
    {
        var lifetime = options.Value.LinkLifetime;
        var ticket = new LinkTicket(Guid.NewGuid(), workspace.Id, person.Email?.Trim().ToLowerInvariant(), person.Channel, person.UserId, person.Name, program,
            time.GetUtcNow() + lifetime);
        return $"{BaseUrl()}/dashboard/start/{Uri.EscapeDataString(workspace.Key)}?t={Protect(protector, ticket, lifetime)}";
    }

    /// <summary>A download link for one file, for the person it was made for (<see cref="IFileLinks"/>).</summary>
    public FileLink Issue(FileRequest request)
    {
        var lifetime = options.Value.FileLinkLifetime;
        var who = request.Requester;
        var ticket = new LinkTicket(Guid.NewGuid(), request.WorkspaceId, who.Email?.Trim().ToLowerInvariant(), who.Channel, who.UserId, who.Name, null,
            time.GetUtcNow() + lifetime, request);
        return new FileLink(new Uri($"{BaseUrl()}/dashboard/files/{Uri.EscapeDataString(request.FileName)}?t={Protect(fileProtector, ticket, lifetime)}"), lifetime);
    }

    /// <summary>
    /// The protector checks its expiry against the wall clock (it takes no TimeProvider); the
    /// ticket's own expiry is checked against the bot's clock. In production both agree.
    /// </summary>
    private static string Protect(ITimeLimitedDataProtector by, LinkTicket ticket, TimeSpan lifetime) =>
        by.Protect(JsonSerializer.Serialize(ticket, DashboardJson.Default.LinkTicket), TimeProvider.System.GetUtcNow() + lifetime);

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
        var (ticket, refusal) = Read(protector, token);
        if (ticket is null)
        {
            return (null, refusal);
        }

        await using var db = factory.Create();
        var workspace = await db.Workspaces.AsNoTracking().FirstOrDefaultAsync(w => w.Key == workspaceKey, cancellationToken);
        if (workspace is null || workspace.Id != ticket.WorkspaceId)
        {
            return (null, LinkRefusal.OtherWorkspace);
        }

        return await UseAsync(db, ticket, cancellationToken)
            ? (new RedeemedLink(new DashboardPerson(ticket.WorkspaceId, ticket.Email, ticket.Channel, ticket.UserId, ticket.Name), ticket.Program), null)
            : (null, LinkRefusal.Reused);
    }

    /// <summary>The file a download link is for, used up by this call; or why not.</summary>
    public async Task<(FileRequest? File, LinkRefusal? Refusal)> RedeemFileAsync(string? token, CancellationToken cancellationToken)
    {
        var (ticket, refusal) = Read(fileProtector, token);
        if (ticket?.File is not { } file)
        {
            return (null, refusal ?? LinkRefusal.Forged);
        }

        await using var db = factory.Create();
        return await UseAsync(db, ticket, cancellationToken) ? (file, null) : (null, LinkRefusal.Reused);
    }

    private (LinkTicket? Ticket, LinkRefusal? Refusal) Read(ITimeLimitedDataProtector by, string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 4000)
        {
            return (null, LinkRefusal.Forged);
        }

        LinkTicket? ticket;
        try
        {
            ticket = JsonSerializer.Deserialize(by.Unprotect(token, out _), DashboardJson.Default.LinkTicket);
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

        return ticket.ExpiresAt <= time.GetUtcNow() ? (null, LinkRefusal.Expired) : (ticket, null);
    }

    /// <summary>Records the link's use; false when it was used before (here or on another instance).</summary>
    private async Task<bool> UseAsync(GovernanceDb db, LinkTicket ticket, CancellationToken cancellationToken)
    {
        if (await db.DashboardLinkUses.AnyAsync(u => u.Id == ticket.Id, cancellationToken))
        {
            return false;
        }

        db.DashboardLinkUses.Add(new DashboardLinkUse { Id = ticket.Id, WorkspaceId = ticket.WorkspaceId, UsedAt = time.GetUtcNow(), ExpiresAt = ticket.ExpiresAt });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Two uses at the same moment: the store's key let one through.
            return false;
        }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LinkTicket))]
internal sealed partial class DashboardJson : JsonSerializerContext;
