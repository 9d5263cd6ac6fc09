using GovernanceBot.Cards;
using GovernanceBot.Channels.Slack;
using GovernanceBot.Channels.Teams;
using GovernanceBot.Conversation;
using GovernanceBot.Features.Approvals;
using GovernanceBot.Features.Ask;
using GovernanceBot.Features.Audit;
using GovernanceBot.Features.Benefits;
using GovernanceBot.Features.CheckIns;
using GovernanceBot.Features.Dashboard;
using GovernanceBot.Features.Decisions;
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Features.Help;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.LifeCycle;
using GovernanceBot.Features.Portfolio;
using GovernanceBot.Features.Programs;
using GovernanceBot.Features.Raid;
using GovernanceBot.Features.Steering;
using GovernanceBot.Hosting;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;

// The web host handles SIGTERM/Ctrl+C itself (graceful shutdown); System.CommandLine must not race it.
// A command line that does not parse runs only the error report ("did you mean"): it goes to standard error.
var commandLine = GovernanceCli.Parse(args, GovernanceBot.GovernanceBotApp.ServeAsync);
return await commandLine.InvokeAsync(new System.CommandLine.InvocationConfiguration
{
    ProcessTerminationTimeout = null,
    Output = commandLine.Errors.Count > 0 ? Console.Error : Console.Out,
});

namespace GovernanceBot
{
/// <summary>The bot's composition: what it is made of, in one place.</summary>
public static class GovernanceBotApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Settings and content ship beside the binary; the working directory is the user's (paths on
        // the command line and the default SQLite file are relative to it).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);
        builder.AddGovernanceHosting();

        builder.Services
            .AddGovernanceTelemetry(builder.Configuration)
            .AddGovernanceStore(builder.Configuration)
            .AddGovernanceAsCode()
            .AddCards(builder.Configuration)
            .AddOutbox(builder.Configuration)
            .AddScheduler(builder.Configuration)
            .AddGovernanceFeatures(builder.Configuration)
            .AddTeams(builder.Configuration)
            .AddSlack(builder.Configuration);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseDevelopmentLoopbackGuard();
        app.UseGovernanceForwardedHeaders();
        app.UseInboundMetrics();
        app.MapHealth();
        app.MapCards();
        app.MapTeams();
        app.MapSlack();
        app.MapDashboard();
        return app;
    }

    /// <summary>
    /// The conversation pipeline and the features it routes to: what every channel talks to (Teams,
    /// Slack, and the terminal's <c>chat</c>, which needs nothing else).
    /// </summary>
    public static IServiceCollection AddGovernanceFeatures(this IServiceCollection services, IConfiguration configuration) => services
        .AddConversation(configuration)
        // Each feature once: its services, routes, jobs and cards. The order is the order of the help card.
        .AddHelp()
        .AddPrograms()
        .AddCheckIns()
        .AddApprovals()
        .AddKpis()
        .AddBenefits()
        .AddLifeCycle()
        .AddRaid()
        .AddDecisions()
        .AddSteering()
        .AddPortfolio()
        .AddAudit()
        .AddDashboard(configuration)
        .AddAsk(configuration);

    public static async Task<int> ServeAsync(string[] args, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (StartupRefusedException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }

        await using (app)
        {
            await app.RunAsync(cancellationToken);
        }

        return 0;
    }
}
}
