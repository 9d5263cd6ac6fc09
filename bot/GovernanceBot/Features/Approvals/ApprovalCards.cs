using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;

namespace GovernanceBot.Features.Approvals;

/// <summary>Data of the <c>approval.request</c> card, as one viewer sees it.</summary>
/// <param name="RefreshFor">
/// The people (by e-mail) who still need a fresh, personal view; a channel that refreshes cards per
/// person maps them to its own ids and drops those it does not know.
/// </param>
internal sealed record ApprovalRequestCard(CardProgram Program, [property: JsonPropertyName("refreshUserIds")] IReadOnlyList<string> RefreshFor, ApprovalViewer Viewer, ApprovalRequestView Request);

/// <summary>
/// Who is looking; decision approve|reject|abstain|pending. <paramref name="Decides"/>: the request is
/// escalated and this viewer decides it (approve or reject, no abstaining).
/// </summary>
internal sealed record ApprovalViewer([property: UserText] string Name, [property: UserText] string FirstName, bool CanVote, bool Decides, string Decision, [property: UserText] string Note);

/// <summary>A request: kind stageGate|changeRequest; status open|escalated|decided.</summary>
internal sealed record ApprovalRequestView(
    string Id,
    string Kind,
    [property: UserText] string Title,
    [property: UserText] string Why,
    [property: UserText] string Requester,
    string RequestedAtText,
    string DeadlineText,
    string QuorumText,
    [property: UserText] string ProgressText,
    string Status,
    ApprovalTally Tally,
    IReadOnlyList<ApprovalVoteView> Votes,
    string EvidenceAsOfText,
    IReadOnlyList<EvidenceSection> Evidence);

internal sealed record ApprovalTally(int Approve, int Reject, int Abstain, int Pending, int Required, int Total);

/// <summary>One approver's vote; empty strings when not applicable.</summary>
internal sealed record ApprovalVoteView([property: UserText] string Name, string Decision, string VotedAtText, [property: UserText] string Comment, [property: UserText] string OnBehalfOf);

/// <summary>Data of the <c>approval.decided</c> card.</summary>
internal sealed record ApprovalDecidedCard(CardProgram Program, ApprovalDecidedView Request);

/// <summary>The decided request; outcome approved|rejected|expired|withdrawn.</summary>
internal sealed record ApprovalDecidedView(
    string Id,
    string Kind,
    [property: UserText] string Title,
    [property: UserText] string Why,
    [property: UserText] string Requester,
    string RequestedAtText,
    string DeadlineText,
    string QuorumText,
    string Status,
    string Outcome,
    [property: UserText] string OutcomeText,
    string DecidedAtText,
    string DecisionLogId,
    ApprovalTally Tally,
    IReadOnlyList<ApprovalVoteView> Votes);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApprovalRequestCard))]
[JsonSerializable(typeof(ApprovalDecidedCard))]
internal sealed partial class ApprovalsJson : JsonSerializerContext;
