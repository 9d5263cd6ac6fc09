using GovernanceBot.Conversation;

namespace GovernanceBot.Features.Steering;

public static class SteeringFeature
{
    public static IServiceCollection AddSteering(this IServiceCollection services) => services
        .AddRoutes(MapSteering)
        .AddScoped<SteeringPacks>()
        .AddScoped<SteeringPackHandler>()
        .AddScoped<IFileSource, SteeringPackFile>()
        .AddScoped<MeetingHandler>()
        .AddScoped<MeetingRecordHandler>()
        .AddScoped<ActionsHandler>();

    private static Router MapSteering(Router router) => router
        .MapCommand<SteeringPackHandler>("steering pack", "steering pack <program>",
            "Program managers, PMO and sponsors: the steering committee's pack on one card — phase and next gate, KPI health, benefits, top RAID items, pending approvals, decisions since the last pack, check-in response rates — and the same as an HTML file for the meeting invite.", "Steering")
        .MapCommand<MeetingHandler>("meeting start", "meeting start <program>",
            "Program managers: open the steering meeting — the agenda from the pack, with forms to record decisions and actions as they are agreed.", "Steering")
        .MapCommand<MeetingHandler>("meeting end", "meeting end <program>",
            "Program managers: close the meeting and post its minutes — decisions, actions and RAID changes made during it.", "Steering")
        .MapCommand<ActionsHandler>("actions", "actions <program>",
            "The program's open actions, overdue first, with their owners and due dates.", "Steering")
        .MapAction<SteeringPackHandler>("steering.pack")
        .MapAction<MeetingHandler>("meeting.end")
        .MapAction<MeetingRecordHandler>("meeting.decision")
        .MapAction<MeetingRecordHandler>("meeting.action")
        .MapAction<ActionsHandler>("actions.show");
}
