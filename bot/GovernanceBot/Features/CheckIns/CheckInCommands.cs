using System.Globalization;
using System.Text;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.CheckIns;

/// <summary><c>checkin</c>: my open check-ins — the form if I haven't answered, my answers (with Edit) if I have.</summary>
internal sealed class MyCheckInHandler(GovernanceDb db, ReaderPolicy readers, CheckInRounds rounds, TimeProvider time) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        if (await readers.RefusalHereAsync(context, Reading.OwnItems, cancellationToken) is { } refusal)
        {
            return [refusal];
        }

        var me = (await readers.ReaderAsync(context, cancellationToken)).People;
        if (me.Count == 0)
        {
            return [Reply.Text("I don't know you as a stakeholder of any program here yet, so you have no check-ins. Your program manager adds people (with their e-mail) to the program's governance file.")];
        }

        var now = time.GetUtcNow();
        var programIds = me.Select(s => s.ProgramId).ToList();
        var open = await db.CheckInRounds
            .Include(r => r.CheckIn!).ThenInclude(c => c.Questions)
            .Include(r => r.CheckIn!).ThenInclude(c => c.Program!).ThenInclude(p => p.Stakeholders)
            .Where(r => programIds.Contains(r.ProgramId) && r.Status == CheckInRoundStatus.Open && r.ClosesAt > now)
            .OrderBy(r => r.ClosesAt)
            .ToListAsync(cancellationToken);
        var roundIds = open.Select(r => r.Id).ToList();
        var myIds = me.Select(s => s.Id).ToList();
        var responses = await db.CheckInResponses.AsNoTracking()
            .Where(r => roundIds.Contains(r.RoundId) && myIds.Contains(r.StakeholderId))
            .ToListAsync(cancellationToken);
        var replies = new List<Reply>();
        foreach (var round in open)
        {
            var checkIn = round.CheckIn!;
            var person = me.First(s => s.ProgramId == round.ProgramId);
            if (!CheckInRounds.Participants(checkIn, checkIn.Program!.Stakeholders).Any(p => p.Id == person.Id))
            {
                continue;
            }

            var response = responses.FirstOrDefault(r => r.RoundId == round.Id && r.StakeholderId == person.Id);
            replies.Add(response is null
                ? rounds.Prompt(checkIn.Program!, checkIn, round, person, null)
                : rounds.Thanks(checkIn.Program!, checkIn, round, person, response));
        }

        return replies.Count > 0
            ? replies.Select(r => r with { Audience = ReaderPolicy.AudienceFor(Reading.OwnItems) }).ToList()
            : [Reply.Text("You have no open check-in right now. I'll message you when the next one opens.")];
    }
}

