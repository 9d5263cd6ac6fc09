using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Audit;

/// <summary>
/// <c>audit export &lt;program&gt; [from DATE] [to DATE]</c>: the program's audit trail as a CSV file,
/// handed only to the person who asked (a Slack upload into their direct messages, a Teams download
/// link of their own). It holds every check-in answer and who gave it, so only the program's managers
/// and PMO may export it (<see cref="ReaderPolicy"/>), checked again when the file is made.
/// </summary>
internal sealed class AuditExportHandler(GovernanceDb db, ReaderPolicy readers, TimeProvider time) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        const string Example = "audit export Phoenix from 2026-11-01 to 2026-11-30";
        var words = context.Words.ToList();
        DateOnly? from = null, to = null;
        var programWords = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i].ToLowerInvariant();
            if (word is "from" or "to" && i + 1 < words.Count)
            {
                if (!DateOnly.TryParseExact(words[i + 1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    return [Reply.Text($"\"{Clip(words[i + 1])}\" is not a date. Write dates as yyyy-MM-dd, for example **{Example}**.")];
                }

                if (word == "from")
                {
                    from = date;
                }
                else
                {
                    to = date;
                }

                i++;
            }
            else
            {
                programWords.Add(words[i]);
            }
        }

        if (from is { } f && to is { } t && f > t)
        {
            return [Reply.Text($"The range starts after it ends ({f:yyyy-MM-dd} is after {t:yyyy-MM-dd}). For example **{Example}**.")];
        }

        var (program, refusal) = await readers.ResolveAsync(context, string.Join(' ', programWords), Example, Reading.AuditTrail, cancellationToken);
        if (program is null)
        {
            return [refusal!];
        }

        var range = new AuditRange(from, to, null);
        var count = await AuditFile.Entries(db, context.WorkspaceId, program, range).CountAsync(cancellationToken);
        var said = (from, to) switch
        {
            (null, null) => "all time",
            ({ } a, null) => $"from {a:yyyy-MM-dd}",
            (null, { } b) => $"up to {b:yyyy-MM-dd}",
            ({ } a, { } b) => $"{a:yyyy-MM-dd} to {b:yyyy-MM-dd}",
        };
        var exported = db.AppendAudit(time.GetUtcNow(), context.WorkspaceId, program.Id, Governance.Actor(context.Turn), context.Turn.Channel,
            "audit.exported", $"program:{program.Key}", after: $"{said}, {Plural(count)}");
        await db.SaveChangesAsync(cancellationToken);
        // The export's own entry was sealed last under the chain's lock, so it is the head: the file
        // ends there (whenever it is made), and a later `audit verify` can be checked against it.
        var file = await readers.FileRequestAsync(context, program, AuditFile.FileKind, AuditFile.FileName(program, from, to), (range with { UpToSeq = exported.Seq }).ToJson(), cancellationToken);
        var comment = $"**Audit trail of {program.Name}**, {said}: {Plural(count)} before this export, times in UTC. " +
            $"Chain head: entry {exported.Seq} of this workspace's audit chain, sha256 {exported.Hash}.";
        return [Reply.PrivateFile(file, $"Audit trail of {program.Name}", comment)];
    }

    private static string Plural(int n) => n == 1 ? "1 entry" : $"{n} entries";

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
}

/// <summary>An audit export's range: local dates in the program's zone, and the chain entry it ends at.</summary>
internal sealed record AuditRange(DateOnly? From, DateOnly? To, long? UpToSeq)
{
    public JsonObject ToJson() => new()
    {
        ["from"] = From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["to"] = To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["upToSeq"] = UpToSeq,
    };

    public static AuditRange Read(JsonObject? json) => new(Date(json?["from"]), Date(json?["to"]), (long?)json?["upToSeq"]);

    private static DateOnly? Date(JsonNode? node) =>
        DateOnly.TryParseExact((string?)node, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}

/// <summary>Makes an <c>audit export</c>'s CSV when it is handed over, for a program manager or PMO only.</summary>
internal sealed class AuditFile(GovernanceDb db, ReaderPolicy readers) : IFileSource
{
    public const string FileKind = "audit-trail";

    public string Kind => FileKind;

    public async Task<FileMade> MakeAsync(FileRequest request, CancellationToken cancellationToken)
    {
        if (await readers.FileRefusalAsync(request, Reading.AuditTrail, "the audit trail", cancellationToken) is { } refused)
        {
            return FileMade.Refused(refused);
        }

        var program = await db.Programs.AsNoTracking().SingleAsync(p => p.Id == request.ProgramId, cancellationToken);
        var entries = (await Entries(db, request.WorkspaceId, program, AuditRange.Read(request.Arguments)).ToListAsync(cancellationToken))
            .OrderBy(a => a.At).ThenBy(a => a.Id).ToList();
        return FileMade.Of(new FileContent(request.FileName, "text/csv; charset=utf-8", Encoding.UTF8.GetBytes(AuditCsv.Write(entries).Csv)));
    }

    /// <summary>"phoenix-audit-trail-2026-11-01-to-2026-11-30.csv".</summary>
    internal static string FileName(GovernanceProgram program, DateOnly? from, DateOnly? to) =>
        $"{program.Key}-audit-trail{(from is { } a ? $"-from-{a:yyyy-MM-dd}" : "")}{(to is { } b ? $"-to-{b:yyyy-MM-dd}" : "")}.csv";

    internal static IQueryable<AuditEntry> Entries(GovernanceDb db, Guid workspaceId, GovernanceProgram program, AuditRange range)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var query = db.Audit.AsNoTracking().Where(a => a.WorkspaceId == workspaceId && a.ProgramId == program.Id);
        if (range.From is { } start)
        {
            var since = Local(zone, start);
            query = query.Where(a => a.At >= since);
        }

        if (range.To is { } end)
        {
            var until = Local(zone, end.AddDays(1));
            query = query.Where(a => a.At < until);
        }

        if (range.UpToSeq is { } last)
        {
            query = query.Where(a => a.Seq <= last);
        }

        return query;
    }

    private static DateTimeOffset Local(TimeZoneInfo zone, DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}

/// <summary>RFC 4180 CSV of audit entries, safe to open in a spreadsheet.</summary>
public static class AuditCsv
{
    public const string Header = "at,actor,channel,action,subject,before,after";

    /// <summary>The CSV (header first) and how many entries fitted into <paramref name="maxLength"/>.</summary>
    public static (string Csv, int Rows) Write(IReadOnlyList<AuditEntry> entries, int maxLength = int.MaxValue)
    {
        var csv = new StringBuilder(Header).Append('\n');
        var rows = 0;
        foreach (var e in entries)
        {
            var line = string.Join(',',
                e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                Cell(e.Actor), Cell(e.Channel), Cell(e.Action), Cell(e.Subject), Cell(e.Before), Cell(e.After)) + "\n";
            if (csv.Length + line.Length > maxLength)
            {
                break;
            }

            csv.Append(line);
            rows++;
        }

        return (csv.ToString(), rows);
    }

    /// <summary>Quotes when needed, and defuses text a spreadsheet would run as a formula (a leading = + - @).</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var text = value;
        if (text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : text;
    }
}
