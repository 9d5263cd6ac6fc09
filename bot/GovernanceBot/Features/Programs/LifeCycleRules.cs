using System.Globalization;
using System.Text.RegularExpressions;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Programs;

/// <summary>
/// Where a program stands in its life cycle: its phases in order, the gate between each phase and
/// the next, and which gate comes next. One reading, for the gate cards, the status card, the
/// portfolio and the answers alike.
/// </summary>
public static partial class LifeCycleRules
{
    /// <summary>A program past its last phase (the governance file's <c>phase: closed</c>).</summary>
    public const string Closed = "closed";

    /// <summary>The position of a phase in the program's life cycle; past the end for <c>closed</c>, -1 for a phase it does not have.</summary>
    public static int IndexOf(GovernanceProgram program, string phase) =>
        phase == Closed ? program.Phases.Count : program.Phases.IndexOf(phase);

    /// <summary>The gates in life-cycle order.</summary>
    public static List<StageGate> Ordered(GovernanceProgram program, IEnumerable<StageGate> gates) =>
        gates.OrderBy(g => IndexOf(program, g.AfterPhase)).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();

    /// <summary>The first gate not passed yet at or after the program's phase; null when none is ahead.</summary>
    public static StageGate? NextGate(GovernanceProgram program, IEnumerable<StageGate> gates)
    {
        var here = IndexOf(program, program.Phase);
        return Ordered(program, gates).FirstOrDefault(g => g.PassedAt is null && IndexOf(program, g.AfterPhase) >= here);
    }

    /// <summary>The phase a gate leads into, or null when it closes the last phase.</summary>
    public static string? PhaseAfter(GovernanceProgram program, StageGate gate)
    {
        var at = IndexOf(program, gate.AfterPhase);
        return at >= 0 && at + 1 < program.Phases.Count ? program.Phases[at + 1] : null;
    }

    /// <summary>True when the gate is the one the program stands at: passing it now moves the program on.</summary>
    public static bool IsCurrent(GovernanceProgram program, StageGate gate) =>
        gate.PassedAt is null && gate.AfterPhase == program.Phase && PhaseAfter(program, gate) is not null;

    /// <summary>"Gate 3" for <c>gate-3</c>, else the gate's name: how a gate is called in a sentence.</summary>
    public static string Label(StageGate gate)
    {
        var match = NumberedKey().Match(gate.Key);
        return match.Success ? $"Gate {match.Groups[1].Value}" : gate.Name;
    }

    /// <summary>The gate review's title: "Gate 3: Release to pilot customers", or "Stage gate: Go live".</summary>
    public static string ReviewTitle(StageGate gate) =>
        NumberedKey().IsMatch(gate.Key) ? $"{Label(gate)}: {gate.Name}" : $"Stage gate: {gate.Name}";

    /// <summary>"Build → Pilot".</summary>
    public static string Between(GovernanceProgram program, StageGate gate) =>
        $"{LifeCyclePhases.Name(gate.AfterPhase)} → {(PhaseAfter(program, gate) is { } next ? LifeCyclePhases.Name(next) : "end of the life cycle")}";

    /// <summary>"Fri 5 Dec 2026", or "no date set".</summary>
    public static string DateText(DateOnly? date) =>
        date?.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture) ?? "no date set";

    /// <summary>
    /// The next gate in one line, for the status card and the answers: "Gate 3: Release to pilot
    /// customers (Build → Pilot), Fri 5 Dec 2026; 2 of 3 entry criteria confirmed".
    /// </summary>
    public static string NextGateText(GovernanceProgram program, IReadOnlyCollection<StageGate> gates, DateOnly today)
    {
        if (gates.Count == 0)
        {
            return "No stage gates defined";
        }

        if (NextGate(program, gates) is not { } gate)
        {
            return "Every stage gate is passed";
        }

        var confirmed = gate.Criteria.Count(c => c.ConfirmedAt is not null);
        var criteria = gate.Criteria.Count == 0 ? "no entry criteria" : $"{confirmed} of {gate.Criteria.Count} entry criteria confirmed";
        var late = gate.Date is { } d && d < today ? " (date passed)" : string.Empty;
        return $"{ReviewTitle(gate)} ({Between(program, gate)}), {DateText(gate.Date)}{late}; {criteria}";
    }

    [GeneratedRegex(@"^gate-(\d+)$")]
    private static partial Regex NumberedKey();
}
