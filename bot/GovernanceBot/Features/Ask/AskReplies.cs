using GovernanceBot.Cards;
using GovernanceBot.Conversation;

namespace GovernanceBot.Features.Ask;

/// <summary>Turns an <see cref="AskAnswer"/> into what the channels send: the <c>answer</c> or <c>roles.comparison</c> card, or text.</summary>
public sealed class AskReplies(KnowledgeBase knowledge)
{
    public Reply From(AskAnswer answer)
    {
        switch (answer.Kind)
        {
            case AnswerKind.Declined:
            case AnswerKind.Refused:
            case AnswerKind.SmallTalk:
                return Reply.Text(answer.Text);
            case AnswerKind.RolesComparison when RolesCard() is { } roles:
                return Reply.Card("roles.comparison", roles, AskJson.Default.RolesComparisonCard, $"{roles.Title}: {roles.Intro}");
            default:
                var card = new AnswerCard(
                    answer.Question,
                    answer.Text,
                    answer.GroundedByAi,
                    answer.Sources.Select(s => new AnswerPassage(s.Number, s.Text, s.Source)).ToList(),
                    Suggestions(answer));
                return Reply.Card("answer", card, AskJson.Default.AnswerCard, answer.Text);
        }
    }

    /// <summary>The comparison card from <c>roles-comparison.json</c>, with sources from the topics it summarises.</summary>
    public RolesComparisonCard? RolesCard()
    {
        if (knowledge.RolesComparison is not { } table)
        {
            return null;
        }

        var topics = table.Rows.Select(r => r.Topic).Concat(table.Topics)
            .Distinct(StringComparer.Ordinal)
            .Select(knowledge.Topic)
            .OfType<KnowledgeTopic>()
            .ToList();
        var sources = topics.SelectMany(t => t.Sources).Distinct(StringComparer.Ordinal)
            .Select(s => new CardSource(s, "as summarised in the GovernanceBot knowledge base", string.Empty))
            .Append(new CardSource("GovernanceBot knowledge base", string.Join(", ", topics.Select(t => $"{t.Id}.md")), string.Empty))
            .ToList();
        return new RolesComparisonCard(
            table.Title,
            table.Intro,
            table.LeftRole,
            table.RightRole,
            table.Rows.Select(r => new RoleComparisonRow(r.Aspect, r.Left, r.Right)).ToList(),
            table.Common,
            sources,
            [
                new CardSuggestion("How do they work together?", "ask how should a program manager and a product manager work together?"),
                new CardSuggestion("Product owner vs program manager", "ask what does a product owner do that a program manager doesn't?"),
            ]);
    }

    private static List<CardSuggestion> Suggestions(AskAnswer answer)
    {
        var suggestions = new List<CardSuggestion>();
        if (answer.Kind == AnswerKind.Store)
        {
            suggestions.AddRange((answer.Programs ?? []).Take(2).Select(p => new CardSuggestion($"{p} status", $"status {p}")));
        }
        else if (answer.TopicId is { } topic && topic.StartsWith(KnowledgeAnswers.RolesTopic, StringComparison.Ordinal))
        {
            suggestions.Add(new CardSuggestion("Compare the roles", "roles"));
        }

        suggestions.Add(new CardSuggestion("What can you do?", "help"));
        return suggestions;
    }
}
