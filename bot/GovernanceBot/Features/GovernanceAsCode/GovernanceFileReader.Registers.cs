using System.Globalization;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Raid;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.GovernanceAsCode;

/// <summary>The registers' sections of the file: <c>raid</c> and <c>decisions</c>, read and checked like the rest.</summary>
internal static partial class GovernanceFileReader
{
    public static readonly string[] RaidTypes = ["risk", "assumption", "issue", "dependency", "action"];
    public static readonly string[] DecisionStatuses = ["active", "superseded", "reversed"];
    private static readonly string[] DependencyFields = ["on", "onProgram"];

    /// <summary>Each type's date field, in the words of the file.</summary>
    private static readonly Dictionary<string, string> RaidDateFields = new(StringComparer.Ordinal)
    {
        ["risk"] = "review",
        ["assumption"] = "validateBy",
        ["issue"] = "due",
        ["dependency"] = "neededBy",
        ["action"] = "due",
    };

    private static void ReadRegisters(NodeReader r, YMap map, GovernanceFile file, Dictionary<string, StakeholderSpec> people,
        Dictionary<string, ApproverGroupSpec> groups, DateTimeOffset now)
    {
        var today = file.AsOf is null ? DateOnly.FromDateTime(now.UtcDateTime) : DateOnly.ParseExact(file.AsOf, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        file.Raid = ReadList(r, map, "raid", "RAID item", (m, keys) => ReadRaid(r, m, keys, people, file, today));
        var nodes = new Dictionary<DecisionSpec, YMap>();
        file.Decisions = ReadList(r, map, "decisions", "decision", (m, keys) => ReadDecision(r, m, keys, people, groups, file, today, nodes));

        // Supersession links both ways: each 'supersedes' names another decision of the file, which is marked superseded.
        var byKey = file.Decisions.Where(d => d.Key.Length > 0).GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var superseded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var decision in file.Decisions.Where(d => d.Supersedes is not null))
        {
            var at = nodes[decision]["supersedes"]!;
            if (decision.Supersedes == decision.Key)
            {
                r.Error(at, $"the decision '{decision.Key}' supersedes itself", "name the earlier decision it replaces, or remove 'supersedes'");
            }
            else if (!byKey.TryGetValue(decision.Supersedes!, out var old))
            {
                r.Error(at, $"the decision '{decision.Key}' supersedes the unknown decision '{decision.Supersedes}'", byKey.Count > 0 ? $"decisions in this file: {string.Join(", ", byKey.Keys)}" : "define it under 'decisions:'");
            }
            else if (!superseded.Add(old.Key))
            {
                r.Error(at, $"the decision '{old.Key}' is superseded twice", "a decision is replaced by one later decision");
            }
            else if (old.Status != "superseded")
            {
                r.Error(nodes[old]["status"] ?? nodes[old], $"the decision '{old.Key}' is superseded by '{decision.Key}' but its status is {old.Status}", "status: superseded");
            }
        }
    }

