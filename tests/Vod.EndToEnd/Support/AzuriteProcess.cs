using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Vod.Testing;

namespace Vod.EndToEnd.Support;

/// <summary>
/// Azurite with blob, queue and table services (Durable Functions needs all three) on free loopback ports, in memory,
/// in its own process group.
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    private AzuriteProcess(ProcessGroup group, int blobPort, int queuePort, int tablePort)
    {
        Group = group;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    /// <summary>The process group.</summary>
    public ProcessGroup Group { get; }

    /// <summary>Blob service port.</summary>
    public int BlobPort { get; }

    /// <summary>Queue service port.</summary>
    public int QueuePort { get; }

    /// <summary>Table service port.</summary>
    public int TablePort { get; }

    /// <summary>A connection string naming all three services.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Azurite.AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>Starts Azurite, logging to <paramref name="logPath"/>; retries on other ports when a probed one was taken.</summary>
    public static async Task<AzuriteProcess> StartAsync(string logPath)
    {
        var main = Path.Combine(RepositoryPaths.Tooling, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(main))
        {
            throw new InvalidOperationException("Azurite is not installed: run the README test command (it runs npm ci in tests/tooling).");
        }

        for (var attempt = 1; ; attempt++)
        {
            var (blob, queue, table) = (FreePorts.Take(), FreePorts.Take(), FreePorts.Take());
            string P(int port) => port.ToString(CultureInfo.InvariantCulture);
            var group = ProcessGroup.Start("node",
                [main, "--blobHost", "127.0.0.1", "--blobPort", P(blob), "--queueHost", "127.0.0.1", "--queuePort", P(queue),
                 "--tableHost", "127.0.0.1", "--tablePort", P(table), "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry"],
                Path.GetTempPath(), new Dictionary<string, string?>(), logPath);
            var azurite = new AzuriteProcess(group, blob, queue, table);
            if (await azurite.WaitListeningAsync(TimeSpan.FromSeconds(60)))
            {
                return azurite;
            }

            await group.DisposeAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"Azurite did not start (log: {logPath}).");
            }
        }
    }

    private async Task<bool> WaitListeningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !Group.HasExited)
        {
            if (await AcceptsAsync(BlobPort) && await AcceptsAsync(QueuePort) && await AcceptsAsync(TablePort))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Group.DisposeAsync();
}
