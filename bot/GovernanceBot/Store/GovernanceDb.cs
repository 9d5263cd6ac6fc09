using GovernanceBot.Store.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace GovernanceBot.Store;

/// <summary>
/// The governance store. Provider-specific subclasses (<see cref="SqliteGovernanceDb"/>,
/// <see cref="PostgresGovernanceDb"/>) exist only so each provider has its own migrations. It also
/// holds the ASP.NET Data Protection key ring, so every instance and every new revision shares it.
/// </summary>
public abstract class GovernanceDb(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Workspace> Workspaces => Set<Workspace>();
    public DbSet<WorkspaceIdentity> WorkspaceIdentities => Set<WorkspaceIdentity>();
    public DbSet<ChatUser> ChatUsers => Set<ChatUser>();
    public DbSet<ConversationRecord> Conversations => Set<ConversationRecord>();
    public DbSet<GovernanceProgram> Programs => Set<GovernanceProgram>();
    public DbSet<ProgramChannel> ProgramChannels => Set<ProgramChannel>();
    public DbSet<Stakeholder> Stakeholders => Set<Stakeholder>();
    public DbSet<Kpi> Kpis => Set<Kpi>();
    public DbSet<KpiMeasurement> KpiMeasurements => Set<KpiMeasurement>();
    public DbSet<Benefit> Benefits => Set<Benefit>();
    public DbSet<BenefitActual> BenefitActuals => Set<BenefitActual>();
    public DbSet<StageGate> StageGates => Set<StageGate>();
    public DbSet<GateCriterion> GateCriteria => Set<GateCriterion>();
    public DbSet<CheckInDefinition> CheckIns => Set<CheckInDefinition>();
    public DbSet<CheckInQuestion> CheckInQuestions => Set<CheckInQuestion>();
    public DbSet<CheckInRound> CheckInRounds => Set<CheckInRound>();
    public DbSet<CheckInResponse> CheckInResponses => Set<CheckInResponse>();
    public DbSet<ApproverGroup> ApproverGroups => Set<ApproverGroup>();
    public DbSet<ApprovalRequest> Approvals => Set<ApprovalRequest>();
    public DbSet<ApprovalApprover> ApprovalApprovers => Set<ApprovalApprover>();
    public DbSet<Vote> Votes => Set<Vote>();
    public DbSet<Delegation> Delegations => Set<Delegation>();
    public DbSet<DecisionLogEntry> DecisionLog => Set<DecisionLogEntry>();
    public DbSet<RaidItem> RaidItems => Set<RaidItem>();
    public DbSet<SteeringMeeting> SteeringMeetings => Set<SteeringMeeting>();
    public DbSet<AuditEntry> Audit => Set<AuditEntry>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<InboundEvent> InboundEvents => Set<InboundEvent>();
    public DbSet<CardMessage> CardMessages => Set<CardMessage>();
    public DbSet<SlackForm> SlackForms => Set<SlackForm>();
    public DbSet<BotInstance> BotInstances => Set<BotInstance>();
    public DbSet<DashboardLinkUse> DashboardLinkUses => Set<DashboardLinkUse>();
    public DbSet<HomeTab> HomeTabs => Set<HomeTab>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>The programs of one workspace: the starting point of every feature query.</summary>
    public IQueryable<GovernanceProgram> ProgramsOf(Guid workspaceId) =>
        Programs.Where(p => p.WorkspaceId == workspaceId);

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        GuardAppendOnly();
        // Nothing in the bot saves synchronously; a save that appends audit entries still has to seal
        // them, and sealing reads the chain's head, so it takes the asynchronous path.
        return AddedAuditEntries().Count == 0
            ? base.SaveChanges(acceptAllChangesOnSuccess)
            : SaveChangesAsync(acceptAllChangesOnSuccess).GetAwaiter().GetResult();
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        GuardAppendOnly();
        var added = AddedAuditEntries();
        if (added.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        if (Database.CurrentTransaction is not null)
        {
            // The caller's transaction holds the chain's lock until it commits.
            await AuditChain.SealAsync(this, added, cancellationToken);
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        await using var transaction = await Database.BeginTransactionAsync(cancellationToken);
        await AuditChain.SealAsync(this, added, cancellationToken);
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return saved;
    }

    private List<AuditEntry> AddedAuditEntries() =>
        ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();

    private void GuardAppendOnly()
    {
        foreach (var entry in ChangeTracker.Entries<AuditEntry>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new InvalidOperationException("The audit log is append-only: entries cannot be changed or deleted.");
            }
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(GovernanceDb).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<string>().HaveMaxLength(4000);
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(40);
    }
}
