using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vod.Testing;

/// <summary>
/// Azurite's blob service (from the npm test tooling) on a free loopback port, in memory, for one test class or run.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private Azurite(Process process, int port, int tablePort)
    {
        _process = process;
        Port = port;
        TablePort = tablePort;
    }

    public int Port { get; }

    public int TablePort { get; }

    public Uri TableEndpoint => new($"http://127.0.0.1:{TablePort}/devstoreaccount1");

    public Uri BlobEndpoint => new($"http://127.0.0.1:{Port}/devstoreaccount1");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};TableEndpoint={TableEndpoint};";

    public static async Task<Azurite> StartAsync()
    {
        // The probed port can be taken by a parallel test process before Azurite binds it: try another.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync();
            }
            catch (InvalidOperationException ex) when (attempt < 5 && ex.Message.StartsWith("Azurite exited", StringComparison.Ordinal))
            {
            }
        }
    }

    private static async Task<Azurite> StartOnceAsync()
    {
        var main = Path.Combine(RepositoryPaths.Tooling, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(main))
        {
            throw new InvalidOperationException("Azurite is not installed: run the README test command (it runs npm ci in tests/tooling).");
        }

        var port = FreePort();
        var queuePort = FreePort();
        var tablePort = FreePort();
        var start = new ProcessStartInfo("node", [main, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--loose", "--disableTelemetry"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                using var table = new TcpClient();
                await table.ConnectAsync(IPAddress.Loopback, tablePort);
                return new Azurite(process, port, tablePort);
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("Azurite did not start within 30 s.");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
