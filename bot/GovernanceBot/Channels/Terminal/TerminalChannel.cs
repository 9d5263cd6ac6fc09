using System.Globalization;
using System.Text.RegularExpressions;
using GovernanceBot.Cards;
using GovernanceBot.Cards.BlockKit;
using GovernanceBot.Conversation;
using GovernanceBot.Store;
using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Channels.Terminal;

/// <summary>Who is talking in the terminal: a stakeholder of the store, and the workspace they are in.</summary>
internal sealed record TerminalPerson(string Email, string Name, string WorkspaceKey, string WorkspaceName);

/// <summary>
/// The terminal as a chat channel, and only a translator: a typed line becomes a <see cref="Turn"/>
/// (text, or the card action of a pressed button with the answers typed into its form) for the same
/// <see cref="ConversationEngine"/> Teams and Slack turns run on, and the replies are printed as text.
/// <para>
/// Turns run at once, not through the inbox: the inbox keeps a platform's request safe between its
/// acknowledgement and its run, and the terminal has no acknowledgement apart from the answer itself
/// (a turn that fails says so, and the person types it again). Nothing is queued for the terminal:
/// it exists only while <c>chat</c> runs. What a turn sends to other people (prompts, approval cards,
/// card updates) goes into the outbox as on any channel, for the running bot to send.
/// </para>
/// </summary>
internal sealed partial class TerminalChannel(
    ConversationEngine engine, ICardRenderer cards, IGovernanceDbFactory dbs, FileSources files, TimeProvider time, TerminalPerson person, TextReader input, TextWriter output, bool prompt)
{
    private readonly ConversationRef conversation = new(ChannelNames.Terminal, person.WorkspaceKey, $"terminal:{person.Email}", ConversationKind.Personal);
    private readonly TerminalForm form = new(input, output, prompt);
    /// <summary>The buttons of the last answer that had any, by number.</summary>
    private List<TerminalAction> buttons = [];
    private int turns;

    /// <summary>Runs one line of text as the person typed it; false when the bot failed on its side.</summary>
    public async Task<bool> SayAsync(string text, CancellationToken cancellationToken)
    {
        var (written, mentions) = await MentionsAsync(text, cancellationToken);
        return await RunAsync(NewTurn() with { Text = written, Mentions = mentions }, cancellationToken);
    }

    /// <summary>
    /// The terminal's mention is <c>@</c> and an e-mail (<c>@meg@example.com</c>): a person of this
    /// workspace's store is written <c>@"Name"</c>, as every channel writes a mention, and named in
    /// <see cref="Turn.Mentions"/>; an e-mail the store does not know stays as typed.
    /// </summary>
    private async Task<(string Text, IReadOnlyList<MentionedPerson> Mentions)> MentionsAsync(string text, CancellationToken cancellationToken)
    {
        var emails = EmailMention().Matches(text).Select(m => m.Groups[1].Value.ToLowerInvariant()).Distinct().ToList();
        if (emails.Count == 0)
        {
            return (text, []);
        }

        await using var db = dbs.Create();
        var known = await db.Stakeholders.AsNoTracking()
            .Where(s => s.Email != null && emails.Contains(s.Email) && s.Program!.Workspace!.Key == person.WorkspaceKey)
            .Select(s => new { Email = s.Email!, s.Name })
            .ToListAsync(cancellationToken);
        var people = known.DistinctBy(k => k.Email).ToDictionary(k => k.Email, k => new MentionedPerson(CommandText.MentionName(k.Name), k.Email), StringComparer.OrdinalIgnoreCase);
        var written = EmailMention().Replace(text, m => people.TryGetValue(m.Groups[1].Value, out var p) ? CommandText.MentionWord(p.Name) : m.Value);
        return (written, people.Values.ToList());
    }

    [GeneratedRegex(@"(?<![\w.])@([^\s@""]+@[^\s@"",;]+\.[^\s@"",;]+)")]
    private static partial Regex EmailMention();

    /// <summary>Reads lines until <c>exit</c> or the end of input: text is said, a number presses that button.</summary>
    public async Task ChatAsync(CancellationToken cancellationToken)
    {
        output.WriteLine($"GovernanceBot: you are {person.Name} ({person.Email}) in {person.WorkspaceName}.");
        output.WriteLine("Type a command or a question (help lists them), a button's number to press it, or exit.");
        output.WriteLine();
        while (true)
        {
            if (prompt)
            {
                output.Write("> ");
            }

            var line = (await input.ReadLineAsync(cancellationToken))?.Trim();
            if (line is null || line.Equals("exit", StringComparison.OrdinalIgnoreCase) || line.Equals("quit", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            if (line.Length == 0)
            {
                continue;
            }

            if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                await PressAsync(number, cancellationToken);
            }
            else
            {
                await SayAsync(line, cancellationToken);
            }

            output.WriteLine();
        }
    }

    private async Task PressAsync(int number, CancellationToken cancellationToken)
    {
        if (number < 1 || number > buttons.Count)
        {
            output.WriteLine(buttons.Count == 0
                ? "There is no button to press yet. Type a command first: help lists them."
                : $"There is no button {number}: the buttons shown last are 1 to {buttons.Count}.");
            return;
        }

        var button = buttons[number - 1];
        switch (button.Type)
        {
            case "Action.OpenUrl":
                output.WriteLine($"Open {CardText.Value(button.Action["url"])} in your browser.");
                return;
            case "Action.ShowCard":
                var shown = new List<TerminalAction>();
                output.WriteLine(CardText.Render((System.Text.Json.Nodes.JsonObject)button.Action["card"]!, shown, button.Inputs));
                buttons = shown.Count > 0 ? shown : buttons;
                return;
        }

        var (verb, data) = CardElements.VerbAndData(button.Action);
        if (button.Inputs.Count > 0 && await form.FillAsync(button, data, cancellationToken) is null)
        {
            output.WriteLine("Cancelled: nothing was sent.");
            return;
        }

        output.WriteLine();
        await RunAsync(NewTurn() with { Action = new CardAction(verb, data) }, cancellationToken);
    }

    private async Task<bool> RunAsync(Turn turn, CancellationToken cancellationToken)
    {
        try
        {
            await PrintAsync((await engine.RunAsync(turn, null, cancellationToken)).Replies, cancellationToken);
            return true;
        }
        catch (TurnFailedException failed)
        {
            // Logged with its reference by the engine; the person gets the same apology as on any channel.
            await PrintAsync([failed.Reply], cancellationToken);
            return false;
        }
    }

    /// <summary>
    /// Every reply in order; a card's buttons are numbered across the whole answer. Times are shown in
    /// the zone the handler chose, named (a terminal cannot localise); a file is shown after its comment,
    /// as the person at this terminal is the one who asked for it.
    /// </summary>
    private async Task PrintAsync(IReadOnlyList<Reply> replies, CancellationToken cancellationToken)
    {
        var shown = new List<TerminalAction>();
        for (var i = 0; i < replies.Count; i++)
        {
            var reply = replies[i];
            if (i > 0)
            {
                output.WriteLine();
            }

            output.WriteLine(LocalTime.Plain(reply switch
            {
                CardReply card => CardText.Render(cards.Render(card.Template, card.Data), shown),
                TextReply text => Mrkdwn.Plain(text.Body, withAddresses: true).Trim(),
                FileReply file => await FileTextAsync(file, cancellationToken),
                _ => string.Empty,
            }));
            foreach (var (id, problem) in reply.InputErrors ?? new Dictionary<string, string>())
            {
                var field = buttons.SelectMany(b => b.Inputs).FirstOrDefault(i => CardText.Value(i["id"]) == id);
                output.WriteLine($"  - {(field is null ? id : CardText.Label(field))}: {problem}");
            }
        }

        // An answer without buttons (a refused form, a confirmation) leaves the last card's buttons pressable.
        if (shown.Count > 0)
        {
            buttons = shown;
        }
    }

    private async Task<string> FileTextAsync(FileReply file, CancellationToken cancellationToken)
    {
        var made = await files.MakeAsync(file.File, cancellationToken);
        var comment = Mrkdwn.Plain(file.Comment, withAddresses: true).Trim();
        return made.Content is { } content
            ? $"{comment}\n--- {content.FileName} ---\n{System.Text.Encoding.UTF8.GetString(content.Bytes).TrimEnd()}\n---"
            : Mrkdwn.Plain(made.Refusal ?? string.Empty, withAddresses: true).Trim();
    }

    private Turn NewTurn() => new()
    {
        Conversation = conversation,
        // Someone who can open the store is a member of its workspace, not a guest.
        User = new ChatUserRef(person.Email, person.Name, person.Email, Membership: Membership.Member),
        // The conversation ends when chat does: nothing posted to it later would arrive.
        ConversationLasts = false,
        EventId = string.Create(CultureInfo.InvariantCulture, $"terminal-{Environment.ProcessId}-{++turns}"),
        ReceivedAt = time.GetUtcNow(),
    };
}
