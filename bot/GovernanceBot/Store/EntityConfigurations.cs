using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GovernanceBot.Store;

internal sealed class WorkspaceConfiguration : IEntityTypeConfiguration<Workspace>
{
    public void Configure(EntityTypeBuilder<Workspace> b)
    {
        b.HasIndex(w => w.Key).IsUnique();
        b.Property(w => w.Key).HasMaxLength(100);
        b.HasMany(w => w.Identities).WithOne(i => i.Workspace).HasForeignKey(i => i.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(w => w.Programs).WithOne(p => p.Workspace).HasForeignKey(p => p.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WorkspaceIdentityConfiguration : IEntityTypeConfiguration<WorkspaceIdentity>
{
    public void Configure(EntityTypeBuilder<WorkspaceIdentity> b)
    {
        b.HasIndex(i => new { i.Channel, i.ExternalId }).IsUnique();
        b.Property(i => i.Channel).HasMaxLength(20);
        b.Property(i => i.ExternalId).HasMaxLength(200);
    }
}

internal sealed class ChatUserConfiguration : IEntityTypeConfiguration<ChatUser>
{
    public void Configure(EntityTypeBuilder<ChatUser> b)
    {
        b.HasIndex(u => new { u.WorkspaceId, u.Channel, u.ExternalUserId }).IsUnique();
        b.HasIndex(u => new { u.WorkspaceId, u.Email });
        b.HasOne<Workspace>().WithMany().HasForeignKey(u => u.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        b.Property(u => u.ExternalUserId).HasMaxLength(200);
        b.Property(u => u.Channel).HasMaxLength(20);
    }
}

internal sealed class ConversationRecordConfiguration : IEntityTypeConfiguration<ConversationRecord>
{
    public void Configure(EntityTypeBuilder<ConversationRecord> b)
    {
        b.HasIndex(c => new { c.Channel, c.ConversationId }).IsUnique();
        b.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        b.Property(c => c.ConversationId).HasMaxLength(400);
        b.Property(c => c.Channel).HasMaxLength(20);
    }
}

internal sealed class ProgramConfiguration : IEntityTypeConfiguration<GovernanceProgram>
{
    public void Configure(EntityTypeBuilder<GovernanceProgram> b)
    {
        b.ToTable("Programs");
        b.HasIndex(p => new { p.WorkspaceId, p.Key }).IsUnique();
        b.Property(p => p.Key).HasMaxLength(100);
        b.HasMany(p => p.Stakeholders).WithOne(s => s.Program).HasForeignKey(s => s.ProgramId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.Kpis).WithOne(k => k.Program).HasForeignKey(k => k.ProgramId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.Benefits).WithOne(x => x.Program).HasForeignKey(x => x.ProgramId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.ApproverGroups).WithOne().HasForeignKey(g => g.ProgramId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.CheckIns).WithOne(c => c.Program).HasForeignKey(c => c.ProgramId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.Approvals).WithOne(a => a.Program).HasForeignKey(a => a.ProgramId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(p => p.Channels).WithOne().HasForeignKey(c => c.ProgramId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProgramChannelConfiguration : IEntityTypeConfiguration<ProgramChannel>
{
    public void Configure(EntityTypeBuilder<ProgramChannel> b) =>
        b.HasIndex(c => new { c.ProgramId, c.Channel }).IsUnique();
}

internal sealed class StakeholderConfiguration : IEntityTypeConfiguration<Stakeholder>
{
    public void Configure(EntityTypeBuilder<Stakeholder> b)
    {
        b.HasIndex(s => new { s.ProgramId, s.Key }).IsUnique();
        b.HasIndex(s => s.Email);
        b.Property(s => s.Key).HasMaxLength(100);
    }
}

internal sealed class KpiConfiguration : IEntityTypeConfiguration<Kpi>
{
    public void Configure(EntityTypeBuilder<Kpi> b)
    {
        b.HasIndex(k => new { k.ProgramId, k.Key }).IsUnique();
        b.Property(k => k.Key).HasMaxLength(100);
        b.HasOne(k => k.Owner).WithMany().HasForeignKey(k => k.OwnerId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(k => k.Measurements).WithOne().HasForeignKey(m => m.KpiId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class KpiMeasurementConfiguration : IEntityTypeConfiguration<KpiMeasurement>
{
    public void Configure(EntityTypeBuilder<KpiMeasurement> b) =>
        b.HasIndex(m => new { m.KpiId, m.Date }).IsUnique();
}

internal sealed class BenefitConfiguration : IEntityTypeConfiguration<Benefit>
{
    public void Configure(EntityTypeBuilder<Benefit> b)
    {
        b.HasIndex(x => new { x.ProgramId, x.Key }).IsUnique();
        b.Property(x => x.Key).HasMaxLength(100);
        b.HasOne(x => x.Owner).WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class CheckInDefinitionConfiguration : IEntityTypeConfiguration<CheckInDefinition>
{
    public void Configure(EntityTypeBuilder<CheckInDefinition> b)
    {
        b.HasIndex(c => new { c.ProgramId, c.Key }).IsUnique();
        b.Property(c => c.Key).HasMaxLength(100);
        b.HasMany(c => c.Questions).WithOne().HasForeignKey(q => q.CheckInId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CheckInQuestionConfiguration : IEntityTypeConfiguration<CheckInQuestion>
{
    public void Configure(EntityTypeBuilder<CheckInQuestion> b) =>
        b.HasIndex(q => new { q.CheckInId, q.Key }).IsUnique();
}

internal sealed class CheckInRoundConfiguration : IEntityTypeConfiguration<CheckInRound>
{
    public void Configure(EntityTypeBuilder<CheckInRound> b)
    {
        b.HasIndex(r => new { r.CheckInId, r.OccurrenceDate }).IsUnique();
        b.Property(r => r.QuestionsJson).HasMaxLength(64_000);
        b.HasOne(r => r.CheckIn).WithMany().HasForeignKey(r => r.CheckInId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(r => r.Responses).WithOne().HasForeignKey(x => x.RoundId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CheckInResponseConfiguration : IEntityTypeConfiguration<CheckInResponse>
{
    public void Configure(EntityTypeBuilder<CheckInResponse> b)
    {
        b.HasIndex(r => new { r.RoundId, r.StakeholderId }).IsUnique();
        b.Property(r => r.AnswersJson).HasMaxLength(64_000);
        b.Property(r => r.Version).IsConcurrencyToken();
    }
}

internal sealed class ApproverGroupConfiguration : IEntityTypeConfiguration<ApproverGroup>
{
    public void Configure(EntityTypeBuilder<ApproverGroup> b) =>
        b.HasIndex(g => new { g.ProgramId, g.Key }).IsUnique();
}

internal sealed class ApprovalRequestConfiguration : IEntityTypeConfiguration<ApprovalRequest>
{
    public void Configure(EntityTypeBuilder<ApprovalRequest> b)
    {
        b.HasIndex(a => new { a.ProgramId, a.Key }).IsUnique();
        b.Property(a => a.Key).HasMaxLength(100);
        b.Property(a => a.Version).IsConcurrencyToken();
        b.Property(a => a.EvidenceJson).HasMaxLength(16_000);
        b.HasOne(a => a.Requester).WithMany().HasForeignKey(a => a.RequesterId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(a => a.Approvers).WithOne().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(a => a.Votes).WithOne().HasForeignKey(v => v.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ApprovalApproverConfiguration : IEntityTypeConfiguration<ApprovalApprover>
{
    public void Configure(EntityTypeBuilder<ApprovalApprover> b)
    {
        b.HasIndex(a => new { a.RequestId, a.StakeholderId }).IsUnique();
        b.HasOne(a => a.Stakeholder).WithMany().HasForeignKey(a => a.StakeholderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class VoteConfiguration : IEntityTypeConfiguration<Vote>
{
    public void Configure(EntityTypeBuilder<Vote> b)
    {
        // One vote per approver per request: the database, not the handler, makes a double click harmless.
        b.HasIndex(v => new { v.RequestId, v.ApproverId }).IsUnique();
        b.HasOne(v => v.Approver).WithMany().HasForeignKey(v => v.ApproverId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DelegationConfiguration : IEntityTypeConfiguration<Delegation>
{
    public void Configure(EntityTypeBuilder<Delegation> b) =>
        b.HasIndex(d => new { d.ProgramId, d.FromId });
}

internal sealed class DecisionLogConfiguration : IEntityTypeConfiguration<DecisionLogEntry>
{
    public void Configure(EntityTypeBuilder<DecisionLogEntry> b)
    {
        b.HasIndex(d => new { d.ProgramId, d.DecidedAt });
        b.HasIndex(d => d.ApprovalRequestId).IsUnique();
        b.HasIndex(d => new { d.ProgramId, d.Key }).IsUnique();
        b.Property(d => d.Key).HasMaxLength(100);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.HasIndex(a => new { a.WorkspaceId, a.ProgramId, a.At });
        b.Property(a => a.Before).HasMaxLength(64_000);
        b.Property(a => a.After).HasMaxLength(64_000);
        b.Property(a => a.Hash).HasMaxLength(64);
        // One entry per place in a workspace's chain: a fork cannot even be stored.
        b.HasIndex(a => new { a.WorkspaceId, a.Seq }).IsUnique();
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.HasIndex(o => o.IdempotencyKey).IsUnique();
        b.HasIndex(o => new { o.Status, o.NextAttemptAt });
        b.HasIndex(o => o.Subject);
        b.Property(o => o.IdempotencyKey).HasMaxLength(400);
        b.Property(o => o.PayloadJson).HasMaxLength(200_000);
    }
}

internal sealed class InboundEventConfiguration : IEntityTypeConfiguration<InboundEvent>
{
    public void Configure(EntityTypeBuilder<InboundEvent> b)
    {
        b.HasIndex(e => new { e.Channel, e.DedupeKey }).IsUnique();
        b.HasIndex(e => e.ReceivedAt);
        // The claim: what is not leased (or its lease lapsed) and due, oldest first (InboxRunner.ClaimAsync).
        b.HasIndex(e => new { e.Status, e.LeaseUntil, e.NextAttemptAt });
        b.Property(e => e.DedupeKey).HasMaxLength(400);
        b.Property(e => e.Kind).HasMaxLength(40);
        b.Property(e => e.ConversationKey).HasMaxLength(400);
        b.Property(e => e.LeaseOwner).HasMaxLength(100);
        b.Property(e => e.PayloadJson).HasMaxLength(1_100_000);
        b.Property(e => e.ResponseJson).HasMaxLength(200_000);
    }
}

internal sealed class SlackFormConfiguration : IEntityTypeConfiguration<SlackForm>
{
    public void Configure(EntityTypeBuilder<SlackForm> b)
    {
        b.HasKey(f => f.Key);
        b.Property(f => f.Key).HasMaxLength(200);
        // A modal of up to 100 blocks (Slack's limit), as JSON.
        b.Property(f => f.Json).HasMaxLength(200_000);
        b.HasIndex(f => f.ExpiresAt);
    }
}

internal sealed class CardMessageConfiguration : IEntityTypeConfiguration<CardMessage>
{
    public void Configure(EntityTypeBuilder<CardMessage> b)
    {
        b.HasIndex(c => new { c.WorkspaceId, c.Subject });
        b.Property(c => c.ConversationId).HasMaxLength(400);
        b.HasIndex(c => new { c.Channel, c.ConversationId, c.MessageId }).IsUnique();
    }
}

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> b)
    {
        // A key encrypted to a certificate carries the certificate and the ciphertext: several KB.
        b.Property(k => k.Xml).HasMaxLength(64_000);
        b.Property(k => k.FriendlyName).HasMaxLength(200);
    }
}

internal sealed class BotInstanceConfiguration : IEntityTypeConfiguration<BotInstance>
{
    public void Configure(EntityTypeBuilder<BotInstance> b)
    {
        b.HasKey(i => i.Id);
        b.Property(i => i.Id).HasMaxLength(100);
    }
}

internal sealed class DashboardLinkUseConfiguration : IEntityTypeConfiguration<DashboardLinkUse>
{
    public void Configure(EntityTypeBuilder<DashboardLinkUse> b)
    {
        // The link's id is the key: a second use of the same link is a key violation, decided by the store, not by a race.
        b.HasKey(u => u.Id);
        b.Property(u => u.Id).ValueGeneratedNever();
        b.HasIndex(u => u.ExpiresAt);
    }
}

internal sealed class HomeTabConfiguration : IEntityTypeConfiguration<HomeTab>
{
    public void Configure(EntityTypeBuilder<HomeTab> b)
    {
        b.HasIndex(h => new { h.WorkspaceId, h.Channel, h.ExternalUserId }).IsUnique();
        b.HasIndex(h => h.OpenedAt);
        b.Property(h => h.ContentHash).HasMaxLength(64);
    }
}
