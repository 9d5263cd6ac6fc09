using GovernanceBot.Conversation;
using GovernanceBot.Features.Health;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.GovernanceAsCode;

/// <summary>
/// Reads <c>lifeCycle:</c> (phases and stage gates with their entry criteria) and checks the
/// program's <c>phase</c> against it: a phase the life cycle has (or <c>closed</c>), every gate the
/// program is past recorded as passed, none ahead of it passed.
/// </summary>
internal static class LifeCycleReader
{
    public static LifeCycleSpec? Read(NodeReader r, YMap root, GovernanceFile file, Dictionary<string, StakeholderSpec> people, Dictionary<string, ApproverGroupSpec> groups)
    {
        var node = root["lifeCycle"];
        var map = node is null ? null : r.Map(node, "lifeCycle", ["phases", "gates"]);
        var phases = map?["phases"] is null ? [.. LifeCyclePhases.Default] : ReadPhases(r, map);
        var phaseNode = root["program"] is YMap program ? program["phase"] : null;
        var here = file.Program.Phase == "closed" ? phases.Count : phases.IndexOf(file.Program.Phase);
        if (here < 0)
        {
            r.Error(phaseNode ?? root, $"'{file.Program.Phase}' is not a phase of the program's life cycle",
                $"use one of: {string.Join(", ", phases)}, or closed{(map?["phases"] is null ? " (list other phases under lifeCycle.phases)" : string.Empty)}");
        }

        if (map is null)
        {
            return null;
        }

        var spec = new LifeCycleSpec { Phases = phases };
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var closes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in r.Sequence(map["gates"], "'gates'"))
        {
            if (item is not YMap g || r.Map(g, "a gate", ["key", "name", "after", "date", "approverGroup", "approval", "passed", "criteria"]) is null)
            {
                if (item is not YMap)
                {
                    r.Error(item, "every item of 'gates' must be a gate (a mapping with 'key:', 'name:' and 'after:')");
                }

                continue;
            }

            var gate = new GateSpec
            {
                Key = r.RequiredKey(g, "gate", keys),
                Name = r.RequiredString(g, "name", "a gate", "Release to pilot customers"),
                After = r.RequiredString(g, "after", "a gate", phases[0]).Trim().ToLowerInvariant(),
                Date = GovernanceFileReader.DateField(r, g, "date"),
                Passed = GovernanceFileReader.DateField(r, g, "passed"),
                ApproverGroup = r.OptionalString(g, "approverGroup")?.Trim(),
                Approval = r.OptionalString(g, "approval")?.Trim(),
            };
            var at = phases.IndexOf(gate.After);
            if (g["after"] is { } afterNode && gate.After.Length > 0)
            {
                if (at < 0)
                {
                    r.Error(afterNode, $"the gate '{gate.Key}' comes after '{gate.After}', which is not a phase", $"phases: {string.Join(", ", phases)}");
                }
                else if (at == phases.Count - 1)
                {
                    r.Error(afterNode, $"the gate '{gate.Key}' comes after the last phase ('{gate.After}'): a gate leads into a next phase", $"use one of: {string.Join(", ", phases.Take(phases.Count - 1))}");
                }
                else if (!closes.Add(gate.After))
                {
                    r.Error(afterNode, $"two gates come after '{gate.After}'", "one gate between a phase and the next");
                }
            }

            if (at >= 0 && here >= 0)
            {
                if (at < here && gate.Passed is null)
                {
                    r.Error(g, $"the program is in '{file.Program.Phase}', past the gate '{gate.Key}', but the gate has no 'passed' date",
                        "passed: 2026-07-01 (the day it was passed)");
                }
                else if (at >= here && gate.Passed is not null)
                {
                    r.Error(g["passed"]!, $"the gate '{gate.Key}' is passed, but the program is still in '{file.Program.Phase}'",
                        at < phases.Count - 1 ? $"set program.phase to '{phases[at + 1]}', or remove 'passed'" : "remove 'passed'");
                }
            }

            if (gate.ApproverGroup is { } group && !groups.ContainsKey(group))
            {
                r.Error(g["approverGroup"]!, $"unknown approver group '{group}'", groups.Count > 0 ? $"groups in this file: {string.Join(", ", groups.Keys)}" : "define it under 'approverGroups:'");
            }

            if (gate.Approval is { } approvalKey)
            {
                var approval = file.Approvals.FirstOrDefault(a => a.Key == approvalKey);
                if (approval is null)
                {
                    r.Error(g["approval"]!, $"the gate '{gate.Key}' is reviewed by the unknown approval '{approvalKey}'", "name a stage-gate approval listed under 'approvals:'");
                }
                else if (approval.Kind != "stage-gate")
                {
                    r.Error(g["approval"]!, $"the approval '{approvalKey}' is a {approval.Kind}, not a stage-gate", "a gate is reviewed by a stage-gate approval");
                }
                else if (spec.Gates.Any(o => o.Approval == approvalKey))
                {
                    r.Error(g["approval"]!, $"the approval '{approvalKey}' already reviews another gate", "one review per gate");
                }
            }

            var criteria = new HashSet<string>(StringComparer.Ordinal);
            foreach (var c in r.Sequence(g["criteria"], "'criteria'"))
            {
                var m = r.Map(c, "an entry criterion", ["key", "text", "owner", "confirmed"]);
                if (m is null)
                {
                    continue;
                }

                var criterion = new CriterionSpec
                {
                    Key = r.RequiredKey(m, "criterion", criteria),
                    Text = r.RequiredString(m, "text", "an entry criterion", "Security testing passed"),
                    Owner = GovernanceFileReader.Reference(r, m, "owner", people),
                    Confirmed = GovernanceFileReader.DateField(r, m, "confirmed"),
                };
                if (m["owner"] is null)
                {
                    r.Error(m, $"the criterion '{criterion.Key}' of '{gate.Key}' has no owner: its owner confirms it", "owner: leeg");
                }

                gate.Criteria.Add(criterion);
            }

            spec.Gates.Add(gate);
        }

        return spec;
    }

    private static List<string> ReadPhases(NodeReader r, YMap map)
    {
        var phases = new List<string>();
        foreach (var item in r.Sequence(map["phases"], "'phases'"))
        {
            var word = (item as YScalar)?.Value?.Trim().ToLowerInvariant();
            if (word is null || !Keys.IsKey(word) || word == "closed")
            {
                r.Error(item, $"'{(item as YScalar)?.Value}' is not a phase name", "use lower-case words joined by '-', e.g. definition, build, user-acceptance ('closed' is kept for a finished program)");
            }
            else if (phases.Contains(word))
            {
                r.Error(item, $"the phase '{word}' is listed twice");
            }
            else
            {
                phases.Add(word);
            }
        }

        if (phases.Count < 2)
        {
            r.Error(map["phases"] ?? map, "a life cycle has at least two phases", "phases: [definition, delivery, closure]");
            return phases.Count == 0 ? [.. LifeCyclePhases.Default] : phases;
        }

        return phases;
    }
}
