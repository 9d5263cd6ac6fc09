using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace GovernanceBot.Testing;

/// <summary>
/// The PostgreSQL server the tests use: <c>GOVERNANCEBOT_TEST_POSTGRES</c> if set (CI starts one),
/// otherwise a throwaway cluster started from the machine's PostgreSQL binaries for this test run.
/// </summary>
public static class PostgresServer
{
    public const string EnvironmentVariable = "GOVERNANCEBOT_TEST_POSTGRES";
    private static readonly Lazy<Task<string>> Server = new(StartAsync);

    /// <summary>A connection string to a new, empty database that the caller owns.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var admin = await Server.Value;
        var name = $"gb_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true, MaxPoolSize = 20 }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(await Server.Value);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured)
        {
            return configured;
        }

        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is needed for the store tests: install it (apt-get install postgresql-15) or set {EnvironmentVariable} to a connection string.");
        }

        var dir = Path.Combine(Path.GetTempPath(), $"gb-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..30]);
        Directory.CreateDirectory(dir);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", $"postgres {dir}");
        }

        var port = FreePort();
        await RunPostgresAsync(asRoot, Path.Combine(bin, "initdb"), $"-D {dir}/data -A trust -U postgres --no-sync -E UTF8");
        await RunPostgresAsync(asRoot, Path.Combine(bin, "pg_ctl"),
            $"-D {dir}/data -l {dir}/log -w -o \"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" start");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            using var stop = Process.Start(new ProcessStartInfo(asRoot ? "runuser" : Path.Combine(bin, "pg_ctl"),
                asRoot ? $"-u postgres -- {Path.Combine(bin, "pg_ctl")} -D {dir}/data -m immediate stop" : $"-D {dir}/data -m immediate stop")
            { RedirectStandardOutput = true, RedirectStandardError = true });
            stop?.WaitForExit(10_000);
        };
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
    }

    private static Task RunPostgresAsync(bool asRoot, string program, string arguments) =>
        asRoot ? RunAsync("runuser", $"-u postgres -- {program} {arguments}") : RunAsync(program, arguments);

    private static async Task RunAsync(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments} failed ({process.ExitCode}): {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
