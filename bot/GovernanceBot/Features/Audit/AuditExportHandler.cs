using System.Globalization;
using System.Text;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Audit;

/// <summary>
/// <c>audit export &lt;program&gt; [from DATE] [to DATE]</c>: the program's audit trail as CSV in a code
/// block, sent only to the person who asked. It holds every check-in answer and who gave it, so only
/// the program's managers and PMO may export it (<see cref="ReaderPolicy"/>); the reply is private so
/// the trail is not broadcast into a channel.
/// </summary>
public sealed class AuditExportHandler(GovernanceDb db, ReaderPolicy readers, TimeProvider time) : ITurnHandler
{
    /// <summary>Chat platforms cap a message near 40,000 characters; stay well below with the fences and notes.</summary>
    internal const int MaxCsvLength = 30_000;

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

        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var query = db.Audit.AsNoTracking().Where(a => a.WorkspaceId == context.WorkspaceId && a.ProgramId == program.Id);
        if (from is { } start)
        {
            var since = Local(zone, start);
            query = query.Where(a => a.At >= since);
        }

        if (to is { } end)
        {
            var until = Local(zone, end.AddDays(1));
            query = query.Where(a => a.At < until);
        }

        var entries = (await query.ToListAsync(cancellationToken)).OrderBy(a => a.At).ThenBy(a => a.Id).ToList();
        var (csv, rows) = AuditCsv.Write(entries, MaxCsvLength);
        var range = (from, to) switch
        {
            (null, null) => "all time",
            ({ } a, null) => $"from {a:yyyy-MM-dd}",
            (null, { } b) => $"up to {b:yyyy-MM-dd}",
            ({ } a, { } b) => $"{a:yyyy-MM-dd} to {b:yyyy-MM-dd}",
        };
        var note = rows < entries.Count
            ? $"\nShowing the first {rows} of {entries.Count} entries; narrow the range with **from** and **to** for the rest."
            : string.Empty;
        var exported = db.AppendAudit(time.GetUtcNow(), context.WorkspaceId, program.Id, Governance.Actor(context.Turn), context.Turn.Channel,
            "audit.exported", $"program:{program.Key}", after: $"{range}, {rows} entries");
        await db.SaveChangesAsync(cancellationToken);
        // The export's own entry was sealed last under the chain's lock, so it is the head: keep it
        // with the export, and a later `audit verify` can be checked against it.
        var head = $"Chain head: entry {exported.Seq} of this workspace's audit chain, sha256 {exported.Hash}.";
        return [Reply.Text($"**Audit trail of {program.Name}**, {range}: {Plural(entries.Count)} (times in UTC).{note}\n```\n{csv}```\n{head}")
            with { Audience = ReaderPolicy.AudienceFor(Reading.AuditTrail) }];
    }

    private static DateTimeOffset Local(TimeZoneInfo zone, DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    private static string Plural(int n) => n == 1 ? "1 entry" : $"{n} entries";

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
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

    /// <summary>
    /// Quotes when needed, and defuses text a spreadsheet would run as a formula (a leading = + - @);
    /// the code-block fence is broken up so a value cannot end the block early.
    /// </summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var text = value.Replace("```", "`\u200B``", StringComparison.Ordinal);
        if (text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : text;
    }
}
