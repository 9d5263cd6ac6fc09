using System.Globalization;
using System.Text;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Testing;

/// <summary>
/// A program for fan-out tests and benchmarks: a program manager (<c>boss@example.com</c>) and
/// <c>people</c> project managers <c>p0…</c> (<c>p{i}@example.com</c>), asked one required scale
/// question by a weekly check-in, with their chat accounts already linked.
/// </summary>
public static class LargeProgram
{
    /// <summary>The governance file; <paramref name="timeZone"/> picks each person's zone (default UTC).</summary>
    public static string Yaml(int people, string name, string? slackTeam = null, Func<int, string>? timeZone = null, string schedule = "0 9 * * MON", string window = "1d")
    {
        var identities = slackTeam is null ? string.Empty : $", identities: [ {{ channel: slack, id: {slackTeam} }} ]";
        var yaml = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $$"""
            version: 1
            workspace: { key: demo, name: {{name}}{{identities}} }
            program: { key: {{name.ToLowerInvariant()}}, name: {{name}}, timeZone: UTC }
            stakeholders:
              - { key: boss, name: Boss, email: boss@example.com, roles: [program-manager] }

            """));
        for (var i = 0; i < people; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{ key: p{i}, name: Person {i}, email: p{i}@example.com, roles: [project-manager], timeZone: {timeZone?.Invoke(i) ?? "UTC"} }}\n");
        }

        yaml.Append(CultureInfo.InvariantCulture, $$"""
            checkIns:
              - key: weekly
                name: Weekly
                schedule: "{{schedule}}"
                window: {{window}}
                participants: { roles: [project-manager] }
                questions: [ { key: score, text: How is it going?, kind: scale, required: true } ]
            """);
        return yaml.ToString();
    }

    /// <summary>Everyone has talked to the bot before: each person has a chat account with an open 1:1, <paramref name="conversationId"/>(i).</summary>
    public static async Task LinkChatUsersAsync(GovernanceDb db, Guid workspaceId, int people, string channel, string team, Func<int, string> conversationId)
    {
        for (var i = 0; i < people; i++)
        {
            db.ChatUsers.Add(new ChatUser
            {
                WorkspaceId = workspaceId,
                Channel = channel,
                ExternalUserId = $"U{i:D6}",
                Email = $"p{i}@example.com",
                DirectConversationJson = $$"""{"channel":"{{channel}}","workspaceExternalId":"{{team}}","conversationId":"{{conversationId(i)}}","kind":"Personal"}""",
                LastSeenAt = DateTimeOffset.UtcNow,
            });
        }

        await db.SaveChangesAsync();
    }
}
