using System.Globalization;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.GovernanceAsCode;

public sealed record ImportResult(bool Succeeded, bool Changed, IReadOnlyList<string> Errors, IReadOnlyList<string> Changes, string? WorkspaceKey = null, string? ProgramKey = null);

/// <summary>
/// Applies a governance file in one transaction: validated first, all or nothing, idempotent
/// (matched by keys, so a re-import updates rather than duplicates). Things the file no longer
/// lists are removed, except recorded history: measurements and votes only ever get added or updated.
/// </summary>
public sealed class GovernanceImporter(IGovernanceDbFactory factory, TimeProvider time)
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
        var changes = new List<string>();
        var storeErrors = new List<string>();
        var (workspace, program) = await ApplyAsync(db, file, changes, storeErrors, now, cancellationToken);
        if (storeErrors.Count > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new ImportResult(false, false, storeErrors.Select(e => $"{fileName}:1:1: {e}").ToList(), []);
        }

        var changed = db.ChangeTracker.HasChanges();
        if (changed)
        {
            db.AppendAudit(now, workspace.Id, program.Id, "governance-as-code", "cli", "governance.imported", $"program:{program.Key}",
                after: string.Join("; ", changes.Take(50)));
        }

        if (dryRun)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new ImportResult(true, changed, [], changes, workspace.Key, program.Key);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ImportResult(true, changed, [], changes, workspace.Key, program.Key);
    }

    private static async Task<(Workspace, GovernanceProgram)> ApplyAsync(
        GovernanceDb db, GovernanceFile file, List<string> changes, List<string> errors, DateTimeOffset now, CancellationToken cancellationToken)
    {
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
            .Include(p => p.Benefits)
            .Include(p => p.ApproverGroups)
            .Include(p => p.CheckIns).ThenInclude(c => c.Questions)
            .Include(p => p.Approvals).ThenInclude(a => a.Approvers)
            .Include(p => p.Approvals).ThenInclude(a => a.Votes)
            .FirstOrDefaultAsync(p => p.WorkspaceId == workspace.Id && p.Key == spec.Key, cancellationToken);
        if (program is null)
        {
            program = new GovernanceProgram { WorkspaceId = workspace.Id, Key = spec.Key, Name = spec.Name, TimeZone = spec.TimeZone };
            db.Programs.Add(program);
            changes.Add($"program {spec.Key} created");
        }

        program.Name = spec.Name;
        program.Description = spec.Description;
        program.Phase = Enum.Parse<ProgramPhase>(spec.Phase, ignoreCase: true);
        program.Stage = spec.Stage;
        program.TimeZone = spec.TimeZone;
        program.StatusPostCron = spec.StatusPost;
        // Kept in the documented order so an unchanged list is never seen as a change.
        program.SelfApprovalKinds = GovernanceFileReader.ApprovalKinds.Where(spec.SelfApproval.Contains).ToList();

        var people = Sync(db, program.Stakeholders, file.Stakeholders, s => s.Key, x => x.Key, changes, "stakeholder",
            x => new Stakeholder { ProgramId = program.Id, Key = x.Key, Name = x.Name, TimeZone = x.TimeZone },
            (s, x) =>
            {
                s.Name = x.Name;
                s.Email = x.Email?.ToLowerInvariant();
                s.Title = x.Title;
                s.Roles = x.Roles;
                s.TimeZone = x.TimeZone;
                s.AwayUntil = x.AwayUntil is null ? null : ParseDate(x.AwayUntil);
            });
        Guid? Person(string? key) => key is null ? null : people[key].Id;

        Sync(db, program.Kpis, file.Kpis, k => k.Key, x => x.Key, changes, "KPI",
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
                foreach (var m in x.History)
                {
                    var date = ParseDate(m.Date);
                    var measurement = k.Measurements.FirstOrDefault(e => e.Date == date);
                    if (measurement is null)
                    {
                        measurement = new KpiMeasurement { KpiId = k.Id, Date = date, RecordedAt = now };
                        k.Measurements.Add(measurement);
                        db.KpiMeasurements.Add(measurement);
                    }

                    measurement.Value = m.Value;
                    measurement.Note = m.Note;
                    measurement.RecordedBy = m.By;
                }
            });

        Sync(db, program.Benefits, file.Benefits, b => b.Key, x => x.Key, changes, "benefit",
            x => new Benefit { ProgramId = program.Id, Key = x.Key, Name = x.Name },
            (b, x) =>
            {
                b.Name = x.Name;
                b.Description = x.Description;
                b.OwnerId = Person(x.Owner);
                b.Status = ParseBenefitStatus(x.Status);
                b.RealisationDate = x.RealisationDate is null ? null : ParseDate(x.RealisationDate);
                b.Unit = x.Unit;
                b.Baseline = x.Baseline;
                b.Target = x.Target;
                b.KpiKeys = x.Kpis;
            });

        Sync(db, program.ApproverGroups, file.ApproverGroups, g => g.Key, x => x.Key, changes, "approver group",
            x => new ApproverGroup { ProgramId = program.Id, Key = x.Key, Name = x.Name },
            (g, x) =>
            {
                var (rule, count) = ParseQuorum(x.Quorum);
                g.Name = x.Name;
                g.MemberKeys = x.Members;
                g.Quorum = rule;
                g.QuorumCount = count;
                g.MaxRejections = x.MaxRejections;
            });

        Sync(db, program.CheckIns, file.CheckIns, c => c.Key, x => x.Key, changes, "check-in",
            x => new CheckInDefinition { ProgramId = program.Id, Key = x.Key, Name = x.Name, Cron = x.Schedule },
            (c, x) => ApplyCheckIn(db, c, x, changes, now));

        var groups = file.ApproverGroups.ToDictionary(g => g.Key);
        foreach (var x in file.Approvals)
        {
            var approval = program.Approvals.FirstOrDefault(a => a.Key == x.Key);
            if (approval is null)
            {
                approval = new ApprovalRequest { ProgramId = program.Id, Key = x.Key, Title = x.Title, CreatedAt = now };
                program.Approvals.Add(approval);
                db.Approvals.Add(approval);
                changes.Add($"approval {x.Key} created");
            }

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

        return (workspace, program);
    }

    /// <summary>
    /// Makes a check-in (and its questions, matched by key) say what a validated spec says; used by
    /// import and by the chat form, so both store a definition the same way.
    /// </summary>
    internal static void ApplyCheckIn(GovernanceDb db, CheckInDefinition c, CheckInSpec x, List<string> changes, DateTimeOffset now)
    {
        if (db.Entry(c).State == EntityState.Added || c.Cron != x.Schedule || (!c.Enabled && x.Enabled))
        {
            c.ScheduledFrom = now;
        }

        c.Name = x.Name;
        c.Cron = x.Schedule;
        c.Window = ParseDuration(x.Window);
        c.Reminders = x.Reminders.Select(ParseDuration).ToList();
        c.ParticipantRoles = x.Participants.Roles;
        c.ParticipantKeys = x.Participants.Stakeholders;
        c.Holidays = x.Holidays.Select(ParseDate).ToList();
        c.MentionNonResponders = x.MentionNonResponders;
        c.Enabled = x.Enabled;
        c.ArchivedAt = x.Archived == true ? c.ArchivedAt ?? now : null;
        var order = 0;
        Sync(db, c.Questions, x.Questions, q => q.Key, q => q.Key, changes, $"question of {x.Key}",
            q => new CheckInQuestion { CheckInId = c.Id, Key = q.Key, Text = q.Text },
            (q, qs) =>
            {
                q.Order = order++;
                q.Text = qs.Text;
                q.Kind = Enum.Parse<CheckInQuestionKind>(qs.Kind, ignoreCase: true);
                q.Required = qs.Required;
                q.Options = qs.Options;
                q.FlagsRisks = qs.FlagsRisks;
            });
    }

    /// <summary>Adds, updates and removes entities so the collection matches the file, keyed by key.</summary>
    private static Dictionary<string, TEntity> Sync<TEntity, TSpec>(
        GovernanceDb db,
        List<TEntity> existing,
        IReadOnlyList<TSpec> wanted,
        Func<TEntity, string> entityKey,
        Func<TSpec, string> specKey,
        List<string> changes,
        string what,
        Func<TSpec, TEntity> create,
        Action<TEntity, TSpec> update)
        where TEntity : class
    {
        var wantedKeys = wanted.Select(specKey).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in existing.Where(e => !wantedKeys.Contains(entityKey(e))).ToList())
        {
            existing.Remove(gone);
            db.Remove(gone);
            changes.Add($"{what} {entityKey(gone)} removed");
        }

        var result = new Dictionary<string, TEntity>(StringComparer.Ordinal);
        foreach (var spec in wanted)
        {
            var entity = existing.FirstOrDefault(e => entityKey(e) == specKey(spec));
            if (entity is null)
            {
                entity = create(spec);
                existing.Add(entity);
                db.Add(entity);
                changes.Add($"{what} {specKey(spec)} added");
            }

            update(entity, spec);
            result[specKey(spec)] = entity;
        }

        return result;
    }

    internal static (QuorumRule Rule, int? Count) ParseQuorum(string text) =>
        GovernanceFileReader.TryParseQuorum(text, out var rule, out var count, out _)
            ? (rule, count)
            : throw new FormatException($"Not a quorum rule: {text}");

    internal static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseInstant(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();

    internal static TimeSpan ParseDuration(string text) =>
        GovernanceFileReader.TryParseDuration(text, out var value) ? value : throw new FormatException($"Not a duration: {text}");

    internal static BenefitStatus ParseBenefitStatus(string word) => Enum.Parse<BenefitStatus>(word.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);

    internal static ApprovalKind ParseApprovalKind(string word) => Enum.Parse<ApprovalKind>(word.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);

    internal static string Word<TEnum>(TEnum value) where TEnum : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}"));
}
