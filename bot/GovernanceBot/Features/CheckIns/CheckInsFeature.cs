using GovernanceBot.Conversation;
using GovernanceBot.Scheduling;

namespace GovernanceBot.Features.CheckIns;

public static class CheckInsFeature
{
    public static IServiceCollection AddCheckIns(this IServiceCollection services) => services
        .AddSingleton<CheckInRounds>()
        .AddScoped<CheckInSummaries>()
        .AddScoped<MyCheckInHandler>()
        .AddScoped<CheckInStatusHandler>()
        .AddScoped<RunCheckInHandler>()
        .AddScoped<AwayHandler>()
        .AddScoped<SubmitCheckInHandler>()
        .AddScoped<EditCheckInHandler>()
        .AddGovernanceJob<CheckInSweepJob>();

    public static Router MapCheckIns(this Router router) => router
        .MapCommand<MyCheckInHandler>("checkin", "checkin", "Your open check-in: answer it, or see and edit your answers.", "Check-ins")
        .MapCommand<CheckInStatusHandler>("checkin status", "checkin status [program]", "Who has answered the current round, who hasn't, who couldn't be reached.", "Check-ins")
        .MapCommand<RunCheckInHandler>("checkin run", "checkin run <program>", "Program managers: open a check-in round now.", "Check-ins")
        .MapCommand<AwayHandler>("away until", "away until <date>", "Pause your check-in prompts and reminders until a date (YYYY-MM-DD).", "Check-ins")
        .MapCommand<AwayHandler>("back", "back", "Resume your check-in prompts after being away.", "Check-ins")
        .MapAction<SubmitCheckInHandler>("checkin.submit")
        .MapAction<EditCheckInHandler>("checkin.edit");
}
