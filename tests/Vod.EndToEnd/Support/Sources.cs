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

    /// <summary>Uploads <paramref name="size"/> random bytes as <paramref name="container"/>/<paramref name="name"/> and returns them.</summary>
    public static async Task<byte[]> PutAsync(BlobServiceClient blobs, string container, string name, int size)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        var bytes = RandomNumberGenerator.GetBytes(size);
        var client = blobs.GetBlobContainerClient(container);
        await client.CreateIfNotExistsAsync();
        await client.GetBlobClient(name).UploadAsync(new BinaryData(bytes), new BlobUploadOptions());
        return bytes;
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
