using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;

namespace GovernanceBot.Features.Approvals;

/// <summary>Data of the <c>approval.request</c> card, as one viewer sees it.</summary>
/// <param name="RefreshUserIds">Teams <c>29:</c> ids (≤ 60) that still need a fresh, personal view.</param>
public sealed record ApprovalRequestCard(CardProgram Program, IReadOnlyList<string> RefreshUserIds, ApprovalViewer Viewer, ApprovalRequestView Request);

/// <summary>Who is looking; decision approve|reject|abstain|pending.</summary>
public sealed record ApprovalViewer(string Name, string FirstName, bool CanVote, string Decision, string Note);

/// <summary>What both approval cards say about a request: kind stageGate|changeRequest.</summary>
public abstract record ApprovalFacts
{
    public required string Id { get; init; }

    public required string Kind { get; init; }

    public required string Title { get; init; }

    public required string Why { get; init; }

    public required string Requester { get; init; }

    public required string RequestedAtText { get; init; }

    public required string DeadlineText { get; init; }

    public required string QuorumText { get; init; }

    public required string Status { get; init; }

    public required ApprovalTally Tally { get; init; }

    public required IReadOnlyList<ApprovalVoteView> Votes { get; init; }
}

/// <summary>A request waiting for votes.</summary>
public sealed record ApprovalRequestView : ApprovalFacts
{
    public required string ProgressText { get; init; }
}

public sealed record ApprovalTally(int Approve, int Reject, int Abstain, int Pending, int Required, int Total);

/// <summary>One approver's vote; empty strings when not applicable.</summary>
public sealed record ApprovalVoteView(string Name, string Decision, string VotedAtText, string Comment, string OnBehalfOf);

/// <summary>Data of the <c>approval.decided</c> card.</summary>
public sealed record ApprovalDecidedCard(CardProgram Program, ApprovalDecidedView Request);

/// <summary>The decided request; outcome approved|rejected|expired|withdrawn.</summary>
public sealed record ApprovalDecidedView : ApprovalFacts
{
    public required string Outcome { get; init; }

    public required string OutcomeText { get; init; }

    public required string DecidedAtText { get; init; }

    public required string DecisionLogId { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApprovalRequestCard))]
[JsonSerializable(typeof(ApprovalDecidedCard))]
internal sealed partial class ApprovalsJson : JsonSerializerContext;
