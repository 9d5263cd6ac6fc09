namespace GovernanceBot.Store.Entities;

public sealed class Kpi
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgramId { get; set; }
    public GovernanceProgram? Program { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public string? Unit { get; set; }
    public KpiDirection Direction { get; set; }
    public double Target { get; set; }
    /// <summary>Crossing this value (downwards when higher is better) turns the KPI Amber.</summary>
    public double Amber { get; set; }
    /// <summary>Crossing this value turns the KPI Red.</summary>
    public double Red { get; set; }
    public Guid? OwnerId { get; set; }
    public Stakeholder? Owner { get; set; }
    public KpiCadence Cadence { get; set; } = KpiCadence.Weekly;
    public List<KpiMeasurement> Measurements { get; set; } = [];
}

public enum KpiDirection { HigherIsBetter, LowerIsBetter }

public enum KpiCadence { Daily, Weekly, Fortnightly, Monthly, Quarterly }

public sealed class KpiMeasurement
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid KpiId { get; set; }
    public DateOnly Date { get; set; }
    public double Value { get; set; }
    public string? Note { get; set; }
    public string? RecordedBy { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}

public sealed class Benefit
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ProgramId { get; set; }
    public GovernanceProgram? Program { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public Guid? OwnerId { get; set; }
    public Stakeholder? Owner { get; set; }
    public BenefitStatus Status { get; set; } = BenefitStatus.Identified;
    public DateOnly? RealisationDate { get; set; }
    public string? Unit { get; set; }
    public double? Baseline { get; set; }
    public double? Target { get; set; }
    /// <summary>The day the baseline was measured: where the planned realisation curve starts.</summary>
    public DateOnly? BaselineDate { get; set; }
    /// <summary>
    /// A dis-benefit: a consequence someone sees as negative (e.g. support cost while two systems
    /// run), tracked like a benefit but where lower is better and the target is the tolerated limit.
    /// </summary>
    public bool IsDisBenefit { get; set; }
    public List<string> KpiKeys { get; set; } = [];
    /// <summary>The benefit's own measured values over time; its linked KPIs stay supporting measures.</summary>
    public List<BenefitActual> Actuals { get; set; } = [];
}

public enum BenefitStatus { Identified, Planned, InDelivery, Realised, Sustained, AtRisk }