/// <summary><c>checkin status [program]</c>: who has answered the current (or last) round, who hasn't, and who couldn't be reached.</summary>
internal sealed class CheckInStatusHandler(GovernanceDb db, ReaderPolicy readers) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var (p, refusal) = await readers.ResolveAsync(context, context.Arguments, "checkin status Phoenix", Reading.CheckInProgress, cancellationToken);
        if (p is null)
        {
            return [refusal!];
        }

        var rounds = await db.CheckInRounds.AsNoTracking().Include(r => r.CheckIn)
            .Where(r => r.ProgramId == p.Id)
            .OrderByDescending(r => r.OccurrenceDate)
            .Take(20)
            .ToListAsync(cancellationToken);
        var latest = rounds.GroupBy(r => r.CheckInId).Select(g => g.First()).ToList();
        if (latest.Count == 0)
        {
            return [Reply.Text($"No {p.Name} check-in round has run yet. A program manager can start one now with **checkin run {p.Name}**.")];
        }

        var stakeholders = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == p.Id).ToListAsync(cancellationToken);
        var latestIds = latest.Select(r => r.Id).ToList();
        var responses = await db.CheckInResponses.AsNoTracking()
            .Where(r => latestIds.Contains(r.RoundId))
            .Select(r => new { r.RoundId, r.StakeholderId })
            .ToListAsync(cancellationToken);
        var text = new StringBuilder();
        foreach (var round in latest)
        {
            var checkIn = round.CheckIn!;
            var invited = CheckInRounds.Participants(checkIn, stakeholders).Where(s => !CheckInRounds.IsAway(s, round.OccurrenceDate)).ToList();
            var answered = responses.Where(r => r.RoundId == round.Id).Select(r => r.StakeholderId).ToList();
            var prefix = CheckInRounds.KeyPrefix(round);
            var failed = await db.Outbox.AsNoTracking()
                .Where(o => o.IdempotencyKey.StartsWith(prefix) && o.Status == OutboxStatus.Failed)
                .OrderBy(o => o.Id)
                .Select(o => new { o.IdempotencyKey, o.LastError })
                .ToListAsync(cancellationToken);
            var open = round.Status == CheckInRoundStatus.Open;
            var state = open ? $"open until {LocalTime.Of(round.ClosesAt, TimeZoneInfo.FindSystemTimeZoneById(p.TimeZone))}" : "closed";
            text.Append(CultureInfo.InvariantCulture, $"**{checkIn.Name}** — {CheckInRounds.PeriodText(round.OccurrenceDate)}, {state}: {answered.Count} of {invited.Count} answered.\n");
            var done = invited.Where(s => answered.Contains(s.Id)).Select(s => s.Name).ToList();
            var waiting = invited.Where(s => !answered.Contains(s.Id)).Select(s => s.Name).ToList();
            text.Append(CultureInfo.InvariantCulture, $"- Answered: {(done.Count > 0 ? string.Join(", ", done) : open ? "nobody yet" : "nobody")}\n");
            text.Append(open
                ? $"- Waiting for: {(waiting.Count > 0 ? string.Join(", ", waiting) : "nobody")}\n"
                : $"- Did not answer: {(waiting.Count > 0 ? string.Join(", ", waiting) : "nobody")}\n");
            // A person's prompt and each reminder fail for the same reason: said once, with the latest reason.
            var unreachable = invited
                .Select(s => (Person: s, Error: failed.LastOrDefault(f => f.IdempotencyKey.StartsWith(prefix + s.Id + ":", StringComparison.Ordinal))?.LastError))
                .Where(x => x.Error is not null)
                .ToList();
            foreach (var (person, error) in unreachable)
            {
                text.Append(CultureInfo.InvariantCulture, $"- Could not reach {person.Name}: {error}\n");
            }

            if (unreachable.Count > 0)
            {
                text.Append(open
                    ? "  What to do: ask them to add GovernanceBot in Teams (Apps → search \"GovernanceBot\" → Add) or to message it once in Slack, or add GovernanceBot to a team they are in; their reminder then reaches them. Meanwhile they can answer by typing **checkin** to the bot.\n"
                    : "  What to do before the next round: ask them to add GovernanceBot in Teams (Apps → search \"GovernanceBot\" → Add) or to message it once in Slack, or add GovernanceBot to a team they are in.\n");
            }

            var away = CheckInRounds.Participants(checkIn, stakeholders).Where(s => CheckInRounds.IsAway(s, round.OccurrenceDate)).Select(s => s.Name).ToList();
            if (away.Count > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"- Away: {string.Join(", ", away)}\n");
            }
        }

        return [Reply.Text(text.ToString().TrimEnd()) with { Audience = ReaderPolicy.AudienceFor(Reading.CheckInProgress) }];
    }
}

