using System.Globalization;
using System.Text;
using GovernanceBot.Features.Ask;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Raid;

/// <summary>
/// Answers from the RAID log: "what are Phoenix's top risks?" (open risks by score), "what is
/// overdue?" (open items past their date), "any open issues/assumptions/dependencies?". Each item
/// cited is a numbered fact.
/// </summary>
internal sealed class RaidFacts(GovernanceDb db, TimeProvider time) : IStoreFactSource
{
    private const int Top = 5;

    private static readonly string Overdue = TextAnalyzer.Stem("overdue");
    private static readonly string Late = TextAnalyzer.Stem("late");
    private static readonly Dictionary<string, RaidType?> Nouns = new(StringComparer.Ordinal)
    {
        [TextAnalyzer.Stem("risks")] = RaidType.Risk,
        [TextAnalyzer.Stem("issues")] = RaidType.Issue,
        [TextAnalyzer.Stem("assumptions")] = RaidType.Assumption,
        [TextAnalyzer.Stem("dependencies")] = RaidType.Dependency,
        [TextAnalyzer.Stem("blockers")] = RaidType.Issue,
        [TextAnalyzer.Stem("actions")] = RaidType.Action,
        [TextAnalyzer.Stem("raid")] = null,
    };

    public async Task<StoreAnswer?> AnswerAsync(StoreQuestion question, CancellationToken cancellationToken)
    {
        var overdue = question.Has(Overdue, Late);
        var noun = Nouns.Keys.FirstOrDefault(question.Stems.Contains);
        if ((!overdue && noun is null) || (noun is not null && !overdue && !question.AboutOwnRecords) || question.Scope.Count == 0)
        {
            return null;
        }

        var type = noun is null ? null : Nouns[noun];
        var ids = question.Scope.Select(p => p.Id).ToList();
        var items = await db.RaidItems.AsNoTracking().Where(r => ids.Contains(r.ProgramId)).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var facts = new StoreFactList(now);
        var answer = new StringBuilder();
        foreach (var program in question.Scope)
        {
            var today = RaidRules.Today(now, program.TimeZone);
            var open = RaidViews.Ordered(items.Where(i => i.ProgramId == program.Id && RaidRules.IsOpen(i.Status)
                && (type is null ? overdue || i.Type != RaidType.Action : i.Type == type)), today).ToList();
            var chosen = overdue ? open.Where(i => RaidRules.IsOverdue(i, today)).ToList() : open.Take(Top).ToList();
            var what = type is null ? "RAID items" : type == RaidType.Dependency ? "dependencies" : $"{RaidRules.TypeWord(type.Value)}s";
            if (chosen.Count == 0)
            {
                if (question.Scope.Count == 1)
                {
                    answer.Append(CultureInfo.InvariantCulture, $"{program.Name} has no {(overdue ? "overdue " : "open ")}{what} in its RAID log. ");
                    facts.Add($"RAID log of {program.Name} as of {RaidRules.Day(today)}: {open.Count} open {what}, {open.Count(i => RaidRules.IsOverdue(i, today))} overdue.", program, "RAID log", "summary");
                }

                continue;
            }

            if (overdue)
            {
                answer.Append(CultureInfo.InvariantCulture, $"{program.Name} has {chosen.Count} overdue {what}: ");
            }
            else
            {
                answer.Append(type == RaidType.Action
                    ? string.Create(CultureInfo.InvariantCulture, $"{program.Name}'s open actions, overdue first ({open.Count} open): ")
                    : string.Create(CultureInfo.InvariantCulture, $"{program.Name}'s top {what} by score ({open.Count} open): "));
            }
            var parts = new List<string>();
            foreach (var item in chosen)
            {
                var owner = program.Stakeholders.FirstOrDefault(s => s.Id == item.OwnerId)?.Name ?? "no owner";
                var n = facts.Add(Fact(program, item, owner, today), program, RaidRules.TypeWord(item.Type), $"{RaidRules.Display(item.Key)} {item.Title}");
                var rag = RaidRules.Rag(item, today);
                var due = RaidViews.DueText(item, today).Replace("⏰ ", string.Empty, StringComparison.Ordinal);
                due = char.ToLowerInvariant(due[0]) + due[1..];
                var detail = !overdue && RaidRules.Score(item) is { } score && item.Type == RaidType.Risk ? $"score {score}, {rag}" : due;
                parts.Add($"**{RaidRules.Display(item.Key)}** {item.Title} ({owner}; {detail}) [{n}]");
            }

            answer.Append(string.Join("; ", parts)).Append(". ");
        }

        if (facts.Facts.Count == 0)
        {
            return null;
        }

        answer.Append(type == RaidType.Action ? "See them all with **actions <program>**." : "Open the log with **raid <program>**.");
        return new StoreAnswer(overdue ? StoreIntent.Overdue : StoreIntent.Risks, answer.ToString().Trim(), facts.Facts, question.Scope.Select(p => p.Name).ToList());
    }

    private static string Fact(GovernanceProgram program, RaidItem item, string owner, DateOnly today)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"{RaidRules.TypeWord(item.Type)} {RaidRules.Display(item.Key)} of {program.Name}: {item.Title}; owner {owner}; status {RaidRules.StatusLabel(item.Status).ToLowerInvariant()}");
        if (item.Type == RaidType.Risk && RaidRules.Score(item) is { } score)
        {
            text.Append(CultureInfo.InvariantCulture, $"; probability {item.Probability} × impact {item.Impact} = score {score} of 25 ({RaidRules.Rag(item, today)})");
        }
        else if (item.Type == RaidType.Issue && item.Impact is { } severity)
        {
            text.Append(CultureInfo.InvariantCulture, $"; severity {RaidRules.LevelText(severity)}");
        }
        else if (item.Type == RaidType.Dependency)
        {
            text.Append(CultureInfo.InvariantCulture, $"; on {item.DependsOn}");
        }

        if (item.DueDate is { } due)
        {
            text.Append(CultureInfo.InvariantCulture, $"; {RaidRules.DueLabel(item.Type).ToLowerInvariant()} {RaidRules.Day(due)}{(RaidRules.IsOverdue(item, today) ? " (overdue)" : "")}");
        }

        if (item.Response is { Length: > 0 } response)
        {
            text.Append(CultureInfo.InvariantCulture, $"; {RaidRules.ResponseLabel(item.Type).ToLowerInvariant()}: {response}");
        }

        return text.Append('.').ToString();
    }
}
