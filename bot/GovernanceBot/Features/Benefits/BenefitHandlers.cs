using System.Globalization;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Health;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Benefits;

/// <summary><c>benefits [program]</c> and the <c>benefits.show</c> button: the benefits register.</summary>
public sealed class BenefitsStatusHandler(GovernanceDb db, ReaderPolicy readers, TimeProvider time) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var words = context.Turn.Action?.Data["program"]?.ToString() ?? context.Arguments.Trim();
        var (found, refusal) = await readers.ResolveAsync(context, words, "benefits Phoenix", Reading.Status, cancellationToken);
        if (found is null)
        {
            return [refusal!];
        }

        var program = await db.Programs.AsNoTracking().AsSplitQuery()
            .Include(p => p.Benefits).ThenInclude(b => b.Owner)
            .Include(p => p.Kpis).ThenInclude(k => k.Measurements)
            .FirstAsync(p => p.Id == found.Id, cancellationToken);
        var rows = program.Benefits.OrderBy(b => b.RealisationDate ?? DateOnly.MaxValue).ThenBy(b => b.Name, StringComparer.OrdinalIgnoreCase)
            .Select(b => Row(program, b)).ToList();
        var counts = BenefitStatuses.Count(program.Benefits.Select(b => b.Status));
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var asOf = LocalTime.Of(time.GetUtcNow(), zone);
        var card = new BenefitsStatusCard(KpiViews.ProgramOf(program), asOf, counts, rows);
        return [Reply.Card("benefits.status", card, BenefitsJson.Default.BenefitsStatusCard,
            $"{program.Name} benefits: {BenefitStatuses.Describe(program.Benefits.Select(b => b.Status).ToList(), markers: false)}.")];
    }

    /// <summary>
    /// The register's row: the status as the owner set it (<see cref="BenefitStatuses"/>), the
    /// benefit's own baseline and target, and each linked KPI's latest value against its target.
    /// </summary>
    internal static BenefitRow Row(GovernanceProgram program, Benefit benefit)
    {
        var kpis = benefit.KpiKeys
            .Select(key => program.Kpis.FirstOrDefault(k => k.Key == key))
            .OfType<Kpi>()
            .Select(k =>
            {
                var ordered = KpiViews.Ordered(k);
                return new BenefitKpi(
                    KpiViews.IdOf(program, k),
                    k.Name,
                    ordered.Count == 0 ? "no value yet" : KpiRag.Format(ordered[^1].Value, k.Unit),
                    KpiRag.TargetText(k),
                    KpiViews.RagWord(KpiRag.Of(k, ordered.LastOrDefault()?.Value)));
            })
            .ToList();
        var status = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(benefit.Status.ToString());
        var measure = (benefit.Baseline, benefit.Target) switch
        {
            ({ } b, { } t) => $"Baseline {KpiRag.Format(b, benefit.Unit)} → target {KpiRag.Format(t, benefit.Unit)}",
            (null, { } t) => $"Target {KpiRag.Format(t, benefit.Unit)}, no baseline set",
            ({ } b, null) => $"Baseline {KpiRag.Format(b, benefit.Unit)}, no target set",
            _ => "No baseline or target set",
        };
        var date = benefit.RealisationDate?.ToString("MMM yyyy", CultureInfo.InvariantCulture) ?? "no date set";
        return new BenefitRow($"{program.Key}.{benefit.Key}", benefit.Name, benefit.Owner?.Name ?? "no owner", status,
            BenefitStatuses.Label(benefit.Status), BenefitStatuses.Color(benefit.Status), measure, date, kpis);
    }
}

/// <summary>
/// <c>benefit "&lt;name&gt;" status|baseline|target|date &lt;value&gt;</c>: benefit owners and program
/// managers update a benefit; every change is audited with before → after.
/// </summary>
internal sealed class UpdateBenefitHandler(GovernanceDb db, ProgramDirectory directory, Governance governance, BenefitDetailHandler detail, TimeProvider time) : ITurnHandler
{
    private const string Example = "benefit \"Faster customer onboarding\" status at-risk";

