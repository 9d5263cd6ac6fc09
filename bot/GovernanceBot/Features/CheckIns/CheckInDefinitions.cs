using System.Globalization;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.CheckIns;

/// <summary>
/// What the check-in definition commands share: finding the program and the check-in a command names,
/// and making sure the person behind the turn manages the program (a refusal is audited).
/// </summary>
internal sealed class CheckInDefinitions(GovernanceDb db, ProgramDirectory directory, Governance governance)
{
    public sealed record Target(GovernanceProgram Program, Stakeholder Manager, string CheckInName);

    /// <summary>
    /// "&lt;program&gt; &lt;check-in&gt;" (either may be quoted): the program a manager may change, or the reply that
    /// says why not. With one word that is not a program, the word is the check-in of the default program.
    /// </summary>
    public async Task<(Target? Target, IReadOnlyList<Reply>? Refusal)> ResolveAsync(
        TurnContext context, string action, string example, CancellationToken cancellationToken)
    {
        var words = context.Words;
        string? programText = words.Count > 0 ? words[0] : null;
        var rest = words.Count > 1 ? string.Join(' ', words.Skip(1)) : string.Empty;
        if (words.Count == 1 && (await directory.FindAsync(context.WorkspaceId, words[0], cancellationToken)).Program is null
            && await directory.DefaultAsync(context.WorkspaceId, context.Turn.Conversation, cancellationToken) is not null)
        {
            programText = null;
            rest = words[0];
        }

        var (program, error) = await directory.ResolveAsync(context.WorkspaceId, context.Turn.Conversation, programText, example, cancellationToken);
        if (program is null)
        {
            return (null, [Reply.Text(error!) with { Audience = ReplyAudience.Requester }]);
        }

        var me = (await directory.StakeholdersOfAsync(context.WorkspaceId, context.Turn, cancellationToken)).FirstOrDefault(s => s.ProgramId == program.Id);
        if (!Governance.IsManager(me))
        {
            var managers = await governance.ManagerNamesAsync(program.Id, cancellationToken);
            return (null, await governance.RefuseAsync(context, program.Id, action, $"program:{program.Key}", "not a program manager or PMO member",
                $"Sorry — only {program.Name}'s program managers or PMO can define check-ins ({Governance.Names(managers)}). Ask one of them, or type **checkin** to answer your own.",
                cancellationToken));
        }

        return (new Target(program, me!, rest.Trim()), null);
    }

    /// <summary>The check-in named by key or name (case-insensitive), archived ones included; or the reply listing those that exist.</summary>
    public async Task<(CheckInDefinition? CheckIn, Reply? Error)> FindAsync(GovernanceProgram program, string name, string command, CancellationToken cancellationToken)
    {
        var all = await db.CheckIns.Include(c => c.Questions).Where(c => c.ProgramId == program.Id).ToListAsync(cancellationToken);
        var wanted = name.Trim().Trim('"');
        var match = all.FirstOrDefault(c => string.Equals(c.Key, wanted, StringComparison.OrdinalIgnoreCase))
            ?? all.FirstOrDefault(c => string.Equals(c.Name, wanted, StringComparison.OrdinalIgnoreCase));
        if (match is not null)
        {
            return (match, null);
        }

        var live = all.Where(c => c.ArchivedAt is null).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var known = live.Count == 0
            ? $"{program.Name} has no check-ins yet; **checkin new {program.Name}** creates one."
            : $"{program.Name}'s check-ins: {string.Join(", ", live.Select(c => $"**{c.Name}**"))}. Example: **{command} {program.Name} {live[0].Name}**";
        var text = wanted.Length == 0 ? $"Which check-in? {known}" : $"There is no check-in called \"{CheckInRules.Shorten(wanted)}\" in {program.Name}. {known}";
        return (null, Reply.Text(text) with { Audience = ReplyAudience.Requester });
    }

    /// <summary>One line for the audit log: what a check-in is set to.</summary>
    public static string Describe(CheckInDefinition c) =>
        $"{c.Name}: schedule \"{c.Cron}\", window {Durations.Format(c.Window)}, reminders [{string.Join(", ", c.Reminders.Select(Durations.Format))}], " +
        $"roles [{string.Join(", ", c.ParticipantRoles)}], people [{string.Join(", ", c.ParticipantKeys)}], holidays [{string.Join(", ", c.Holidays.Select(h => h.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))}], " +
        $"mention non-responders {(c.MentionNonResponders ? "on" : "off")}, {(c.Enabled ? "running" : "paused")}, questions [{string.Join(", ", c.Questions.OrderBy(q => q.Order).Select(q => $"{q.Key} ({CheckInRounds.Word(q.Kind)})"))}]";

    public static string ExportHint(GovernanceProgram program) =>
        $"If {program.Name} is managed as code, export it into the governance file (`governancebot export --program {program.Key}`): importing a file replaces the program's check-ins with the file's.";
}
