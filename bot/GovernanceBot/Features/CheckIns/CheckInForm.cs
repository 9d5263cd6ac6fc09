using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cronos;
using GovernanceBot.Cards;
using GovernanceBot.Conversation;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.CheckIns;

/// <summary>
/// The <c>checkin.define</c> form: the card (empty, or filled in from a check-in) and the reading of a
/// submission into a <see cref="CheckInSpec"/>, with every problem named under the input it is about.
/// </summary>
internal static partial class CheckInForm
{
    public const string Verb = "checkin.define";
    public const int MaxQuestionsLength = 4000;
    public const int MaxFieldLength = 1000;

    private static readonly (string Value, string Title)[] WeekDays =
        [("MON", "Monday"), ("TUE", "Tuesday"), ("WED", "Wednesday"), ("THU", "Thursday"), ("FRI", "Friday"), ("SAT", "Saturday"), ("SUN", "Sunday")];

    /// <summary>The form, empty for a new check-in or holding <paramref name="existing"/>.</summary>
    public static CardReply Card(GovernanceProgram program, IReadOnlyList<Stakeholder> people, CheckInSpec? existing)
    {
        var (days, time, cron) = existing is null ? ("MON", "09:00", "") : Split(existing.Schedule);
        var form = existing is null
            ? new CheckInDefineForm("", "", days, time, cron, "1d", "2h", StakeholderRoles.ProjectManager, "", "", "", "false")
            : new CheckInDefineForm(existing.Key, existing.Name, days, time, cron, existing.Window, string.Join(", ", existing.Reminders),
                string.Join(',', existing.Participants.Roles), string.Join(',', existing.Participants.Stakeholders),
                QuestionLines.Format(existing.Questions), string.Join(", ", existing.Holidays), existing.MentionNonResponders ? "true" : "false");
        var data = new CheckInDefineCard(
            new CardProgram(program.Key, program.Name),
            existing is null ? $"New {program.Name} check-in" : $"Edit {existing.Name}",
            existing is null
                ? $"Ask {program.Name}'s stakeholders the same questions on a schedule. The time of day is in each person's time zone: 09:00 is 09:00 wherever each participant is."
                : "Changes to the questions apply from the next round; a round open now keeps the questions it was sent with.",
            existing is null ? "Create check-in" : "Save changes",
            form,
            WeekDays.Select(d => new PromptChoice(d.Title, d.Value)).ToList(),
            StakeholderRoles.All.Select(r => new PromptChoice(r, r)).ToList(),
            people.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Select(p => new PromptChoice($"{p.Name} ({p.Key})", p.Key)).ToList(),
            QuestionLines.Syntax,
            QuestionLines.Example);
        return Reply.Card("checkin.define", data, CheckInJson.Default.CheckInDefineCard,
            existing is null ? $"New {program.Name} check-in: fill in the form." : $"Edit {existing.Name}: change the form and save.");
    }

    /// <summary>What a submission says, as a spec (not yet checked by <see cref="CheckInRules"/>), and the problems of reading it, by input id.</summary>
    public static (CheckInSpec Spec, Dictionary<string, List<string>> Problems, Dictionary<int, int> QuestionLine) Read(JsonObject data)
    {
        var problems = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string input, string message)
        {
            if (!problems.TryGetValue(input, out var list))
            {
                problems[input] = list = [];
            }

            list.Add(message);
        }

        string Field(string id, int max)
        {
            var text = data[id] is JsonValue value ? value.ToString().Trim() : string.Empty;
            if (text.Length > max)
            {
                Add(id, $"this field holds {text.Length:N0} characters; keep it under {max:N0}.");
                return string.Empty;
            }

            return text;
        }

        var spec = new CheckInSpec
        {
            Name = Field("name", MaxFieldLength),
            Window = Field("window", MaxFieldLength) is { Length: > 0 } window ? window : "1d",
            Reminders = List(Field("reminders", MaxFieldLength)),
            Holidays = List(Field("holidays", MaxFieldLength)),
            MentionNonResponders = string.Equals(Field("mentionNonResponders", MaxFieldLength), "true", StringComparison.OrdinalIgnoreCase),
            Participants = new ParticipantsSpec
            {
                Roles = List(Field("roles", MaxFieldLength)).Distinct(StringComparer.Ordinal).ToList(),
                Stakeholders = List(Field("people", MaxFieldLength)).Distinct(StringComparer.Ordinal).ToList(),
            },
        };

