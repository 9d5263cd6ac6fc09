using GovernanceBot.Conversation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GovernanceBot.Tests.Conversation;

/// <summary>Each feature's one <c>AddXxx()</c> brings its routes and their handlers; a route without its handler stops the start.</summary>
public sealed class RouteRegistrationTests
{
    [Fact]
    public async Task ARouteWhoseHandlerIsNotRegistered_FailsTheStart_NamingIt()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddConversation(builder.Configuration)
            .AddRoutes(router => router.MapCommand<ForgottenHandler>("forgotten", "forgotten", "A command whose handler nobody registered.", "Test"));
        // No store here: the inbox's workers are not what this start is about.
        builder.Services.RemoveAll<IHostedService>();
        using var host = builder.Build();

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("'forgotten' → ForgottenHandler", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryRouteOfTheBot_LeadsToARegisteredHandler()
    {
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection().AddLogging().AddGovernanceFeatures(configuration);
        using var provider = services.BuildServiceProvider();

        var router = provider.GetRequiredService<Router>();
        _ = provider.GetRequiredService<IOptions<RoutedHandlers>>().Value;

        Assert.Contains(router.Commands, c => c.Words == "approval request");
        Assert.Contains(router.Actions, a => a.Verb == "approval.vote");
        Assert.NotNull(router.Fallback);
    }

    [Fact]
    public void AFeatureAddedTwice_FailsAsTheDuplicateRouteItIs()
    {
        var configuration = new ConfigurationBuilder().Build();

        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddGovernanceFeatures(configuration).AddGovernanceFeatures(configuration));
    }

    private sealed class ForgottenHandler : ITurnHandler
    {
        public Task<IReadOnlyList<Reply>> HandleAsync(TurnContext context, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Reply>>([]);
    }
}
