using GovernanceBot.Conversation;
using GovernanceBot.Features.Narratives;
using GovernanceBot.Scheduling;

namespace GovernanceBot.Features.CheckIns;

public static class CheckInsFeature
{
    public static IServiceCollection AddCheckIns(this IServiceCollection services) => services
        .AddRoutes(MapCheckIns)
        .AddNarratives()
        .AddSingleton<CheckInRounds>()
        .AddScoped<CheckInSummaries>()
        .AddScoped<MyCheckInHandler>()
        .AddScoped<CheckInStatusHandler>()
        .AddScoped<CheckInAnswersHandler>()
        .AddScoped<IFileSource, CheckInAnswersFile>()
        .AddScoped<RunCheckInHandler>()
        .AddScoped<AwayHandler>()
        .AddScoped<SubmitCheckInHandler>()
        .AddScoped<EditCheckInHandler>()
        .AddScoped<CheckInDefinitions>()
        .AddScoped<CheckInFormHandler>()
        .AddScoped<SaveCheckInDefinitionHandler>()
        .AddScoped<CheckInListHandler>()
        .AddScoped<PauseCheckInHandler>()
        .AddScoped<RemoveCheckInHandler>()
        .AddGovernanceJob<CheckInSweepJob>();

    private static Router MapCheckIns(Router router) => router
        .MapCommand<MyCheckInHandler>("checkin", "checkin", "Your open check-in: answer it, or see and edit your answers.", "Check-ins", ReplyAudience.Requester)
        .MapCommand<CheckInStatusHandler>("checkin status", "checkin status [program]", "Program managers and PMO: who has answered the current round, who hasn't, who couldn't be reached.", "Check-ins", ReplyAudience.Requester)
        .MapCommand<CheckInAnswersHandler>("checkin answers", "checkin answers [program]", "Program managers and PMO: every answer of the latest round, as a CSV file sent to you alone.", "Check-ins", ReplyAudience.Requester)
        .MapCommand<RunCheckInHandler>("checkin run", "checkin run <program>", "Program managers: open a check-in round now.", "Check-ins")
        .MapCommand<AwayHandler>("away until", "away until <date>", "Pause your check-in prompts and reminders until a date (YYYY-MM-DD).", "Check-ins", ReplyAudience.Requester)
        .MapCommand<AwayHandler>("back", "back", "Resume your check-in prompts after being away.", "Check-ins", ReplyAudience.Requester)
        .MapCommand<CheckInListHandler>("checkins", "checkins [program]", "The program's check-ins: cadence, window, participants, next round.", "Check-ins")
        .MapCommand<CheckInListHandler>("checkin list", "checkin list [program]", "Same as checkins.", "Check-ins")
        .MapCommand<CheckInFormHandler>("checkin new", "checkin new <program>", "Program managers: define a new check-in on a form.", "Check-ins")
        .MapCommand<CheckInFormHandler>("checkin edit", "checkin edit <program> <check-in>", "Program managers: change a check-in (question changes apply from the next round).", "Check-ins")
        .MapCommand<PauseCheckInHandler>("checkin pause", "checkin pause <program> <check-in>", "Program managers: stop opening new rounds until resumed.", "Check-ins")
        .MapCommand<PauseCheckInHandler>("checkin resume", "checkin resume <program> <check-in>", "Program managers: start a paused check-in again.", "Check-ins")
        .MapCommand<RemoveCheckInHandler>("checkin remove", "checkin remove <program> <check-in>", "Program managers: remove a check-in (archived if it has history).", "Check-ins")
        .MapAction<SaveCheckInDefinitionHandler>(CheckInForm.Verb)
        .MapAction<SubmitCheckInHandler>("checkin.submit")
        .MapAction<EditCheckInHandler>("checkin.edit")
        .MapActionAsCommand(CheckInAnswersHandler.Verb, data => $"checkin answers {data["program"]}");
}
