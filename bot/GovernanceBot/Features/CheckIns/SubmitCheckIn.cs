using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.CheckIns;

/// <summary>
/// <c>checkin.submit</c>: validates every answer, then stores one response per participant (a later
/// submission in the window replaces it: last write wins), audits it and shows the thanks card.
/// </summary>
internal sealed class SubmitCheckInHandler(GovernanceDb db, ProgramDirectory directory, CheckInRounds rounds, TimeProvider time) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var found = await CheckInAccess.FindAsync(db, directory, context, cancellationToken);
        if (found.Refusal is { } refusal)
        {
            return [refusal];
        }

        var (round, checkIn, program, person) = (found.Round!, found.CheckIn!, found.Program!, found.Person!);
        var now = time.GetUtcNow();
        if (round.Status == CheckInRoundStatus.Closed || now >= round.ClosesAt)
        {
            return [Reply.Text($"Sorry, {CheckInRounds.FirstName(person.Name)} — the {checkIn.Name} for {CheckInRounds.PeriodText(round.OccurrenceDate)} closed {CheckInRounds.ClosesText(round.ClosesAt, TimeZoneInfo.FindSystemTimeZoneById(person.TimeZone))}, so this answer was not recorded. You will get the next one as usual.") with { Audience = ReplyAudience.Requester }];
        }

        var (answers, problems) = Validate(CheckInRounds.QuestionsOf(checkIn, round), context.Turn.Action!.Data);
        if (problems.Count > 0)
        {
            var text = new StringBuilder("Your check-in was not saved yet:\n");
            foreach (var (_, problem) in problems)
            {
                text.Append(CultureInfo.InvariantCulture, $"- {problem}\n");
            }

            text.Append("Fix the answers on the card and submit again.");
            // Named by the card's input ids, so a Slack modal stays open with each message under its input.
            return [Reply.InvalidInput(text.ToString(), problems.ToDictionary(p => p.InputId, p => p.Problem, StringComparer.Ordinal))];
        }

        var json = JsonSerializer.Serialize(answers, CheckInJson.Default.DictionaryStringString);
        var response = await SaveAsync(round, program, person, json, context, cancellationToken);
        return [rounds.Thanks(program, checkIn, round, person, response) with { ReplacesSourceCard = true }];
    }

    private async Task<CheckInResponse> SaveAsync(CheckInRound round, GovernanceProgram program, Stakeholder person, string json, TurnContext context, CancellationToken cancellationToken)
    {
        // Double clicks and two devices race here: the unique (round, person) index admits one insert,
        // the version token makes concurrent edits retry on fresh data, and the last write wins.
        for (var attempt = 0; ; attempt++)
        {
            var now = time.GetUtcNow();
            var response = await db.CheckInResponses.FirstOrDefaultAsync(r => r.RoundId == round.Id && r.StakeholderId == person.Id, cancellationToken);
            var before = response?.AnswersJson;
            if (response is null)
            {
                response = new CheckInResponse { RoundId = round.Id, StakeholderId = person.Id, AnswersJson = json, SubmittedAt = now, UpdatedAt = now, Version = 1 };
                db.CheckInResponses.Add(response);
            }
            else
            {
                response.AnswersJson = json;
                response.UpdatedAt = now;
                response.Version++;
            }

            db.AppendAudit(now, program.WorkspaceId, program.Id, person.Key, context.Turn.Channel,
                before is null ? "checkin.answer.submitted" : "checkin.answer.updated", $"checkin-round:{round.Id}", before, json);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return response;
            }
            catch (DbUpdateException) when (attempt < 50)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// The card's inputs checked against the questions: every problem named with the card input it
    /// belongs to (<c>q_{key}</c>), nothing partial kept.
    /// </summary>
    public static (Dictionary<string, string> Answers, List<(string InputId, string Problem)> Problems) Validate(IReadOnlyList<CheckInQuestion> questions, JsonObject data)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<(string InputId, string Problem)>();
        foreach (var q in questions)
        {
            var input = $"q_{q.Key}";
            var raw = data[input] is JsonValue value ? value.ToString().Trim() : string.Empty;
            if (raw.Length == 0)
            {
                if (q.Required)
                {
                    problems.Add((input, $"\"{q.Text}\" needs an answer."));
                }

                continue;
            }

            switch (q.Kind)
            {
                case CheckInQuestionKind.Scale when !int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var score) || score is < 1 or > 5:
                    problems.Add((input, $"\"{q.Text}\": pick a score from 1 to 5 (got \"{Shorten(raw)}\")."));
                    break;
                case CheckInQuestionKind.Choice when !q.Options.Contains(raw, StringComparer.Ordinal):
                    problems.Add((input, $"\"{q.Text}\": choose one of {string.Join(", ", q.Options.Select(o => $"\"{o}\""))}."));
                    break;
                case CheckInQuestionKind.Text when raw.Length > CheckInRounds.MaxTextLength:
                    problems.Add((input, $"\"{q.Text}\": keep it under {CheckInRounds.MaxTextLength} characters (this one has {raw.Length})."));
                    break;
                default:
                    answers[q.Key] = q.Kind == CheckInQuestionKind.Text ? WithoutControlCharacters(raw) : raw;
                    break;
            }
        }

        return (answers, problems);
    }

    private static string Shorten(string text) => text.Length > 20 ? text[..20] + "…" : text;

    private static string WithoutControlCharacters(string text) =>
        new(text.Where(c => !char.IsControl(c) || c is '\n' or '\t').ToArray());
}

