using GovernanceBot.Conversation;
using GovernanceBot.Scheduling;

namespace GovernanceBot.Features.Kpis;

public static class KpisFeature
{
    public static IServiceCollection AddKpis(this IServiceCollection services) => services
        .AddRoutes(MapKpis)
        .AddScoped<KpiDirectory>()
        .AddScoped<KpiCardBuilder>()
        .AddScoped<KpisStatusHandler>()
        .AddScoped<KpiDetailHandler>()
        .AddScoped<RecordKpiHandler>()
        .AddGovernanceJob<KpiOverdueJob>()
        .AddGovernanceJob<KpiStatusPostJob>();

    private static Router MapKpis(Router router) => router
        .MapCommand<KpisStatusHandler>("kpis", "kpis <program>", "The program's KPIs: value, target, RAG and trend.", "KPIs and benefits")
        .MapCommand<KpiDetailHandler>("kpi", "kpi <name>", "One KPI with its chart, thresholds and history.", "KPIs and benefits")
        .MapCommand<RecordKpiHandler>("kpi record", "kpi record <name> <value> [date] [note <text>]", "KPI owners and program managers: record a value.", "KPIs and benefits")
        .MapAction<KpisStatusHandler>("kpis.show")
        .MapAction<KpiDetailHandler>("kpi.detail")
        .MapAction<RecordKpiHandler>("kpi.record");
}
