using GovernanceBot.Conversation;

namespace GovernanceBot.Features.Audit;

public static class AuditFeature
{
    public static IServiceCollection AddAudit(this IServiceCollection services) => services
        .AddRoutes(MapAudit)
        .AddScoped<AuditExportHandler>()
        .AddScoped<IFileSource, AuditFile>();

    private static Router MapAudit(Router router) => router
        .MapCommand<AuditExportHandler>("audit export", "audit export <program> [from DATE] [to DATE]",
            "Program managers and PMO: the program's audit trail (who changed what, when, where, before → after) as a CSV file, sent to you alone.", "Audit");
}
