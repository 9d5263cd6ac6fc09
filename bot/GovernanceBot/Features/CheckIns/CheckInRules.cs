using System.Globalization;
using Cronos;
using GovernanceBot.Conversation;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.CheckIns;

/// <summary>Where a check-in problem is: a field of the check-in, or of its question at <c>Index</c> (0-based; -1 for the check-in itself).</summary>
public enum CheckInField { Name, Schedule, Window, Reminders, Roles, Stakeholders, Participants, Holidays, Questions, QuestionKey, QuestionText, QuestionKind, QuestionOptions }

public sealed record CheckInProblem(CheckInField Field, int Index, string Message, string? Hint = null);

/// <summary>A stakeholder as the rules see one: the key a check-in names and the roles that make them take part.</summary>
public sealed record CheckInPerson(string Key, string Name, IReadOnlyCollection<string> Roles);

/// <summary>
/// The rules a check-in definition obeys, whether it comes from a governance file or from the chat
/// form: one place, so both say the same thing about the same mistake.
/// </summary>
public static class CheckInRules
{
    public const int MaxNameLength = 100;
    public const int MaxQuestionLength = 300;
    public const int MaxOptionLength = 60;
    public const int MaxOptions = 10;
    public const int MaxQuestions = 20;

    public static readonly string[] QuestionKinds = ["scale", "choice", "text"];

