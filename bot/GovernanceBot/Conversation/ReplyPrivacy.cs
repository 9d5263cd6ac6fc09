namespace GovernanceBot.Conversation;

/// <summary>
/// The one rule for who sees a turn's replies. Private (<see cref="ReplyAudience.Requester"/>: a Slack
/// ephemeral, the person's 1:1 in Teams; in a 1:1 nothing changes) are:
/// <list type="bullet">
/// <item>every reply of a command mapped as private: answers meant for the person who asked
/// (<c>help</c>, their own check-in or approvals, who has answered a round);</item>
/// <item>every error and refusal the pipeline makes itself (did you mean, not understood, a button
/// that no longer works, a message too long, something went wrong) and every error card or
/// refused form, whichever handler made it;</item>
/// <item>what a handler addresses to the requester itself.</item>
/// </list>
/// Everything else is posted where the turn was, for everyone there. A reply that replaces the card
/// acted on keeps its audience: it updates that card for whoever sees it.
/// </summary>
public static class ReplyPrivacy
{
    /// <summary>The replies of a turn, each addressed as the rule says.</summary>
    public static IReadOnlyList<Reply> Apply(RouteMatch match, IReadOnlyList<Reply> replies) =>
        replies.Select(reply => IsPrivate(match, reply) ? reply with { Audience = ReplyAudience.Requester } : reply).ToList();

    public static bool IsPrivate(RouteMatch match, Reply reply) =>
        !reply.ReplacesSourceCard
        && (reply.Audience == ReplyAudience.Requester
            || match is CommandMatch { Route.Audience: ReplyAudience.Requester }
            || match is NearMiss or UnknownAction or TooLong or FallbackMatch { Handler: null }
            || IsError(reply));

    /// <summary>An error card or a refused form: about what one person did, so for them alone.</summary>
    public static bool IsError(Reply reply) =>
        reply.InputErrors is not null || reply is CardReply { Template: ErrorTemplate };

    /// <summary>The template of the card that says something went wrong.</summary>
    public const string ErrorTemplate = "error";
}
