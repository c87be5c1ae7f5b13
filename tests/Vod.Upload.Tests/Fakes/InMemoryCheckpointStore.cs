using System.Runtime.CompilerServices;
using Vod.Upload.Checkpoints;

namespace Vod.Upload.Tests.Fakes;

/// <summary>Checkpoints in memory, with conditional writes and stop requests like the Blob store's.</summary>
public sealed class InMemoryCheckpointStore(FakeWorld world) : ICheckpointStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (UploadCheckpoint Checkpoint, string ETag)> _items = [];
    private readonly Dictionary<string, string> _damaged = [];
    private readonly HashSet<string> _stops = [];
    private int _version;

    /// <summary>Checkpoint writes over the test.</summary>
    public int Writes { get; private set; }

    /// <summary>When set, every write fails with it (a full disk, storage down).</summary>
    public Exception? FailWrites { get; set; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Makes the checkpoint unreadable, as damage or an older format would (what it held can still be salvaged).</summary>
    public void Damage(string key, string reason)
    {
        lock (_gate)
        {
            _damaged[key] = reason;
        }
    }

    /// <summary>Changes the stored checkpoint behind every writer's back (a test's tampering).</summary>
    public void Tamper(string key, Action<UploadCheckpoint> change)
    {
        lock (_gate)
        {
            var item = _items[key];
            change(item.Checkpoint);
        }
    }

    public Task<StoredCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken)
    {
        world.Alive("LoadCheckpoint");
        lock (_gate)
        {
            if (!_items.TryGetValue(key, out var item))
            {
                return Task.FromResult<StoredCheckpoint?>(null);
            }

            if (_damaged.TryGetValue(key, out var reason))
            {
                throw CheckpointFormat.Corrupt(key, reason);
            }

            // Read back as the real stores do: through the format's checks.
            var copy = item.Checkpoint.Copy();
            return Task.FromResult<StoredCheckpoint?>(new StoredCheckpoint(key, CheckpointFormat.Read(key, CheckpointFormat.Header(copy), CheckpointFormat.PartLines(copy.Generation, copy.Parts)), item.ETag));
        }
    }

    public Task<string> SaveAsync(string key, UploadCheckpoint checkpoint, string? ifMatch, bool replaceParts, CancellationToken cancellationToken)
    {
        world.Alive("SaveCheckpoint");
        if (FailWrites is { } failure)
        {
            throw failure;
        }

        var copy = checkpoint.Copy();
        return Task.FromResult(world.Effect("SaveCheckpoint", () =>
        {
            lock (_gate)
            {
                var current = _items.TryGetValue(key, out var item) ? item.ETag : null;
                if (current != ifMatch)
                {
                    throw new CheckpointConflictException(key);
                }

                var etag = "e" + ++_version;
                if (!replaceParts && item.Checkpoint is { } stored)
                {
                    copy.Parts = [.. stored.Parts];
                }

                _items[key] = (copy, etag);
                Writes++;
                return etag;
            }
        }));
    }

    public Task AppendPartAsync(string key, int generation, CheckpointPart part, CancellationToken cancellationToken)
    {
        world.Alive("AppendPart");
        if (FailWrites is { } failure)
        {
            throw failure;
        }

        world.Effect("SaveCheckpoint", () =>
        {
            lock (_gate)
            {
                if (!_items.TryGetValue(key, out var item))
                {
                    throw new UploadException(UploadErrorCodes.CheckpointMissing, $"The checkpoint '{key}' was removed.", UploadErrorKind.Fatal);
                }

                if (item.Checkpoint.Generation == generation)
                {
                    item.Checkpoint.Record(part);
                }

                Writes++;
                return true;
            }
        });
        return Task.CompletedTask;
    }

    public async Task<CheckpointSummary?> SummarizeAsync(string key, CancellationToken cancellationToken) =>
        (await LoadAsync(key, cancellationToken))?.Checkpoint.Summarize();

    public async IAsyncEnumerable<DamagedCheckpoint> ListDamagedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        List<string> keys;
        lock (_gate)
        {
            keys = [.. _items.Keys];
        }

        foreach (var key in keys)
        {
            if (await SalvageAsync(key, cancellationToken) is { } damaged)
            {
                yield return damaged;
            }
        }
    }

    public async Task<DamagedCheckpoint?> SalvageAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await LoadAsync(key, cancellationToken);
            return null;
        }
        catch (UploadException ex) when (ex.Code == UploadErrorCodes.CheckpointCorrupt)
        {
            lock (_gate)
            {
                return CheckpointSalvage.From(key, ex.Message, CheckpointFormat.Header(_items[key].Checkpoint));
            }
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        world.Effect("DeleteCheckpoint", () =>
        {
            lock (_gate)
            {
                _damaged.Remove(key);
                return _items.Remove(key);
            }
        });
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<StoredCheckpoint> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        List<string> items;
        lock (_gate)
        {
            items = [.. _items.Keys];
        }

        foreach (var key in items)
        {
            StoredCheckpoint? stored;
            try
            {
                stored = await LoadAsync(key, cancellationToken);
            }
            catch (UploadException ex) when (ex.Code == UploadErrorCodes.CheckpointCorrupt)
            {
                continue;
            }

            if (stored is not null)
            {
                yield return stored;
            }
        }
    }

    public Task<bool> IsStopRequestedAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_stops.Contains(key));
        }
    }

    public Task RequestStopAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _stops.Add(key);
        }

        return Task.CompletedTask;
    }

    public Task ClearStopAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _stops.Remove(key);
        }

        return Task.CompletedTask;
    }

    /// <summary>The one checkpoint there is.</summary>
    public UploadCheckpoint Single()
    {
        lock (_gate)
        {
            return _items.Values.Single().Checkpoint.Copy();
        }
    }
}
