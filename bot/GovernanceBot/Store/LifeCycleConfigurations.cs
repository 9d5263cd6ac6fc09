using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GovernanceBot.Store;

internal sealed class StageGateConfiguration : IEntityTypeConfiguration<StageGate>
{
    public void Configure(EntityTypeBuilder<StageGate> b)
    {
        b.HasIndex(g => new { g.ProgramId, g.Key }).IsUnique();
        b.Property(g => g.Key).HasMaxLength(100);
        b.Property(g => g.AfterPhase).HasMaxLength(100);
        b.Property(g => g.Version).IsConcurrencyToken();
        b.HasOne<GovernanceProgram>().WithMany().HasForeignKey(g => g.ProgramId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ApprovalRequest>().WithMany().HasForeignKey(g => g.ApprovalRequestId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(g => g.Criteria).WithOne().HasForeignKey(c => c.GateId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class GateCriterionConfiguration : IEntityTypeConfiguration<GateCriterion>
{
    public void Configure(EntityTypeBuilder<GateCriterion> b)
    {
        b.HasIndex(c => new { c.GateId, c.Key }).IsUnique();
        b.Property(c => c.Key).HasMaxLength(100);
        b.HasOne(c => c.Owner).WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Stakeholder>().WithMany().HasForeignKey(c => c.ConfirmedById).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class BenefitActualConfiguration : IEntityTypeConfiguration<BenefitActual>
{
    public void Configure(EntityTypeBuilder<BenefitActual> b)
    {
        b.HasIndex(a => new { a.BenefitId, a.Date }).IsUnique();
        b.HasOne<Benefit>().WithMany(x => x.Actuals).HasForeignKey(a => a.BenefitId).OnDelete(DeleteBehavior.Cascade);
    }
}
