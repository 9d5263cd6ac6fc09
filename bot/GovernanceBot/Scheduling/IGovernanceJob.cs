namespace GovernanceBot.Scheduling;

/// <summary>
/// A recurring sweep: "find what is due and act on it". Sweeps are idempotent (what they send goes
/// through the outbox with an idempotency key, what they change is guarded by the state it reads),
/// so a run that is missed during downtime is simply caught up by the next one, and two instances
/// running the same sweep do no harm. Register with <c>services.AddGovernanceJob&lt;T&gt;()</c>.
/// </summary>
public interface IGovernanceJob
{
    /// <summary>Stable id of the recurring job.</summary>
    static abstract string JobId { get; }

    /// <summary>How often the sweep runs (cron, UTC); every minute is typical.</summary>
    static abstract string Cron { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