    private static RaidSpec? ReadRaid(NodeReader r, YMap map, HashSet<string> keys, Dictionary<string, StakeholderSpec> people, GovernanceFile file, DateOnly today)
    {
        if (r.Map(map, "a RAID item", ["key", "type", "title", "description", "owner", "probability", "impact", "severity", "review", "validateBy", "due", "neededBy",
                "on", "onProgram", "response", "status", "raised", "raisedBy", "escalated"]) is null)
        {
            return null;
        }

        var spec = new RaidSpec
        {
            Key = r.RequiredKey(map, "RAID item", keys),
            Type = r.Word(map, "type", RaidTypes, ""),
            Title = r.RequiredString(map, "title", "a RAID item", "\"Payment provider API not ready for the pilot\""),
            Description = r.OptionalString(map, "description"),
            Owner = Reference(r, map, "owner", people),
            Response = r.OptionalString(map, "response"),
            Raised = DateField(r, map, "raised"),
            RaisedBy = Reference(r, map, "raisedBy", people),
        };
        if (map["type"] is null)
        {
            r.Error(map, $"the RAID item '{spec.Key}' needs 'type'", "type: risk, assumption, issue, dependency or action");
            return spec;
        }

        if (map["owner"] is null)
        {
            r.Error(map, $"the RAID item '{spec.Key}' needs 'owner'", "owner: a stakeholder key, e.g. owner: alexw");
        }

        if (spec.Type.Length == 0)
        {
            return spec;
        }

        var type = Enum.Parse<RaidType>(spec.Type, ignoreCase: true);
        string? Level(string field, bool wanted)
        {
            var text = r.OptionalString(map, field)?.Trim();
            if (text is null)
            {
                if (wanted)
                {
                    r.Error(map, $"the {spec.Type} '{spec.Key}' needs '{field}'", $"{field}: {RaidRules.ScaleHint}");
                }

                return null;
            }

            if (!wanted)
            {
                r.Error(map[field]!, $"a {spec.Type} has no '{field}'", type == RaidType.Issue ? "an issue has 'severity'" : "only risks have probability and impact, and issues severity");
                return null;
            }

            if (RaidRules.Level(text) is not { } level)
            {
                r.Error(map[field]!, $"'{text}' is not on the scale for '{field}'", $"use {RaidRules.ScaleHint}");
                return null;
            }

            return RaidRules.LevelWord(level);
        }

        spec.Probability = Level("probability", type == RaidType.Risk);
        spec.Impact = Level("impact", type == RaidType.Risk);
        spec.Severity = Level("severity", type == RaidType.Issue);

        var dateField = RaidDateFields[spec.Type];
        foreach (var other in RaidDateFields.Values.Where(f => f != dateField && map[f] is not null))
        {
            r.Error(map[other]!, $"a {spec.Type} has no '{other}'", $"a {spec.Type}'s date is '{dateField}'");
        }

        var date = DateField(r, map, dateField);
        if (date is null && map[dateField] is null && type is RaidType.Assumption or RaidType.Dependency or RaidType.Action)
        {
            r.Error(map, $"the {spec.Type} '{spec.Key}' needs '{dateField}'", $"{dateField}: 2026-12-15");
        }

        if (date is not null && spec.Raised is not null && string.CompareOrdinal(date, spec.Raised) < 0)
        {
            r.Error(map[dateField]!, $"the {spec.Type} '{spec.Key}' is due ({date}) before it was raised ({spec.Raised})", $"a {dateField} date on or after {spec.Raised}");
        }

        if (spec.Raised is not null && DateOnly.ParseExact(spec.Raised, "yyyy-MM-dd", CultureInfo.InvariantCulture) > today.AddDays(1))
        {
            r.Error(map["raised"]!, file.AsOf is null ? $"the RAID item '{spec.Key}' is raised in the future ({spec.Raised})" : $"the RAID item '{spec.Key}' is raised after the file's asOf ({file.AsOf})",
                "raise items on or before today");
        }

        switch (type)
        {
            case RaidType.Risk: spec.Review = date; break;
            case RaidType.Assumption: spec.ValidateBy = date; break;
            case RaidType.Issue or RaidType.Action: spec.Due = date; break;
            default: spec.NeededBy = date; break;
        }

        spec.On = r.OptionalString(map, "on")?.Trim();
        spec.OnProgram = r.OptionalString(map, "onProgram")?.Trim();
        if (type != RaidType.Dependency)
        {
            foreach (var field in DependencyFields.Where(f => map[f] is not null))
            {
                r.Error(map[field]!, $"a {spec.Type} has no '{field}'", "only dependencies are on something");
            }
        }
        else if (spec.On is null && spec.OnProgram is null)
        {
            r.Error(map, $"the dependency '{spec.Key}' needs 'on' (an outside party, in words) or 'onProgram' (another program of this workspace)", "on: \"Fabrikam payments team\"");
        }
        else if (spec.OnProgram is { } other && (!Keys.IsKey(other) || other == file.Program.Key))
        {
            r.Error(map["onProgram"]!, other == file.Program.Key ? $"the dependency '{spec.Key}' is on its own program" : $"'{other}' is not a program key",
                "name another program of this workspace by its key");
        }

        var statuses = RaidRules.StatusesOf(type).Select(RaidRules.StatusWord).ToList();
        spec.Status = r.OptionalString(map, "status")?.Trim().ToLowerInvariant();
        if (spec.Status is not null && !statuses.Contains(spec.Status))
        {
            r.Error(map["status"]!, $"'{spec.Status}' is not a status of {(spec.Type[0] is 'a' or 'i' ? "an" : "a")} {spec.Type}", $"use any of: {string.Join(", ", statuses)}");
        }

        spec.Escalated = InstantField(r, map, "escalated", file.Program.TimeZone);
        if (spec.Escalated is not null && type != RaidType.Risk)
        {
            r.Error(map["escalated"]!, $"a {spec.Type} is not escalated", "only risks are escalated to the sponsor");
        }

        return spec;
    }