/// <summary><c>checkin.edit</c>: the prompt again, filled in with the answers given, while the round is open.</summary>
internal sealed class EditCheckInHandler(GovernanceDb db, ProgramDirectory directory, CheckInRounds rounds, TimeProvider time) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var found = await CheckInAccess.FindAsync(db, directory, context, cancellationToken);
        if (found.Refusal is { } refusal)
        {
            return [refusal];
        }

        var (round, checkIn, program, person) = (found.Round!, found.CheckIn!, found.Program!, found.Person!);
        if (round.Status == CheckInRoundStatus.Closed || time.GetUtcNow() >= round.ClosesAt)
        {
            return [Reply.Text($"The {checkIn.Name} for {CheckInRounds.PeriodText(round.OccurrenceDate)} has closed, so answers can no longer be changed.") with { Audience = ReplyAudience.Requester }];
        }

        var response = await db.CheckInResponses.AsNoTracking().FirstOrDefaultAsync(r => r.RoundId == round.Id && r.StakeholderId == person.Id, cancellationToken);
        var answers = response is null ? null : CheckInSummaries.Parse(response.AnswersJson);
        return [rounds.Prompt(program, checkIn, round, person, answers) with { ReplacesSourceCard = true }];
    }
}

/// <summary>Finds the round a card action refers to, in the asker's workspace, and checks they take part in it.</summary>
internal static class CheckInAccess
{
    internal sealed record Found(CheckInRound? Round, CheckInDefinition? CheckIn, GovernanceProgram? Program, Stakeholder? Person, Reply? Refusal);

    public static async Task<Found> FindAsync(GovernanceDb db, ProgramDirectory directory, TurnContext context, CancellationToken cancellationToken)
    {
        var data = context.Turn.Action?.Data ?? [];
        var now = context.Turn.ReceivedAt;
        if (!Guid.TryParse(data["roundId"]?.ToString(), out var roundId))
        {
            return Refuse("This card does not say which check-in it belongs to. Type **checkin** to get your current check-in.");
        }

        var round = await db.CheckInRounds
            .Include(r => r.CheckIn!).ThenInclude(c => c.Questions)
            .Include(r => r.CheckIn!).ThenInclude(c => c.Program!).ThenInclude(p => p.Stakeholders)
            .FirstOrDefaultAsync(r => r.Id == roundId && r.CheckIn!.Program!.WorkspaceId == context.WorkspaceId, cancellationToken);
        if (round is null)
        {
            db.AppendAudit(now, context.WorkspaceId, null, Governance.Actor(context.Turn), context.Turn.Channel, "checkin.refused", $"checkin-round:{roundId}", after: "round not found in this workspace");
            await db.SaveChangesAsync(cancellationToken);
            return Refuse("I can't find that check-in here. Type **checkin** to get your current check-in.");
        }

        var checkIn = round.CheckIn!;
        var program = checkIn.Program!;
        var mine = await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken);
        var person = mine.FirstOrDefault(s => s.ProgramId == program.Id);
        if (person is null || !CheckInRounds.Participants(checkIn, program.Stakeholders).Any(p => p.Id == person.Id))
        {
            db.AppendAudit(now, context.WorkspaceId, program.Id, Governance.Actor(context.Turn), context.Turn.Channel, "checkin.refused", $"checkin-round:{round.Id}", after: "not a participant");
            await db.SaveChangesAsync(cancellationToken);
            return Refuse($"This {checkIn.Name} card was sent to someone else, so I can't record an answer from you. If you should take part, ask {program.Name}'s program manager to add you to the check-in.");
        }

        return new Found(round, checkIn, program, person, null);

        static Found Refuse(string text) => new(null, null, null, null, Reply.Text(text) with { Audience = ReplyAudience.Requester });
    }
}
