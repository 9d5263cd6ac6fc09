using GovernanceBot.Store.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace GovernanceBot.Store;

internal sealed class SteeringMeetingConfiguration : IEntityTypeConfiguration<SteeringMeeting>
{
    public void Configure(EntityTypeBuilder<SteeringMeeting> b)
    {
        b.ToTable("SteeringMeetings");
        // One open meeting per program, even when two managers start one at the same moment: the
        // second insert fails here and is told the first is open. (The filter reads alike in SQLite and PostgreSQL.)
        b.HasIndex(m => m.ProgramId).IsUnique().HasFilter("\"EndedAt\" IS NULL");
        b.HasIndex(m => new { m.ProgramId, m.StartedAt });
        b.Property(m => m.StartedBy).HasMaxLength(100);
        b.Property(m => m.EndedBy).HasMaxLength(100);
        b.Property(m => m.Version).IsConcurrencyToken();
        b.HasOne(m => m.Program).WithMany().HasForeignKey(m => m.ProgramId).OnDelete(DeleteBehavior.Cascade);
    }
}
