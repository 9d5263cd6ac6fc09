using System.Globalization;
using GovernanceBot.Features.Health;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Audit;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Benefits;

/// <summary>Finds a benefit of the workspace by name or key, with what its card needs.</summary>
internal sealed class BenefitDirectory(GovernanceDb db, TimeProvider time)
{
    public async Task<(Benefit? Benefit, string? Error)> FindAsync(Guid workspaceId, string typed, CancellationToken cancellationToken)
    {
        var name = typed.Trim().Trim('"', '“', '”');
        var benefits = await db.Benefits.AsSplitQuery()
            .Include(b => b.Program).ThenInclude(p => p!.Kpis).ThenInclude(k => k.Measurements)
            .Include(b => b.Owner)
            .Include(b => b.Actuals)
            .Where(b => b.Program!.WorkspaceId == workspaceId)
            .ToListAsync(cancellationToken);
        // "phoenix.cost-savings" is what cards carry.
        var matches = benefits.Where(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(b.Key, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals($"{b.Program!.Key}.{b.Key}", name, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => (matches[0], null),
            0 => (null, benefits.Count == 0
                ? "No benefits are registered in this workspace yet; a program manager adds them in the governance file."
                : $"There is no benefit called \"{(name.Length > 60 ? name[..60] + "…" : name)}\". Benefits here: {string.Join(", ", benefits.Select(b => $"**{b.Name}**").Order(StringComparer.OrdinalIgnoreCase))}."),
            _ => (null, $"\"{name}\" matches benefits in several programs; use its key: {string.Join(", ", matches.Select(b => $"{b.Program!.Key}.{b.Key} ({b.Program!.Name})"))}."),
        };
    }

    public DateOnly Today(GovernanceProgram program) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone)).DateTime);

    public static bool MayRecord(Benefit benefit, Stakeholder? person) =>
        person is not null && (benefit.OwnerId == person.Id || Governance.IsManager(person));

    /// <summary>The <c>benefit.detail</c> card: the benefit's own measure, its realisation curve (planned vs actual) and its supporting KPIs.</summary>
    public CardReply Detail(Benefit benefit, bool canRecord)
    {
        var program = benefit.Program!;
        var today = Today(program);
        var realisation = BenefitRealisation.Of(benefit);
        var ordered = benefit.Actuals.OrderBy(a => a.Date).ToList();
        var row = BenefitsStatusHandler.Row(program, benefit);
        string Value(double? v) => v is { } x ? KpiRag.Format(Math.Round(x, 1), benefit.Unit) : "not set";
        string X(DateOnly d) => d.ToString("d MMM yy", CultureInfo.InvariantCulture);

        // The plan: from its start to the realisation date, with a point at every actual so the two lines can be read against each other.
        var planDays = new SortedSet<DateOnly>(ordered.Select(a => a.Date));
        if (BenefitRealisation.PlanStart(benefit) is { } start)
        {
            planDays.Add(start);
        }

        if (benefit.RealisationDate is { } end)
        {
            planDays.Add(end);
        }

        var planned = planDays.Select(d => (Day: d, Value: BenefitRealisation.PlannedOn(benefit, d))).Where(p => p.Value is not null)
            .Select(p => new BenefitPoint(X(p.Day), Math.Round(p.Value!.Value, 2))).ToList();
        var actual = ordered.Select(a => new BenefitPoint(X(a.Date), a.Value)).ToList();
        var history = ordered.AsEnumerable().Reverse().Take(KpiViews.HistoryRows).Select(a =>
        {
            var plan = BenefitRealisation.PlannedOn(benefit, a.Date);
            var one = BenefitRealisation.Of(new Benefit
            {
                Key = benefit.Key, Name = benefit.Name, Baseline = benefit.Baseline, Target = benefit.Target, BaselineDate = BenefitRealisation.PlanStart(benefit),
                RealisationDate = benefit.RealisationDate, IsDisBenefit = benefit.IsDisBenefit, Actuals = [a],
            });
            return new BenefitHistoryRow(a.Date.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture), KpiRag.Format(a.Value, benefit.Unit),
                plan is { } p ? Value(p) : "no plan", KpiViews.RagWord(one.Rag), a.Note ?? string.Empty);
        }).ToList();
        var planText = realisation.Rag switch
        {
            Rag.Green => $"On plan: {BenefitRealisation.Describe(benefit, realisation)}.",
            Rag.Amber => $"Slightly behind plan: {BenefitRealisation.Describe(benefit, realisation)}.",
            Rag.Red when benefit.IsDisBenefit && benefit.Target is { } limit && realisation.Latest!.Value > limit => $"Over its limit of {Value(limit)}: {BenefitRealisation.Describe(benefit, realisation)}.",
            Rag.Red => $"Behind plan: {BenefitRealisation.Describe(benefit, realisation)}.",
            _ => realisation.Latest is null ? "No actual recorded yet: the owner records one with **benefit record**." : $"{char.ToUpperInvariant(BenefitRealisation.Describe(benefit, realisation)[0])}{BenefitRealisation.Describe(benefit, realisation)[1..]}.",
        };
        var lower = realisation.LowerIsBetter;
        var detail = new BenefitDetail(
            row.Id, benefit.Name, benefit.Description ?? string.Empty, row.Owner,
            benefit.IsDisBenefit ? "disBenefit" : "benefit",
            benefit.IsDisBenefit ? "Dis-benefit: lower is better; the target is the most accepted" : lower ? "Benefit: lower is better" : "Benefit: higher is better",
            row.Status, row.StatusText, row.StatusColor, benefit.Unit ?? string.Empty,
            Value(benefit.Baseline), benefit.Target is { } t ? (benefit.IsDisBenefit ? "at most " : string.Empty) + Value(t) : "not set",
            realisation.Latest is { } latest ? $"{KpiRag.Format(latest.Value, benefit.Unit)} on {latest.Date.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)}" : "no actual yet",
            planText, KpiViews.RagWord(realisation.Rag), row.RealisationDateText,
            actual.Count == 0 ? "Realisation curve: planned (no actuals yet)" : "Realisation curve: actual against planned",
            KpiViews.SparklineOf(ordered.Select(a => a.Value).ToList()),
            new BenefitSeries(actual, planned), history, row.Kpis);
        var form = new BenefitForm(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            (realisation.Latest?.Value ?? benefit.Baseline ?? 0).ToString("0.##", CultureInfo.InvariantCulture));
        var card = new BenefitDetailCard(KpiViews.ProgramOf(program), new BenefitViewer(canRecord), form, detail);
        return Reply.Card("benefit.detail", card, BenefitsJson.Default.BenefitDetailCard, $"{benefit.Name}: {planText}");
    }
}

