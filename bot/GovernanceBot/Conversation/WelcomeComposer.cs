using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Conversation;

/// <summary>Data of the <c>welcome</c> card.</summary>
public sealed record WelcomeCard(
    string BotName,
    WelcomeUser User,
    WelcomeProgram? Program,
    [property: Cards.UserText] string Intro,
    IReadOnlyList<WelcomeFeature> Features,
    [property: Cards.UserText] IReadOnlyList<string> YourPart,
    [property: Cards.UserText] string PrivacyNote,
    IReadOnlyList<WelcomeSuggestion> Suggestions);

public sealed record WelcomeUser([property: Cards.UserText] string Name, [property: Cards.UserText] string FirstName);

public sealed record WelcomeProgram(string Id, [property: Cards.UserText] string Name);

public sealed record WelcomeFeature(string Icon, string Title, string Text);

public sealed record WelcomeSuggestion(string Title, string Command);

/// <summary>
/// The welcome a conversation gets once, when the bot is added: what the bot does, and, for a
/// person the store knows as a stakeholder, their part in the program. Channel-neutral.
/// </summary>
public sealed class WelcomeComposer(WorkspaceResolver workspaces)
{
    private static readonly WelcomeFeature[] Features =
    [
        new("📝", "Check-ins", "A short check-in on the program's schedule, at your local time."),
        new("📈", "KPIs and benefits", "Status cards with targets, RAG and trends."),
        new("🚦", "Approvals", "Stage gates and change requests decided on a card, every vote visible."),
        new("💬", "Questions", "Ask about program governance, or who owns what."),
    ];

    public async Task<CardReply> ComposeAsync(GovernanceDb db, string channel, string workspaceExternalId, ChatUserRef user, string botName, CancellationToken cancellationToken)
    {
        var workspace = await workspaces.ResolveAsync(db, channel, workspaceExternalId, cancellationToken);
        var programs = await db.ProgramsOf(workspace.Id).AsNoTracking().OrderBy(p => p.Name).ToListAsync(cancellationToken);
        var program = programs.FirstOrDefault();
        var yourPart = new List<string>();
        string privacy = "I store check-in answers, votes and KPI values for the program's governance record.";
        if (program is not null && user.Email is { Length: > 0 } email)
        {
            var lowered = email.ToLowerInvariant();
            var me = await db.Stakeholders.AsNoTracking()
                .FirstOrDefaultAsync(s => s.ProgramId == program.Id && s.Email == lowered, cancellationToken);
            if (me is not null)
            {
                yourPart.AddRange(await db.Kpis.AsNoTracking().Where(k => k.ProgramId == program.Id && k.OwnerId == me.Id)
                    .OrderBy(k => k.Name).Select(k => "You own the KPI " + k.Name + ".").ToListAsync(cancellationToken));
                yourPart.AddRange(await db.Benefits.AsNoTracking().Where(b => b.ProgramId == program.Id && b.OwnerId == me.Id)
                    .OrderBy(b => b.Name).Select(b => "You own the benefit " + b.Name + ".").ToListAsync(cancellationToken));
            }

            privacy = $"I store check-in answers, votes and KPI values for the {program.Name} governance record.";
        }

        var name = string.IsNullOrWhiteSpace(user.Name) ? "there" : user.Name.Trim();
        var intro = program is null
            ? "I run a program's governance rhythm right here in chat. No program is set up in this workspace yet: a program manager can import one."
            : $"I help the {program.Name} program run its governance rhythm right here in chat: fewer status meetings, no chasing by e-mail.";
        List<WelcomeSuggestion> suggestions = [new("Show me around", "help")];
        if (program is not null)
        {
            suggestions.Add(new($"{program.Name} status", $"status {program.Name}"));
        }

        var card = new WelcomeCard(
            botName,
            new WelcomeUser(name, name.Split(' ', 2)[0]),
            program is null ? null : new WelcomeProgram(program.Key, program.Name),
            intro,
            Features,
            yourPart,
            privacy,
            suggestions);
        return Reply.Card("welcome", card, ConversationJson.Default.WelcomeCard, $"Hi {card.User.FirstName}, I'm {botName}. Type help to see what I can do.");
    }
}
