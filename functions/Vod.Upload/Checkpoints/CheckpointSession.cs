namespace Vod.Upload.Checkpoints;

/// <summary>
/// One writer's view of a checkpoint. Changes are expressed as idempotent mutations; on a conflicting write the
/// checkpoint is read again and the mutation re-applied, so parallel part batches (in one process or several) merge.
/// Writes are group-committed: while one write is under way, the mutations that arrive wait and go out together in the
/// next one, so a session writes at most once per round trip however many parts finish meanwhile.
/// </summary>
public sealed class CheckpointSession
{
    /// <summary>Conflicting writes are retried this long (with growing, jittered pauses) before the step gives up.</summary>
    private static readonly TimeSpan ContentionLimit = TimeSpan.FromMinutes(2);

    /// <summary>A bound on the attempts too, whatever the clock says (a frozen test clock measures no time).</summary>
    private const int MaxConflictingWrites = 1000;

    private readonly ICheckpointStore _store;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private List<PendingMutation> _queue = [];
    private bool _writing;
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

    /// <summary>
    /// Applies <paramref name="mutate"/> and writes; returns once a write holding it is stored. The caller that finds
    /// no write under way writes for everyone waiting, with its <paramref name="cancellationToken"/>.
    /// </summary>
    public async Task UpdateAsync(Action<UploadCheckpoint> mutate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mutate);
        var pending = new PendingMutation(mutate);
        bool writer;
        lock (_gate)
        {
            _queue.Add(pending);
            writer = !_writing;
            _writing = true;
        }

        if (writer)
        {
            await WriteQueuedAsync(cancellationToken).ConfigureAwait(false);
        }

        await pending.Stored.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteQueuedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            List<PendingMutation> batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return;
                }

                batch = _queue;
                _queue = [];
            }

            try
            {
                await WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.ForEach(p => p.Stored.TrySetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(p => p.Stored.TrySetException(ex));
            }
        }
    }

    private async Task WriteAsync(List<PendingMutation> batch, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var copy = Current.Copy();
            batch.ForEach(p => p.Mutate(copy));
            copy.UpdatedAt = _time.GetUtcNow();
            try
            {
                _etag = await _store.SaveAsync(Key, copy, _etag, cancellationToken).ConfigureAwait(false);
                Current = copy;
                return;
            }
            catch (CheckpointConflictException)
            {
                if (_time.GetElapsedTime(started) > ContentionLimit || attempt >= MaxConflictingWrites)
                {
                    throw new UploadException(UploadErrorCodes.CheckpointContention,
                        $"The checkpoint '{Key}' changed under every one of {attempt} writes.", UploadErrorKind.Retryable);
                }

                // Another writer got there first: take its state, pause a little (longer after each collision, at
                // random, so the writers spread out) and apply this batch on top. If the checkpoint existed and is
                // gone, the upload was cancelled, and a late writer must not bring it back.
                var fresh = await _store.LoadAsync(Key, cancellationToken).ConfigureAwait(false)
                    ?? throw new UploadException(UploadErrorCodes.CheckpointMissing, $"The checkpoint '{Key}' was removed (the upload was cancelled).", UploadErrorKind.Fatal);
                Current = fresh.Checkpoint;
                _etag = fresh.ETag;
#pragma warning disable CA5394 // Jitter, not security.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * Math.Min(attempt, 10))), cancellationToken).ConfigureAwait(false);
#pragma warning restore CA5394
            }
        }
    }

    private sealed class PendingMutation(Action<UploadCheckpoint> mutate)
    {
        public Action<UploadCheckpoint> Mutate { get; } = mutate;

        public TaskCompletionSource Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
