using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GovernanceBot.Testing;

namespace GovernanceBot.IntegrationTests.Hosting;

/// <summary>The release build, published as a deployment would, starts against PostgreSQL and reports ready.</summary>
public sealed class PublishedBuildTests
{
    [Fact]
    public async Task ThePublishedBuild_StartsAgainstPostgreSql_AndReportsReady()
    {
        var output = Path.Combine(Path.GetTempPath(), $"gb-publish-{Guid.NewGuid():N}");
        var (code, log) = await ProcessRunner.RunAsync("dotnet", $"publish bot/GovernanceBot -c Release -o {output} --nologo", RepoPaths.Root, TimeSpan.FromMinutes(8));
        Assert.True(code == 0, log);
        await using var store = await TestStore.CreateAsync(StoreKind.Postgres);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", $"{Path.Combine(output, "GovernanceBot.dll")} --urls http://127.0.0.1:{port}")
        {
            WorkingDirectory = output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Store__Provider"] = "postgres";
        start.Environment["ConnectionStrings__Governance"] = store.ConnectionString;
        using var bot = Process.Start(start)!;
        var printed = new System.Text.StringBuilder();
        bot.OutputDataReceived += (_, e) => { lock (printed) { printed.AppendLine(e.Data); } };
        bot.ErrorDataReceived += (_, e) => { lock (printed) { printed.AppendLine(e.Data); } };
        bot.BeginOutputReadLine();
        bot.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            HttpStatusCode? status = null;
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(90) && status != HttpStatusCode.OK && !bot.HasExited)
            {
                try
                {
                    status = (await http.GetAsync(new Uri($"http://127.0.0.1:{port}/readyz"))).StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = null;
                }

                if (status != HttpStatusCode.OK)
                {
                    await Task.Delay(500);
                }
            }

            Assert.True(status == HttpStatusCode.OK, $"/readyz answered {status}; the bot printed:\n{printed}");
            var health = await ProcessRunner.RunAsync("dotnet", $"{Path.Combine(output, "GovernanceBot.dll")} healthcheck --url http://127.0.0.1:{port}/healthz", output, TimeSpan.FromSeconds(60));
            Assert.Equal(0, health.ExitCode);

            // SIGTERM (what a container runtime or systemd sends) shuts the bot down cleanly.
            await ProcessRunner.RunAsync("kill", $"-TERM {bot.Id}", output, TimeSpan.FromSeconds(10));
            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await bot.WaitForExitAsync(stopped.Token);
            Assert.True(bot.ExitCode == 0, $"exit code {bot.ExitCode}; the bot printed:\n{printed}");
            lock (printed)
            {
                Assert.DoesNotContain("Unhandled exception", printed.ToString(), StringComparison.Ordinal);
            }
        }
        finally
        {
            if (!bot.HasExited)
            {
                bot.Kill(entireProcessTree: true);
                await bot.WaitForExitAsync();
            }

            Directory.Delete(output, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
