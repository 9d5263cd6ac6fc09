using GovernanceBot.Cards.BlockKit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using GovernanceBot.Cards.Charts;

namespace GovernanceBot.Cards;

public static class CardsSetup
{
    /// <summary>Template expansion, Block Kit translation and KPI chart images.</summary>
    public static IServiceCollection AddCards(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CardsOptions>()
            .Bind(configuration.GetSection(CardsOptions.Section))
            .PostConfigure(o => o.PublicBaseUrl ??= Uri.TryCreate(configuration["PublicBaseUrl"], UriKind.Absolute, out var url) ? url : null);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TemplateCardRenderer>();
        // TryAdd: a host (a test) that registered its own renderer first keeps it.
        services.TryAddSingleton<ICardRenderer>(sp => sp.GetRequiredService<TemplateCardRenderer>());
        services.AddSingleton<ChartStore>();
        services.AddSingleton<KpiChartRenderer>();
        services.TryAddSingleton<IBlockKitTranslator, BlockKitTranslator>();
        return services;
    }

    /// <summary><c>GET /cards/charts/{token}.png</c>: chart images for Slack, unguessable and expiring.</summary>
    public static WebApplication MapCards(this WebApplication app)
    {
        app.MapGet("/cards/charts/{file}", (string file, ChartStore store) =>
        {
            var token = file.EndsWith(".png", StringComparison.Ordinal) ? file[..^4] : file;
            return store.TryGet(token) is { } png ? Results.File(png, "image/png") : Results.NotFound();
        });
        return app;
    }
}

/// <summary>Configuration section <c>Cards</c>.</summary>
public sealed class CardsOptions
{
    public const string Section = "Cards";

    /// <summary>The bot's public https address (e.g. <c>https://bot.example.com</c>; also read from the top-level
    /// <c>PublicBaseUrl</c> key). Without it Slack gets text sparklines
    /// instead of chart images, because Slack must be able to fetch the image.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>How long a chart image URL works.</summary>
    public TimeSpan ChartLifetime { get; set; } = TimeSpan.FromDays(7);
}
