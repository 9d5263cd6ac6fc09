using GovernanceBot.Cards;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Health;

/// <summary>
/// The one vocabulary for a benefit's status, wherever it shows: the register, the program card, the
/// answers. The words are the statuses a benefit owner sets (<c>benefit … status in-delivery</c>), so
/// a card never shows a status nobody can set, and each status has one marker and one colour.
/// </summary>
public static class BenefitStatuses
{
    /// <summary>In the order a benefit moves through them, at risk last (it can happen at any point).</summary>
    public static readonly IReadOnlyList<BenefitStatus> All =
        [BenefitStatus.Identified, BenefitStatus.Planned, BenefitStatus.InDelivery, BenefitStatus.Realised, BenefitStatus.Sustained, BenefitStatus.AtRisk];

    public static string Word(BenefitStatus status) => status switch
    {
        BenefitStatus.Identified => "Identified",
        BenefitStatus.Planned => "Planned",
        BenefitStatus.InDelivery => "In delivery",
        BenefitStatus.Realised => "Realised",
        BenefitStatus.Sustained => "Sustained",
        _ => "At risk",
    };

    public static string Marker(BenefitStatus status) => status switch
    {
        BenefitStatus.Identified or BenefitStatus.Planned => "⚪",
        BenefitStatus.InDelivery => "🔵",
        BenefitStatus.Realised or BenefitStatus.Sustained => "✅",
        _ => "🟠",
    };

    /// <summary>The Adaptive Card text colour: at risk is amber (Warning) on every card, health included.</summary>
    public static string Color(BenefitStatus status) => status switch
    {
        BenefitStatus.InDelivery => "Accent",
        BenefitStatus.Realised or BenefitStatus.Sustained => "Good",
        BenefitStatus.AtRisk => "Warning",
        _ => "Default",
    };

    /// <summary>"🟠 At risk": what a card shows for the status.</summary>
    public static string Label(BenefitStatus status) => $"{Marker(status)} {Word(status)}";

    /// <summary>The count of each status, and a line naming those that occur ("🔵 2 in delivery · 🟠 1 at risk").</summary>
    public static BenefitCounts Count(IEnumerable<BenefitStatus> statuses)
    {
        var list = statuses.ToList();
        int Of(BenefitStatus s) => list.Count(x => x == s);
        return new BenefitCounts(
            Of(BenefitStatus.Identified), Of(BenefitStatus.Planned), Of(BenefitStatus.InDelivery), Of(BenefitStatus.Realised),
            Of(BenefitStatus.Sustained), Of(BenefitStatus.AtRisk), list.Count, Describe(list, markers: true));
    }

    /// <summary>The statuses that occur with their counts, in lifecycle order; with or without the markers.</summary>
    public static string Describe(IReadOnlyCollection<BenefitStatus> statuses, bool markers)
    {
        var parts = All
            .Select(s => (Status: s, Count: statuses.Count(x => x == s)))
            .Where(p => p.Count > 0)
            .Select(p => $"{(markers ? Marker(p.Status) + " " : "")}{p.Count} {Word(p.Status).ToLowerInvariant()}")
            .ToList();
        return parts.Count == 0 ? "no benefits registered yet" : string.Join(markers ? " · " : ", ", parts);
    }
}
