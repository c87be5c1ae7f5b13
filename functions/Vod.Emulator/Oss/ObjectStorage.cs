using System.Security.Cryptography;
using System.Text;
using Vod.Alibaba.Hashing;

namespace Vod.Emulator.Oss;

/// <summary>What was written to disk from a request body.</summary>
internal sealed record WrittenBody(string FilePath, long Size, byte[] Md5, ulong Crc64);

/// <summary>Object and part bytes on disk, streamed in and out so memory stays bounded whatever the size.</summary>
internal sealed class ObjectStorage
{
    private const int BufferSize = 256 * 1024;
    private readonly string _root;

    public ObjectStorage(string root)
    {
        _root = root;
        Directory.CreateDirectory(Path.Combine(root, "objects"));
        Directory.CreateDirectory(Path.Combine(root, "parts"));
        // Bodies cut off by a stop or a kill are never claimed: start with an empty incoming folder.
        DeleteQuietly(Path.Combine(root, "incoming"));
        Directory.CreateDirectory(Path.Combine(root, "incoming"));
    }

    public string Root => _root;

    public string ObjectPath(string bucket, string key) =>
        Path.Combine(_root, "objects", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(bucket + "/" + key))));

    public string PartPath(string uploadId, int partNumber) => Path.Combine(_root, "parts", uploadId, partNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Streams <paramref name="body"/> into a new temporary file, hashing as it goes. <paramref name="onBytes"/> sees
    /// every chunk as it arrives (byte counters), so even a body cut off mid-way is counted.
    /// </summary>
    public async Task<WrittenBody> ReceiveAsync(Stream body, Action<int> onBytes, bool corrupt, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_root, "incoming", Guid.NewGuid().ToString("N"));
        using var md5 = ContentMd5.CreateIncremental();
        var crc = new Crc64Ecma();
        var buffer = new byte[BufferSize];
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                onBytes(read);
                if (corrupt)
                {
                    buffer[0] ^= 0x5A;
                    corrupt = false;
                }

                md5.AppendData(buffer, 0, read);
                crc.Append(buffer.AsSpan(0, read));
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        return new WrittenBody(path, crc.Length, md5.GetHashAndReset(), crc.Value);
    }

    /// <summary>Moves a received body into place, replacing what was there.</summary>
    public static void Place(WrittenBody body, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Move(body.FilePath, destination, overwrite: true);
    }

    /// <summary>Concatenates part files into one object file.</summary>
    public async Task<string> ConcatenateAsync(IEnumerable<string> partFiles, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_root, "incoming", Guid.NewGuid().ToString("N"));
        await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
        {
            foreach (var part in partFiles)
            {
                await using var input = new FileStream(part, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
                await input.CopyToAsync(output, BufferSize, cancellationToken);
            }
        }

        return path;
    }

    public static void DeleteQuietly(string path)
    {
        try
        {
            if (File.Exists(path))
            {
                File.Delete(path);
            }
            else if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A reader still has it open; the data folder is disposable.
        }
    }
}
