using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GovernanceBot.Bench.Inbound;

/// <summary>
/// The machine's ceiling for the inbound benchmark: Kestrel with one POST endpoint that reads the
/// whole body and answers 200, nothing else. Run as its own process by <see cref="InboundBenchmark"/>.
/// </summary>
public static class BareEndpoint
{
    public const string Command = "bare-endpoint";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            return Results.Ok();
        });
        // Answers GET too, so the benchmark can tell when it is listening.
        app.MapGet("/", () => Results.Ok());
        await app.RunAsync();
        return 0;
    }
}
