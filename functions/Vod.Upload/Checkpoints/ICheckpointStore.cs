namespace Vod.Upload.Checkpoints;

/// <summary>A stored checkpoint with the version tag its next write must match.</summary>
public sealed record StoredCheckpoint(string Key, UploadCheckpoint Checkpoint, string ETag);

/// <summary>Raised when a checkpoint changed since it was read (another writer got there first).</summary>
public sealed class CheckpointConflictException(string key) : Exception($"The checkpoint '{key}' changed since it was read.")
{
    /// <summary>The checkpoint's key.</summary>
    public string Key { get; } = key;
}

/// <summary>Where checkpoints live. Writes are conditional, so concurrent writers never lose each other's parts.</summary>
public interface ICheckpointStore
{
    /// <summary>The checkpoint, or null.</summary>
    Task<StoredCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the checkpoint if it is still at <paramref name="ifMatch"/> (null: only if none exists) and returns the new
    /// tag; throws <see cref="CheckpointConflictException"/> otherwise.
    /// </summary>
    Task<string> SaveAsync(string key, UploadCheckpoint checkpoint, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>Deletes the checkpoint (no error when there is none).</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// How far the checkpoint's upload is, read as cheaply as the store can (a status poll must not download every
    /// part record); null when there is no checkpoint. By default the checkpoint is loaded.
    /// </summary>
    async Task<CheckpointSummary?> SummarizeAsync(string key, CancellationToken cancellationToken) =>
        (await LoadAsync(key, cancellationToken).ConfigureAwait(false))?.Checkpoint.Summarize();

    /// <summary>Every checkpoint.</summary>
    IAsyncEnumerable<StoredCheckpoint> ListAsync(CancellationToken cancellationToken);

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
}