/// <summary><c>checkin run &lt;program&gt;</c>: program managers open a round now, outside the schedule.</summary>
internal sealed class RunCheckInHandler(GovernanceDb db, ProgramDirectory directory, CheckInRounds rounds, TimeProvider time) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var (resolved, error) = await directory.ResolveAsync(context.WorkspaceId, context.Turn.Conversation, context.Arguments, "checkin run Phoenix", cancellationToken);
        if (resolved is null)
        {
            return [Reply.Text(error!)];
        }

        var program = await db.Programs.Include(p => p.Stakeholders).Include(p => p.CheckIns).ThenInclude(c => c.Questions)
            .FirstAsync(p => p.Id == resolved.Id, cancellationToken);
        var now = time.GetUtcNow();
        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program.Id);
        if (me is null || !Governance.IsManager(me))
        {
            var managers = program.Stakeholders.Where(Governance.IsManager).Select(s => s.Name);
            db.AppendAudit(now, context.WorkspaceId, program.Id, Governance.Actor(context.Turn), context.Turn.Channel, "checkin.run.refused", $"program:{program.Key}", after: "not a program manager or PMO member");
            await db.SaveChangesAsync(cancellationToken);
            return [Reply.Text($"Only {program.Name}'s program managers or PMO can start a check-in round ({string.Join(", ", managers)}).") with { Audience = ReplyAudience.Requester }];
        }

        var checkIns = program.CheckIns.Where(c => c.Enabled && c.ArchivedAt is null).ToList();
        if (checkIns.Count == 0)
        {
            return [Reply.Text(program.CheckIns.Any(c => c.ArchivedAt is null)
                ? $"{program.Name}'s check-ins are all paused. **checkin resume {program.Name} <name>** starts one again (**checkins {program.Name}** lists them)."
                : $"{program.Name} has no check-in defined. **checkin new {program.Name}** creates one (or add it under `checkIns:` in its governance file).")];
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone)).DateTime);
        var opened = new List<string>();
        foreach (var checkIn in checkIns)
        {
            var round = await rounds.OpenNowAsync(db, program, checkIn, program.Stakeholders, today, me.Key, cancellationToken);
            if (round is not null)
            {
                opened.Add(checkIn.Name);
            }
        }

        if (opened.Count == 0)
        {
            return [Reply.Text($"Today's {program.Name} check-in round is already open (or today is a check-in holiday). **checkin status {program.Name}** shows who has answered.")];
        }

        await db.SaveChangesAsync(cancellationToken);
        return [Reply.Text($"Opened {string.Join(" and ", opened)} for {program.Name}: everyone taking part gets the form in a 1:1 chat now. **checkin status {program.Name}** shows who has answered.")];
    }
}

/// <summary><c>away until DATE</c> and <c>back</c>: pause check-in prompts and reminders.</summary>
internal sealed class AwayHandler(GovernanceDb db, ProgramDirectory directory, TimeProvider time) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var back = context.Route == "back";
        DateOnly? until = null;
        if (!back)
        {
            var text = context.Arguments.Trim();
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return [Reply.Text($"Tell me the last day you're away as a date, for example **away until {time.GetUtcNow().AddDays(7):yyyy-MM-dd}**.") with { Audience = ReplyAudience.Requester }];
            }

            if (date < DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime))
            {
                return [Reply.Text($"{date:yyyy-MM-dd} is in the past. Give the last day you'll be away, e.g. **away until {time.GetUtcNow().AddDays(7):yyyy-MM-dd}**.") with { Audience = ReplyAudience.Requester }];
            }

            until = date;
        }

        var ids = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).Select(s => s.Id).ToList();
        if (ids.Count == 0)
        {
            return [Reply.Text("I don't know you as a stakeholder of any program here, so there's nothing to pause.") with { Audience = ReplyAudience.Requester }];
        }

        var people = await db.Stakeholders.Include(s => s.Program).Where(s => ids.Contains(s.Id)).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        foreach (var person in people)
        {
            var before = person.AwayUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            person.AwayUntil = until;
            db.AppendAudit(now, context.WorkspaceId, person.ProgramId, person.Key, context.Turn.Channel, back ? "stakeholder.back" : "stakeholder.away",
                $"stakeholder:{person.Key}", before, until?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        await db.SaveChangesAsync(cancellationToken);
        return [Reply.Text(back
            ? "Welcome back! Check-in prompts and reminders will reach you again."
            : $"Got it: no check-in prompts or reminders until the end of {until:ddd d MMM yyyy}. Type **back** if you return early.") with { Audience = ReplyAudience.Requester }];
    }
}
