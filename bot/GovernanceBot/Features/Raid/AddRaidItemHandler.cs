using System.Globalization;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.Audit;
using GovernanceBot.Features.Programs;
using GovernanceBot.Hosting;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Raid;

/// <summary>What <c>risk|issue|assumption|dependency add …</c> asks for, once parsed.</summary>
public sealed record RaidAddCommand(
    RaidType Type,
    string? Program,
    string Title,
    string Owner,
    int? Probability,
    int? Impact,
    DateOnly? Due,
    string? Response,
    string? DependsOn)
{
    public static string Example(RaidType type) => type switch
    {
        RaidType.Risk => "risk add Phoenix \"Payment provider API not ready for the pilot\" owner @adelev probability high impact medium review 2026-12-15",
        RaidType.Issue => "issue add Phoenix \"Test environment down since Monday\" owner @isaiahl severity high due 2026-12-04",
        RaidType.Assumption => "assumption add Phoenix \"Pilot customers accept e-signature\" owner @pattif validate-by 2026-12-18",
        RaidType.Action => "action add Phoenix \"Send the revised pilot plan to the board\" owner @adelev due 2026-12-18",
        _ => "dependency add Phoenix \"Single sign-on for the portal\" owner @alexw on \"Identity program\" needed-by 2027-01-15",
    };

    private static string[] KeywordsOf(RaidType type) => type switch
    {
        RaidType.Risk => ["owner", "probability", "impact", "review", "response", "description"],
        RaidType.Issue => ["owner", "severity", "due", "resolution", "description"],
        RaidType.Assumption => ["owner", "validate-by", "description"],
        RaidType.Action => ["owner", "due", "description"],
        _ => ["owner", "on", "needed-by", "description"],
    };

    /// <summary>Parses the words after the command; an error says what was wrong and shows a right example.</summary>
    public static (RaidAddCommand? Command, string? Error) Parse(RaidType type, IReadOnlyList<string> words)
    {
        var example = $"**{Example(type)}**";
        var keywords = KeywordsOf(type);
        // "validate by" and "needed by" read as one keyword too.
        var joined = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            if (i + 1 < words.Count && words[i + 1].Equals("by", StringComparison.OrdinalIgnoreCase)
                && words[i].ToLowerInvariant() is "validate" or "needed")
            {
                joined.Add(words[i].ToLowerInvariant() + "-by");
                i++;
            }
            else
            {
                joined.Add(words[i]);
            }
        }

        var head = joined.TakeWhile(w => !IsKeyword(w)).ToList();
        if (head.Count is 0 or > 2)
        {
            return (null, head.Count == 0
                ? $"Start with the program and the title in quotes, for example: {example}"
                : $"Put the title in quotes, so I can tell it from the program's name. For example: {example}");
        }

        var values = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        string? current = null;
        foreach (var word in joined.Skip(head.Count))
        {
            if (IsKeyword(word))
            {
                current = word.ToLowerInvariant();
                if (!values.TryAdd(current, []))
                {
                    return (null, $"**{current}** is given twice. Example: {example}");
                }
            }
            else
            {
                values[current!].Add(word);
            }
        }

        var title = head[^1].Trim();
        if (title.Length is 0 or > 200)
        {
            return (null, title.Length == 0 ? $"The title is empty. Example: {example}" : $"The title is {title.Length} characters; keep it under 200 and put details after **description**.");
        }

        if (!values.TryGetValue("owner", out var owner) || owner.Count == 0)
        {
            return (null, $"Who owns it? Name one person after **owner**, for example: {example}");
        }

        if (owner.Count > 1)
        {
            return (null, $"A {RaidRules.TypeWord(type)} has one owner; you named {owner.Count} ({string.Join(", ", owner)}). Example: {example}");
        }

        int? probability = null, impact = null;
        if (type == RaidType.Risk)
        {
            if (Scale(values, "probability", example, out probability) is { } e1)
            {
                return (null, e1);
            }

            if (Scale(values, "impact", example, out impact) is { } e2)
            {
                return (null, e2);
            }
        }
        else if (type == RaidType.Issue && Scale(values, "severity", example, out impact) is { } e3)
        {
            return (null, e3);
        }

        var dateWord = type switch { RaidType.Risk => "review", RaidType.Issue or RaidType.Action => "due", RaidType.Assumption => "validate-by", _ => "needed-by" };
        DateOnly? due = null;
        if (values.TryGetValue(dateWord, out var d))
        {
            if (d.Count != 1 || !DateOnly.TryParseExact(d[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return (null, $"Write the date after **{dateWord}** as yyyy-MM-dd, for example {example}");
            }

            due = date;
        }
        else if (type is RaidType.Assumption or RaidType.Dependency or RaidType.Action)
        {
            return (null, $"By when? Give a date after **{dateWord}**, for example: {example}");
        }

        string? dependsOn = null;
        if (type == RaidType.Dependency)
        {
            if (!values.TryGetValue("on", out var on) || on.Count == 0)
            {
                return (null, $"On what or whom? Name the program or outside party after **on**, for example: {example}");
            }

            dependsOn = string.Join(' ', on).Trim();
            if (dependsOn.Length > 200)
            {
                return (null, "Name what it depends on in under 200 characters.");
            }
        }

        var responseWord = type switch { RaidType.Risk => "response", RaidType.Issue => "resolution", _ => null };
        var response = responseWord is not null && values.TryGetValue(responseWord, out var r) && r.Count > 0 ? string.Join(' ', r) : null;
        var description = values.TryGetValue("description", out var desc) && desc.Count > 0 ? string.Join(' ', desc) : null;
        if ((response?.Length ?? 0) > 2000 || (description?.Length ?? 0) > 2000)
        {
            return (null, "Keep the description and the response under 2,000 characters each, and link to the full document.");
        }

        return (new RaidAddCommand(type, head.Count == 2 ? head[0] : null, title, owner[0], probability, impact, due, response, dependsOn) { Description = description }, null);

        bool IsKeyword(string word) => keywords.Contains(word, StringComparer.OrdinalIgnoreCase);
    }

    public string? Description { get; init; }

    private static string? Scale(Dictionary<string, List<string>> values, string word, string example, out int? level)
    {
        level = null;
        if (!values.TryGetValue(word, out var given) || given.Count == 0)
        {
            return $"How {(word == "probability" ? "likely" : word == "impact" ? "damaging" : "severe")} is it? Give **{word}** as {RaidRules.ScaleHint}, for example: {example}";
        }

        level = RaidRules.Level(string.Join('-', given));
        return level is null
            ? $"\"{Clip(string.Join(' ', given))}\" is not on the scale for **{word}**: use {RaidRules.ScaleHint}. Nothing was recorded."
            : null;
    }

    internal static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
}

/// <summary>
/// <c>risk add</c>, <c>issue add</c>, <c>assumption add</c>, <c>dependency add</c>: any stakeholder of
/// the program raises an item; its owner must be one too. The item gets the next key of its type
/// (R-4), is audited, and its owner (when someone else) is told in their 1:1 chat. <c>action add</c>
/// too; an action added while the program's steering meeting is open is told with the meeting's minutes.
/// </summary>
internal sealed class AddRaidItemHandler(
    GovernanceDb db,
    ProgramDirectory directory,
    Governance governance,
    RaidViews views,
    Outbox outbox,
    ILogger<AddRaidItemHandler> logger) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var type = Enum.Parse<RaidType>(context.Route.Split(' ')[0], ignoreCase: true);
        var (command, error) = RaidAddCommand.Parse(type, CommandText.Tokenize(context.Arguments));
        if (command is null)
        {
            return [Reply.Text(error!) with { Audience = ReplyAudience.Requester }];
        }

        var (program, programError) = await directory.ResolveAsync(context.WorkspaceId, context.Turn.Conversation, command.Program,
            RaidAddCommand.Example(type), cancellationToken);
        if (program is null)
        {
            return [Reply.Text(programError!) with { Audience = ReplyAudience.Requester }];
        }

        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program.Id);
        if (me is null)
        {
            var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
            return await governance.RefuseAsync(context, program.Id, "raid.add", $"program:{program.Key}", "not a stakeholder of the program",
                $"Only {program.Name}'s stakeholders can add to its RAID log (I match people by e-mail). Ask {Governance.Names(managers)} to add it, or to add you to the program.",
                cancellationToken);
        }

        var (item, problem) = await RaidItems.CreateAsync(db, program, me, command, context.Turn.Mentions, views.Now, cancellationToken);
        if (item is null)
        {
            return [Reply.Text(problem!) with { Audience = ReplyAudience.Requester }];
        }

        var saved = await RaidItems.SaveNewAsync(db, program, item, me.Key, context.Turn.Channel, cancellationToken);
        Log.RaidItemAdded(logger, saved.Id, program.Id, RaidRules.TypeWord(type));
        var owner = await db.Stakeholders.AsNoTracking().FirstAsync(s => s.Id == saved.OwnerId, cancellationToken);
        var card = await views.ItemAsync(program, saved, cancellationToken);
        var told = string.Empty;
        // An action agreed while the program's steering meeting is open reaches its owner with the meeting's other actions when it ends: one message, not two.
        var inMeeting = type == RaidType.Action && await db.SteeringMeetings.AnyAsync(m => m.ProgramId == program.Id && m.EndedAt == null, cancellationToken);
        if (inMeeting && owner.Email is not null)
        {
            told = $" {owner.Name} gets it with the meeting's other actions when the meeting ends.";
        }
        else if (owner.Id != me.Id && owner.Email is not null)
        {
            var message = type == RaidType.Action
                ? ActionNotices.Text($"{me.Name} gave you an action in {program.Name}:", [saved], RaidRules.Today(views.Now, program.TimeZone))
                : $"{me.Name} added **{RaidRules.Display(saved.Key)}** to {program.Name}'s RAID log with you as its owner: “{Cards.UserText.Escape(saved.Title)}”. Update or close it from its card: **raid {RaidRules.Display(saved.Key)}**.";
            await outbox.ToPersonAsync(db, context.WorkspaceId, owner.Email, owner.Name, Reply.Text(message),
                $"raid:{saved.Id}:owner:{owner.Key}", cancellationToken: cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            told = $" I've told {owner.Name}.";
        }

        var review = type == RaidType.Risk && command.Due is null ? $" No review date was given, so it is due for review on {RaidRules.Day(saved.DueDate!.Value)}; change it from the card." : string.Empty;
        return [Reply.Text($"Added **{RaidRules.Display(saved.Key)}** to {program.Name}'s RAID log, owned by {owner.Name}.{told}{review} The whole log: **raid {program.Name}**."), card];
    }
}
