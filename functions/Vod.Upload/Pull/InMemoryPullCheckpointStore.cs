using Vod.Upload.Checkpoints;

namespace Vod.Upload.Pull;

/// <summary>Pull checkpoints in memory (tests, and a one-shot pull that needs no resume). Thread-safe.</summary>
public sealed class InMemoryPullCheckpointStore : IPullCheckpointStore
{
    private readonly Dictionary<string, (byte[] Bytes, string ETag)> _items = new(StringComparer.Ordinal);
    private int _version;

    /// <summary>How many checkpoints are stored.</summary>
    public int Count
    {
        get
        {
            lock (_items)
            {
                return _items.Count;
            }
        }
    }

    /// <inheritdoc/>
    public Task<StoredPullCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken)
    {
        lock (_items)
        {
            return Task.FromResult(_items.TryGetValue(key, out var item) ? new StoredPullCheckpoint(key, PullCheckpointJson.Read(key, item.Bytes), item.ETag) : null);
        }
    }

    /// <inheritdoc/>
    public Task<string> SaveAsync(string key, PullCheckpoint checkpoint, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        lock (_items)
        {
            var exists = _items.TryGetValue(key, out var current);
            if (ifMatch is null ? exists : !exists || current.ETag != ifMatch)
            {
                throw new CheckpointConflictException(key);
            }

            var etag = "\"" + (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"";
            _items[key] = (PullCheckpointJson.Write(checkpoint), etag);
            return Task.FromResult(etag);
        }
    }

    /// <inheritdoc/>
    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        lock (_items)
        {
            _items.Remove(key);
        }

        return Task.CompletedTask;
    }
}
