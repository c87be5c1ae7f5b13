using System.Globalization;
using System.Text.RegularExpressions;
using Vod.Testing;

namespace Vod.EndToEnd.Support;

/// <summary>
/// Azurite with blob, queue and table services (Durable Functions needs all three) on loopback ports it picks itself,
/// in memory, in its own process group.
/// </summary>
public sealed partial class AzuriteProcess : IAsyncDisposable
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

    /// <summary>Starts Azurite, logging to <paramref name="logPath"/>, and waits until it listens on all three ports.</summary>
    public static async Task<AzuriteProcess> StartAsync(string logPath)
    {
        var main = Path.Combine(RepositoryPaths.Tooling, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(main))
        {
            throw new InvalidOperationException("Azurite is not installed: run the README test command (it runs npm ci in tests/tooling).");
        }

        // Port 0: Azurite binds free ports itself and logs them, so no other process can take a probed port first.
        var group = ProcessGroup.Start("node",
            [main, "--blobHost", "127.0.0.1", "--blobPort", "0", "--queueHost", "127.0.0.1", "--queuePort", "0",
             "--tableHost", "127.0.0.1", "--tablePort", "0", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry"],
            Path.GetTempPath(), new Dictionary<string, string?>(), logPath);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline && !group.HasExited)
        {
            var ports = Listening().Matches(group.ReadLog()).ToDictionary(m => m.Groups["service"].Value, m => int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture));
            if (ports.Count == 3)
            {
                return new AzuriteProcess(group, ports["Blob"], ports["Queue"], ports["Table"]);
            }

            await Task.Delay(100);
        }

        await group.DisposeAsync();
        throw new InvalidOperationException($"Azurite did not start (log: {logPath}).");
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Group.DisposeAsync();

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex Listening();
}
