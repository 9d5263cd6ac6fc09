using GovernanceBot.Conversation;
using GovernanceBot.Scheduling;

namespace GovernanceBot.Features.Raid;

public static class RaidFeature
{
    public static IServiceCollection AddRaid(this IServiceCollection services) => services
        .AddRoutes(MapRaid)
        .AddScoped<RaidViews>()
        .AddScoped<RaidHandler>()
        .AddScoped<AddRaidItemHandler>()
        .AddScoped<RaidChangeHandler>()
        .AddScoped<RaidFromCheckInHandler>()
        .AddScoped<Ask.IStoreFactSource, RaidFacts>()
        .AddScoped<Portfolio.IPortfolioCounter, RaidPortfolioCounter>()
        .AddScoped<LifeCycle.IGateEvidenceSource, RaidGateEvidence>()
        .AddScoped<Programs.IStatusRiskSource, RaidStatusRisks>()
        .AddSingleton<Narratives.IProgramNarrativeSource, RaidNarrativeSource>()
        .AddGovernanceJob<RaidDigestJob>();

    private static Router MapRaid(Router router) => router
        .MapCommand<RaidHandler>("raid", "raid <program> | raid <id>",
            "The RAID log: open risks, assumptions, issues and dependencies by score, overdue first, with a risk heatmap; or one item (R-3) with its history.", "RAID log")
        .MapCommand<AddRaidItemHandler>("risk add", "risk add <program> <title> owner @person probability high impact medium [review DATE] [response <text>]",
            "Raise a risk (the title in quotes): probability and impact are very-low … very-high or 1–5.", "RAID log")
        .MapCommand<AddRaidItemHandler>("issue add", "issue add <program> <title> owner @person severity high [due DATE] [resolution <text>]",
            "Log an issue that has happened.", "RAID log")
        .MapCommand<AddRaidItemHandler>("assumption add", "assumption add <program> <title> owner @person validate-by DATE",
            "Record an assumption to validate by a date (an invalid one becomes an issue).", "RAID log")
        .MapCommand<AddRaidItemHandler>("action add", "action add <program> <title> owner @person due DATE",
            "Record an action someone agreed to do by a date (a steering meeting records them from its card).", "Steering")
        .MapCommand<AddRaidItemHandler>("dependency add", "dependency add <program> <title> owner @person on <program or party> needed-by DATE",
            "Record a dependency on another program here or an outside party.", "RAID log")
        .MapAction<RaidHandler>("raid.log")
        .MapAction<RaidHandler>("raid.show")
        .MapAction<RaidChangeHandler>("raid.update")
        .MapAction<RaidChangeHandler>("raid.close")
        .MapAction<RaidChangeHandler>("raid.escalate")
        .MapAction<RaidFromCheckInHandler>("raid.fromcheckin")
        .MapAction<RaidFromCheckInHandler>("raid.create");
}
