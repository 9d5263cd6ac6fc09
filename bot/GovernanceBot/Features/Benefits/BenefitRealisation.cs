using System.Globalization;
using GovernanceBot.Features.Health;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Benefits;

/// <summary>How far a benefit has come against its plan, read the same way on every card and answer.</summary>
/// <param name="Latest">The latest actual, or null before the first.</param>
/// <param name="PlannedNow">What the plan expects by the latest actual's date, or null when the plan is not complete.</param>
/// <param name="Rag">green: on plan or better; amber: behind by less than a tenth of the way; red: further behind (for a dis-benefit also: over its limit); none: no actual or no plan.</param>
public sealed record Realisation(BenefitActual? Latest, double? PlannedNow, Rag Rag, bool LowerIsBetter);

/// <summary>
/// A benefit's realisation curve: the plan runs in a straight line from the baseline (on the
/// baseline date, else the first actual's date) to the target on the realisation date; the actuals
/// are what was measured. A dis-benefit is lower-is-better and its target is the tolerated limit.
/// </summary>
public static class BenefitRealisation
{
    /// <summary>A benefit whose target is below its baseline (onboarding 21 → 5 days), and every dis-benefit, is better lower.</summary>
    public static bool LowerIsBetter(Benefit benefit) =>
        benefit.IsDisBenefit || (benefit.Baseline is { } b && benefit.Target is { } t && t < b);

    public static DateOnly? PlanStart(Benefit benefit) =>
        benefit.BaselineDate ?? benefit.Actuals.OrderBy(a => a.Date).Select(a => (DateOnly?)a.Date).FirstOrDefault();

    /// <summary>The plan's value on a day: the baseline before it starts, the target from the realisation date on.</summary>
    public static double? PlannedOn(Benefit benefit, DateOnly day)
    {
        if (benefit.Baseline is not { } baseline || benefit.Target is not { } target || benefit.RealisationDate is not { } end || PlanStart(benefit) is not { } start)
        {
            return null;
        }

        if (day <= start || end <= start)
        {
            return day >= end ? target : baseline;
        }

        if (day >= end)
        {
            return target;
        }

        var share = (day.DayNumber - start.DayNumber) / (double)(end.DayNumber - start.DayNumber);
        return baseline + (target - baseline) * share;
    }

    public static Realisation Of(Benefit benefit)
    {
        var latest = benefit.Actuals.MaxBy(a => a.Date);
        var lower = LowerIsBetter(benefit);
        if (latest is null)
        {
            return new Realisation(null, null, Rag.NoData, lower);
        }

        var planned = PlannedOn(benefit, latest.Date);
        if (planned is not { } plan)
        {
            return new Realisation(latest, null, Rag.NoData, lower);
        }

        var tolerance = Math.Abs((benefit.Target ?? plan) - (benefit.Baseline ?? plan)) / 10;
        var behind = lower ? latest.Value - plan : plan - latest.Value;
        var rag = behind <= 0 ? Rag.Green : behind <= tolerance ? Rag.Amber : Rag.Red;
        if (benefit.IsDisBenefit && benefit.Target is { } limit && latest.Value > limit)
        {
            rag = Rag.Red;
        }

        return new Realisation(latest, planned, rag, lower);
    }

    /// <summary>"84 % against 86 % planned by now", "no actual recorded yet", or "84 % (no complete plan to compare with)".</summary>
    public static string Describe(Benefit benefit, Realisation realisation)
    {
        if (realisation.Latest is not { } latest)
        {
            return "no actual recorded yet";
        }

        var actual = KpiRag.Format(latest.Value, benefit.Unit);
        return realisation.PlannedNow is { } plan
            ? $"{actual} against {KpiRag.Format(Math.Round(plan, 1), benefit.Unit)} planned by {Day(latest.Date)}"
            : $"{actual} on {Day(latest.Date)} (the plan needs a baseline, a target and a realisation date to compare with)";
    }

    private static string Day(DateOnly date) => date.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}