    public static IReadOnlyList<CheckInProblem> Check(CheckInSpec spec, IReadOnlyCollection<CheckInPerson> people)
    {
        var problems = new List<CheckInProblem>();
        void Add(CheckInField field, int index, string message, string? hint = null) => problems.Add(new CheckInProblem(field, index, message, hint));

        if (spec.Name.Trim().Length == 0)
        {
            Add(CheckInField.Name, -1, "a check-in needs 'name'", "for example 'name: Weekly check-in'");
        }
        else if (PlainTextProblem(spec.Name, MaxNameLength) is { } nameProblem)
        {
            Add(CheckInField.Name, -1, $"the check-in name {nameProblem}");
        }

        if (spec.Schedule.Trim().Length == 0)
        {
            Add(CheckInField.Schedule, -1, $"the check-in '{spec.Key}' needs 'schedule'", "schedule: \"0 9 * * MON\" (Mondays at 09:00 in each person's time zone)");
        }
        else if (CronProblem(spec.Schedule) is { } cronProblem)
        {
            Add(CheckInField.Schedule, -1, cronProblem, CronHint);
        }

        var windowValid = Durations.TryParse(spec.Window, out var window);
        if (!windowValid)
        {
            Add(CheckInField.Window, -1, $"'{Shorten(spec.Window)}' is not a duration", "e.g. 1d, 24h, 90m or 1d12h");
        }

        for (var i = 0; i < spec.Reminders.Count; i++)
        {
            var text = spec.Reminders[i];
            if (!Durations.TryParse(text, out var lead))
            {
                Add(CheckInField.Reminders, i, $"'{Shorten(text)}' is not a reminder: a reminder must be a duration before the round closes", "e.g. 2h, 30m or 1d");
            }
            else if (windowValid && lead >= window)
            {
                Add(CheckInField.Reminders, i, $"a reminder {text} before close would go out before the round opens (window {Durations.Format(window)})", "use a shorter lead, e.g. 2h");
            }
        }

        foreach (var role in spec.Participants.Roles.Where(role => !StakeholderRoles.All.Contains(role)))
        {
            Add(CheckInField.Roles, -1, $"unknown role '{Shorten(role)}'", $"use any of: {string.Join(", ", StakeholderRoles.All)}");
        }

        var keys = people.Select(p => p.Key).ToList();
        foreach (var key in spec.Participants.Stakeholders.Where(k => !keys.Contains(k, StringComparer.Ordinal)))
        {
            Add(CheckInField.Stakeholders, -1, $"unknown stakeholder '{Shorten(key)}' in 'stakeholders'", Keys.SuggestStakeholder(key, keys));
        }

        var anyone = spec.Participants.Stakeholders.Any(k => keys.Contains(k, StringComparer.Ordinal))
            || people.Any(p => p.Roles.Intersect(spec.Participants.Roles).Any());
        var knownRoles = spec.Participants.Roles.Where(StakeholderRoles.All.Contains).ToList();
        if (!anyone && knownRoles.Count > 0 && spec.Participants.Stakeholders.Count == 0)
        {
            // The roles are valid words; what is missing is a person holding one. Saying "no participants"
            // sends the reader to the check-in when the fix is in the stakeholder list.
            var roles = knownRoles.Count == 1 ? $"the role '{knownRoles[0]}'" : $"any of the roles {string.Join(", ", knownRoles.Select(r => $"'{r}'"))}";
            Add(CheckInField.Roles, -1, $"no one in the program holds {roles}, so the check-in '{spec.Key}' would ask nobody",
                $"give a stakeholder the role (roles: [{knownRoles[0]}]), or name people: participants: {{ stakeholders: [adelev] }}");
        }
        else if (!anyone)
        {
            Add(CheckInField.Participants, -1, $"the check-in '{spec.Key}' has no participants",
                "participants: { roles: [project-manager] } or { stakeholders: [adelev] }");
        }

        foreach (var text in spec.Holidays.Where(h => !DateOnly.TryParseExact(h, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
        {
            Add(CheckInField.Holidays, spec.Holidays.IndexOf(text), $"'{Shorten(text)}' is not a date: a holiday must be a date", "e.g. 2026-12-25");
        }

        CheckQuestions(spec, Add);
        return problems;
    }

    private static void CheckQuestions(CheckInSpec spec, Action<CheckInField, int, string, string?> add)
    {
        if (spec.Questions.Count == 0)
        {
            add(CheckInField.Questions, -1, $"the check-in '{spec.Key}' has no questions", "questions: [ { key: progress, kind: scale, text: How is it going? } ]");
            return;
        }

        if (spec.Questions.Count > MaxQuestions)
        {
            add(CheckInField.Questions, -1, $"the check-in '{spec.Key}' has {spec.Questions.Count} questions; ask at most {MaxQuestions}", "short check-ins get more answers");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Questions.Count; i++)
        {
            var q = spec.Questions[i];
            var label = q.Key.Length > 0 ? $"question '{q.Key}'" : $"question {i + 1}";
            if (q.Key.Length == 0)
            {
                add(CheckInField.QuestionKey, i, $"question {i + 1} needs 'key'", "for example 'key: confidence'");
            }
            else if (!Keys.IsKey(q.Key))
            {
                add(CheckInField.QuestionKey, i, $"'{Shorten(q.Key)}' is not a valid key", "use lower-case letters, digits and '-', e.g. 'on-time-delivery'");
            }
            else if (!seen.Add(q.Key))
            {
                add(CheckInField.QuestionKey, i, $"the key '{q.Key}' is used twice in questions", "every key must be unique in its list");
            }

            if (q.Text.Trim().Length == 0)
            {
                add(CheckInField.QuestionText, i, $"{label} needs 'text'", "for example 'text: How confident are you in this week's plan?'");
            }
            else if (PlainTextProblem(q.Text, MaxQuestionLength) is { } textProblem)
            {
                add(CheckInField.QuestionText, i, $"{label}: the text {textProblem}", null);
            }
            else if (q.Text.Contains('|', StringComparison.Ordinal))
            {
                add(CheckInField.QuestionText, i, $"{label}: the text can't contain '|'", "'|' separates a question from its kind on the chat form");
            }

            if (!QuestionKinds.Contains(q.Kind))
            {
                var near = QuestionKinds.OrderBy(k => CommandText.Distance(k, q.Kind)).First();
                add(CheckInField.QuestionKind, i, $"'{Shorten(q.Kind)}' is not a valid kind",
                    CommandText.Distance(near, q.Kind) <= 2 ? $"did you mean '{near}'?" : $"use one of: {string.Join(", ", QuestionKinds)}");
                continue;
            }

            var problem = q.Kind switch
            {
                "scale" when q.Options.Count is not (0 or 5) => "a scale question has 5 labels (for 1 to 5) or none",
                "choice" when q.Options.Count < 2 => "a choice question needs at least 2 options",
                "choice" when q.Options.Count > MaxOptions => $"a choice question has at most {MaxOptions} options",
                "text" when q.Options.Count > 0 => "a text question has no options",
                _ => null,
            };
            if (problem is not null)
            {
                add(CheckInField.QuestionOptions, i, $"{label}: {problem}", null);
                continue;
            }

            foreach (var option in q.Options)
            {
                if (option.Trim().Length == 0)
                {
                    add(CheckInField.QuestionOptions, i, $"{label}: an option is empty", null);
                }
                else if (PlainTextProblem(option, MaxOptionLength) is { } optionProblem)
                {
                    add(CheckInField.QuestionOptions, i, $"{label}: the option '{Shorten(option)}' {optionProblem}", null);
                }
                else if (option.Contains(',', StringComparison.Ordinal) || option.Contains('|', StringComparison.Ordinal))
                {
                    add(CheckInField.QuestionOptions, i, $"{label}: the option '{Shorten(option)}' can't contain ',' or '|'", "commas separate options on the chat form");
                }
            }

            if (q.Options.Distinct(StringComparer.OrdinalIgnoreCase).Count() < q.Options.Count)
            {
                add(CheckInField.QuestionOptions, i, $"{label}: an option is listed twice", null);
            }
        }
    }

    public const string CronHint = "five fields: minute hour day-of-month month day-of-week, e.g. \"0 9 * * MON\"";

    /// <summary>Null when <paramref name="text"/> is a valid five-field cron expression, else what is wrong.</summary>
    public static string? CronProblem(string text)
    {
        try
        {
            CronExpression.Parse(text.Trim(), CronFormat.Standard);
            return null;
        }
        catch (CronFormatException ex)
        {
            return $"'{Shorten(text.Trim())}' is not a valid cron expression: {ex.Message.TrimEnd('.')}";
        }
    }

    /// <summary>
    /// Names, questions and options are shown on cards in Teams and Slack: one line of plain text,
    /// so markup cannot change how a card looks or mention people.
    /// </summary>
    public static string? PlainTextProblem(string text, int maxLength)
    {
        if (text.Length > maxLength)
        {
            return $"is {text.Length} characters long; keep it under {maxLength}";
        }

        if (text.Any(c => c is '<' or '>'))
        {
            return "can't contain '<' or '>' (markup is not shown on cards)";
        }

        return text.Any(char.IsControl) ? "must be one line of text" : null;
    }

    public static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
