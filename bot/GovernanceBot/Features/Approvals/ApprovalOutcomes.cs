using System.Text.Json;
using System.Text.Json.Serialization;
using GovernanceBot.Cards;
using GovernanceBot.Store.Entities;

namespace GovernanceBot.Features.Approvals;

/// <summary>
/// Something another feature does when a request is decided, in the decision's own unit of work:
/// the decision and its consequences save together, or not at all (a stage gate passes exactly when
/// its review is approved). Called once per decision, before the caller saves.
/// </summary>
public interface IApprovalOutcome
{
    Task OnDecidedAsync(ApprovalSnapshot snapshot, DecisionLogEntry decision, string actor, string channel, CancellationToken cancellationToken);
}

/// <summary>
/// What the approvers decide on, attached when the request is made and shown on its card: sections
/// of lines, each with a RAG word (green|amber|red|none) so the card marks it the usual way.
/// </summary>
public sealed record ApprovalEvidence(string AsOfText, IReadOnlyList<EvidenceSection> Sections)
{
    public static ApprovalEvidence? Read(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, ApprovalEvidenceJson.Default.ApprovalEvidence);

    public string Write() => JsonSerializer.Serialize(this, ApprovalEvidenceJson.Default.ApprovalEvidence);
}

public sealed record EvidenceSection(string Title, IReadOnlyList<EvidenceLine> Lines);

public sealed record EvidenceLine([property: UserText] string Text, string Rag);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApprovalEvidence))]
internal sealed partial class ApprovalEvidenceJson : JsonSerializerContext;
