using GovernanceBot.Conversation;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Programs;

/// <summary>
/// Finds the stakeholders people name in commands. A reference may be a stakeholder key
/// (<c>meganb</c>, <c>@meganb</c>), an e-mail, a full name (<c>"Megan Bowen"</c>, <c>@"Megan Bowen"</c>), a
/// first name when only one stakeholder has it, or a mention the channel resolved to a person of the
/// store (<see cref="Turn.Mentions"/>, matched by e-mail). Always inside one program.
/// </summary>
public static class PersonReferences
{
    public static (List<Stakeholder> Found, List<string> Unknown) Resolve(
        IReadOnlyList<Stakeholder> people, IEnumerable<string> references, IReadOnlyList<MentionedPerson> mentions)
    {
        var found = new List<Stakeholder>();
        var unknown = new List<string>();
        foreach (var reference in references)
        {
            var person = ResolveOne(people, reference, mentions);
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

    private static Stakeholder? ResolveOne(IReadOnlyList<Stakeholder> people, string reference, IReadOnlyList<MentionedPerson> mentions)
    {
        var text = reference.Trim().TrimStart('@').Trim().TrimEnd(',', ';');
        if (text.Length == 0)
        {
            return null;
        }

        // A mention names one person exactly: the e-mail decides, even when two stakeholders share the name.
        if (mentions.FirstOrDefault(m => string.Equals(m.Name, text, StringComparison.OrdinalIgnoreCase)) is { } mentioned)
        {
            return people.FirstOrDefault(p => string.Equals(p.Email, mentioned.Email, StringComparison.OrdinalIgnoreCase));
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
}
