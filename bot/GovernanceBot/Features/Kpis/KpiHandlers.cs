using System.Globalization;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Health;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Kpis;

/// <summary>Builds the KPI cards from the store.</summary>
internal sealed class KpiCardBuilder(GovernanceDb db, TimeProvider time)
{
    public async Task<CardReply> StatusAsync(Guid programId, CancellationToken cancellationToken)
    {
        var program = await db.Programs.AsNoTracking().AsSplitQuery()
            .Include(p => p.Kpis).ThenInclude(k => k.Measurements)
            .Include(p => p.Kpis).ThenInclude(k => k.Owner)
            .FirstAsync(p => p.Id == programId, cancellationToken);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var kpis = program.Kpis.OrderBy(k => k.Name, StringComparer.OrdinalIgnoreCase).Select(k => KpiViews.Summary(program, k)).ToList();
        var counts = KpiRag.Count(program.Kpis.Select(k => KpiRag.Of(k, k.Measurements.MaxBy(m => m.Date)?.Value)));
        // Each reader sees the moment in their own zone (the program's, named, where a platform cannot).
        var asOf = LocalTime.Of(time.GetUtcNow(), zone);
        var card = new KpisStatusCard(KpiViews.ProgramOf(program), asOf, counts, kpis);
        return Reply.Card("kpis.status", card, KpisJson.Default.KpisStatusCard,
            $"{program.Name} KPIs: {counts.Red} red, {counts.Amber} amber, {counts.Green} green, {counts.None} without data.");
    }

    public CardReply Detail(Kpi kpi, bool canRecord)
    {
        var program = kpi.Program!;
        var card = new KpiDetailCard(KpiViews.ProgramOf(program), new KpiViewer(canRecord), KpiViews.Form(kpi, Today(program)), KpiViews.Detail(program, kpi));
        return Reply.Card("kpi.detail", card, KpisJson.Default.KpiDetailCard,
            $"{kpi.Name}: {card.Kpi.ValueText} ({card.Kpi.Rag}), target {card.Kpi.TargetText}.");
    }

    public CardReply Record(Kpi kpi)
    {
        var program = kpi.Program!;
        var card = new KpiRecordCard(KpiViews.ProgramOf(program), KpiViews.Form(kpi, Today(program)), KpiViews.RecordKpi(program, kpi));
        return Reply.Card("kpi.record", card, KpisJson.Default.KpiRecordCard, $"Record {kpi.Name}: {card.Form.DueText}.");
    }

    public DateOnly Today(GovernanceProgram program) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone)).DateTime);
}

/// <summary><c>kpis [program]</c>: the program's KPIs with RAG, trend and last update.</summary>
internal sealed class KpisStatusHandler(ReaderPolicy readers, KpiCardBuilder cards) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var words = context.Arguments.Trim();
        var data = context.Turn.Action?.Data;
        if (data?["program"]?.ToString() is { Length: > 0 } fromCard)
        {
            words = fromCard;
        }

        var (program, refusal) = await readers.ResolveAsync(context, words, "kpis Phoenix", Reading.Status, cancellationToken);
        return program is null ? [refusal!] : [await cards.StatusAsync(program.Id, cancellationToken)];
    }
}

/// <summary><c>kpi &lt;name&gt;</c> and the <c>kpi.detail</c> button: one KPI with its chart and history.</summary>
internal sealed class KpiDetailHandler(KpiDirectory kpis, ReaderPolicy readers, KpiCardBuilder cards) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var wanted = context.Turn.Action?.Data["kpiId"]?.ToString() ?? string.Join(' ', context.Words);
        if (string.IsNullOrWhiteSpace(wanted))
        {
            return [Reply.Text("Which KPI? For example: **kpi \"On-time delivery\"**, or **kpis** for all of them.")];
        }

        if (await readers.RefusalHereAsync(context, Reading.Status, cancellationToken) is { } outside)
        {
            return [outside];
        }

        var (kpi, error) = await kpis.FindAsync(context, wanted, cancellationToken);
        if (kpi is null)
        {
            // The "did you mean" list names other programs' KPIs: only for those who may read them all.
            return [await readers.RefusalAsync(context, null, Reading.Status, cancellationToken) ?? Reply.Text(error!)];
        }

        if (await readers.RefusalAsync(context, kpi.Program, Reading.Status, cancellationToken) is { } refusal)
        {
            return [refusal];
        }

        var me = (await readers.ReaderAsync(context, cancellationToken)).In(kpi.ProgramId);
        return [cards.Detail(kpi, KpiRecording.MayRecord(kpi, me))];
    }
}

