using System.Runtime.CompilerServices;
using Vod.Upload.Checkpoints;

namespace Vod.Upload.Tests.Fakes;

/// <summary>Checkpoints in memory, with conditional writes and stop requests like the Blob store's.</summary>
public sealed class InMemoryCheckpointStore(FakeWorld world) : ICheckpointStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (UploadCheckpoint Checkpoint, string ETag)> _items = [];
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

    public Task<StoredCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken)
    {
        world.Alive("LoadCheckpoint");
        lock (_gate)
        {
            return Task.FromResult(_items.TryGetValue(key, out var item) ? new StoredCheckpoint(key, item.Checkpoint.Copy(), item.ETag) : null);
        }
    }

    public Task<string> SaveAsync(string key, UploadCheckpoint checkpoint, string? ifMatch, CancellationToken cancellationToken)
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
                _items[key] = (copy, etag);
                Writes++;
                return etag;
            }
        }));
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        world.Effect("DeleteCheckpoint", () =>
        {
            lock (_gate)
            {
                return _items.Remove(key);
            }
        });
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<StoredCheckpoint> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        List<StoredCheckpoint> items;
        lock (_gate)
        {
            items = [.. _items.Select(i => new StoredCheckpoint(i.Key, i.Value.Checkpoint.Copy(), i.Value.ETag))];
        }

        foreach (var item in items)
        {
            yield return item;
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
