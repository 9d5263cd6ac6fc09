using System.Text.RegularExpressions;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Features.Approvals;

/// <summary>
/// Finds the stakeholders people name in commands. A reference may be a stakeholder key
/// (<c>meganb</c>, <c>@meganb</c>), an e-mail, a full name (<c>"Megan Bowen"</c>, <c>@"Megan Bowen"</c>), a
/// first name when only one stakeholder has it, a Teams mention (<c>&lt;at&gt;Megan Bowen&lt;/at&gt;</c>) or a
/// Slack mention (<c>&lt;@U123&gt;</c>, matched through the chat user's e-mail). Always inside one program.
/// </summary>
public static partial class ApprovalPeople
{
    /// <summary>Turns Teams <c>&lt;at&gt;Name&lt;/at&gt;</c> mentions into quoted words the tokenizer keeps together.</summary>
    public static string NormalizeMentions(string text) => TeamsMention().Replace(text, m => $"\"@{m.Groups[1].Value.Trim()}\"");

    public static async Task<(List<Stakeholder> Found, List<string> Unknown)> ResolveAsync(
        GovernanceDb db, Guid workspaceId, IReadOnlyList<Stakeholder> people, IEnumerable<string> references, CancellationToken cancellationToken)
    {
        var found = new List<Stakeholder>();
        var unknown = new List<string>();
        foreach (var reference in references)
        {
            var person = await ResolveOneAsync(db, workspaceId, people, reference, cancellationToken);
            if (person is null)
            {
                unknown.Add(reference);
            }
            else if (!found.Contains(person))
            {
                found.Add(person);
            }
        }

        return (found, unknown);
    }

    private static async Task<Stakeholder?> ResolveOneAsync(
        GovernanceDb db, Guid workspaceId, IReadOnlyList<Stakeholder> people, string reference, CancellationToken cancellationToken)
    {
        var slack = SlackMention().Match(reference);
        if (slack.Success)
        {
            var userId = slack.Groups[1].Value;
            var email = await db.ChatUsers.AsNoTracking()
                .Where(u => u.WorkspaceId == workspaceId && u.ExternalUserId == userId && u.Email != null)
                .Select(u => u.Email)
                .FirstOrDefaultAsync(cancellationToken);
            return email is null ? null : people.FirstOrDefault(p => string.Equals(p.Email, email, StringComparison.OrdinalIgnoreCase));
        }

        var text = reference.Trim().TrimStart('@').Trim().TrimEnd(',', ';');
        if (text.Length == 0)
        {
            return null;
        }

        return people.FirstOrDefault(p => string.Equals(p.Key, text, StringComparison.OrdinalIgnoreCase))
            ?? people.FirstOrDefault(p => string.Equals(p.Email, text, StringComparison.OrdinalIgnoreCase))
            ?? people.FirstOrDefault(p => string.Equals(p.Name, text, StringComparison.OrdinalIgnoreCase))
            ?? Single(people.Where(p => string.Equals(p.Name.Split(' ')[0], text, StringComparison.OrdinalIgnoreCase)));
    }

    private static Stakeholder? Single(IEnumerable<Stakeholder> matches)
    {
        var list = matches.Take(2).ToList();
        return list.Count == 1 ? list[0] : null;
    }

    public static string FirstName(string name) => name.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? name;

    [GeneratedRegex(@"<at>(.*?)</at>", RegexOptions.IgnoreCase)]
    private static partial Regex TeamsMention();

    [GeneratedRegex(@"^<@([A-Z0-9]+)(\|[^>]*)?>$")]
    private static partial Regex SlackMention();
}
