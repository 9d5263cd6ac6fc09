using GovernanceBot.Conversation;

namespace GovernanceBot.Features.Programs;

public static class ProgramsFeature
{
    public static IServiceCollection AddPrograms(this IServiceCollection services) => services
        .AddRoutes(MapPrograms)
        .AddScoped<ProgramDirectory>()
        .AddScoped<ReaderPolicy>()
        .AddScoped<Governance>()
        .AddScoped<ProgramStatusQuery>()
        .AddScoped<ListProgramsHandler>()
        .AddScoped<ProgramStatusHandler>()
        .AddScoped<LinkProgramHandler>();

    private static Router MapPrograms(Router router) => router
        .MapCommand<ListProgramsHandler>("programs", "programs", "List the programs in this workspace with their RAG counts.", "Programs")
        .MapCommand<ProgramStatusHandler>("status", "status <program>", "A program's phase, KPI RAG counts, benefits and pending approvals.", "Programs")
        .MapActionAsCommand("status.show", data => $"status {data["program"]}")
        .MapCommand<LinkProgramHandler>("link", "link <program>", "Program managers: post this program's summaries, status and approvals here.", "Programs");
}
