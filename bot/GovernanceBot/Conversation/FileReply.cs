using System.Text.Json.Nodes;

namespace GovernanceBot.Conversation;

/// <summary>The person a file is for, as the chat platform knows them.</summary>
public sealed record FileRequester(string Channel, string UserId, string? Email, string? Name);

/// <summary>
/// What a file is and whom it is for. The file is made only when it is handed over (a Slack upload,
/// a Teams download link opened) by the <see cref="IFileSource"/> of <paramref name="Kind"/>, which
/// checks again that <paramref name="Requester"/> may still have it.
/// </summary>
/// <param name="FileName">The name the person saves it under, e.g. <c>phoenix-audit-trail.csv</c>.</param>
/// <param name="Arguments">What the source needs to make exactly this file (a date range, a round).</param>
public sealed record FileRequest(string Kind, Guid WorkspaceId, Guid ProgramId, string FileName, FileRequester Requester, JsonObject? Arguments = null);

/// <summary>
/// A file for the person who asked, never for a conversation: Slack uploads it into their direct
/// messages with the bot, Teams sends them a download link of their own that expires.
/// <paramref name="Comment"/> (text, may use <c>**bold**</c>) goes with it.
/// </summary>
public sealed record FileReply(FileRequest File, string Title, string Comment) : Reply;

/// <summary>A file's bytes, as a download or an upload.</summary>
public sealed record FileContent(string FileName, string ContentType, byte[] Bytes);

/// <summary>The file, or why the person may not have it (a sentence to show them).</summary>
public sealed record FileMade(FileContent? Content, string? Refusal)
{
    public static FileMade Of(FileContent content) => new(content, null);

    public static FileMade Refused(string why) => new(null, why);
}

/// <summary>Makes one kind of file (<see cref="FileRequest.Kind"/>). Implemented by features.</summary>
public interface IFileSource
{
    string Kind { get; }

    /// <summary>The file as it is now, or a refusal when its person may no longer have it.</summary>
    Task<FileMade> MakeAsync(FileRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// Every <see cref="IFileSource"/>, by kind: what channels call to make a file when they hand it over.
/// Each file is made in a scope of its own (sources read the store), whoever calls.
/// </summary>
public sealed class FileSources(IServiceScopeFactory scopes)
{
    public async Task<FileMade> MakeAsync(FileRequest request, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var source = scope.ServiceProvider.GetServices<IFileSource>().FirstOrDefault(s => s.Kind == request.Kind);
        return source is null
            ? FileMade.Refused("This kind of file can no longer be made. Ask for it again.")
            : await source.MakeAsync(request, cancellationToken);
    }
}

/// <summary>A download link for one file and one person, and how long it works.</summary>
public sealed record FileLink(Uri Url, TimeSpan Lifetime);

/// <summary>
/// Issues signed, expiring, single-use download links for files (for platforms where the bot cannot
/// attach a file to a message, like Teams without the file consent flow). The link's endpoint makes
/// the file through <see cref="FileSources"/>, so the person's right to it is checked when it is opened.
/// </summary>
public interface IFileLinks
{
    FileLink Issue(FileRequest request);
}
