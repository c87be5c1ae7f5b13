namespace Vod.Upload.Checkpoints;

/// <summary>
/// One writer's view of a checkpoint. Header changes are idempotent mutations written conditionally: on a conflicting
/// write the checkpoint is read again and the mutation re-applied, so writers on several instances merge. A stored part
/// is one append to the part log — no read, no conflict, no rewrite — so recording N parts costs O(N) bytes in all.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A SemaphoreSlim whose wait handle is never read holds nothing to dispose.")]
public sealed class CheckpointSession
{
    /// <summary>Conflicting writes are retried this long (with growing, jittered pauses) before the step gives up.</summary>
    private static readonly TimeSpan ContentionLimit = TimeSpan.FromMinutes(2);

    /// <summary>A bound on the attempts too, whatever the clock says (a frozen test clock measures no time).</summary>
    private const int MaxConflictingWrites = 1000;

    private readonly ICheckpointStore _store;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly Lock _gate = new();
    private UploadCheckpoint _current;
    private string? _etag;

    private CheckpointSession(ICheckpointStore store, string key, UploadCheckpoint checkpoint, string? etag, TimeProvider time)
    {
        _store = store;
        Key = key;
        _current = checkpoint;
        _etag = etag;
        _time = time;
    }

    /// <summary>The checkpoint's key.</summary>
    public string Key { get; }

    /// <summary>A copy of the latest known state. Change it only through <see cref="UpdateAsync"/> and <see cref="RecordPartAsync"/>.</summary>
    public UploadCheckpoint Current
    {
        get
        {
            lock (_gate)
            {
                return _current.Copy();
            }
        }
    }

    /// <summary>Loads an existing checkpoint, or null; a damaged one raises CheckpointCorrupt.</summary>
    public static async Task<CheckpointSession?> LoadAsync(ICheckpointStore store, string key, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var stored = await store.LoadAsync(key, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : new CheckpointSession(store, key, stored.Checkpoint, stored.ETag, time);
    }

    /// <summary>A session for a checkpoint not written yet (the first <see cref="UpdateAsync"/> creates it).</summary>
    public static CheckpointSession New(ICheckpointStore store, string key, UploadCheckpoint checkpoint, TimeProvider time) => new(store, key, checkpoint, null, time);

    /// <summary>
    /// Applies <paramref name="mutate"/> to the header (and, when it replaces or drops recorded parts, starts a new part
    /// log generation) and writes it; returns once stored.
    /// </summary>
    public async Task UpdateAsync(Action<UploadCheckpoint> mutate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mutate);
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = _time.GetTimestamp();
            for (var attempt = 1; ; attempt++)
            {
                var before = Current;
                var copy = before.Copy();
                mutate(copy);
                // A new part log whenever the recorded parts change other than by recording, or the parts they belong
                // to change (another multipart upload, another address): late records of the old one then miss.
                var replaceParts = _etag is null || !copy.Parts.SequenceEqual(before.Parts)
                    || copy.MultipartUploadId != before.MultipartUploadId || copy.ObjectKey != before.ObjectKey;
                if (_etag is not null && replaceParts)
                {
                    copy.Generation = before.Generation + 1;
                }

                copy.UpdatedAt = _time.GetUtcNow();
                try
                {
                    var etag = await _store.SaveAsync(Key, copy, _etag, replaceParts, cancellationToken).ConfigureAwait(false);
                    lock (_gate)
                    {
                        (_current, _etag) = (copy, etag);
                    }

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
                    // random, so the writers spread out) and apply the mutation on top. If the checkpoint existed and
                    // is gone, the upload was cancelled, and a late writer must not bring it back.
                    var fresh = await _store.LoadAsync(Key, cancellationToken).ConfigureAwait(false)
                        ?? throw new UploadException(UploadErrorCodes.CheckpointMissing, $"The checkpoint '{Key}' was removed (the upload was cancelled).", UploadErrorKind.Fatal);
                    lock (_gate)
                    {
                        (_current, _etag) = (fresh.Checkpoint, fresh.ETag);
                    }

#pragma warning disable CA5394 // Jitter, not security.
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * Math.Min(attempt, 10))), cancellationToken).ConfigureAwait(false);
#pragma warning restore CA5394
                }
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Records a stored part: one append to the part log of the current generation.</summary>
    public async Task RecordPartAsync(CheckpointPart part, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(part);
        int generation;
        lock (_gate)
        {
            generation = _current.Generation;
        }

        await _store.AppendPartAsync(Key, generation, part, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_current.Generation == generation)
            {
                _current.Record(part);
            }
        }
    }
}