    private static readonly Dictionary<string, BenefitStatus> Statuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["identified"] = BenefitStatus.Identified,
        ["planned"] = BenefitStatus.Planned,
        ["in-delivery"] = BenefitStatus.InDelivery,
        ["in delivery"] = BenefitStatus.InDelivery,
        ["delivering"] = BenefitStatus.InDelivery,
        ["realised"] = BenefitStatus.Realised,
        ["realized"] = BenefitStatus.Realised,
        ["sustained"] = BenefitStatus.Sustained,
        ["at-risk"] = BenefitStatus.AtRisk,
        ["at risk"] = BenefitStatus.AtRisk,
    };

    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var words = context.Words.ToList();
        var fieldAt = words.FindIndex(w => w.ToLowerInvariant() is "status" or "baseline" or "target" or "date");
        if (fieldAt < 0 && context.Arguments.Length is > 0 and <= 200)
        {
            // "benefit <name>" alone: show it.
            return await detail.HandleAsync(context, cancellationToken);
        }

        if (context.Arguments.Length > 500 || fieldAt <= 0 || fieldAt == words.Count - 1)
        {
            return [Reply.Text($"Say which benefit and what to change, for example: **{Example}**, **benefit \"Faster customer onboarding\" target 5** or **… date 2027-03-31**.")];
        }

        var name = string.Join(' ', words.Take(fieldAt));
        var field = words[fieldAt].ToLowerInvariant();
        var value = string.Join(' ', words.Skip(fieldAt + 1));
        var benefits = await db.Benefits.Include(b => b.Program).Include(b => b.Owner)
            .Where(b => b.Program!.WorkspaceId == context.WorkspaceId)
            .ToListAsync(cancellationToken);
        var matches = benefits.Where(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(b.Key, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count != 1)
        {
            return [Reply.Text(matches.Count == 0
                ? $"There is no benefit called \"{(name.Length > 60 ? name[..60] + "…" : name)}\". Benefits here: {string.Join(", ", benefits.Select(b => $"**{b.Name}**").Order(StringComparer.OrdinalIgnoreCase))}."
                : $"\"{name}\" matches benefits in several programs; use its key: {string.Join(", ", matches.Select(b => $"{b.Key} ({b.Program!.Name})"))}.")];
        }

        var benefit = matches[0];
        var program = benefit.Program!;
        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program.Id);
        if (me is null || !(benefit.OwnerId == me.Id || Governance.IsManager(me)))
        {
            var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
            var owner = benefit.Owner is null ? string.Empty : $"its owner {benefit.Owner.Name} or ";
            return await governance.RefuseAsync(context, program.Id, "benefit.update", $"benefit:{program.Key}.{benefit.Key}", "not the benefit owner or a program manager",
                $"Only {owner}{program.Name}'s program managers ({Governance.Names(managers)}) can update **{benefit.Name}**. Nothing was changed.",
                cancellationToken);
        }

        string before, after;
        switch (field)
        {
            case "status":
                if (!Statuses.TryGetValue(value, out var status))
                {
                    return [Reply.Text($"\"{Clip(value)}\" is not a benefit status. Use identified, planned, in-delivery, realised, sustained or at-risk, for example **{Example}**.")];
                }

                before = Word(benefit.Status);
                after = Word(status);
                benefit.Status = status;
                break;
            case "baseline" or "target":
                var number = NumberOf(value, benefit.Unit);
                if (number is null)
                {
                    return [Reply.Text($"\"{Clip(value)}\" is not a number{(benefit.Unit is { } u ? $" in {u}" : "")}. For example **benefit \"{benefit.Name}\" {field} 5**. Nothing was changed.")];
                }

                before = Format(field == "baseline" ? benefit.Baseline : benefit.Target, benefit.Unit);
                after = Format(number, benefit.Unit);
                if (field == "baseline")
                {
                    benefit.Baseline = number;
                }
                else
                {
                    benefit.Target = number;
                }

                break;
            default:
                if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    return [Reply.Text($"Write the expected realisation date as yyyy-MM-dd, for example **benefit \"{benefit.Name}\" date 2027-03-31**. Nothing was changed.")];
                }

                before = benefit.RealisationDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none";
                after = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                benefit.RealisationDate = date;
                break;
        }

        if (before == after)
        {
            return [Reply.Text($"**{benefit.Name}** already has {field} {after}; nothing changed.")];
        }

        db.AppendAudit(time.GetUtcNow(), context.WorkspaceId, program.Id, me.Key, context.Turn.Channel, $"benefit.{(field == "date" ? "realisation-date" : field)}",
            $"benefit:{program.Key}.{benefit.Key}", before, after);
        await db.SaveChangesAsync(cancellationToken);
        return [Reply.Text($"Updated **{benefit.Name}**: {field} {before} → **{after}**. See the register: **benefits {program.Name}**.")];
    }

    private static double? NumberOf(string text, string? unit) => RecordBenefitHandler.NumberOf(text, unit);

    private static string Format(double? value, string? unit) => value is { } v ? KpiRag.Format(v, unit) : "none";

    private static string Word(BenefitStatus status) => Keys.Word(status);

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