    private static DecisionSpec? ReadDecision(NodeReader r, YMap map, HashSet<string> keys, Dictionary<string, StakeholderSpec> people,
        Dictionary<string, ApproverGroupSpec> groups, GovernanceFile file, DateOnly today, Dictionary<DecisionSpec, YMap> nodes)
    {
        if (r.Map(map, "a decision", ["key", "title", "rationale", "alternatives", "decidedBy", "decided", "status", "supersedes", "concerns", "recordedBy"]) is null)
        {
            return null;
        }

        var spec = new DecisionSpec
        {
            Key = r.RequiredKey(map, "decision", keys),
            Title = r.RequiredString(map, "title", "a decision", "\"Move the pilot start to 12 January\""),
            Rationale = r.RequiredString(map, "rationale", "a decision", "\"Two pilot customers freeze changes in December\""),
            Alternatives = r.Strings(map, "alternatives"),
            Decided = InstantField(r, map, "decided", file.Program.TimeZone) ?? "",
            Status = r.Word(map, "status", DecisionStatuses, "active"),
            Supersedes = r.OptionalString(map, "supersedes")?.Trim(),
            RecordedBy = Reference(r, map, "recordedBy", people),
        };
        nodes[spec] = map;
        if (spec.Decided.Length == 0 && map["decided"] is null)
        {
            r.Error(map, $"the decision '{spec.Key}' needs 'decided'", "decided: 2026-11-20 (or an instant, 2026-11-20T15:00:00Z)");
        }
        else if (spec.Decided.Length > 0 && DateOnly.FromDateTime(DateTimeOffset.Parse(spec.Decided, CultureInfo.InvariantCulture).UtcDateTime) > today.AddDays(1))
        {
            r.Error(map["decided"]!, file.AsOf is null ? $"the decision '{spec.Key}' is dated in the future" : $"the decision '{spec.Key}' is dated after the file's asOf ({file.AsOf})",
                "record decisions once they are taken");
        }

        foreach (var key in r.Strings(map, "decidedBy"))
        {
            if (people.ContainsKey(key) || groups.ContainsKey(key))
            {
                spec.DecidedBy.Add(key);
            }
            else
            {
                r.Error(map["decidedBy"]!, $"unknown stakeholder or approver group '{key}' in 'decidedBy'", Keys.SuggestStakeholder(key, people.Keys.Concat(groups.Keys)));
            }
        }

        var concerns = r.Map(map["concerns"], "concerns", ["approvals", "raid", "benefits", "meetings"]);
        if (concerns is not null)
        {
            spec.Concerns = new ConcernsSpec
            {
                Approvals = Known(concerns, "approvals", file.Approvals.Select(a => a.Key)),
                Raid = Known(concerns, "raid", file.Raid.Select(x => x.Key)),
                Benefits = Known(concerns, "benefits", file.Benefits.Select(b => b.Key)),
                Meetings = MeetingDays(concerns),
            };
        }

        return spec;

        // The steering meetings that took it, by day: a decision recorded on a meeting's card is linked to it, and an export keeps that.
        List<string> MeetingDays(YMap m)
        {
            var days = new List<string>();
            foreach (var item in m["meetings"] is YScalar { Value: not null } one ? [one] : r.Sequence(m["meetings"], "'meetings'"))
            {
                var text = (item as YScalar)?.Value?.Trim();
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                {
                    r.Error(item, $"the decision '{spec.Key}' names the meeting '{text ?? "…"}', which is not a date", "name meetings by their day, e.g. meetings: [2026-12-03]");
                }
                else if (day > today.AddDays(1))
                {
                    r.Error(item, $"the decision '{spec.Key}' concerns a meeting on {text}, which has not happened yet", "link a decision to the meeting that took it");
                }
                else
                {
                    days.Add(text!);
                }
            }

            return days;
        }

        List<string> Known(YMap m, string field, IEnumerable<string> known)
        {
            var set = known.ToHashSet(StringComparer.Ordinal);
            var result = new List<string>();
            foreach (var key in r.Strings(m, field))
            {
                if (set.Contains(key))
                {
                    result.Add(key);
                }
                else
                {
                    r.Error(m[field]!, $"the decision '{spec.Key}' concerns the unknown {field.TrimEnd('s')} item '{key}'",
                        set.Count > 0 ? $"{field} in this file: {string.Join(", ", set.Order(StringComparer.Ordinal))}" : $"define it under '{field}:'");
                }
            }

            return result;
        }
    }
}
