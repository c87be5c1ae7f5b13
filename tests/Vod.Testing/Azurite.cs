using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vod.Testing;

/// <summary>
/// Azurite (from the npm test tooling) on free loopback ports, in memory, for one test class or run.
/// </summary>
public sealed partial class Azurite : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private Azurite(Process process, int port, int queuePort, int tablePort)
    {
        _process = process;
        Port = port;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    /// <summary>The blob service's port.</summary>
    public int Port { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public Uri TableEndpoint => new($"http://127.0.0.1:{TablePort}/devstoreaccount1");

    public Uri BlobEndpoint => new($"http://127.0.0.1:{Port}/devstoreaccount1");

    public Uri QueueEndpoint => new($"http://127.0.0.1:{QueuePort}/devstoreaccount1");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    public static Task<Azurite> StartAsync() => StartAsync(debugLog: null);

    /// <summary>
    /// Starts Azurite; with <paramref name="debugLog"/>, it writes every request (method and URL) to that file, so a test
    /// can count who read what (see <see cref="BlobReads"/>).
    /// </summary>
    public static async Task<Azurite> StartAsync(string? debugLog)
    {
        var main = Path.Combine(RepositoryPaths.Tooling, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(main))
        {
            throw new InvalidOperationException("Azurite is not installed: run the README test command (it runs npm ci in tests/tooling).");
        }

        // Port 0: Azurite binds free ports itself and prints them, so no other process can take a probed port first.
        var start = new ProcessStartInfo("node", [main, "--blobHost", "127.0.0.1", "--blobPort", "0", "--queueHost", "127.0.0.1", "--queuePort", "0",
            "--tableHost", "127.0.0.1", "--tablePort", "0", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
            .. (debugLog is null ? Array.Empty<string>() : ["--debug", debugLog])])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        var process = NodeScript.StartNode(start);
        var ports = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var stderr = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && ListeningLine().Match(line) is { Success: true } match)
            {
                ports[match.Groups["service"].Value] = int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        };
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Poll.UntilAsync(() => process.HasExited || ports.Count == 3, "Azurite listens on its three ports");
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.HasExited)
        {
            lock (stderr)
            {
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode}: {stderr}");
            }
        }

        return new Azurite(process, ports["Blob"], ports["Queue"], ports["Table"]) { DebugLog = debugLog };
    }

    /// <summary>The request log, when started with one.</summary>
    public string? DebugLog { get; private init; }

    /// <summary>
    /// GET requests for the content of <c>container/blobName</c> in the debug log, split into those signed with a SAS in
    /// the URL (<c>sig=</c>: a holder of a SAS, such as VOD pulling) and the others (a client with the account's key).
    /// </summary>
    public (int WithSas, int WithoutSas) BlobReads(string container, string blobName)
    {
        var log = DebugLog ?? throw new InvalidOperationException("Azurite was started without a debug log.");
        var path = "/devstoreaccount1/" + container + "/" + string.Join('/', blobName.Split('/').Select(Uri.EscapeDataString));
        int withSas = 0, without = 0;
        using var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        while (reader.ReadLine() is { } line)
        {
            var at = line.IndexOf("RequestMethod=GET RequestURL=", StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var url = line[(at + "RequestMethod=GET RequestURL=".Length)..].Split(' ')[0];
            var uri = new Uri(url);
            if (uri.AbsolutePath != path || uri.Query.Contains("comp=", StringComparison.Ordinal))
            {
                continue;
            }

            if (uri.Query.Contains("sig=", StringComparison.Ordinal))
            {
                withSas++;
            }
            else
            {
                without++;
            }
        }

        return (withSas, without);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(?<port>\d+)")]
    private static partial System.Text.RegularExpressions.Regex ListeningLine();

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
