using System.Text.Json;
using System.Text.Json.Serialization;

namespace GovernanceBot.Features.Approvals;

/// <summary>Data of the <c>approval.request</c> card (adaptivecards/README.md).</summary>
public sealed record ApprovalRequestCard(
    ApprovalCardProgram Program,
    IReadOnlyList<string> RefreshUserIds,
    ApprovalViewer Viewer,
    ApprovalRequestData Request);

/// <summary>Data of the <c>approval.decided</c> card.</summary>
public sealed record ApprovalDecidedCard(ApprovalCardProgram Program, ApprovalDecidedData Request);

public sealed record ApprovalCardProgram(string Id, string Name);

/// <param name="Decision"><c>pending</c>, <c>approve</c>, <c>reject</c> or <c>abstain</c>.</param>
public sealed record ApprovalViewer(string Name, string FirstName, bool CanVote, string Decision, string Note);

public sealed record ApprovalRequestData(
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
    IReadOnlyList<ApprovalVoteLine> Votes);

public sealed record ApprovalDecidedData(
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
    IReadOnlyList<ApprovalVoteLine> Votes);

public sealed record ApprovalTally(int Approve, int Reject, int Abstain, int Pending, int Required, int Total);

/// <param name="Name">Who pressed the button (the delegate, when one voted).</param>
/// <param name="OnBehalfOf">The approver a delegate voted for; <c>""</c> otherwise.</param>
public sealed record ApprovalVoteLine(string Name, string Decision, string VotedAtText, string Comment, string OnBehalfOf);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApprovalRequestCard))]
[JsonSerializable(typeof(ApprovalDecidedCard))]
internal sealed partial class ApprovalCardsJson : JsonSerializerContext;
