using Vod.Upload.Checkpoints;

namespace Vod.Upload.Pull;

/// <summary>Where pull checkpoints live: small JSON records written conditionally, so two runners never both submit.</summary>
public interface IPullCheckpointStore
{
    /// <summary>The checkpoint, or null.</summary>
    Task<StoredPullCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the checkpoint if it is still at <paramref name="ifMatch"/> (null: only if none exists) and returns the new
    /// tag; throws <see cref="CheckpointConflictException"/> otherwise.
    /// </summary>
    Task<string> SaveAsync(string key, PullCheckpoint checkpoint, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>Deletes the checkpoint (no error when there is none).</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
