using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GovernanceBot.Testing;

/// <summary>
/// The bot as a separate operating-system process (<c>dotnet GovernanceBot.dll</c>) on a free
/// loopback port, configured through environment variables like a deployment: for tests that stop
/// it with SIGTERM, or kill it outright.
/// </summary>
public sealed class BotProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder printed = new();

    private BotProcess(Process process, int port)
    {
        this.process = process;
        Port = port;
        process.OutputDataReceived += (_, e) => Print(e.Data);
        process.ErrorDataReceived += (_, e) => Print(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>Everything the process printed so far (for assertion messages).</summary>
    public string Printed
    {
        get
        {
            lock (printed)
            {
                return printed.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="dll"/> (default: the GovernanceBot.dll built beside the tests) in
    /// <paramref name="workingDirectory"/> with these settings (configuration keys, <c>:</c> or <c>__</c>),
    /// listening on 127.0.0.1 unless <paramref name="host"/> names another address.
    /// </summary>
    public static BotProcess Start(string workingDirectory, IReadOnlyDictionary<string, string?> settings, string? dll = null, string host = "127.0.0.1")
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", $"\"{dll ?? Path.Combine(AppContext.BaseDirectory, "GovernanceBot.dll")}\" --urls http://{host}:{port}")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return new BotProcess(Process.Start(start)!, port);
    }

    /// <summary>Waits until <c>/readyz</c> answers 200 (store reachable, migrations applied); fails with what the bot printed.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        HttpStatusCode? status = null;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout && status != HttpStatusCode.OK && !process.HasExited)
        {
            try
            {
                status = (await http.GetAsync(new Uri($"http://127.0.0.1:{Port}/readyz"))).StatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy starting to answer within the attempt's timeout (a loaded machine).
                status = null;
            }

            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(250);
            }
        }

        Assert.True(status == HttpStatusCode.OK, $"/readyz answered {status?.ToString() ?? "nothing"}; the bot printed:\n{Printed}");
    }

    /// <summary>Waits for the process to end on its own; its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var stopped = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(stopped.Token);
        return process.ExitCode;
    }

    /// <summary>SIGTERM, as a container runtime or systemd sends it; waits for the exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        await ProcessRunner.RunAsync("kill", $"-TERM {process.Id}", AppContext.BaseDirectory, TimeSpan.FromSeconds(10));
        using var stopped = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(stopped.Token);
    }

    /// <summary>SIGKILL: the process dies at once, mid-whatever, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    private void Print(string? line)
    {
        lock (printed)
        {
            printed.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await KillAsync();
        }

        process.Dispose();
    }
}
