using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;

namespace GovernanceBot.Features.Approvals;

/// <summary>Data of the <c>approval.request</c> card, as one viewer sees it.</summary>
/// <param name="RefreshUserIds">Teams <c>29:</c> ids (≤ 60) that still need a fresh, personal view.</param>
public sealed record ApprovalRequestCard(CardProgram Program, IReadOnlyList<string> RefreshUserIds, ApprovalViewer Viewer, ApprovalRequestView Request);

/// <summary>Who is looking; decision approve|reject|abstain|pending.</summary>
public sealed record ApprovalViewer(string Name, string FirstName, bool CanVote, string Decision, string Note);

/// <summary>A request: kind stageGate|changeRequest.</summary>
public sealed record ApprovalRequestView(
    string Id,
    string Kind,
    string Title,
    string Why,
    string Requester,
    string RequestedAtText,
    string DeadlineText,
    string QuorumText,
    string ProgressText,
    string Status,
    ApprovalTally Tally,
    IReadOnlyList<ApprovalVoteView> Votes);

public sealed record ApprovalTally(int Approve, int Reject, int Abstain, int Pending, int Required, int Total);

/// <summary>One approver's vote; empty strings when not applicable.</summary>
public sealed record ApprovalVoteView(string Name, string Decision, string VotedAtText, string Comment, string OnBehalfOf);

/// <summary>Data of the <c>approval.decided</c> card.</summary>
public sealed record ApprovalDecidedCard(CardProgram Program, ApprovalDecidedView Request);

/// <summary>The decided request; outcome approved|rejected|expired|withdrawn.</summary>
public sealed record ApprovalDecidedView(
    string Id,
    string Kind,
    string Title,
    string Why,
    string Requester,
    string RequestedAtText,
    string DeadlineText,
    string QuorumText,
    string Status,
    string Outcome,
    string OutcomeText,
    string DecidedAtText,
    string DecisionLogId,
    ApprovalTally Tally,
    IReadOnlyList<ApprovalVoteView> Votes);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApprovalRequestCard))]
[JsonSerializable(typeof(ApprovalDecidedCard))]
internal sealed partial class ApprovalsJson : JsonSerializerContext;
