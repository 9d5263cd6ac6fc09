using System.Globalization;
using GovernanceBot.Cards;
using GovernanceBot.Cards.BlockKit;
using GovernanceBot.Conversation;
using GovernanceBot.Store.Entities;

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
internal sealed class TerminalChannel(ConversationEngine engine, ICardRenderer cards, FileSources files, TimeProvider time, TerminalPerson person, TextReader input, TextWriter output, bool prompt)
{
    private readonly ConversationRef conversation = new(ChannelNames.Terminal, person.WorkspaceKey, $"terminal:{person.Email}", ConversationKind.Personal);
    private readonly TerminalForm form = new(input, output, prompt);
    /// <summary>The buttons of the last answer that had any, by number.</summary>
    private List<TerminalAction> buttons = [];
    private int turns;

    /// <summary>Runs one line of text as the person typed it; false when the bot failed on its side.</summary>
    public Task<bool> SayAsync(string text, CancellationToken cancellationToken) => RunAsync(NewTurn() with { Text = text }, cancellationToken);

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
        EventId = string.Create(CultureInfo.InvariantCulture, $"terminal-{Environment.ProcessId}-{++turns}"),
        ReceivedAt = time.GetUtcNow(),
    };
}