/// <summary>
/// <c>kpi record "&lt;name&gt;" &lt;value&gt; [date] [note "…"]</c> and the <c>kpi.record</c> form: stores a
/// measurement (one per KPI and date; recording again for a date corrects it). KPI owners and
/// program managers only; bad values get a helpful reply and nothing is stored.
/// </summary>
internal sealed class RecordKpiHandler(
    GovernanceDb db,
    KpiDirectory kpis,
    ProgramDirectory directory,
    Governance governance,
    KpiCardBuilder cards,
    TimeProvider time) : ITurnHandler
{
    internal const int MaxArgumentsLength = 1000;
    private const string Example = "kpi record \"On-time delivery\" 93.5";

    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var fromCard = context.Turn.Action is not null;
        string name, valueText;
        string? dateText, note;
        if (context.Turn.Action is { } action)
        {
            name = action.Data["kpiId"]?.ToString() ?? string.Empty;
            if (string.IsNullOrWhiteSpace(name))
            {
                return [Reply.Text("This form does not say which KPI it is for, so nothing was stored. Type **kpis** to see them and pick one to record.")
                    with { Audience = ReplyAudience.Requester }];
            }

            valueText = action.Data["value"]?.ToString() ?? string.Empty;
            dateText = action.Data["date"]?.ToString();
            note = action.Data["note"]?.ToString();
        }
        else
        {
            if (context.Arguments.Length > MaxArgumentsLength)
            {
                return [Reply.Text($"That is too long to be a KPI value ({context.Arguments.Length:N0} characters); nothing was stored. For example: **{Example}**.")];
            }

            var words = context.Words.ToList();
            var at = words.FindIndex(KpiValue.LooksLikeValue);
            if (at <= 0 && words.Count >= 2)
            {
                // No number anywhere: take the first (quoted) word as the KPI so the reply can say what is wrong with the value.
                at = 1;
            }

            if (at <= 0)
            {
                return [Reply.Text($"Say which KPI and the value, for example: **{Example}** (optionally a date: **{Example} 2026-11-24**).")];
            }

            name = string.Join(' ', words.Take(at));
            var rest = words.Skip(at).ToList();
            var noteAt = rest.FindIndex(w => string.Equals(w, "note", StringComparison.OrdinalIgnoreCase));
            note = noteAt >= 0 ? string.Join(' ', rest.Skip(noteAt + 1)) : null;
            if (noteAt >= 0)
            {
                rest = rest.Take(noteAt).ToList();
            }

            dateText = rest.Count > 1 && (rest[^1].Length == 10 && rest[^1][4] == '-' || rest[^1] is "today" or "yesterday") ? rest[^1] : null;
            valueText = string.Join(' ', dateText is null ? rest : rest.Take(rest.Count - 1));
        }

        var (kpi, error) = await kpis.FindAsync(context, name, cancellationToken);
        if (kpi is null)
        {
            return [Reply.Text(error!)];
        }

        var program = kpi.Program!;
        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == kpi.ProgramId);
        if (!KpiRecording.MayRecord(kpi, me))
        {
            var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
            var owner = kpi.Owner is null ? string.Empty : $"its owner {kpi.Owner.Name} or ";
            return await governance.RefuseAsync(context, program.Id, "kpi.record", $"kpi:{KpiViews.IdOf(program, kpi)}", "not the KPI owner or a program manager",
                $"Only {owner}{program.Name}'s program managers ({Governance.Names(managers)}) can record values for **{kpi.Name}**. Nothing was stored.",
                cancellationToken);
        }

        var (value, valueError) = KpiValue.Parse(valueText, kpi);
        if (value is null)
        {
            return [Reply.Text(valueError! + " Nothing was stored.") with { Audience = ReplyAudience.Requester }];
        }

        (var date, note, var dateOrNoteError) = KpiValue.DateAndNote(dateText, note, cards.Today(program));
        if (dateOrNoteError is not null)
        {
            return [Reply.Text(dateOrNoteError) with { Audience = ReplyAudience.Requester }];
        }

        var now = time.GetUtcNow();
        var existing = kpi.Measurements.FirstOrDefault(m => m.Date == date);
        var before = existing is null ? null : $"{KpiRag.Format(existing.Value, kpi.Unit)} on {existing.Date:yyyy-MM-dd}";
        if (existing is null)
        {
            existing = new KpiMeasurement { KpiId = kpi.Id, Date = date };
            kpi.Measurements.Add(existing);
            db.KpiMeasurements.Add(existing);
        }

        existing.Value = value.Value;
        existing.Note = note;
        existing.RecordedBy = me!.Name;
        existing.RecordedAt = now;
        db.AppendAudit(now, context.WorkspaceId, program.Id, me.Key, context.Turn.Channel, "kpi.recorded", $"kpi:{KpiViews.IdOf(program, kpi)}",
            before, $"{KpiRag.Format(value.Value, kpi.Unit)} on {date:yyyy-MM-dd}{(note is null ? "" : $" ({note})")}");
        await db.SaveChangesAsync(cancellationToken);

        var rag = KpiRag.Of(kpi, kpi.Measurements.MaxBy(m => m.Date)!.Value);
        var text = $"Recorded **{KpiRag.Format(value.Value, kpi.Unit)}** for {kpi.Name} on {date.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)}{(before is null ? "" : $" (was {before.Split(" on ")[0]})")}. {kpi.Name} is now {RagEmoji(rag)} {ProgramStatusQuery.RagWord(rag)} against a target of {KpiRag.TargetText(kpi)}.";
        return fromCard
            ? [cards.Detail(kpi, true) with { ReplacesSourceCard = true }, Reply.Text(text) with { Audience = ReplyAudience.Requester }]
            : [Reply.Text(text)];
    }

    private static string RagEmoji(Rag rag) => rag switch
    {
        Rag.Green => "🟢",
        Rag.Amber => "🟠",
        Rag.Red => "🔴",
        _ => "⚪",
    };
}

internal static class KpiRecording
{
    /// <summary>KPI owners and the program's managers/PMO record values.</summary>
    public static bool MayRecord(Kpi kpi, Stakeholder? person) =>
        person is not null && (kpi.OwnerId == person.Id || Governance.IsManager(person));
}
