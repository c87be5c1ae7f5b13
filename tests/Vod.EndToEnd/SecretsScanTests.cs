using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Vod.EndToEnd.Support;
using Xunit.Abstractions;

namespace Vod.EndToEnd;

/// <summary>No secret of the run is left in storage or in the host's logs.</summary>
[Collection(AppCollection.Name)]
public sealed class SecretsScanTests(AppUnderHost app, ITestOutputHelper output)
{
    [HostFact]
    public Task No_secret_reaches_storage_or_the_hosts_logs() => app.RunAsync(async () =>
    {
        // Arrange: at least one upload, a browser credential and an STS token in this run, whatever ran before.
        var name = $"scanned-{Sources.Tag()}.mp4";
        await Sources.PutAsync(app.Blobs, "vod-incoming", name, AppUnderHost.PartSize * 2);
        var id = await UploadsClient.WaitStartedAsync(app.Api, "vod-incoming/" + name, TimeSpan.FromSeconds(120));
        await UploadsClient.WaitStatusAsync(app.Api, id, "Completed", TimeSpan.FromSeconds(120));
        var pulled = $"scanned-pull-{Sources.Tag()}.mp4";
        await Sources.PutAsync(app.Blobs, "vod-manual", pulled, 30_000);
        using (var started = await app.Api.PostAsJsonAsync("api/uploads", new { name = pulled, container = "vod-manual", options = new { transferMode = "pull" } }))
        {
            var pullId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            await UploadsClient.WaitStatusAsync(app.Api, pullId, "Completed", TimeSpan.FromSeconds(120));
        }

        (await app.Api.PostAsJsonAsync("api/vod/upload-video-auth", new { title = "scan", fileName = "scan.mp4" })).EnsureSuccessStatusCode();
        (await app.Api.PostAsJsonAsync("api/vod/sts-token", new { })).EnsureSuccessStatusCode();

        var secrets = new List<string> { app.AccessKeySecret, app.CallbackAuthKey };
        foreach (var issued in app.Emulator.Credentials.Issued)
        {
            secrets.Add(issued.AccessKeySecret);
            secrets.Add(issued.SecurityToken);
        }

        // Act: everything the run left in Azurite (blobs, tables, queues) and every log the host wrote.
        var places = new List<(string Where, string Text)>();
        await foreach (var container in app.Blobs.GetBlobContainersAsync())
        {
            var client = app.Blobs.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.Metadata, Azure.Storage.Blobs.Models.BlobStates.None, null, default))
            {
                // Source media are random bytes; everything else the app or the Durable extension wrote is text.
                var content = container.Name is "vod-incoming" or "vod-manual" ? string.Empty : (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
                places.Add(($"blob {container.Name}/{blob.Name}", blob.Name + " " + string.Join(' ', blob.Metadata.Select(m => m.Key + "=" + m.Value)) + " " + content));
            }
        }

        var tables = new TableServiceClient(app.Azurite.ConnectionString);
        await foreach (var table in tables.QueryAsync())
        {
            await foreach (var entity in tables.GetTableClient(table.Name).QueryAsync<TableEntity>())
            {
                places.Add(($"table {table.Name}", JsonSerializer.Serialize(entity)));
            }
        }

        var queues = new QueueServiceClient(app.Azurite.ConnectionString);
        await foreach (var queue in queues.GetQueuesAsync())
        {
            foreach (var message in (await queues.GetQueueClient(queue.Name).PeekMessagesAsync(32)).Value)
            {
                places.Add(($"queue {queue.Name}", message.Body.ToString()));
            }
        }

        foreach (var log in app.Host.LogPaths.Where(File.Exists))
        {
            places.Add(($"log {log}", await ReadSharedAsync(log)));
        }

        foreach (var log in Directory.EnumerateFiles(app.Host.StateFolder, "*", SearchOption.AllDirectories).Where(f => !f.Contains("secrets", StringComparison.Ordinal)))
        {
            places.Add(($"host file {log}", await ReadSharedAsync(log)));
        }

        // Assert
        output.WriteLine($"REPORT secrets scan: {secrets.Count} secrets looked for in {places.Count} places ({places.Sum(p => p.Text.Length)} characters)");
        Assert.Contains(places, p => p.Where.StartsWith("table VodUploadsHistory", StringComparison.Ordinal));
        Assert.Contains(places, p => p.Where.StartsWith("log ", StringComparison.Ordinal) && p.Text.Contains(id, StringComparison.Ordinal));
        foreach (var secret in secrets.Distinct())
        {
            var found = places.Where(p => p.Text.Contains(secret, StringComparison.Ordinal) || p.Text.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal)).Select(p => p.Where).ToList();
            Assert.True(found.Count == 0, $"A secret ({secret[..4]}…) was found in: {string.Join(", ", found.Take(5))}");
        }

        // Pull URLs are SAS: no signature anywhere either (a running pull's own checkpoint holds its URL; this one finished).
        var signed = places.Where(p => p.Text.Contains("sig=", StringComparison.Ordinal) || p.Text.Contains("sig%3D", StringComparison.OrdinalIgnoreCase)).Select(p => p.Where).ToList();
        Assert.True(signed.Count == 0, $"A SAS signature was found in: {string.Join(", ", signed.Take(5))}");
    });

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}