/// <summary><c>benefit "&lt;name&gt;"</c> and the <c>benefit.detail</c> button: one benefit with its realisation curve.</summary>
internal sealed class BenefitDetailHandler(BenefitDirectory benefits, ReaderPolicy readers) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var wanted = context.Turn.Action?.Data["benefitId"]?.ToString() ?? string.Join(' ', context.Words);
        if (string.IsNullOrWhiteSpace(wanted) || wanted.Length > 200)
        {
            return [Reply.Text("Which benefit? For example: **benefit \"Lower onboarding operating cost\"**, or **benefits** for the register.")];
        }

        if (await readers.RefusalHereAsync(context, Reading.Status, cancellationToken) is { } outside)
        {
            return [outside];
        }

        var (benefit, error) = await benefits.FindAsync(context.WorkspaceId, wanted, cancellationToken);
        if (benefit is null)
        {
            return [await readers.RefusalAsync(context, null, Reading.Status, cancellationToken) ?? Reply.Text(error!)];
        }

        if (await readers.RefusalAsync(context, benefit.Program, Reading.Status, cancellationToken) is { } refusal)
        {
            return [refusal];
        }

        var me = (await readers.ReaderAsync(context, cancellationToken)).In(benefit.ProgramId);
        return [benefits.Detail(benefit, BenefitDirectory.MayRecord(benefit, me))];
    }
}

/// <summary>
/// <c>benefit record "&lt;name&gt;" &lt;value&gt; [date] [note &lt;text&gt;]</c> and the card's form: the
/// benefit's owner or a program manager records an actual (one per date: recording a date again
/// corrects it). Bad values get a helpful reply and nothing is stored.
/// </summary>
internal sealed class RecordBenefitHandler(GovernanceDb db, BenefitDirectory benefits, ProgramDirectory directory, Governance governance, TimeProvider time) : ITurnHandler
{
    private const string Example = "benefit record \"Lower onboarding operating cost\" 910";

    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        string name, valueText;
        string? dateText, note;
        var fromCard = context.Turn.Action is not null;
        if (context.Turn.Action is { } action)
        {
            name = action.Data["benefitId"]?.ToString() ?? string.Empty;
            valueText = action.Data["value"]?.ToString() ?? string.Empty;
            dateText = action.Data["date"]?.ToString();
            note = action.Data["note"]?.ToString();
            if (name.Length == 0)
            {
                return [Reply.Text("This form does not say which benefit it is for, so nothing was stored. Type **benefits** and open the benefit to record.") with { Audience = ReplyAudience.Requester }];
            }
        }
        else
        {
            var words = context.Words.ToList();
            if (context.Arguments.Length > 1000)
            {
                return [Reply.Text($"That is too long to be a benefit's value; nothing was stored. For example: **{Example}**.")];
            }

            if (words.Count < 2)
            {
                return [Reply.Text($"Say which benefit and its measured value, for example: **{Example}** (optionally a date: **{Example} 2026-11-30**).")];
            }

            var at = words.FindIndex(1, w => KpiValue.LooksLikeValue(w));
            at = at < 0 ? 1 : at;
            name = string.Join(' ', words.Take(at));
            var rest = words.Skip(at).ToList();
            var noteAt = rest.FindIndex(w => string.Equals(w, "note", StringComparison.OrdinalIgnoreCase));
            note = noteAt >= 0 ? string.Join(' ', rest.Skip(noteAt + 1)) : null;
            rest = noteAt >= 0 ? rest.Take(noteAt).ToList() : rest;
            // A last word after the value that is not a number is meant as its date ("04/01/2026" gets the date's own error).
            var last = rest.Count > 1 ? rest[^1] : string.Empty;
            dateText = last is "today" or "yesterday" || (last.Any(char.IsDigit) && NumberOf(last, null) is null) ? last : null;
            valueText = string.Join(' ', dateText is null ? rest : rest.Take(rest.Count - 1));
        }