        var days = List(Field("days", MaxFieldLength)).Select(d => d.ToUpperInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var time = Field("time", MaxFieldLength);
        var cron = Field("cron", MaxFieldLength);
        if (cron.Length > 0)
        {
            if (days.Count > 0)
            {
                Add("cron", "fill in either the days and time or a cron expression, not both: clear the days to use the cron expression.");
            }

            spec.Schedule = cron;
        }
        else if (days.Count == 0)
        {
            Add("days", "pick at least one day, or write a cron expression under \"Advanced\".");
        }
        else if (days.FirstOrDefault(d => WeekDays.All(w => w.Value != d)) is { } unknown)
        {
            Add("days", $"'{CheckInRules.Shorten(unknown)}' is not a day of the week; use MON, TUE, WED, THU, FRI, SAT or SUN.");
        }
        else if (!TimeOnly.TryParseExact(time, ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            Add("time", time.Length == 0 ? "pick the time of day the check-in goes out, e.g. 09:00." : $"'{CheckInRules.Shorten(time)}' is not a time of day; write it as HH:mm, e.g. 09:00.");
        }
        else
        {
            var ordered = WeekDays.Select(w => w.Value).Where(days.Contains);
            spec.Schedule = $"{at.Minute} {at.Hour} * * {string.Join(',', ordered)}";
        }

        var lineOf = new Dictionary<int, int>();
        var (lines, lineProblems) = QuestionLines.Parse(Field("questions", MaxQuestionsLength));
        foreach (var problem in lineProblems)
        {
            Add("questions", problem);
        }

        foreach (var line in lines)
        {
            lineOf[spec.Questions.Count] = line.Number;
            spec.Questions.Add(line.Question);
        }

        return (spec, problems, lineOf);
    }

    /// <summary>The input a rule's problem belongs under, and the message as the form shows it.</summary>
    public static (string Input, string Message) Place(CheckInProblem problem, IReadOnlyDictionary<int, int> questionLine, bool typedCron)
    {
        var message = problem.Hint is null ? $"{Capital(problem.Message)}." : $"{Capital(problem.Message)} ({problem.Hint}).";
        var input = problem.Field switch
        {
            CheckInField.Name => "name",
            CheckInField.Schedule => typedCron ? "cron" : "days",
            CheckInField.Window => "window",
            CheckInField.Reminders => "reminders",
            CheckInField.Roles or CheckInField.Participants => "roles",
            CheckInField.Stakeholders => "people",
            CheckInField.Holidays => "holidays",
            _ => "questions",
        };
        if (problem.Index >= 0 && questionLine.TryGetValue(problem.Index, out var line) && input == "questions")
        {
            message = $"Line {line}: {message}";
        }

        return (input, message);
    }

    /// <summary>Days and time when the cron is "minute hour * * days", else the cron for the advanced field.</summary>
    public static (string Days, string Time, string Cron) Split(string cron)
    {
        var match = SimpleCron().Match(cron.Trim());
        if (!match.Success)
        {
            return ("", "", cron);
        }

        var minute = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var hour = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        var days = new List<string>();
        foreach (var part in match.Groups[3].Value.ToUpperInvariant().Split(','))
        {
            var day = part switch
            {
                "*" => "ALL",
                _ when int.TryParse(part, CultureInfo.InvariantCulture, out var n) && n is >= 0 and <= 7 => WeekDays[(n + 6) % 7].Value,
                _ when WeekDays.Any(w => w.Value == part) => part,
                _ => null,
            };
            if (day is null || minute > 59 || hour > 23)
            {
                return ("", "", cron);
            }

            days.AddRange(day == "ALL" ? WeekDays.Select(w => w.Value) : [day]);
        }

        var ordered = WeekDays.Select(w => w.Value).Where(days.Contains);
        return (string.Join(',', ordered), $"{hour:00}:{minute:00}", "");
    }

    /// <summary>True when <see cref="Cadence"/> reads as days and a time of day (not a raw cron expression).</summary>
    public static bool IsSimple(string cron) => Split(cron).Cron.Length == 0;

    /// <summary>"Mondays and Thursdays at 09:00", or the cron expression when it is not that simple.</summary>
    public static string Cadence(string cron)
    {
        var (days, time, advanced) = Split(cron);
        if (advanced.Length > 0)
        {
            return $"cron \"{advanced}\"";
        }

        var names = days.Split(',').Select(d => WeekDays.First(w => w.Value == d).Title + "s").ToList();
        var list = names.Count == 7 ? "every day" : names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1];
        return $"{list} at {time}";
    }

    /// <summary>
    /// The schedule as the rule reads: "Mondays at 09:00 in each person's time zone" (a cron expression
    /// is read in each person's zone too). Said in those words wherever the schedule is shown, so a
    /// program manager is not surprised that the first prompts go out on Sunday evening their time.
    /// </summary>
    public static string Schedule(string cron) =>
        IsSimple(cron) ? $"{Cadence(cron)} in each person's time zone" : $"{Cadence(cron)}, read in each person's time zone";

    /// <summary>
    /// When the next round opens: the schedule's first firing after now, for the earliest participant,
    /// on a date that is not a holiday and has not fired yet for anyone (that round is already due).
    /// </summary>
    public static DateTimeOffset? NextOpening(CheckInDefinition checkIn, IReadOnlyList<Stakeholder> participants, DateTimeOffset now)
    {
        var cron = CronExpression.Parse(checkIn.Cron, CronFormat.Standard);
        var due = CheckInRounds.LatestDueDate(checkIn, participants, now);
        DateTimeOffset? best = null;
        foreach (var zoneId in participants.Select(p => p.TimeZone).Distinct(StringComparer.Ordinal))
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
            foreach (var next in cron.GetOccurrences(now.UtcDateTime, now.UtcDateTime.AddDays(400), zone, fromInclusive: false).Take(400))
            {
                var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(next, zone));
                if (checkIn.Holidays.Contains(date) || date <= due)
                {
                    continue;
                }

                var at = new DateTimeOffset(next, TimeSpan.Zero);
                best = best is null || at < best ? at : best;
                break;
            }
        }

        return best;
    }

    private static List<string> List(string text) =>
        text.Split([',', '\n', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    [GeneratedRegex(@"^(\d{1,2}) (\d{1,2}) \* \* ([A-Za-z0-7*]+(?:,[A-Za-z0-7]+)*)$")]
    private static partial Regex SimpleCron();
}
