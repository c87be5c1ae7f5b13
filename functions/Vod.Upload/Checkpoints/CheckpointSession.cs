namespace Vod.Upload.Checkpoints;

/// <summary>
/// One writer's view of a checkpoint. Changes are expressed as idempotent mutations; on a conflicting write the
/// checkpoint is read again and the mutation re-applied, so parallel part batches (in one process or several) merge.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A SemaphoreSlim whose wait handle is never read holds nothing to dispose.")]
public sealed class CheckpointSession
{
    private readonly ICheckpointStore _store;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private string? _etag;

    private CheckpointSession(ICheckpointStore store, string key, UploadCheckpoint checkpoint, string? etag, TimeProvider time)
    {
        _store = store;
        Key = key;
        Current = checkpoint;
        _etag = etag;
        _time = time;
    }

    /// <summary>The checkpoint's key.</summary>
    public string Key { get; }

    /// <summary>The latest known state. Read it; change it only through <see cref="UpdateAsync"/>.</summary>
    public UploadCheckpoint Current { get; private set; }

    /// <summary>Loads an existing checkpoint, or null.</summary>
    public static async Task<CheckpointSession?> LoadAsync(ICheckpointStore store, string key, TimeProvider time, CancellationToken cancellationToken)
    {
        var stored = await store.LoadAsync(key, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : new CheckpointSession(store, key, stored.Checkpoint, stored.ETag, time);
    }

    /// <summary>A session for a checkpoint not written yet (the first <see cref="UpdateAsync"/> creates it).</summary>
    public static CheckpointSession New(ICheckpointStore store, string key, UploadCheckpoint checkpoint, TimeProvider time) => new(store, key, checkpoint, null, time);

    /// <summary>Applies <paramref name="mutate"/> and writes; retries on conflicts against the freshly read checkpoint.</summary>
    public async Task UpdateAsync(Action<UploadCheckpoint> mutate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mutate);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var copy = Clone(Current);
                mutate(copy);
                copy.UpdatedAt = _time.GetUtcNow();
                try
                {
                    _etag = await _store.SaveAsync(Key, copy, _etag, cancellationToken).ConfigureAwait(false);
                    Current = copy;
                    return;
                }
                catch (CheckpointConflictException) when (attempt < 20)
                {
                    var fresh = await _store.LoadAsync(Key, cancellationToken).ConfigureAwait(false);
                    if (fresh is null)
                    {
                        // It existed and is gone: the upload was cancelled. A late writer must not bring it back.
                        throw new UploadException(UploadErrorCodes.CheckpointMissing, $"The checkpoint '{Key}' was removed (the upload was cancelled).", UploadErrorKind.Fatal);
                    }
                    else
                    {
                        Current = fresh.Checkpoint;
                        _etag = fresh.ETag;
                    }
                }
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Re-reads the checkpoint.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var fresh = await _store.LoadAsync(Key, cancellationToken).ConfigureAwait(false);
        if (fresh is not null)
        {
            Current = fresh.Checkpoint;
            _etag = fresh.ETag;
        }
    }

    private static UploadCheckpoint Clone(UploadCheckpoint checkpoint) => CheckpointJson.Deserialize(CheckpointJson.Serialize(checkpoint));
}
