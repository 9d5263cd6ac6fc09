using System.Globalization;
using System.Text;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Raid;

/// <summary>
/// What an action's owner is told directly: the actions they were given, each with its due date, and
/// how to close one. Used for an action added in chat and for a meeting's actions, sent together.
/// </summary>
public static class ActionNotices
{
    /// <param name="intro">Who gave the actions and where, as a sentence ending before the list.</param>
    public static string Text(string intro, IReadOnlyList<RaidItem> actions, DateOnly today)
    {
        var text = new StringBuilder(intro).Append('\n');
        foreach (var action in actions.OrderBy(a => a.DueDate).ThenBy(a => RaidRules.NumberOf(a.Key, RaidType.Action)))
        {
            text.Append(CultureInfo.InvariantCulture, $"- **{RaidRules.Display(action.Key)}** {Cards.UserText.Escape(action.Title)} — {RaidRules.DueText(action, today).Replace("⏰ ", string.Empty, StringComparison.Ordinal)}\n");
        }

        var first = RaidRules.Display(actions[0].Key);
        return text.Append(actions.Count == 1
            ? $"Close it from its card when it is done: **raid {first}**. Until then it is in your weekly review."
            : $"Close each from its card when it is done, for example **raid {first}**. Until then they are in your weekly review.").ToString();
    }
}
