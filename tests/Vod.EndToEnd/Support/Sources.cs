using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Vod.Emulator;

namespace Vod.EndToEnd.Support;

/// <summary>Source files: seeded bytes into Azurite, and the objects VOD's storage (the emulator) ended up with.</summary>
public static class Sources
{
    /// <summary>A run-unique tag for names, so tests never meet each other's blobs or media.</summary>
    public static string Tag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private static readonly SemaphoreSlim Drops = new(1, 1);
    private static DateTimeOffset _lastDrop = DateTimeOffset.MinValue;

    /// <summary>Uploads <paramref name="size"/> random bytes as <paramref name="container"/>/<paramref name="name"/> and returns them.</summary>
    public static async Task<byte[]> PutAsync(BlobServiceClient blobs, string container, string name, int size)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        var bytes = RandomNumberGenerator.GetBytes(size);
        var client = blobs.GetBlobContainerClient(container);
        await client.CreateIfNotExistsAsync();
        await DropAsync(client.GetBlobClient(name), new BinaryData(bytes), new BlobUploadOptions());
        return bytes;
    }

    /// <summary>
    /// Writes a blob in a later second than the blob written before it. The host's polling blob trigger (the one used
    /// without Event Grid) takes, in each scan, the blobs modified after the newest one it saw in the previous scan, to
    /// the second: a blob written in the same second as one a scan already saw is never seen. Drops a second apart are
    /// what a user dropping files sees; drops in the same second are a race the test would lose now and then.
    /// </summary>
    public static async Task DropAsync(BlobClient blob, BinaryData content, BlobUploadOptions options)
    {
        ArgumentNullException.ThrowIfNull(blob);
        await Drops.WaitAsync();
        try
        {
            // A timer may fire a millisecond early (seen: a drop stamped 37.998 after a wait for 38.000), so the clock is
            // read again until the next second has begun, with a margin.
            var next = _lastDrop.AddSeconds(1).AddMilliseconds(20);
            while (DateTimeOffset.UtcNow < next)
            {
                await Task.Delay(next - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(1));
            }

            var written = await blob.UploadAsync(content, options);
            var modified = written.Value.LastModified;
            _lastDrop = new DateTimeOffset(modified.Year, modified.Month, modified.Day, modified.Hour, modified.Minute, modified.Second, TimeSpan.Zero);
        }
        finally
        {
            Drops.Release();
        }
    }

    /// <summary>The bytes of the object VOD stored for <paramref name="mediaId"/>, or null when there is none yet.</summary>
    public static byte[]? StoredObject(EmulatorHost emulator, string mediaId)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        string path;
        lock (emulator.State.Sync)
        {
            if (!emulator.State.Media.TryGetValue(mediaId, out var media)
                || !emulator.State.Objects.TryGetValue(Vod.Emulator.State.EmulatorState.ObjectId(media.Bucket, media.Key), out var stored))
            {
                return null;
            }

            path = stored.FilePath;
        }

        return File.ReadAllBytes(path);
    }

    /// <summary>SHA-256 in hex.</summary>
    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>How many media VOD holds with this title.</summary>
    public static int MediaTitled(EmulatorHost emulator, string title)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        lock (emulator.State.Sync)
        {
            return emulator.State.Media.Values.Count(m => m.Title == title);
        }
    }
}
