using GovernanceBot.Conversation;
using GovernanceBot.Features.Programs;

namespace GovernanceBot.Features.Ask;

/// <summary>
/// <c>ask &lt;question&gt;</c> and any free text that is not a command. Answers in the conversation the
/// question came from; the store part is scoped to the asker's workspace and, when the conversation
/// is linked to a program, to that program first. Guests and external people get the knowledge base
/// only: no fact from the store reaches them, not even through a model's answer.
/// </summary>
internal sealed class AskHandler(IAnswerService answers, AskReplies replies, ProgramDirectory directory, ReaderPolicy readers) : ITurnHandler
{
    public async Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        var question = context.Arguments.Trim();
        if (question.Length == 0)
        {
            return [Reply.Text("Ask me anything about program governance, for example **ask what is a phase gate?** or **ask who owns the cost-savings benefit?**")];
        }

        var linked = context.Turn.Conversation.Kind == ConversationKind.Personal
            ? null
            : await directory.DefaultAsync(context.WorkspaceId, context.Turn.Conversation, cancellationToken);
        var reader = await readers.ReaderAsync(context, cancellationToken);
        var readStore = ReaderPolicy.CanRead(reader, null, Reading.Status);
        var answer = await answers.AnswerAsync(new AskRequest(context.WorkspaceId, question, linked?.Key, ReadStore: readStore, AskerName: context.User.Name), cancellationToken);
        return [replies.From(answer)];
    }
}

/// <summary><c>roles</c>: the program manager vs product manager comparison card.</summary>
internal sealed class RolesHandler(AskReplies replies) : ITurnHandler
{
    public Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken)
    {
        IReadOnlyList<Reply> result = replies.RolesCard() is { } card
            ? [Reply.Card("roles.comparison", card, AskJson.Default.RolesComparisonCard, $"{card.Title}: {card.Intro}")]
            : [Reply.Text("The role comparison is not in this installation's knowledge base. Try **ask what is the difference between a program manager and a product manager?**")];
        return Task.FromResult(result);
    }
}
