using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GovernanceBot.Store;

internal sealed class RaidItemConfiguration : IEntityTypeConfiguration<RaidItem>
{
    public void Configure(EntityTypeBuilder<RaidItem> b)
    {
        b.ToTable("RaidItems");
        // Two people raising a risk at once get different numbers: the second save fails here and retries.
        b.HasIndex(r => new { r.ProgramId, r.Key }).IsUnique();
        b.HasIndex(r => new { r.ProgramId, r.Status });
        b.Property(r => r.Key).HasMaxLength(100);
        b.Property(r => r.Version).IsConcurrencyToken();
        b.HasOne(r => r.Program).WithMany().HasForeignKey(r => r.ProgramId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(r => r.Owner).WithMany().HasForeignKey(r => r.OwnerId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<GovernanceProgram>().WithMany().HasForeignKey(r => r.DependsOnProgramId).OnDelete(DeleteBehavior.SetNull);
    }
}
