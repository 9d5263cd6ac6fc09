using System.Globalization;
using System.Text;
using GovernanceBot.Features.Ask;
using GovernanceBot.Store;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Decisions;

/// <summary>
/// Answers "what did we decide about the pilot date?": the decisions (recorded, and decided approvals)
/// whose title, reasons or alternatives share the most words with the question, active ones first,
/// each a numbered fact with its status and what it superseded.
/// </summary>
internal sealed class DecisionFacts(GovernanceDb db, TimeProvider time) : IStoreFactSource
{
    private const int Top = 3;

    private static readonly string[] Cues = [TextAnalyzer.Stem("decide"), TextAnalyzer.Stem("decided"), TextAnalyzer.Stem("decision"), TextAnalyzer.Stem("decisions"), TextAnalyzer.Stem("agreed")];

    public async Task<StoreAnswer?> AnswerAsync(StoreQuestion question, CancellationToken cancellationToken)
    {
        if (question.AsksWho || !question.Has(Cues) || !question.AboutOwnRecords || question.Scope.Count == 0)
        {
            return null;
        }

        var programWords = question.Scope.SelectMany(p => TextAnalyzer.Words(p.Name).Append(p.Key.ToLowerInvariant())).Select(TextAnalyzer.Stem).ToHashSet(StringComparer.Ordinal);
        var wanted = question.Stems.Where(s => !Cues.Contains(s) && !programWords.Contains(s)).ToHashSet(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return null;
        }

        var found = new List<(Store.Entities.GovernanceProgram Program, DecisionEntry Entry, int Score)>();
        foreach (var program in question.Scope)
        {
            foreach (var entry in await DecisionBook.EntriesAsync(db, program, cancellationToken))
            {
                var stems = TextAnalyzer.Words($"{entry.Title} {entry.Rationale} {string.Join(' ', entry.Alternatives)}")
                    .Where(w => !TextAnalyzer.IsStopWord(w)).Select(TextAnalyzer.Stem).ToHashSet(StringComparer.Ordinal);
                var title = TextAnalyzer.Words(entry.Title).Select(TextAnalyzer.Stem).ToHashSet(StringComparer.Ordinal);
                // Words in the title count double: "the pilot date" is about the decision titled so.
                var score = wanted.Count(stems.Contains) + wanted.Count(title.Contains);
                if (wanted.Any(title.Contains))
                {
                    found.Add((program, entry, score));
                }
            }
        }

        if (found.Count == 0)
        {
            return null;
        }

        var best = found.Max(f => f.Score);
        var chosen = found.Where(f => f.Score * 2 >= best)
            .OrderByDescending(f => f.Entry.Status is "active" or "approved").ThenByDescending(f => f.Score).ThenByDescending(f => f.Entry.DecidedAt)
            .Take(Top).ToList();
        var facts = new StoreFactList(time.GetUtcNow());
        var answer = new StringBuilder();
        foreach (var (program, entry, _) in chosen)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone);
            var day = TimeZoneInfo.ConvertTime(entry.DecidedAt, zone).ToString("d MMM yyyy", CultureInfo.InvariantCulture);
            var by = entry.DecidedBy.Length > 0 ? $" by {entry.DecidedBy}" : string.Empty;
            var fact = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Decision {entry.Id} of {program.Name}: {entry.Title}; {entry.Status}; decided {day}{by}");
            if (entry.Rationale.Length > 0)
            {
                fact.Append(CultureInfo.InvariantCulture, $"; because {entry.Rationale}");
            }

            if (entry.Alternatives.Count > 0)
            {
                fact.Append(CultureInfo.InvariantCulture, $"; alternatives considered: {string.Join("; ", entry.Alternatives)}");
            }

            if (entry.Supersession.Length > 0)
            {
                fact.Append("; ").Append(entry.Supersession.ToLowerInvariant().Replace("dec-", "DEC-", StringComparison.Ordinal));
            }

            var n = facts.Add(fact.Append('.').ToString(), program, "decision", $"{entry.Id} {entry.Title}");
            answer.Append(CultureInfo.InvariantCulture, $"{(chosen.Count > 1 ? "- " : string.Empty)}**{entry.Title}** ({entry.Id}, {entry.Status}, {day}{by})");
            answer.Append(entry.Rationale.Length > 0 ? $": {entry.Rationale.TrimEnd('.')}" : string.Empty);
            answer.Append(entry.Supersession.Length > 0 ? $". {entry.Supersession}" : string.Empty);
            answer.Append(CultureInfo.InvariantCulture, $" [{n}]{(chosen.Count > 1 ? "\n" : " ")}");
        }

        return new StoreAnswer(StoreIntent.Decisions, answer.ToString().Trim(), facts.Facts, chosen.Select(c => c.Program.Name).Distinct().ToList());
    }
}
