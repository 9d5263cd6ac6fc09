using System.Globalization;
using System.Text.RegularExpressions;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.Health;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.GovernanceAsCode;

/// <summary>
/// Reads and validates a governance file completely before anything is written: every problem
/// is collected with its line and column, so one run shows them all.
/// </summary>
internal static partial class GovernanceFileReader
{
    public static readonly string[] Directions = ["higher", "lower"];
    public static readonly string[] Cadences = ["daily", "weekly", "fortnightly", "monthly", "quarterly"];
    public static readonly string[] BenefitStatuses = ["identified", "planned", "in-delivery", "realised", "sustained", "at-risk"];
    public static readonly string[] ApprovalKinds = ["stage-gate", "change-request", "scope-change", "budget-change"];
    public static readonly string[] DeadlineActions = ["expire", "escalate"];
    public static readonly string[] ApprovalStatuses = ["pending", "approved", "rejected", "expired", "escalated", "cancelled"];
    public static readonly string[] VoteDecisions = ["approve", "reject", "abstain"];

    public static (GovernanceFile? File, IReadOnlyList<FileError> Errors) Read(string yaml, DateTimeOffset now)
    {
        var errors = new List<FileError>();
        var root = YamlTree.Parse(yaml, errors);
        if (root is null)
        {
            return (null, errors);
        }

        var r = new NodeReader(errors);
        var map = r.Map(root, "the file", ["version", "asOf", "workspace", "program", "stakeholders", "kpis", "benefits", "approverGroups", "checkIns", "approvals", "raid", "decisions", "lifeCycle"]);
        if (map is null)
        {
            return (null, errors);
        }

        var file = new GovernanceFile();
        var version = r.OptionalInt(map, "version", 1);
        if (version is not null and not 1)
        {
            r.Error(map["version"]!, $"version {version} is not supported", "use 'version: 1'");
        }

        file.AsOf = DateField(r, map, "asOf");
        file.Workspace = ReadWorkspace(r, map);
        file.Program = ReadProgram(r, map);
        var programZone = file.Program.TimeZone;
        var stakeholders = new Dictionary<string, StakeholderSpec>(StringComparer.Ordinal);
        file.Stakeholders = ReadList(r, map, "stakeholders", "stakeholder", (m, keys) => ReadStakeholder(r, m, keys, programZone, stakeholders));
        var kpiKeys = new HashSet<string>(StringComparer.Ordinal);
        file.Kpis = ReadList(r, map, "kpis", "KPI", (m, keys) => ReadKpi(r, m, keys, stakeholders, now, file.AsOf));
        kpiKeys.UnionWith(file.Kpis.Select(k => k.Key));
        file.Benefits = ReadList(r, map, "benefits", "benefit", (m, keys) => ReadBenefit(r, m, keys, stakeholders, kpiKeys, now, file.AsOf));
        var groups = new Dictionary<string, ApproverGroupSpec>(StringComparer.Ordinal);
        file.ApproverGroups = ReadList(r, map, "approverGroups", "approver group", (m, keys) => ReadGroup(r, m, keys, stakeholders, groups));
        file.CheckIns = ReadList(r, map, "checkIns", "check-in", (m, keys) => ReadCheckIn(r, m, keys, stakeholders));
        file.Approvals = ReadList(r, map, "approvals", "approval", (m, keys) => ReadApproval(r, m, keys, stakeholders, groups, programZone));
        ReadRegisters(r, map, file, stakeholders, groups, now);
        file.LifeCycle = LifeCycleReader.Read(r, map, file, stakeholders, groups);
        return (errors.Count == 0 ? file : null, errors);
    }

    private static List<T> ReadList<T>(NodeReader r, YMap root, string field, string what, Func<YMap, HashSet<string>, T?> read)
        where T : class
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<T>();
        foreach (var item in r.Sequence(root[field], $"'{field}'"))
        {
            if (item is not YMap itemMap)
            {
                r.Error(item, $"every item of '{field}' must be a {what} (a mapping with 'key:' and more)");
                continue;
            }

            if (read(itemMap, keys) is { } value)
            {
                result.Add(value);
            }
        }

