using System.Globalization;
using GovernanceBot.Features.Programs;
using GovernanceBot.Features.Health;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.LifeCycle;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.GovernanceAsCode;

/// <summary>
/// The life cycle and benefit actuals part of an import. The file owns the phases, the gates, their
/// dates, approver groups and criteria. Chat owns what happens to them: a gate passed by its review
/// (and so the program's phase), a criterion confirmed by its owner, a benefit's recorded actuals.
/// The file seeds those for what is new and never rewrites them.
/// </summary>
internal static class LifeCycleImport
{
    /// <summary>Who passed a gate or confirmed a criterion when a file said so, not a review or an owner in chat.</summary>
    public const string FileActor = "governance-as-code";

    public static void ApplyPhase(GovernanceProgram program, GovernanceFile file, IReadOnlyList<StageGate> gates, bool isNew, ImportReport report, List<string> errors)
    {
        program.Phases = file.LifeCycle?.Phases is { Count: > 0 } phases ? [.. phases] : [.. LifeCyclePhases.Default];
        var movedInChat = gates.Any(g => g.PassedAt is not null && g.PassedBy != FileActor);
        if (isNew || !movedInChat)
        {
            program.Phase = file.Program.Phase;
            return;
        }

        if (program.Phase != file.Program.Phase)
        {
            report.Kept.Add($"program {program.Key}: phase stays {program.Phase}, where passing a gate in chat moved it (the file says {file.Program.Phase})");
        }

        if (program.Phase != LifeCycleRules.Closed && !program.Phases.Contains(program.Phase))
        {
            errors.Add($"the program is in the phase '{program.Phase}' (moved there in chat), which the file's lifeCycle.phases no longer has; keep that phase in the list");
        }
    }

    /// <summary>Adds the actuals the store lacks; a value once recorded is never changed by a file.</summary>
    public static void SeedActuals(GovernanceDb db, Benefit benefit, BenefitSpec spec, ImportReport report, DateTimeOffset now)
    {
        var created = db.Entry(benefit).State == EntityState.Added;
        foreach (var m in spec.Actuals)
        {
            var date = GovernanceImporter.ParseDate(m.Date);
            var actual = benefit.Actuals.FirstOrDefault(a => a.Date == date);
            if (actual is null)
            {
                actual = new BenefitActual { BenefitId = benefit.Id, Date = date, Value = m.Value, Note = m.Note, RecordedBy = m.By, RecordedAt = now };
                benefit.Actuals.Add(actual);
                db.BenefitActuals.Add(actual);
                if (!created)
                {
                    report.Changes.Add($"benefit {benefit.Key}: actual of {m.Date} added ({ImportReport.Show(m.Value)})");
                }
            }
            else if (actual.Value != m.Value)
            {
                report.Kept.Add($"benefit {benefit.Key}: the {m.Date} actual stays {ImportReport.Show(actual.Value)} as recorded (the file says {ImportReport.Show(m.Value)})");
            }
        }
    }

