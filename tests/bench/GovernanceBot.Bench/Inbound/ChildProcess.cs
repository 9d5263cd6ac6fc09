using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GovernanceBot.Bench.Inbound;

/// <summary>
/// A target server as its own operating-system process, so the CPU it uses is its own and can be
/// read (<see cref="CpuTime"/>). Configured through environment variables; what it prints is kept
/// for the error message when it does not come up.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder printed = new();

    private ChildProcess(Process process)
    {
        this.process = process;
        // Ctrl-C on the benchmark must not leave a target listening on its port.
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
        process.OutputDataReceived += (_, e) => Print(e.Data);
        process.ErrorDataReceived += (_, e) => Print(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public TimeSpan CpuTime
    {
        get
        {
            process.Refresh();
            return process.HasExited ? TimeSpan.Zero : process.TotalProcessorTime;
        }
    }

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

    public static ChildProcess Start(string program, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}"));
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Waits until <paramref name="url"/> answers: 200 when <paramref name="requireOk"/> (the bot's
    /// /readyz: store reachable, migrations applied), otherwise any HTTP answer (the server is listening).
    /// </summary>
    public async Task WaitUntilUpAsync(Uri url, bool requireOk, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(url);
                if (!requireOk || response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"{url} did not come up within {timeout.TotalSeconds:0} s (exited: {process.HasExited}); it printed:\n{Printed}");
    }

    private void Print(string? line)
    {
        lock (printed)
        {
            // Keep the tail only: a target that logs per request must not grow this without bound.
            if (printed.Length > 64 * 1024)
            {
                printed.Remove(0, printed.Length - 32 * 1024);
            }

            printed.AppendLine(line);
        }
    }

    private void KillOnExit(object? sender, EventArgs e)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone (or disposed).
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