        return result;
    }

    private static WorkspaceSpec ReadWorkspace(NodeReader r, YMap root)
    {
        var map = r.Map(root["workspace"], "workspace", ["key", "name", "identities"]);
        if (map is null)
        {
            r.Error(root, "the file needs a 'workspace:' section", "workspace: { key: contoso, name: Contoso }");
            return new WorkspaceSpec();
        }

        var spec = new WorkspaceSpec
        {
            Key = r.RequiredString(map, "key", "workspace", "contoso"),
            Name = r.RequiredString(map, "name", "workspace", "Contoso"),
        };
        if (spec.Key.Length > 0 && !Keys.IsKey(spec.Key))
        {
            r.Error(map["key"]!, $"'{spec.Key}' is not a valid key", "use lower-case letters, digits and '-'");
        }

        var seen = new HashSet<string>();
        foreach (var item in r.Sequence(map["identities"], "'identities'"))
        {
            var m = r.Map(item, "a workspace identity", ["channel", "id"]);
            if (m is null)
            {
                continue;
            }

            var identity = new IdentitySpec
            {
                Channel = r.Word(m, "channel", ChannelNames.Platforms, ""),
                Id = r.RequiredString(m, "id", "a workspace identity", "T0123ABCD"),
            };
            if (m["channel"] is null)
            {
                r.Error(m, "a workspace identity needs 'channel'", "channel: msteams (with the tenant id) or channel: slack (with the team id)");
            }
            else if (!seen.Add($"{identity.Channel}/{identity.Id}"))
            {
                r.Error(m, $"the identity {identity.Channel} {identity.Id} is listed twice");
            }

            spec.Identities.Add(identity);
        }

        return spec;
    }

    private static ProgramSpec ReadProgram(NodeReader r, YMap root)
    {
        var map = r.Map(root["program"], "program", ["key", "name", "description", "phase", "stage", "timeZone", "statusPost", "selfApproval"]);
        if (map is null)
        {
            r.Error(root, "the file needs a 'program:' section", "program: { key: phoenix, name: Phoenix, timeZone: Europe/London }");
            return new ProgramSpec();
        }

        var spec = new ProgramSpec
        {
            Key = r.RequiredString(map, "key", "program", "phoenix"),
            Name = r.RequiredString(map, "name", "program", "Phoenix"),
            Description = r.OptionalString(map, "description"),
            // Checked against the life cycle's phases once those are read (LifeCycleReader).
            Phase = r.OptionalString(map, "phase")?.Trim().ToLowerInvariant() ?? Store.Entities.LifeCyclePhases.Definition,
            Stage = r.OptionalString(map, "stage"),
            TimeZone = TimeZoneField(r, map, "timeZone", "UTC"),
            StatusPost = CronField(r, map, "statusPost"),
        };
        if (spec.Key.Length > 0 && !Keys.IsKey(spec.Key))
        {
            r.Error(map["key"]!, $"'{spec.Key}' is not a valid key", "use lower-case letters, digits and '-', e.g. 'phoenix'");
        }

        spec.SelfApproval = SelfApprovalKinds(r, map);
        return spec;
    }

    /// <summary>
    /// <c>selfApproval</c>: the approval kinds whose requester may also approve. Absent means none:
    /// by default nobody approves their own request.
    /// </summary>
    private static List<string> SelfApprovalKinds(NodeReader r, YMap map)
    {
        var node = map["selfApproval"];
        var words = new List<string>();
        List<YNode> nodes;
        if (node is YScalar { Value: { } one })
        {
            // "selfApproval: budget-change" is a one-item list, as for roles.
            words.Add(one.Trim());
            nodes = [node];
        }
        else
        {
            nodes = Scalars(r, node, "'selfApproval'", "every item of 'selfApproval' must be an approval kind", words);
        }

        var kinds = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i].ToLowerInvariant();
            if (!ApprovalKinds.Contains(word))
            {
                r.Error(nodes[i], $"'{words[i]}' is not an approval kind", $"use any of: {string.Join(", ", ApprovalKinds)}");
            }
            else if (kinds.Contains(word))
            {
                r.Error(nodes[i], $"the approval kind '{word}' is listed twice in 'selfApproval'");
            }
            else
            {
                kinds.Add(word);
            }
        }

        return kinds;
    }

    private static StakeholderSpec? ReadStakeholder(NodeReader r, YMap map, HashSet<string> keys, string programZone, Dictionary<string, StakeholderSpec> all)
    {
        if (r.Map(map, "a stakeholder", ["key", "name", "email", "title", "roles", "timeZone", "awayUntil"]) is null)
        {
            return null;
        }

        var spec = new StakeholderSpec
        {
            Key = r.RequiredKey(map, "stakeholder", keys),
            Name = r.RequiredString(map, "name", "a stakeholder", "Alex Wilber"),
            Email = r.OptionalString(map, "email")?.Trim(),
            Title = r.OptionalString(map, "title"),
            Roles = r.Strings(map, "roles"),
            TimeZone = TimeZoneField(r, map, "timeZone", programZone),
            AwayUntil = DateField(r, map, "awayUntil"),
        };
        if (spec.Email is { } email && !EmailPattern().IsMatch(email))
        {
            r.Error(map["email"]!, $"'{email}' is not an e-mail address", "e.g. alexw@example.com");
        }
        else if (spec.Email is { } e && all.Values.Any(s => string.Equals(s.Email, e, StringComparison.OrdinalIgnoreCase)))
        {
            r.Error(map["email"]!, $"the e-mail '{e}' belongs to another stakeholder too", "each person appears once; give them several roles instead");
        }

        foreach (var role in spec.Roles.Where(role => !StakeholderRoles.All.Contains(role)))
        {
            r.Error(map["roles"]!, $"unknown role '{role}'", $"use any of: {string.Join(", ", StakeholderRoles.All)}");
        }

        all.TryAdd(spec.Key, spec);
        return spec;
    }

    private static KpiSpec? ReadKpi(NodeReader r, YMap map, HashSet<string> keys, Dictionary<string, StakeholderSpec> people, DateTimeOffset now, string? asOf)
    {
        if (r.Map(map, "a KPI", ["key", "name", "description", "unit", "direction", "target", "amber", "red", "owner", "cadence", "history"]) is null)
        {
            return null;
        }

        var spec = new KpiSpec
        {
            Key = r.RequiredKey(map, "KPI", keys),
            Name = r.RequiredString(map, "name", "a KPI", "On-time delivery"),
            Description = r.OptionalString(map, "description"),
            Unit = r.OptionalString(map, "unit"),
            Direction = r.Word(map, "direction", Directions, "higher"),
            Target = r.RequiredNumber(map, "target", "a KPI"),
            Amber = r.RequiredNumber(map, "amber", "a KPI"),
            Red = r.RequiredNumber(map, "red", "a KPI"),
            Owner = Reference(r, map, "owner", people),
            Cadence = r.Word(map, "cadence", Cadences, "weekly"),
        };
        if (map["direction"] is null)
        {
            r.Error(map, $"the KPI '{spec.Key}' needs 'direction'", "direction: higher (higher is better) or direction: lower");
        }

        if (map["target"] is not null && map["amber"] is not null && map["red"] is not null
            && KpiRag.ThresholdProblem(spec.Direction == "lower" ? KpiDirection.LowerIsBetter : KpiDirection.HigherIsBetter, spec.Target, spec.Amber, spec.Red) is { } problem)
        {
            r.Error(map["amber"]!, $"thresholds of '{spec.Key}' are in the wrong order: {problem}",
                spec.Direction == "lower" ? "for lower-is-better KPIs: target 2, amber 3, red 5" : "for higher-is-better KPIs: target 95, amber 90, red 85");
        }

        spec.History = ReadMeasurements(r, map, "history", spec.Key, people, now, asOf);
        return spec;
    }

    /// <summary>
    /// Dated values (a KPI's history, a benefit's actuals): one per date, none after today (or, in a
    /// file with asOf, after asOf), in date order.
    /// </summary>
    private static List<MeasurementSpec> ReadMeasurements(NodeReader r, YMap map, string field, string owner, Dictionary<string, StakeholderSpec> people, DateTimeOffset now, string? asOf)
    {
        var result = new List<MeasurementSpec>();
        var dates = new HashSet<string>(StringComparer.Ordinal);
        // A file with asOf describes that day, and its dates move with it (RelativeDates): a value
        // dated after it would land in the future.
        var today = asOf is null ? DateOnly.FromDateTime(now.UtcDateTime) : DateOnly.ParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var item in r.Sequence(map[field], $"'{field}'"))
        {
            var m = r.Map(item, "a measurement", ["date", "value", "note", "by"]);
            if (m is null)
            {
                continue;
            }

            var date = DateField(r, m, "date");
            if (date is null)
            {
                r.Error(m, "a measurement needs 'date'", "- { date: 2026-11-02, value: 93.5 }");
                continue;
            }

            if (DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture) > today.AddDays(1))
            {
                r.Error(m["date"]!, asOf is null ? $"the measurement dated {date} is in the future" : $"the measurement dated {date} is after the file's asOf ({asOf})",
                    asOf is null ? "record values on or before today" : "date values on or before asOf, or move asOf later");
            }

            if (!dates.Add(date))
            {
                r.Error(m["date"]!, $"two measurements of '{owner}' are dated {date}", "keep one value per date");
            }

            result.Add(new MeasurementSpec
            {
                Date = date,
                Value = r.RequiredNumber(m, "value", "a measurement"),
                Note = r.OptionalString(m, "note"),
                By = Reference(r, m, "by", people),
            });
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Date, b.Date));
        return result;
    }

    private static BenefitSpec? ReadBenefit(NodeReader r, YMap map, HashSet<string> keys, Dictionary<string, StakeholderSpec> people, HashSet<string> kpis,
        DateTimeOffset now, string? asOf)
    {
        if (r.Map(map, "a benefit", ["key", "name", "description", "owner", "status", "realisationDate", "unit", "baseline", "target", "baselineDate", "disBenefit", "kpis", "actuals"]) is null)
        {
            return null;
        }

        var spec = new BenefitSpec
        {
            Key = r.RequiredKey(map, "benefit", keys),
            Name = r.RequiredString(map, "name", "a benefit", "Cost savings"),
            Description = r.OptionalString(map, "description"),
            Owner = Reference(r, map, "owner", people),
            Status = r.Word(map, "status", BenefitStatuses, "identified"),
            RealisationDate = DateField(r, map, "realisationDate"),
            Unit = r.OptionalString(map, "unit"),
            Baseline = r.OptionalNumber(map, "baseline"),
            Target = r.OptionalNumber(map, "target"),
            BaselineDate = DateField(r, map, "baselineDate"),
            DisBenefit = map["disBenefit"] is null ? null : r.Bool(map, "disBenefit", false) ? true : null,
            Kpis = r.Strings(map, "kpis"),
        };
        spec.Actuals = ReadMeasurements(r, map, "actuals", spec.Key, people, now, asOf);
        foreach (var kpi in spec.Kpis.Where(k => !kpis.Contains(k)))
        {
            r.Error(map["kpis"]!, $"the benefit '{spec.Key}' links to the unknown KPI '{kpi}'", kpis.Count > 0 ? $"KPIs in this file: {string.Join(", ", kpis.Order())}" : "define it under 'kpis:'");
        }

        return spec;
    }

    private static ApproverGroupSpec? ReadGroup(NodeReader r, YMap map, HashSet<string> keys, Dictionary<string, StakeholderSpec> people, Dictionary<string, ApproverGroupSpec> groups)
    {
        if (r.Map(map, "an approver group", ["key", "name", "members", "quorum", "maxRejections"]) is null)
        {
            return null;
        }

        var spec = new ApproverGroupSpec
        {
            Key = r.RequiredKey(map, "approver group", keys),
            Name = r.RequiredString(map, "name", "an approver group", "Steering committee"),
            Members = References(r, map, "members", people),
            MaxRejections = r.OptionalInt(map, "maxRejections", 1),
        };
        if (spec.Members.Count == 0)
        {
            r.Error(map["members"] ?? map, $"the approver group '{spec.Key}' has no members", "members: [meganb, alexw]");
        }

        spec.Quorum = QuorumField(r, map, spec.Members.Count) ?? "majority";
        if (spec.MaxRejections > spec.Members.Count && spec.Members.Count > 0)
        {
            r.Error(map["maxRejections"]!, $"maxRejections ({spec.MaxRejections}) is more than the group's {spec.Members.Count} members");
        }

        groups.TryAdd(spec.Key, spec);
        return spec;
    }

    private static CheckInSpec? ReadCheckIn(NodeReader r, YMap map, HashSet<string> keys, Dictionary<string, StakeholderSpec> people)
    {
        if (r.Map(map, "a check-in", ["key", "name", "schedule", "window", "reminders", "participants", "holidays", "mentionNonResponders", "enabled", "archived", "questions"]) is null)
        {
            return null;
        }

        // Structure (lists, mappings, booleans) is checked here; what the values mean, by the rules
        // the chat form obeys too (CheckInRules), each problem placed at its node.
        var spec = new CheckInSpec
        {
            Key = r.RequiredKey(map, "check-in", keys),
            Name = r.OptionalString(map, "name")?.Trim() ?? "",
            Schedule = r.OptionalString(map, "schedule")?.Trim() ?? "",
            Window = r.OptionalString(map, "window")?.Trim() ?? "1d",
            MentionNonResponders = r.Bool(map, "mentionNonResponders", false),
            Enabled = r.Bool(map, "enabled", true),
            Archived = r.Bool(map, "archived", false) ? true : null,
        };
        var reminderNodes = Scalars(r, map["reminders"], "'reminders'", "a reminder must be a duration before the round closes", spec.Reminders);
        var participants = r.Map(map["participants"], "participants", ["roles", "stakeholders"]);
        if (participants is not null)
        {
            spec.Participants.Roles = r.Strings(participants, "roles");
            spec.Participants.Stakeholders = r.Strings(participants, "stakeholders").Distinct(StringComparer.Ordinal).ToList();
        }

        var holidayNodes = Scalars(r, map["holidays"], "'holidays'", "a holiday must be a date", spec.Holidays);
        var questionNodes = new List<YMap>();
        foreach (var item in r.Sequence(map["questions"], "'questions'"))
        {
            var q = r.Map(item, "a question", ["key", "text", "kind", "required", "options", "flagsRisks"]);
            if (q is null)
            {
                continue;
            }

            questionNodes.Add(q);
            spec.Questions.Add(new QuestionSpec
            {
                Key = r.OptionalString(q, "key")?.Trim() ?? "",
                Text = r.OptionalString(q, "text")?.Trim() ?? "",
                Kind = r.OptionalString(q, "kind")?.Trim().ToLowerInvariant() ?? "text",
                Required = r.Bool(q, "required", false),
                Options = r.Strings(q, "options"),
                FlagsRisks = r.Bool(q, "flagsRisks", false),
            });
        }

        var everyone = people.Values.Select(p => new CheckInPerson(p.Key, p.Name, p.Roles)).ToList();
        foreach (var problem in CheckInRules.Check(spec, everyone))
        {
            YNode at = problem.Field switch
            {
                CheckInField.Name => map["name"] ?? map,
                CheckInField.Schedule => map["schedule"] ?? map,
                CheckInField.Window => map["window"] ?? map,
                CheckInField.Reminders => reminderNodes[problem.Index],
                CheckInField.Roles => participants?["roles"] ?? map,
                CheckInField.Stakeholders => participants?["stakeholders"] ?? map,
                CheckInField.Participants => map["participants"] ?? map,
                CheckInField.Holidays => holidayNodes[problem.Index],
                CheckInField.Questions => map["questions"] ?? map,
                CheckInField.QuestionKey => questionNodes[problem.Index]["key"] ?? questionNodes[problem.Index],
                CheckInField.QuestionText => questionNodes[problem.Index]["text"] ?? questionNodes[problem.Index],
                CheckInField.QuestionKind => questionNodes[problem.Index]["kind"] ?? questionNodes[problem.Index],
                _ => questionNodes[problem.Index]["options"] ?? questionNodes[problem.Index],
            };
            r.Error(at, problem.Message, problem.Hint);
        }

        if (Durations.TryParse(spec.Window, out var window))
        {
            spec.Window = Durations.Format(window);
        }

        spec.Reminders = spec.Reminders.Select(t => Durations.TryParse(t, out var lead) ? Durations.Format(lead) : t).ToList();
        return spec;
    }

    /// <summary>The scalar items of a list, into <paramref name="values"/>; returns their nodes (same order) for placing errors.</summary>
    private static List<YNode> Scalars(NodeReader r, YNode? node, string what, string notScalar, List<string> values)
    {
        var nodes = new List<YNode>();
        foreach (var item in r.Sequence(node, what))
        {
            if (item is YScalar { Value: { } text })
            {
                values.Add(text.Trim());
                nodes.Add(item);
            }
            else
            {
                r.Error(item, notScalar);
            }
        }

        return nodes;
    }

    private static ApprovalSpec? ReadApproval(NodeReader r, YMap map, HashSet<string> keys, Dictionary<string, StakeholderSpec> people, Dictionary<string, ApproverGroupSpec> groups, string programZone)
    {
        if (r.Map(map, "an approval", ["key", "title", "kind", "description", "requester", "approverGroup", "approvers", "quorum", "maxRejections", "created", "due", "onDeadline", "reminderLead", "status", "decided", "votes"]) is null)
        {
            return null;
        }

        var spec = new ApprovalSpec
        {
            Key = r.RequiredKey(map, "approval", keys),
            Title = r.RequiredString(map, "title", "an approval", "\"Gate 2: enter delivery\""),
            Kind = r.Word(map, "kind", ApprovalKinds, "stage-gate"),
            Description = r.OptionalString(map, "description"),
            Requester = Reference(r, map, "requester", people),
            OnDeadline = r.Word(map, "onDeadline", DeadlineActions, "expire"),
            ReminderLead = Durations.Format(DurationField(r, map, "reminderLead", TimeSpan.FromDays(1))),
            Status = r.Word(map, "status", ApprovalStatuses, "pending"),
            Created = InstantField(r, map, "created", programZone),
            Due = InstantField(r, map, "due", programZone),
            Decided = InstantField(r, map, "decided", programZone),
        };
        var groupKey = r.OptionalString(map, "approverGroup");
        if (groupKey is not null)
        {
            if (groups.TryGetValue(groupKey, out var group))
            {
                spec.ApproverGroup = groupKey;
                spec.Approvers = [.. group.Members];
            }
            else
            {
                r.Error(map["approverGroup"]!, $"unknown approver group '{groupKey}'", groups.Count > 0 ? $"groups in this file: {string.Join(", ", groups.Keys)}" : "define it under 'approverGroups:'");
            }
        }

        if (map["approvers"] is not null)
        {
            if (groupKey is not null)
            {
                r.Error(map["approvers"]!, "give either 'approverGroup' or 'approvers', not both");
            }

            spec.Approvers = References(r, map, "approvers", people);
        }

        if (spec.Approvers.Count == 0 && groupKey is null)
        {
            r.Error(map, $"the approval '{spec.Key}' has no approvers", "approverGroup: steering-committee, or approvers: [meganb, alexw]");
        }

        spec.Quorum = map["quorum"] is null ? null : QuorumField(r, map, spec.Approvers.Count);
        spec.MaxRejections = r.OptionalInt(map, "maxRejections", 1);
        if (spec.Status == "pending" && spec.Decided is not null)
        {
            r.Error(map["decided"]!, "a pending approval has no 'decided' time", "remove 'decided' or set the status");
        }

        var voters = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in r.Sequence(map["votes"], "'votes'"))
        {
            var v = r.Map(item, "a vote", ["approver", "by", "decision", "comment", "at"]);
            if (v is null)
            {
                continue;
            }

            var vote = new VoteSpec
            {
                Approver = Reference(r, v, "approver", people) ?? "",
                By = Reference(r, v, "by", people),
                Decision = r.Word(v, "decision", VoteDecisions, "abstain"),
                Comment = r.OptionalString(v, "comment"),
                At = InstantField(r, v, "at", programZone) ?? "",
            };
            if (v["decision"] is null)
            {
                r.Error(v, "a vote needs 'decision'", "decision: approve, reject or abstain");
            }

            if (vote.At.Length == 0)
            {
                r.Error(v, "a vote needs 'at'", "at: 2026-11-20T10:00:00Z");
            }

            if (vote.Approver.Length > 0 && !spec.Approvers.Contains(vote.Approver))
            {
                r.Error(v["approver"]!, $"'{vote.Approver}' is not an approver of '{spec.Key}'", $"approvers: {string.Join(", ", spec.Approvers)}");
            }
            else if (vote.Approver.Length > 0 && !voters.Add(vote.Approver))
            {
                r.Error(v["approver"]!, $"'{vote.Approver}' votes twice on '{spec.Key}'", "one vote per approver");
            }

            spec.Votes.Add(vote);
        }

        return spec;
    }

    internal static string? Reference(NodeReader r, YMap map, string field, Dictionary<string, StakeholderSpec> people)
    {
        var key = r.OptionalString(map, field)?.Trim();
        if (key is null)
        {
            return null;
        }

        if (!people.ContainsKey(key))
        {
            r.Error(map[field]!, $"unknown stakeholder '{key}' in '{field}'", Keys.SuggestStakeholder(key, people.Keys));
            return null;
        }

        return key;
    }

    private static List<string> References(NodeReader r, YMap map, string field, Dictionary<string, StakeholderSpec> people)
    {
        var result = new List<string>();
        foreach (var key in r.Strings(map, field))
        {
            if (people.ContainsKey(key))
            {
                if (!result.Contains(key))
                {
                    result.Add(key);
                }
            }
            else
            {
                r.Error(map[field]!, $"unknown stakeholder '{key}' in '{field}'", Keys.SuggestStakeholder(key, people.Keys));
            }
        }

        return result;
    }

    private static string TimeZoneField(NodeReader r, YMap map, string field, string fallback)
    {
        var text = r.OptionalString(map, field)?.Trim();
        if (text is null)
        {
            return fallback;
        }

        if (TimeZoneInfo.TryFindSystemTimeZoneById(text, out _))
        {
            return text;
        }

        r.Error(map[field]!, $"'{text}' is not a time zone", "use an IANA name such as Europe/London, America/New_York or Australia/Sydney");
        return fallback;
    }

    private static string? CronField(NodeReader r, YMap map, string field)
    {
        var text = r.OptionalString(map, field)?.Trim();
        if (text is null)
        {
            return null;
        }

        if (CheckInRules.CronProblem(text) is { } problem)
        {
            r.Error(map[field]!, problem, CheckInRules.CronHint);
            return null;
        }

        return text;
    }

    internal static string? DateField(NodeReader r, YMap map, string field)
    {
        var text = r.OptionalString(map, field)?.Trim();
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return text;
        }

        r.Error(map[field]!, $"'{text}' is not a date", "write dates as YYYY-MM-DD, e.g. 2026-12-03");
        return null;
    }

    /// <summary>An instant, written back as ISO 8601 UTC. A bare date means 17:00 that day in the program's time zone.</summary>
    private static string? InstantField(NodeReader r, YMap map, string field, string programZone)
    {
        var text = r.OptionalString(map, field)?.Trim();
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(programZone);
            var local = date.ToDateTime(new TimeOnly(17, 0));
            return FormatInstant(new DateTimeOffset(local, zone.GetUtcOffset(local)));
        }

        if (text.Length > 10 && (text.EndsWith('Z') || text[10..].Contains('+') || text[10..].Contains('-'))
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return FormatInstant(instant);
        }

        r.Error(map[field]!, $"'{text}' is not a date and time with a zone", "e.g. 2026-12-05T17:00:00Z, 2026-12-05T17:00:00+01:00, or a date: 2026-12-05");
        return null;
    }

    private static string? QuorumField(NodeReader r, YMap map, int approvers)
    {
        var text = r.OptionalString(map, "quorum")?.Trim().ToLowerInvariant();
        if (text is null)
        {
            return null;
        }

        if (Quorum.TryParse(text, out var written))
        {
            var (count, of) = (written.Count, written.Of);
            if (count is { } n && approvers > 0 && n > approvers)
            {
                r.Error(map["quorum"]!, $"quorum '{text}' needs {n} approvals but there are only {approvers} approvers");
            }
            else if (of is { } m && approvers > 0 && m != approvers)
            {
                r.Error(map["quorum"]!, $"quorum '{text}' says {m} approvers but there are {approvers}", $"write '{count} of {approvers}'");
            }

            return text;
        }

        r.Error(map["quorum"]!, $"'{text}' is not a quorum rule", "use any, all, majority, or 'N of M' such as '2 of 3'");
        return null;
    }

    private static TimeSpan DurationField(NodeReader r, YMap map, string field, TimeSpan fallback)
    {
        var text = r.OptionalString(map, field);
        if (text is null)
        {
            return fallback;
        }

        if (Durations.TryParse(text, out var value))
        {
            return value;
        }

        r.Error(map[field]!, $"'{text}' is not a duration", "e.g. 1d, 24h, 90m or 1d12h");
        return fallback;
    }

    public static string FormatInstant(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
