using System.Globalization;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.GovernanceAsCode;

/// <param name="Changes">Every definition added or changed, field by field.</param>
/// <param name="Removals">Every definition the file no longer lists, removed (or archived, when it has history).</param>
/// <param name="Overwrites">Definitions changed in chat since the last import that this import replaces.</param>
/// <param name="Kept">State recorded in chat that differs from the file and that the import leaves as it is.</param>
public sealed record ImportResult(
    bool Succeeded,
    bool Changed,
    IReadOnlyList<string> Errors,
    IReadOnlyList<string> Changes,
    string? WorkspaceKey = null,
    string? ProgramKey = null,
    IReadOnlyList<string>? Removals = null,
    IReadOnlyList<string>? Overwrites = null,
    IReadOnlyList<string>? Kept = null);

/// <summary>
/// Applies a governance file in one transaction: validated first, all or nothing, idempotent
/// (matched by keys, so a re-import updates rather than duplicates).
/// The file owns definitions (the program, people, KPIs and thresholds, benefit definitions,
/// check-ins, approver groups): they become what the file says, and what it no longer lists is
/// removed. Chat owns state (measurements, benefit statuses, absences, approval requests with their
/// votes and decisions, check-in answers): the file's values only seed what does not exist yet, and
/// an import never changes or deletes recorded state. A check-in with recorded rounds is archived
/// rather than deleted, and the import refuses to remove a KPI with measurements or a person with votes.
/// </summary>
public sealed partial class GovernanceImporter(IGovernanceDbFactory factory, TimeProvider time)
{
    public async Task<ImportResult> ImportAsync(string fileName, string yaml, bool dryRun, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var (file, errors) = GovernanceFileReader.Read(yaml, now);
        if (file is null)
        {
            return new ImportResult(false, false, errors.Select(e => e.Format(fileName)).ToList(), []);
        }

        await using var db = factory.Create();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var report = new ImportReport();
        var storeErrors = new List<string>();
        var (workspace, program) = await ApplyAsync(db, file, report, storeErrors, now, cancellationToken);
        if (storeErrors.Count > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new ImportResult(false, false, storeErrors.Select(e => $"{fileName}:1:1: {e}").ToList(), []);
        }

        report.AddFieldChanges(db, program);
        var changed = db.ChangeTracker.HasChanges();
        var overwrites = changed ? await report.ChatChangesOverwrittenAsync(db, program, cancellationToken) : [];
        if (changed)
        {
            db.AppendAudit(now, workspace.Id, program.Id, "governance-as-code", "cli", "governance.imported", $"program:{program.Key}",
                after: string.Join("; ", report.Changes.Concat(report.Removals).Take(50)));
        }

        var outcome = new ImportResult(true, changed, [], report.Changes, workspace.Key, program.Key, report.Removals, overwrites, report.Kept);
        if (dryRun)
        {
            await transaction.RollbackAsync(cancellationToken);
            return outcome;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return outcome;
    }

    private static async Task<(Workspace, GovernanceProgram)> ApplyAsync(
        GovernanceDb db, GovernanceFile file, ImportReport report, List<string> errors, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changes = report.Changes;
        var workspace = await db.Workspaces.Include(w => w.Identities).FirstOrDefaultAsync(w => w.Key == file.Workspace.Key, cancellationToken);
        if (workspace is null)
        {
            workspace = new Workspace { Key = file.Workspace.Key, Name = file.Workspace.Name, CreatedAt = now };
            db.Workspaces.Add(workspace);
            changes.Add($"workspace {workspace.Key} created");
        }

        workspace.Name = file.Workspace.Name;
        foreach (var identity in file.Workspace.Identities)
        {
            var existing = await db.WorkspaceIdentities.Include(i => i.Workspace)
                .FirstOrDefaultAsync(i => i.Channel == identity.Channel && i.ExternalId == identity.Id, cancellationToken);
            if (existing is null)
            {
                db.WorkspaceIdentities.Add(new WorkspaceIdentity { WorkspaceId = workspace.Id, Channel = identity.Channel, ExternalId = identity.Id, InstalledAt = now });
                changes.Add($"identity {identity.Channel} {identity.Id} added");
            }
            else if (existing.WorkspaceId != workspace.Id)
            {
                // An install created a workspace of its own for this tenant/team; claim it if it holds nothing yet.
                if (await db.Programs.AnyAsync(p => p.WorkspaceId == existing.WorkspaceId, cancellationToken))
                {
                    errors.Add($"the {identity.Channel} workspace '{identity.Id}' already belongs to workspace '{existing.Workspace!.Key}', which has programs; import into that workspace key instead");
                }
                else
                {
                    existing.WorkspaceId = workspace.Id;
                    changes.Add($"identity {identity.Channel} {identity.Id} moved to {workspace.Key}");
                }
            }
        }

        var spec = file.Program;
        var program = await db.Programs.AsSplitQuery()
            .Include(p => p.Stakeholders)
            .Include(p => p.Kpis).ThenInclude(k => k.Measurements)
            .Include(p => p.Benefits).ThenInclude(b => b.Actuals)
            .Include(p => p.ApproverGroups)
            .Include(p => p.CheckIns).ThenInclude(c => c.Questions)
            .Include(p => p.Approvals).ThenInclude(a => a.Approvers)
            .Include(p => p.Approvals).ThenInclude(a => a.Votes)
            .FirstOrDefaultAsync(p => p.WorkspaceId == workspace.Id && p.Key == spec.Key, cancellationToken);
        var gates = program is null ? [] : await db.StageGates.Include(g => g.Criteria).Where(g => g.ProgramId == program.Id).ToListAsync(cancellationToken);
        var isNew = program is null;
        if (program is null)
        {
            program = new GovernanceProgram { WorkspaceId = workspace.Id, Key = spec.Key, Name = spec.Name, TimeZone = spec.TimeZone };
            db.Programs.Add(program);
            changes.Add($"program {spec.Key} created");
        }

        // Before any date is read from the file: a file with asOf has its dates moved by whole weeks
        // (said once, at the first import; later imports move them the same way, silently).
        if (RelativeDates.Apply(file, program, isNew, now) is var moved and not 0 && isNew)
        {
            changes.Add($"every date moved {Math.Abs(moved / 7)} week(s) {(moved > 0 ? "later" : "earlier")}, so asOf is {file.AsOf}: within the last seven days");
        }

        program.Name = spec.Name;
        program.Description = spec.Description;
        LifeCycleImport.ApplyPhase(program, file, gates, isNew, report, errors);
        program.Stage = spec.Stage;
        program.TimeZone = spec.TimeZone;
        program.StatusPostCron = spec.StatusPost;
        // Kept in the documented order so an unchanged list is never seen as a change.
        program.SelfApprovalKinds = GovernanceFileReader.ApprovalKinds.Where(spec.SelfApproval.Contains).ToList();

        var answered = (await db.CheckInRounds.Where(r => r.ProgramId == program.Id).SelectMany(r => r.Responses).Select(r => r.StakeholderId)
            .Distinct().ToListAsync(cancellationToken)).ToHashSet();
        var people = KeyedSync.Apply(db, program.Stakeholders, file.Stakeholders, s => s.Key, x => x.Key, changes, "stakeholder",
            x => new Stakeholder { ProgramId = program.Id, Key = x.Key, Name = x.Name, TimeZone = x.TimeZone },
            (s, x) =>
            {
                s.Name = x.Name;
                s.Email = x.Email?.ToLowerInvariant();
                s.Title = x.Title;
                s.Roles = x.Roles;
                s.TimeZone = x.TimeZone;
                // An absence is the person's own, said in chat ("away until"): the file only seeds it.
                var away = x.AwayUntil is null ? (DateOnly?)null : ParseDate(x.AwayUntil);
                if (db.Entry(s).State == EntityState.Added)
                {
                    s.AwayUntil = away;
                }
                else if (s.AwayUntil != away)
                {
                    report.Kept.Add($"stakeholder {s.Key}: away until {ImportReport.Show(s.AwayUntil)} stays as set in chat (the file says {ImportReport.Show(away)})");
                }
            },
            removals: report.Removals,
            refuseRemoval: gone => answered.Contains(gone.Id) || program.Approvals.Any(a => a.Votes.Any(v => v.ApproverId == gone.Id || v.CastById == gone.Id))
                ? $"the file no longer lists the stakeholder '{gone.Key}', who has votes or check-in answers recorded; an import never deletes them (keep the person in the file)"
                : null,
            errors: errors);
        Guid? Person(string? key) => key is null ? null : people[key].Id;

        KeyedSync.Apply(db, program.Kpis, file.Kpis, k => k.Key, x => x.Key, changes, "KPI",
            x => new Kpi { ProgramId = program.Id, Key = x.Key, Name = x.Name },
            (k, x) =>
            {
                k.Name = x.Name;
                k.Description = x.Description;
                k.Unit = x.Unit;
                k.Direction = x.Direction == "lower" ? KpiDirection.LowerIsBetter : KpiDirection.HigherIsBetter;
                k.Target = x.Target;
                k.Amber = x.Amber;
                k.Red = x.Red;
                k.OwnerId = Person(x.Owner);
                k.Cadence = Enum.Parse<KpiCadence>(x.Cadence, ignoreCase: true);
                var created = db.Entry(k).State == EntityState.Added;
                foreach (var m in x.History)
                {
                    // Measurements are history: the file adds the dates the store lacks and never
                    // changes a value once recorded (in chat or by an earlier import).
                    var date = ParseDate(m.Date);
                    var measurement = k.Measurements.FirstOrDefault(e => e.Date == date);
                    if (measurement is null)
                    {
                        measurement = new KpiMeasurement { KpiId = k.Id, Date = date, RecordedAt = now, Value = m.Value, Note = m.Note, RecordedBy = m.By };
                        k.Measurements.Add(measurement);
                        db.KpiMeasurements.Add(measurement);
                        if (!created)
                        {
                            changes.Add($"KPI {k.Key}: measurement of {m.Date} added ({ImportReport.Show(m.Value)})");
                        }
                    }
                    else if (measurement.Value != m.Value)
                    {
                        report.Kept.Add($"KPI {k.Key}: the {m.Date} value stays {ImportReport.Show(measurement.Value)} as recorded (the file says {ImportReport.Show(m.Value)})");
                    }
                }
            },
            removals: report.Removals,
            refuseRemoval: gone => gone.Measurements.Count == 0 ? null
                : $"the file no longer lists the KPI '{gone.Key}', which has {gone.Measurements.Count} recorded measurement(s); an import never deletes recorded history (keep the KPI in the file)",
            errors: errors);

        KeyedSync.Apply(db, program.Benefits, file.Benefits, b => b.Key, x => x.Key, changes, "benefit",
            x => new Benefit { ProgramId = program.Id, Key = x.Key, Name = x.Name },
            (b, x) =>
            {
                b.Name = x.Name;
                b.Description = x.Description;
                b.OwnerId = Person(x.Owner);
                // A benefit's status is reported in chat; the file only sets it for a new benefit.
                var status = ParseBenefitStatus(x.Status);
                if (db.Entry(b).State == EntityState.Added)
                {
                    b.Status = status;
                }
                else if (b.Status != status)
                {
                    report.Kept.Add($"benefit {b.Key}: status stays {Keys.Word(b.Status)} as reported in chat (the file says {Keys.Word(status)})");
                }

                b.RealisationDate = x.RealisationDate is null ? null : ParseDate(x.RealisationDate);
                b.Unit = x.Unit;
                b.Baseline = x.Baseline;
                b.Target = x.Target;
                b.BaselineDate = x.BaselineDate is null ? null : ParseDate(x.BaselineDate);
                b.IsDisBenefit = x.DisBenefit == true;
                b.KpiKeys = x.Kpis;
                LifeCycleImport.SeedActuals(db, b, x, report, now);
            },
            removals: report.Removals);

        KeyedSync.Apply(db, program.ApproverGroups, file.ApproverGroups, g => g.Key, x => x.Key, changes, "approver group",
            x => new ApproverGroup { ProgramId = program.Id, Key = x.Key, Name = x.Name },
            (g, x) =>
            {
                var (rule, count) = ParseQuorum(x.Quorum);
                g.Name = x.Name;
                g.MemberKeys = x.Members;
                g.Quorum = rule;
                g.QuorumCount = count;
                g.MaxRejections = x.MaxRejections;
            },
            removals: report.Removals);

        var withRounds = await db.CheckInRounds.Where(r => r.ProgramId == program.Id).GroupBy(r => r.CheckInId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        KeyedSync.Apply(db, program.CheckIns, file.CheckIns, c => c.Key, x => x.Key, changes, "check-in",
            x => new CheckInDefinition { ProgramId = program.Id, Key = x.Key, Name = x.Name, Cron = x.Schedule },
            (c, x) => CheckInSpecs.Apply(db, c, x, changes, now),
            removals: report.Removals,
            keepInstead: c =>
            {
                if (!withRounds.TryGetValue(c.Id, out var rounds))
                {
                    return false;
                }

                // Its rounds hold people's answers: archived, as "checkin remove" does in chat, never deleted.
                if (c.ArchivedAt is null)
                {
                    c.ArchivedAt = now;
                    c.Enabled = false;
                    report.Removals.Add($"check-in {c.Key} archived, not deleted: its {rounds} recorded round(s) and their answers are kept");
                }

                return true;
            });

        var groups = file.ApproverGroups.ToDictionary(g => g.Key);
        foreach (var x in file.Approvals)
        {
            var approval = program.Approvals.FirstOrDefault(a => a.Key == x.Key);
            if (approval is not null)
            {
                // A request, once made, lives in chat: its votes, decision and escalation are recorded
                // there and in the decision log. The file created it; it never rewrites it.
                if (approval.Status != Enum.Parse<ApprovalStatus>(x.Status, ignoreCase: true))
                {
                    report.Kept.Add($"approval {x.Key}: stays {Keys.Word(approval.Status)} as decided in chat (the file says {x.Status})");
                }

                var unrecorded = x.Votes.Count(v => approval.Votes.All(e => e.ApproverId != people[v.Approver].Id));
                if (unrecorded > 0)
                {
                    report.Kept.Add($"approval {x.Key}: {unrecorded} vote(s) in the file are not added (votes are cast in chat)");
                }

                continue;
            }

            approval = new ApprovalRequest { ProgramId = program.Id, Key = x.Key, Title = x.Title, CreatedAt = now };
            program.Approvals.Add(approval);
            db.Approvals.Add(approval);
            changes.Add($"approval {x.Key} created");

            var quorumText = x.Quorum ?? (x.ApproverGroup is { } g ? groups[g].Quorum : "majority");
            var (rule, count) = ParseQuorum(quorumText);
            approval.Title = x.Title;
            approval.Kind = ParseApprovalKind(x.Kind);
            approval.Description = x.Description;
            approval.RequesterId = Person(x.Requester);
            approval.CreatedAt = x.Created is null ? approval.CreatedAt : ParseInstant(x.Created);
            approval.Deadline = x.Due is null ? null : ParseInstant(x.Due);
            approval.OnDeadline = x.OnDeadline == "escalate" ? DeadlineAction.Escalate : DeadlineAction.Expire;
            approval.ReminderLead = ParseDuration(x.ReminderLead);
            approval.Quorum = rule;
            approval.QuorumCount = count;
            approval.MaxRejections = x.MaxRejections ?? (x.ApproverGroup is { } g2 ? groups[g2].MaxRejections : null);
            approval.Status = Enum.Parse<ApprovalStatus>(x.Status, ignoreCase: true);
            approval.DecidedAt = x.Decided is null ? null : ParseInstant(x.Decided);

            var wanted = x.Approvers.Select(k => people[k].Id).ToHashSet();
            foreach (var gone in approval.Approvers.Where(a => !wanted.Contains(a.StakeholderId)).ToList())
            {
                approval.Approvers.Remove(gone);
                db.ApprovalApprovers.Remove(gone);
            }

            foreach (var id in wanted.Where(id => approval.Approvers.All(a => a.StakeholderId != id)))
            {
                var approver = new ApprovalApprover { RequestId = approval.Id, StakeholderId = id };
                approval.Approvers.Add(approver);
                db.ApprovalApprovers.Add(approver);
            }

            foreach (var v in x.Votes)
            {
                var approverId = people[v.Approver].Id;
                var vote = approval.Votes.FirstOrDefault(e => e.ApproverId == approverId);
                if (vote is null)
                {
                    vote = new Vote { RequestId = approval.Id, ApproverId = approverId };
                    approval.Votes.Add(vote);
                    db.Votes.Add(vote);
                }

                vote.CastById = Person(v.By) ?? approverId;
                vote.Decision = Enum.Parse<VoteDecision>(v.Decision, ignoreCase: true);
                vote.Comment = v.Comment;
                vote.CastAt = ParseInstant(v.At);
            }
        }

        await ApplyRegistersAsync(db, file, workspace, program, people, report, errors, now, cancellationToken);
        LifeCycleImport.ApplyGates(db, program, file, gates, Person, report, errors, now);
        return (workspace, program);
    }

    internal static (QuorumRule Rule, int? Count) ParseQuorum(string text) =>
        Quorum.TryParse(text, out var written)
            ? (written.Rule, written.Count)
            : throw new FormatException($"Not a quorum rule: {text}");

    internal static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseInstant(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();

    internal static TimeSpan ParseDuration(string text) =>
        Durations.TryParse(text, out var value) ? value : throw new FormatException($"Not a duration: {text}");

    internal static BenefitStatus ParseBenefitStatus(string word) => Enum.Parse<BenefitStatus>(word.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);

    internal static ApprovalKind ParseApprovalKind(string word) => Enum.Parse<ApprovalKind>(word.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);
}
