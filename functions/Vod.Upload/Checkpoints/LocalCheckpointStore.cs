using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace Vod.Upload.Checkpoints;

/// <summary>
/// Checkpoints as JSON files in a folder (the CLI's <c>.vod_checkpoint</c>). Writes go to a temporary file and are
/// renamed into place, so a crash never leaves half a checkpoint; the tag is a hash of the content.
/// </summary>
public sealed class LocalCheckpointStore : ICheckpointStore
{
    private const string Suffix = ".json";
    private static readonly SemaphoreSlim WriteLock = new(1, 1);
    private readonly string _directory;

    /// <summary>Uses <paramref name="directory"/>, creating it when needed.</summary>
    public LocalCheckpointStore(string directory)
    {
        _directory = Path.GetFullPath(directory);
    }

    /// <summary>The folder.</summary>
    public string Directory => _directory;

    /// <inheritdoc/>
    public async Task<StoredCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return new StoredCheckpoint(key, CheckpointJson.Deserialize(bytes), Tag(bytes));
    }

    /// <inheritdoc/>
    public async Task<string> SaveAsync(string key, UploadCheckpoint checkpoint, string? ifMatch, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(_directory);
        var bytes = CheckpointJson.Serialize(checkpoint);
        await WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var path = PathOf(key);
            var current = File.Exists(path) ? Tag(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false)) : null;
            if (current != ifMatch)
            {
                throw new CheckpointConflictException(key);
            }

            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            await File.WriteAllBytesAsync(temporary, bytes, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
            return Tag(bytes);
        }
        finally
        {
            WriteLock.Release();
        }
    }

    /// <inheritdoc/>
    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StoredCheckpoint> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(_directory))
        {
            yield break;
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(_directory, "*" + Suffix).Order(StringComparer.Ordinal))
        {
            StoredCheckpoint? stored;
            try
            {
                stored = await LoadAsync(Path.GetFileName(path)[..^Suffix.Length], cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                continue;
            }

            if (stored is not null)
            {
                yield return stored;
            }
        }
    }

    private string PathOf(string key)
    {
        if (key.Contains('/', StringComparison.Ordinal) || key.Contains('\\', StringComparison.Ordinal) || key.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{key}' is not a checkpoint key.", nameof(key));
        }

        return Path.Combine(_directory, key + Suffix);
    }

    private static string Tag(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..32];
}