    public static void ApplyGates(GovernanceDb db, GovernanceProgram program, GovernanceFile file, List<StageGate> gates, Func<string?, Guid?> person,
        ImportReport report, List<string> errors, DateTimeOffset now)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
        var wanted = file.LifeCycle?.Gates ?? [];
        KeyedSync.Apply(db, gates, wanted, g => g.Key, x => x.Key, report.Changes, "gate",
            x => new StageGate { ProgramId = program.Id, Key = x.Key, Name = x.Name, AfterPhase = x.After },
            (g, x) =>
            {
                var added = db.Entry(g).State == EntityState.Added;
                g.Name = x.Name;
                g.AfterPhase = x.After;
                g.Date = x.Date is null ? null : GovernanceImporter.ParseDate(x.Date);
                g.ApproverGroupKey = x.ApproverGroup;
                ApplyPassed(g, x, zone, report);
                var linked = x.Approval is null ? null : program.Approvals.FirstOrDefault(a => a.Key == x.Approval);
                if (added || g.ApprovalRequestId is null)
                {
                    g.ApprovalRequestId = linked?.Id;
                }
                else if (linked is not null && g.ApprovalRequestId != linked.Id)
                {
                    report.Kept.Add($"gate {g.Key}: its review stays the one requested in chat (the file names {x.Approval})");
                }

                var order = 0;
                KeyedSync.Apply(db, g.Criteria, x.Criteria, c => c.Key, c => c.Key, report.Changes, $"entry criterion of gate {x.Key}",
                    c => new GateCriterion { GateId = g.Id, Key = c.Key, Text = c.Text },
                    (c, cs) =>
                    {
                        c.Order = order++;
                        c.Text = cs.Text;
                        c.OwnerId = person(cs.Owner);
                        var confirmed = cs.Confirmed is null ? (DateOnly?)null : GovernanceImporter.ParseDate(cs.Confirmed);
                        if (db.Entry(c).State == EntityState.Added)
                        {
                            c.ConfirmedAt = confirmed is { } day ? Moment(day, zone) : null;
                            c.ConfirmedById = confirmed is null ? null : c.OwnerId;
                        }
                        else if (DayOf(c.ConfirmedAt, zone) != confirmed)
                        {
                            report.Kept.Add($"gate {g.Key}, criterion {c.Key}: stays {(c.ConfirmedAt is { } at ? $"confirmed on {Show(DayOf(at, zone))}" : "unconfirmed")} as its owner said in chat (the file says {(confirmed is null ? "unconfirmed" : $"confirmed on {Show(confirmed)}")})");
                        }
                    },
                    removals: report.Removals);
            },
            removals: report.Removals,
            refuseRemoval: gone => gone.ApprovalRequestId is not null || (gone.PassedAt is not null && gone.PassedBy != FileActor)
                ? $"the file no longer lists the gate '{gone.Key}', which was reviewed or passed in chat; an import never deletes that history (keep the gate in the file)"
                : null,
            errors: errors);

        // A review the file creates carries the gate's evidence as it stands at the import, as one requested in chat does.
        foreach (var gate in gates.Where(g => g.ApprovalRequestId is not null))
        {
            var review = program.Approvals.FirstOrDefault(a => a.Id == gate.ApprovalRequestId);
            if (review is { Status: ApprovalStatus.Pending, EvidenceJson: null } && db.Entry(review).State == EntityState.Added)
            {
                review.EvidenceJson = new ApprovalEvidence(GateBook.AsOf(now, zone), GateBook.Evidence(program, gate, zone)).Write();
            }
        }
    }

    private static void ApplyPassed(StageGate gate, GateSpec spec, TimeZoneInfo zone, ImportReport report)
    {
        var passed = spec.Passed is null ? (DateOnly?)null : GovernanceImporter.ParseDate(spec.Passed);
        if (gate.PassedAt is null || gate.PassedBy == FileActor)
        {
            // Not passed in chat: the file says whether (and when) it was passed outside the bot.
            gate.PassedAt = passed is { } day ? Moment(day, zone) : null;
            gate.PassedBy = passed is null ? null : FileActor;
        }
        else if (DayOf(gate.PassedAt, zone) != passed)
        {
            report.Kept.Add($"gate {gate.Key}: stays passed on {Show(DayOf(gate.PassedAt, zone))} by review {gate.PassedBy} (the file says {(passed is null ? "not passed" : $"passed on {Show(passed)}")})");
        }
    }

    /// <summary>A day in the file as a moment: 17:00 that day in the program's time zone, as approval deadlines are.</summary>
    internal static DateTimeOffset Moment(DateOnly day, TimeZoneInfo zone) => ApprovalBook.DeadlineOn(day, zone);

    internal static DateOnly? DayOf(DateTimeOffset? at, TimeZoneInfo zone) =>
        at is { } v ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(v, zone).DateTime) : null;

    private static string Show(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none";
}
