namespace Vod.Upload.Checkpoints;

/// <summary>A stored checkpoint with the version tag its next header write must match.</summary>
public sealed record StoredCheckpoint(string Key, UploadCheckpoint Checkpoint, string ETag);

/// <summary>Raised when a checkpoint changed since it was read (another writer got there first).</summary>
public sealed class CheckpointConflictException(string key) : Exception($"The checkpoint '{key}' changed since it was read.")
{
    /// <summary>The checkpoint's key.</summary>
    public string Key { get; } = key;
}

/// <summary>
/// Where checkpoints live. A checkpoint is a header, written conditionally (so concurrent writers never lose each other's
/// changes), and an append-only part log; see <see cref="CheckpointFormat"/>.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>
    /// The checkpoint, or null. Throws <see cref="UploadException"/> with <see cref="UploadErrorCodes.CheckpointCorrupt"/>
    /// when it is damaged or of another format version.
    /// </summary>
    Task<StoredCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the header if it is still at <paramref name="ifMatch"/> (null: only if none exists) and returns the new
    /// tag; throws <see cref="CheckpointConflictException"/> otherwise. With <paramref name="replaceParts"/> (a new
    /// checkpoint, or a new <see cref="UploadCheckpoint.Generation"/>) the part log is replaced by
    /// <see cref="UploadCheckpoint.Parts"/>.
    /// </summary>
    Task<string> SaveAsync(string key, UploadCheckpoint checkpoint, string? ifMatch, bool replaceParts, CancellationToken cancellationToken);

    /// <summary>Appends one part record of <paramref name="generation"/> to the part log: a few hundred bytes, however many parts.</summary>
    Task AppendPartAsync(string key, int generation, CheckpointPart part, CancellationToken cancellationToken);

    /// <summary>Deletes the checkpoint, header and log (no error when there is none).</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// How far the checkpoint's upload is, read as cheaply as the store can (a status poll must not download every
    /// part record); null when there is no checkpoint. Never throws for a damaged checkpoint: it knows less.
    /// </summary>
    Task<CheckpointSummary?> SummarizeAsync(string key, CancellationToken cancellationToken);

    /// <summary>Every checkpoint that can be read.</summary>
    IAsyncEnumerable<StoredCheckpoint> ListAsync(CancellationToken cancellationToken);

    /// <summary>Every checkpoint that cannot be read (damaged, or of another format), with what could be salvaged from it.</summary>
    IAsyncEnumerable<DamagedCheckpoint> ListDamagedAsync(CancellationToken cancellationToken);

    /// <summary>What can be read from a damaged checkpoint (null: there is none), to cancel what it started.</summary>
    Task<DamagedCheckpoint?> SalvageAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Makes this process the checkpoint's only writer until the result is disposed; a second taker gets
    /// <see cref="UploadErrorCodes.UploadInProgress"/>. A store shared by instances of one orchestration (the Blob store)
    /// relies on the orchestration's instance id instead, and takes no lock.
    /// </summary>
    Task<IAsyncDisposable> LockAsync(string key, CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable>(NoLock.Instance);

    /// <summary>
    /// Whether the upload of this checkpoint was asked to stop (suspended through the API): part batches poll it and
    /// cancel their parts in flight. A store that cannot be reached by the stopping party (a local folder) never says so.
    /// </summary>
    Task<bool> IsStopRequestedAsync(string key, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>Asks the upload of this checkpoint to stop (see <see cref="IsStopRequestedAsync"/>).</summary>
    Task RequestStopAsync(string key, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This checkpoint store cannot carry a stop request.");

    /// <summary>Withdraws a stop request; no error when there is none.</summary>
    Task ClearStopAsync(string key, CancellationToken cancellationToken) => Task.CompletedTask;

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>A checkpoint that cannot be read, and what could be salvaged from it to clean up.</summary>
/// <param name="Key">The checkpoint's key.</param>
/// <param name="Reason">Why it cannot be read.</param>
/// <param name="Location">The source's path or <c>container/blob</c>, when readable.</param>
/// <param name="SourceVersion">The source version it was for (a blob's ETag), when readable.</param>
/// <param name="Kind">Video or image, when readable.</param>
/// <param name="MediaId">The media it created, when readable.</param>
/// <param name="MultipartUploadId">Its OSS multipart upload, when readable.</param>
/// <param name="Endpoint">OSS endpoint, when readable.</param>
/// <param name="Bucket">OSS bucket, when readable.</param>
/// <param name="ObjectKey">OSS object key, when readable.</param>
/// <param name="Completed">Whether it says its object is complete; null when it no longer says (then its media is never deleted).</param>
/// <param name="UpdatedAt">When it was last written, when readable.</param>
public sealed record DamagedCheckpoint(
    string Key, string Reason, string? Location, string? SourceVersion, MediaKind? Kind, string? MediaId, string? MultipartUploadId,
    string? Endpoint, string? Bucket, string? ObjectKey, bool? Completed, DateTimeOffset? UpdatedAt);
