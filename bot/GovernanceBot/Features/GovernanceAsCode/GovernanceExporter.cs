using GovernanceBot.Features.Programs;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace GovernanceBot.Features.GovernanceAsCode;

/// <summary>Writes a program back in the governance-as-code format; importing the result changes nothing.</summary>
public sealed partial class GovernanceExporter(IGovernanceDbFactory factory)
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull | DefaultValuesHandling.OmitEmptyCollections)
        .DisableAliases()
        .Build();

    public const string EmptyStore =
        "The store is empty: no program has been imported yet. Import one with `import <file>` (for example samples/phoenix.yaml), or start the bot with no credentials to load the demo.";

    /// <summary>The program's YAML, or an error message naming what does exist.</summary>
    public async Task<(string? Yaml, string? Error)> ExportAsync(string? workspaceKey, string? programName, CancellationToken cancellationToken)
    {
        await using var db = factory.Create();
        var workspaces = await db.Workspaces.AsNoTracking().Include(w => w.Identities).OrderBy(w => w.Key).ToListAsync(cancellationToken);
        var withPrograms = workspaces.Where(w => db.Programs.Any(p => p.WorkspaceId == w.Id)).ToList();
        var workspace = workspaceKey is null
            ? withPrograms.Count == 1 ? withPrograms[0] : null
            : workspaces.FirstOrDefault(w => w.Key == workspaceKey);
        if (workspace is null && workspaceKey is null && withPrograms.Count == 0)
        {
            return (null, $"{GovernanceExporter.EmptyStore} Nothing to export.");
        }

        if (workspace is null)
        {
            return (null, workspaceKey is null
                ? $"Say which workspace with --workspace: {string.Join(", ", withPrograms.Select(w => w.Key))}"
                : $"No workspace '{workspaceKey}'. Workspaces: {string.Join(", ", workspaces.Select(w => w.Key))}");
        }

        var programs = await db.ProgramsOf(workspace.Id).AsNoTracking().OrderBy(p => p.Key).ToListAsync(cancellationToken);
        var program = programName is null
            ? programs.Count == 1 ? programs[0] : null
            : programs.FirstOrDefault(p => string.Equals(p.Key, programName, StringComparison.OrdinalIgnoreCase)
                || string.Equals(p.Name, programName, StringComparison.OrdinalIgnoreCase));
        if (program is null)
        {
            return (null, programName is null
                ? $"Say which program with --program: {string.Join(", ", programs.Select(p => p.Key))}"
                : $"No program '{programName}' in workspace '{workspace.Key}'. Programs: {string.Join(", ", programs.Select(p => p.Key))}");
        }

        var file = await BuildAsync(db, workspace, program.Id, cancellationToken);
        return (Serializer.Serialize(file), null);
    }

    private static async Task<GovernanceFile> BuildAsync(GovernanceDb db, Workspace workspace, Guid programId, CancellationToken cancellationToken)
    {
        var p = await db.Programs.AsNoTracking().AsSplitQuery()
            .Include(x => x.Stakeholders)
            .Include(x => x.Kpis).ThenInclude(k => k.Measurements)
            .Include(x => x.Benefits).ThenInclude(b => b.Actuals)
            .Include(x => x.ApproverGroups)
            .Include(x => x.CheckIns).ThenInclude(c => c.Questions)
            .Include(x => x.Approvals).ThenInclude(a => a.Approvers)
            .Include(x => x.Approvals).ThenInclude(a => a.Votes)
            .FirstAsync(x => x.Id == programId, cancellationToken);
        var keyOf = p.Stakeholders.ToDictionary(s => s.Id, s => s.Key);
        var gates = await db.StageGates.AsNoTracking().Include(g => g.Criteria).Where(g => g.ProgramId == programId).ToListAsync(cancellationToken);
        string? Key(Guid? id) => id is { } v && keyOf.TryGetValue(v, out var k) ? k : null;

        var (raid, decisions) = await RegistersAsync(db, p, cancellationToken);
        return new GovernanceFile
        {
            AsOf = p.AsOf?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Workspace = new WorkspaceSpec
            {
                Key = workspace.Key,
                Name = workspace.Name,
                Identities = workspace.Identities.OrderBy(i => i.Channel).ThenBy(i => i.ExternalId)
                    .Select(i => new IdentitySpec { Channel = i.Channel, Id = i.ExternalId }).ToList(),
            },
            Program = new ProgramSpec
            {
                Key = p.Key,
                Name = p.Name,
                Description = p.Description,
                Phase = p.Phase,
                Stage = p.Stage,
                TimeZone = p.TimeZone,
                StatusPost = p.StatusPostCron,
                SelfApproval = p.SelfApprovalKinds,
            },
            Stakeholders = p.Stakeholders.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new StakeholderSpec
            {
                Key = s.Key,
                Name = s.Name,
                Email = s.Email,
                Title = s.Title,
                Roles = s.Roles,
                TimeZone = s.TimeZone,
                AwayUntil = s.AwayUntil?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            }).ToList(),
            Kpis = p.Kpis.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => new KpiSpec
            {
                Key = k.Key,
                Name = k.Name,
                Description = k.Description,
                Unit = k.Unit,
                Direction = k.Direction == KpiDirection.LowerIsBetter ? "lower" : "higher",
                Target = k.Target,
                Amber = k.Amber,
                Red = k.Red,
                Owner = Key(k.OwnerId),
                Cadence = Keys.Word(k.Cadence),
                History = k.Measurements.OrderBy(m => m.Date).Select(m => new MeasurementSpec
                {
                    Date = m.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    Value = m.Value,
                    Note = m.Note,
                    By = m.RecordedBy is { } by && keyOf.ContainsValue(by) ? by : null,
                }).ToList(),
            }).ToList(),
            Benefits = p.Benefits.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => new BenefitSpec
            {
                Key = b.Key,
                Name = b.Name,
                Description = b.Description,
                Owner = Key(b.OwnerId),
                Status = Keys.Word(b.Status),
                RealisationDate = b.RealisationDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                Unit = b.Unit,
                Baseline = b.Baseline,
                Target = b.Target,
                BaselineDate = b.BaselineDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                DisBenefit = b.IsDisBenefit ? true : null,
                Kpis = b.KpiKeys,
                Actuals = b.Actuals.OrderBy(a => a.Date).Select(a => new MeasurementSpec
                {
                    Date = a.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    Value = a.Value,
                    Note = a.Note,
                    By = a.RecordedBy is { } by && keyOf.ContainsValue(by) ? by : null,
                }).ToList(),
            }).ToList(),
            ApproverGroups = p.ApproverGroups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new ApproverGroupSpec
            {
                Key = g.Key,
                Name = g.Name,
                Members = g.MemberKeys,
                Quorum = Quorum.Write(g.Quorum, g.QuorumCount, g.MemberKeys.Count),
                MaxRejections = g.MaxRejections,
            }).ToList(),
            CheckIns = p.CheckIns.OrderBy(c => c.Key, StringComparer.Ordinal).Select(CheckInSpecs.Of).ToList(),
            Approvals = p.Approvals.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => new ApprovalSpec
            {
                Key = a.Key,
                Title = a.Title,
                Kind = Keys.Word(a.Kind),
                Description = a.Description,
                Requester = Key(a.RequesterId),
                Approvers = a.Approvers.Select(x => Key(x.StakeholderId)!).Order(StringComparer.Ordinal).ToList(),
                Quorum = Quorum.Write(a.Quorum, a.QuorumCount, a.Approvers.Count),
                MaxRejections = a.MaxRejections,
                Created = GovernanceFileReader.FormatInstant(a.CreatedAt),
                Due = a.Deadline is { } d ? GovernanceFileReader.FormatInstant(d) : null,
                OnDeadline = Keys.Word(a.OnDeadline),
                ReminderLead = Durations.Format(a.ReminderLead),
                Status = Keys.Word(a.Status),
                Decided = a.DecidedAt is { } x ? GovernanceFileReader.FormatInstant(x) : null,
                Votes = a.Votes.OrderBy(v => Key(v.ApproverId), StringComparer.Ordinal).Select(v => new VoteSpec
                {
                    Approver = Key(v.ApproverId)!,
                    By = v.CastById == v.ApproverId ? null : Key(v.CastById),
                    Decision = Keys.Word(v.Decision),
                    Comment = v.Comment,
                    At = GovernanceFileReader.FormatInstant(v.CastAt),
                }).ToList(),
            }).ToList(),
            Raid = raid,
            Decisions = decisions,
            LifeCycle = LifeCycleOf(p, gates, Key),
        };
    }

    /// <summary>The life cycle as the file writes it; absent for the default phases without gates.</summary>
    private static LifeCycleSpec? LifeCycleOf(GovernanceProgram p, List<StageGate> gates, Func<Guid?, string?> key)
    {
        if (gates.Count == 0 && p.Phases.SequenceEqual(LifeCyclePhases.Default))
        {
            return null;
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(p.TimeZone);
        string? Day(DateTimeOffset? at) => LifeCycleImport.DayOf(at, zone)?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return new LifeCycleSpec
        {
            Phases = [.. p.Phases],
            Gates = LifeCycleRules.Ordered(p, gates).Select(g => new GateSpec
            {
                Key = g.Key,
                Name = g.Name,
                After = g.AfterPhase,
                Date = g.Date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ApproverGroup = g.ApproverGroupKey,
                Approval = g.ApprovalRequestId is { } id ? p.Approvals.FirstOrDefault(a => a.Id == id)?.Key : null,
                Passed = Day(g.PassedAt),
                Criteria = g.Criteria.OrderBy(c => c.Order).Select(c => new CriterionSpec
                {
                    Key = c.Key,
                    Text = c.Text,
                    Owner = key(c.OwnerId),
                    Confirmed = Day(c.ConfirmedAt),
                }).ToList(),
            }).ToList(),
        };
    }
}
