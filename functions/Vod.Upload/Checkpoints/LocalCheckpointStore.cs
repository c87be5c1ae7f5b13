using System.Security.Cryptography;

namespace Vod.Upload.Checkpoints;

/// <summary>
/// Checkpoints as files in a folder (the CLI's): <c>KEY.json</c>, the header, replaced atomically (written to a temporary
/// file and renamed, so a crash never leaves half a header; its tag is a hash of its content), and <c>KEY.parts</c>, the
/// part log, appended to. <c>KEY.lock</c> is held by the process running the upload.
/// </summary>
public sealed class LocalCheckpointStore : ICheckpointStore
{
    private const string HeaderSuffix = ".json";
    private const string PartsSuffix = ".parts";
    private const string LockSuffix = ".lock";
    private const string TemporarySuffix = ".tmp";
    private static readonly SemaphoreSlim WriteLock = new(1, 1);
    private readonly string _directory;
    private long _bytesWritten;

    /// <summary>Uses <paramref name="directory"/>, creating it when needed.</summary>
    public LocalCheckpointStore(string directory)
    {
        _directory = Path.GetFullPath(directory);
    }

    /// <summary>The folder.</summary>
    public string Directory => _directory;

    /// <summary>Bytes this store has written (headers and part records), for the checkpoint-cost benchmark.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <inheritdoc/>
    public async Task<StoredCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken)
    {
        var header = await ReadOrNullAsync(HeaderPath(key), cancellationToken).ConfigureAwait(false);
        if (header is null)
        {
            return null;
        }

        var log = await ReadOrNullAsync(PartsPath(key), cancellationToken).ConfigureAwait(false) ?? [];
        return new StoredCheckpoint(key, CheckpointFormat.Read(key, header, log), Tag(header));
    }

    /// <inheritdoc/>
    public async Task<string> SaveAsync(string key, UploadCheckpoint checkpoint, string? ifMatch, bool replaceParts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        System.IO.Directory.CreateDirectory(_directory);
        var bytes = CheckpointFormat.Header(checkpoint);
        await WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var path = HeaderPath(key);
            var current = File.Exists(path) ? Tag(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false)) : null;
            if (current != ifMatch)
            {
                throw new CheckpointConflictException(key);
            }

            // The log first: a header that names a generation always finds that generation's log (or none yet).
            if (replaceParts)
            {
                await ReplaceAsync(PartsPath(key), CheckpointFormat.PartLines(checkpoint.Generation, checkpoint.Parts), cancellationToken).ConfigureAwait(false);
            }

            await ReplaceAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            return Tag(bytes);
        }
        finally
        {
            WriteLock.Release();
        }
    }

    /// <inheritdoc/>
    public async Task AppendPartAsync(string key, int generation, CheckpointPart part, CancellationToken cancellationToken)
    {
        var line = CheckpointFormat.PartLine(generation, part);
        var path = PartsPath(key);
        if (!File.Exists(HeaderPath(key)))
        {
            throw new UploadException(UploadErrorCodes.CheckpointMissing, $"The checkpoint '{key}' was removed (the upload was cancelled).", UploadErrorKind.Fatal);
        }

        // One appender at a time: a FileStream writes at the end it saw when it opened, so two at once would overwrite
        // each other (the folder's lock keeps other processes out).
        await WriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var log = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
            await log.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _bytesWritten, line.Length);
        }
        finally
        {
            WriteLock.Release();
        }
    }

    /// <inheritdoc/>
    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(HeaderPath(key));
        File.Delete(PartsPath(key));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<CheckpointSummary?> SummarizeAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return (await LoadAsync(key, cancellationToken).ConfigureAwait(false))?.Checkpoint.Summarize();
        }
        catch (UploadException ex) when (ex.Code == UploadErrorCodes.CheckpointCorrupt)
        {
            return (await SalvageAsync(key, cancellationToken).ConfigureAwait(false)) is { } damaged
                ? new CheckpointSummary(damaged.MediaId, 0, 0, 0, 0, damaged.Completed == true)
                : null;
        }
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<StoredCheckpoint> ListAsync(CancellationToken cancellationToken) =>
        CheckpointListing.ReadableAsync(Keys().ToAsyncEnumerable(), LoadAsync, cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<DamagedCheckpoint> ListDamagedAsync(CancellationToken cancellationToken) =>
        CheckpointListing.DamagedAsync(Keys().ToAsyncEnumerable(), SalvageAsync, cancellationToken);

    /// <inheritdoc/>
    public Task<DamagedCheckpoint?> SalvageAsync(string key, CancellationToken cancellationToken) =>
        CheckpointListing.SalvageAsync(key, LoadAsync, (k, ct) => ReadOrNullAsync(HeaderPath(k), ct), cancellationToken);

    /// <inheritdoc/>
    public Task<IAsyncDisposable> LockAsync(string key, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(_directory);
        FileStream held;
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix and a sharing lock on Windows: a second
            // process cannot take it while this one lives, and the system drops it when this one dies.
            held = new FileStream(PathOf(key, LockSuffix), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (File.Exists(PathOf(key, LockSuffix)))
        {
            throw new UploadException(UploadErrorCodes.UploadInProgress,
                $"This upload is already running in another process (its checkpoint '{key}' in {_directory} is locked); wait for it, or stop it first.", UploadErrorKind.Fatal, ex);
        }

        // Temporary files left by a process that died mid-write belong to this key's writer, which is now this one.
        foreach (var stale in System.IO.Directory.EnumerateFiles(_directory, key + ".*" + TemporarySuffix))
        {
            File.Delete(stale);
        }

        return Task.FromResult<IAsyncDisposable>(new HeldLock(held, PathOf(key, LockSuffix)));
    }

    private IEnumerable<string> Keys() => System.IO.Directory.Exists(_directory)
        ? System.IO.Directory.EnumerateFiles(_directory, "*" + HeaderSuffix).Order(StringComparer.Ordinal).Select(p => Path.GetFileName(p)[..^HeaderSuffix.Length])
        : [];

    private async Task ReplaceAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + TemporarySuffix;
        try
        {
            await File.WriteAllBytesAsync(temporary, bytes, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
            Interlocked.Add(ref _bytesWritten, bytes.Length);
        }
        catch
        {
            // A full disk must not leave the half-written file behind.
            File.Delete(temporary);
            throw;
        }
    }

    private static async Task<byte[]?> ReadOrNullAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private string HeaderPath(string key) => PathOf(key, HeaderSuffix);

    private string PartsPath(string key) => PathOf(key, PartsSuffix);

    private string PathOf(string key, string suffix)
    {
        if (key.Contains('/', StringComparison.Ordinal) || key.Contains('\\', StringComparison.Ordinal) || key.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{key}' is not a checkpoint key.", nameof(key));
        }

        return Path.Combine(_directory, key + suffix);
    }

    private static string Tag(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..32];

    private sealed class HeldLock(FileStream stream, string path) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Deleted while held, so no other process can take a lock on a file that is about to go.
            File.Delete(path);
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
