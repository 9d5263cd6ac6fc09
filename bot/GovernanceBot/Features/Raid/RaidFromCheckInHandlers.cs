using System.Globalization;
using System.Text.Json.Nodes;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Audit;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.Programs;
using GovernanceBot.Hosting;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Raid;

/// <summary>The check-in answer an "Add to RAID log" button names (<c>{response}:{question}</c>), with its program and author.</summary>
internal sealed record QuotedAnswer(GovernanceProgram Program, CheckInResponse Response, Stakeholder? Author, string Text, bool Blocker);

/// <summary>
/// "Add to RAID log" under a risk or blocker quoted on a check-in summary (<c>raid.fromcheckin</c>):
/// program managers get the <c>raid.new</c> form, pre-filled from the answer — a blocker as an issue,
/// a risk as a risk, its author as owner. Saving it (<c>raid.create</c>) adds the item linked to the
/// answer. Anyone else is refused, and the refusal audited.
/// </summary>
internal sealed class RaidFromCheckInHandler(
    GovernanceDb db,
    ProgramDirectory directory,
    Governance governance,
    RaidViews views,
    ILogger<RaidFromCheckInHandler> logger) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var data = context.Turn.Action?.Data ?? [];
        var answerId = data["answerId"]?.ToString() ?? string.Empty;
        var quoted = await FindAsync(context.WorkspaceId, answerId, cancellationToken);
        if (quoted is null)
        {
            return [Reply.Text("I can't find that check-in answer in this workspace any more, so there is nothing to add. Add it by hand with **risk add** or **issue add**.")
                with { Audience = ReplyAudience.Requester }];
        }

        var program = quoted.Program;
        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program.Id);
        if (!Governance.IsManager(me))
        {
            var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
            return await governance.RefuseAsync(context, program.Id, context.Route, $"program:{program.Key}", "not a program manager or PMO member",
                $"Only {program.Name}'s program managers and PMO ({Governance.Names(managers)}) add check-in answers to the RAID log. To raise it yourself, type **risk add** or **issue add**. Nothing was added.",
                cancellationToken);
        }

        return context.Route == "raid.create"
            ? await CreateAsync(context, quoted, me!, data, cancellationToken)
            : [await FormAsync(quoted, answerId, cancellationToken) with { Audience = ReplyAudience.Requester }];
    }

    private async Task<CardReply> FormAsync(QuotedAnswer quoted, string answerId, CancellationToken cancellationToken)
    {
        var program = quoted.Program;
        var people = await db.Stakeholders.AsNoTracking().Where(s => s.ProgramId == program.Id).OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var today = RaidRules.Today(views.Now, program.TimeZone);
        var title = quoted.Text.ReplaceLineEndings(" ").Trim();
        if (title.Length > 200)
        {
            title = title[..199].TrimEnd() + "…";
        }

        var form = new RaidNewForm(
            quoted.Blocker ? "issue" : "risk",
            [new RaidChoice("⚠️ Risk (may happen)", "risk"), new RaidChoice("⛔ Issue (has happened)", "issue")],
            title,
            quoted.Author?.Key ?? string.Empty,
            people.Select(p => new RaidChoice(p.Name, p.Key)).ToList(),
            "3",
            quoted.Blocker ? "4" : "3",
            RaidViews.LevelChoices(),
            RaidRules.IsoDay(today.AddDays(quoted.Blocker ? 7 : RaidItems.DefaultReviewDays)),
            RaidRules.IsoDay(today));
        var card = new RaidNewCard(KpiViews.ProgramOf(program), answerId, quoted.Text, quoted.Author?.Name ?? "someone", form);
        return Reply.Card("raid.new", card, RaidJson.Default.RaidNewCard, $"Add to {program.Name}'s RAID log: {title}");
    }

    private async Task<IReadOnlyList<Reply>> CreateAsync(TurnContext context, QuotedAnswer quoted, Stakeholder me, JsonObject data, CancellationToken cancellationToken)
    {
        string Input(string name) => (data[name]?.ToString() ?? string.Empty).Trim();
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        var type = Input("type") switch { "issue" => RaidType.Issue, "risk" or "" => RaidType.Risk, _ => (RaidType?)null };
        if (type is null)
        {
            problems["type"] = "Pick risk or issue.";
        }

        var title = Input("title");
        if (title.Length is 0 or > 200)
        {
            problems["title"] = title.Length == 0 ? "Give it a title." : "Keep the title under 200 characters.";
        }

        int? Level(string input, string what)
        {
            var level = RaidRules.Level(Input(input));
            if (level is null)
            {
                problems[input] = $"Pick the {what}: {RaidRules.ScaleHint}.";
            }

            return level;
        }

        var impact = Level("impact", type == RaidType.Issue ? "severity" : "impact");
        var probability = type == RaidType.Risk ? Level("probability", "probability") : null;
        DateOnly? due = null;
        if (Input("due") is { Length: > 0 } dueText)
        {
            if (DateOnly.TryParseExact(dueText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                due = date;
            }
            else
            {
                problems["due"] = "Pick a date from the calendar (yyyy-MM-dd).";
            }
        }

        if (Input("owner").Length == 0)
        {
            problems["owner"] = "Pick who owns it.";
        }

        if (problems.Count > 0)
        {
            return [Reply.InvalidInput($"{string.Join(" ", problems.Values)} Nothing was added.", problems)];
        }

        var program = quoted.Program;
        var existing = await db.RaidItems.AsNoTracking()
            .FirstOrDefaultAsync(r => r.ProgramId == program.Id && r.SourceResponseId == quoted.Response.Id && r.Title == title, cancellationToken);
        if (existing is not null)
        {
            return [Reply.Text($"That answer is already in {program.Name}'s RAID log as **{RaidRules.Display(existing.Key)}**: **raid {RaidRules.Display(existing.Key)}**. Nothing was added.")
                with { Audience = ReplyAudience.Requester }];
        }

        var command = new RaidAddCommand(type!.Value, program.Key, title, Input("owner"), probability, impact, due, null, null);
        var (item, problem) = await RaidItems.CreateAsync(db, program, me, command, context.Turn.Mentions, views.Now, cancellationToken);
        if (item is null)
        {
            // Owner or date refused: said on the form, where Slack keeps the modal open.
            var input = problem!.Contains("I don't know", StringComparison.Ordinal) ? "owner" : "due";
            return [Reply.InvalidInput(problem, new Dictionary<string, string>(StringComparer.Ordinal) { [input] = problem })];
        }

        item.SourceResponseId = quoted.Response.Id;
        var saved = await RaidItems.SaveNewAsync(db, program, item, me.Key, context.Turn.Channel, cancellationToken);
        Log.RaidItemAdded(logger, saved.Id, program.Id, RaidRules.TypeWord(saved.Type));
        var card = await views.ItemAsync(program, saved, cancellationToken);
        return [card with { ReplacesSourceCard = true, Audience = ReplyAudience.Requester },
            Reply.Text($"Added **{RaidRules.Display(saved.Key)}** to {program.Name}'s RAID log from {(quoted.Author is { } author ? $"{author.Name}'s" : "a")} check-in answer. The whole log: **raid {program.Name}**.")
                with { Audience = ReplyAudience.Requester }];
    }

    private async Task<QuotedAnswer?> FindAsync(Guid workspaceId, string answerId, CancellationToken cancellationToken)
    {
        var parts = answerId.Split(':', 2);
        if (parts.Length != 2 || !Guid.TryParse(parts[0], out var responseId))
        {
            return null;
        }

        var response = await db.CheckInResponses.AsNoTracking().FirstOrDefaultAsync(r => r.Id == responseId, cancellationToken);
        var round = response is null ? null : await db.CheckInRounds.AsNoTracking().Include(r => r.CheckIn).FirstOrDefaultAsync(r => r.Id == response.RoundId, cancellationToken);
        var program = round is null ? null : await db.Programs.AsNoTracking().Include(p => p.Stakeholders)
            .FirstOrDefaultAsync(p => p.Id == round.CheckIn!.ProgramId && p.WorkspaceId == workspaceId, cancellationToken);
        if (program is null)
        {
            return null;
        }

        var answers = CheckInSummaries.Parse(response!.AnswersJson);
        return answers.TryGetValue(parts[1], out var text) && !string.IsNullOrWhiteSpace(text)
            ? new QuotedAnswer(program, response, program.Stakeholders.FirstOrDefault(s => s.Id == response.StakeholderId), text, CheckInSummaries.IsBlocker(answers))
            : null;
    }
}
