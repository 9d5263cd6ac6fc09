using System.Text.Json;
using GovernanceBot.Conversation;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Programs;

/// <summary>Finds programs and the people behind chat users, always inside one workspace.</summary>
public sealed class ProgramDirectory(GovernanceDb db)
{
    /// <summary>A program by key or name (case-insensitive), or null with the names that do exist.</summary>
    public async Task<(GovernanceProgram? Program, IReadOnlyList<string> Known)> FindAsync(
        Guid workspaceId, string nameOrKey, CancellationToken cancellationToken)
    {
        var programs = await db.ProgramsOf(workspaceId).AsNoTracking().ToListAsync(cancellationToken);
        var wanted = nameOrKey.Trim().Trim('"');
        var match = programs.FirstOrDefault(p => string.Equals(p.Key, wanted, StringComparison.OrdinalIgnoreCase))
            ?? programs.FirstOrDefault(p => string.Equals(p.Name, wanted, StringComparison.OrdinalIgnoreCase));
        return (match, programs.Select(p => p.Name).Order().ToList());
    }

    /// <summary>
    /// The program to act on when the user named none: the only program in the workspace, or the
    /// one bound to this conversation.
    /// </summary>
    public async Task<GovernanceProgram?> DefaultAsync(Guid workspaceId, ConversationRef conversation, CancellationToken cancellationToken)
    {
        var programs = await db.ProgramsOf(workspaceId).AsNoTracking().Include(p => p.Channels).ToListAsync(cancellationToken);
        if (programs.Count == 1)
        {
            return programs[0];
        }

        return programs.FirstOrDefault(p => p.Channels.Any(c => c.Channel == conversation.Channel
            && JsonSerializer.Deserialize(c.ConversationJson, ConversationJson.Default.ConversationRef)?.ConversationId == conversation.ConversationId));
    }

    /// <summary>The stakeholder records (one per program) of the person behind a chat user, matched by e-mail.</summary>
    public async Task<IReadOnlyList<Stakeholder>> StakeholdersOfAsync(Guid workspaceId, Turn turn, CancellationToken cancellationToken)
    {
        var email = turn.User.Email;
        if (string.IsNullOrWhiteSpace(email))
        {
            email = await db.ChatUsers
                .Where(u => u.WorkspaceId == workspaceId && u.Channel == turn.Channel && u.ExternalUserId == turn.User.Id)
                .Select(u => u.Email)
                .FirstOrDefaultAsync(cancellationToken);
        }

        return await StakeholdersByEmailAsync(workspaceId, email, cancellationToken);
    }

    /// <summary>The stakeholder records (one per program) with this e-mail in one workspace; none for no e-mail.</summary>
    public async Task<IReadOnlyList<Stakeholder>> StakeholdersByEmailAsync(Guid workspaceId, string? email, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return [];
        }

        var normalized = email.Trim().ToLowerInvariant();
        return await db.Stakeholders
            .Where(s => s.Program!.WorkspaceId == workspaceId && s.Email == normalized)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The program a command names, or the default one when it names none; otherwise null and a
    /// reply that asks (with <paramref name="example"/>) or lists the programs that exist.
    /// </summary>
    public async Task<(GovernanceProgram? Program, string? Error)> ResolveAsync(
        Guid workspaceId, ConversationRef conversation, string? typed, string example, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(typed))
        {
            var fallback = await DefaultAsync(workspaceId, conversation, cancellationToken);
            if (fallback is not null)
            {
                return (fallback, null);
            }

            var (_, names) = await FindAsync(workspaceId, string.Empty, cancellationToken);
            return (null, names.Count == 0
                ? UnknownProgram(string.Empty, names)
                : $"Which program? For example: **{example}**. Programs here: {string.Join(", ", names)}.");
        }

        var (program, known) = await FindAsync(workspaceId, typed, cancellationToken);
        return program is null ? (null, UnknownProgram(typed, known)) : (program, null);
    }

    public static string UnknownProgram(string typed, IReadOnlyList<string> known) => known.Count == 0
        ? $"There is no program called \"{typed}\", and none is set up in this workspace yet. A program manager can import one with `governancebot import FILE`."
        : $"There is no program called \"{typed}\". Programs here: {string.Join(", ", known.Select(k => $"**{k}**"))}. Example: **status {known[0]}**";
}
