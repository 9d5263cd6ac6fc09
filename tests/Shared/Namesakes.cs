using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Testing;

/// <summary>Two people with one name, for proving that people are told apart by e-mail, not by name.</summary>
public static class Namesakes
{
    /// <summary>
    /// Gives <paramref name="renamed"/> the name of <paramref name="blocked"/>, and marks every chat
    /// account of <paramref name="blocked"/> (who must have written to the bot) as having blocked it.
    /// </summary>
    public static async Task BlockedAndNamesakeAsync(BotHarness bot, string blocked, string renamed)
    {
        await using var db = await bot.Store.OpenAsync();
        var name = (await db.Stakeholders.FirstAsync(s => s.Email == blocked)).Name;
        foreach (var namesake in await db.Stakeholders.Where(s => s.Email == renamed).ToListAsync())
        {
            namesake.Name = name;
        }

        foreach (var account in await db.ChatUsers.Where(u => u.Email == blocked).ToListAsync())
        {
            account.UnreachableReason = "they blocked GovernanceBot";
        }

        await db.SaveChangesAsync();
    }
}
