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
using GovernanceBot.Features.GovernanceAsCode;
using GovernanceBot.Features.Help;
using GovernanceBot.Features.Kpis;
using GovernanceBot.Features.Programs;
using GovernanceBot.Hosting;
using GovernanceBot.Scheduling;
using GovernanceBot.Store;

// The web host handles SIGTERM/Ctrl+C itself (graceful shutdown); System.CommandLine must not race it.
return await GovernanceCli.Create(args, GovernanceBot.GovernanceBotApp.ServeAsync).Parse(args)
    .InvokeAsync(new System.CommandLine.InvocationConfiguration { ProcessTerminationTimeout = null });

namespace GovernanceBot
{
/// <summary>The bot's composition: what it is made of, in one place.</summary>
public static class GovernanceBotApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddGovernanceHosting();

        builder.Services
            .AddGovernanceTelemetry(builder.Configuration)
            .AddGovernanceStore(builder.Configuration)
            .AddGovernanceAsCode()
            .AddCards(builder.Configuration)
            .AddOutbox(builder.Configuration)
            .AddScheduler(builder.Configuration)
            .AddConversation(builder.Configuration, router => router
                .MapHelp()
                .MapPrograms()
                .MapCheckIns()
                .MapApprovals()
                .MapKpis()
                .MapBenefits()
                .MapAudit()
                .MapDashboard()
                .MapAsk())
            .AddHelp()
            .AddPrograms()
            .AddCheckIns()
            .AddApprovals()
            .AddKpis()
            .AddBenefits()
            .AddAudit()
            .AddDashboard(builder.Configuration)
            .AddAsk(builder.Configuration)
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
