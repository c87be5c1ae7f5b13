using System.Security.Cryptography;
using Vod.Upload.Checkpoints;

namespace Vod.Upload.Pull;

/// <summary>
/// Pull checkpoints as <c>KEY.pull.json</c> files in a folder (the CLI's state folder). The tag is a hash of the file,
/// and a write replaces the file atomically under a process-wide lock, so one machine's runs never both submit.
/// </summary>
public sealed class LocalPullCheckpointStore : IPullCheckpointStore
{
    private const string Suffix = ".pull.json";
    private static readonly SemaphoreSlim Sync = new(1, 1);
    private readonly string _folder;

    /// <summary>Creates the store over <paramref name="folder"/> (created when missing).</summary>
    public LocalPullCheckpointStore(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        _folder = folder;
        Directory.CreateDirectory(folder);
    }

    /// <inheritdoc/>
    public async Task<StoredPullCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken)
    {
        var bytes = await ReadAsync(PathOf(key), cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : new StoredPullCheckpoint(key, PullCheckpointJson.Read(key, bytes), Tag(bytes));
    }

    /// <inheritdoc/>
    public async Task<string> SaveAsync(string key, PullCheckpoint checkpoint, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var path = PathOf(key);
        await Sync.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = await ReadAsync(path, cancellationToken).ConfigureAwait(false);
            if (ifMatch is null ? current is not null : current is null || Tag(current) != ifMatch)
            {
                throw new CheckpointConflictException(key);
            }

            var bytes = PullCheckpointJson.Write(checkpoint);
            var temporary = path + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + ".tmp";
            await File.WriteAllBytesAsync(temporary, bytes, cancellationToken).ConfigureAwait(false);
            try
            {
                // A first record never replaces one another process made meanwhile.
                File.Move(temporary, path, overwrite: ifMatch is not null);
            }
            catch (IOException) when (ifMatch is null && File.Exists(path))
            {
                File.Delete(temporary);
                throw new CheckpointConflictException(key);
            }

            return Tag(bytes);
        }
        finally
        {
            Sync.Release();
        }
    }

    /// <summary>The keys of the checkpoints in the folder, in order (<c>vod checkpoints</c> lists them).</summary>
    public IEnumerable<string> Keys() =>
        Directory.Exists(_folder)
            ? Directory.EnumerateFiles(_folder, "*" + Suffix).Select(path => Path.GetFileName(path)[..^Suffix.Length]).Order(StringComparer.Ordinal)
            : [];

    /// <inheritdoc/>
    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    private static async Task<byte[]?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static string Tag(byte[] bytes) => "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"";

    private string PathOf(string key)
    {
        if (key.Length == 0 || key.IndexOfAny(['/', '\\', ':']) >= 0 || key.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException("A pull checkpoint key is a plain file name.", nameof(key));
        }

        return Path.Combine(_folder, key + Suffix);
    }
}