        var (benefit, error) = await benefits.FindAsync(context.WorkspaceId, name, cancellationToken);
        if (benefit is null)
        {
            return [Reply.Text(error!) with { Audience = ReplyAudience.Requester }];
        }

        var program = benefit.Program!;
        var subject = $"benefit:{program.Key}.{benefit.Key}";
        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program.Id);
        if (!BenefitDirectory.MayRecord(benefit, me))
        {
            var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
            var owner = benefit.Owner is null ? string.Empty : $"its owner {benefit.Owner.Name} or ";
            return await governance.RefuseAsync(context, program.Id, "benefit.record", subject, "not the benefit owner or a program manager",
                $"Only {owner}{program.Name}'s program managers ({Governance.Names(managers)}) can record actuals for **{benefit.Name}**. Nothing was stored.", cancellationToken);
        }

        var value = NumberOf(valueText, benefit.Unit);
        if (value is null)
        {
            return [Reply.Text($"\"{(valueText.Length > 40 ? valueText[..40] + "…" : valueText)}\" is not a number{(benefit.Unit is { } u ? $" in {u}" : "")}. For example: **benefit record \"{benefit.Name}\" {(benefit.Target ?? 100).ToString("0.##", CultureInfo.InvariantCulture)}**. Nothing was stored.")
                with { Audience = ReplyAudience.Requester }];
        }

        if (benefit.Unit == "%" && value is < 0 or > 100 && benefit.Baseline is null or (>= 0 and <= 100))
        {
            return [Reply.Text($"{value} % is not a share; a percentage is between 0 and 100. Nothing was stored.") with { Audience = ReplyAudience.Requester }];
        }

        (var date, note, var dateOrNoteError) = KpiValue.DateAndNote(dateText, note, benefits.Today(program));
        if (dateOrNoteError is not null)
        {
            return [Reply.Text(dateOrNoteError) with { Audience = ReplyAudience.Requester }];
        }

        var now = time.GetUtcNow();
        var existing = benefit.Actuals.FirstOrDefault(a => a.Date == date);
        var before = existing is null ? null : KpiRag.Format(existing.Value, benefit.Unit);
        if (existing is null)
        {
            existing = new BenefitActual { BenefitId = benefit.Id, Date = date };
            benefit.Actuals.Add(existing);
            db.BenefitActuals.Add(existing);
        }

        existing.Value = value.Value;
        existing.Note = note;
        existing.RecordedBy = me!.Key;
        existing.RecordedAt = now;
        db.AppendAudit(now, context.WorkspaceId, program.Id, me.Key, context.Turn.Channel, "benefit.actual", subject,
            before is null ? null : $"{before} on {date:yyyy-MM-dd}", $"{KpiRag.Format(value.Value, benefit.Unit)} on {date:yyyy-MM-dd}{(note is null ? "" : $" ({note})")}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Someone recorded the same date at the same moment: theirs stands; say so rather than fail.
            return [Reply.Text($"An actual for {benefit.Name} on {date:yyyy-MM-dd} was recorded at the same moment by someone else; yours was not stored. Open **benefit \"{benefit.Name}\"** to see it and record again to correct it.")
                with { Audience = ReplyAudience.Requester }];
        }

        var realisation = BenefitRealisation.Of(benefit);
        var text = $"Recorded **{KpiRag.Format(value.Value, benefit.Unit)}** for {benefit.Name} on {date.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)}{(before is null ? "" : $" (was {before})")}. {Verdict(benefit, realisation)}";
        var card = benefits.Detail(benefit, true);
        return fromCard
            ? [card with { ReplacesSourceCard = true }, Reply.Text(text) with { Audience = ReplyAudience.Requester }]
            : [Reply.Text(text), card];
    }

    private static string Verdict(Benefit benefit, Realisation realisation) => realisation.Rag switch
    {
        Rag.Green => $"That is on plan ({BenefitRealisation.Describe(benefit, realisation)}).",
        Rag.Amber => $"That is slightly behind plan ({BenefitRealisation.Describe(benefit, realisation)}).",
        Rag.Red => $"That is behind plan ({BenefitRealisation.Describe(benefit, realisation)}).",
        _ => "Give the benefit a baseline, a target and a realisation date to compare it with a plan.",
    };

    /// <summary>A number, with or without the benefit's unit after it.</summary>
    internal static double? NumberOf(string text, string? unit)
    {
        var trimmed = text.Trim();
        if (unit is { Length: > 0 } && trimmed.EndsWith(unit, StringComparison.OrdinalIgnoreCase))
        {
            trimmed = trimmed[..^unit.Length].Trim();
        }

        return trimmed.Length is > 0 and <= 30 && double.TryParse(trimmed, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : null;
    }
}
