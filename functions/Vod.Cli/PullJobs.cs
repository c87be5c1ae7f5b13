using Vod.Upload.Pull;

namespace Vod.Cli;

/// <summary>
/// The pull jobs this machine submitted and still watches: checkpoints under <c>checkpoints/pull</c>, one per URL (without
/// its access parameters, <see cref="PullUrls.Identity"/>: a fresh SAS for the same blob is the same key). <c>vod checkpoints</c> lists them; <c>vod cancel &lt;url&gt;</c> ends one.
/// </summary>
internal static class PullJobs
{
    /// <summary>The store of pull checkpoints: the <c>pull</c> folder under <paramref name="checkpointDir"/>.</summary>
    public static LocalPullCheckpointStore Store(string checkpointDir) => new(Path.Combine(checkpointDir, "pull"));

    /// <summary>Every recorded pull job; one whose record cannot be read comes with the reason instead.</summary>
    public static async Task<List<PullJobEntry>> ListAsync(string checkpointDir, CancellationToken cancellationToken)
    {
        var store = Store(checkpointDir);
        var jobs = new List<PullJobEntry>();
        foreach (var key in store.Keys())
        {
            try
            {
                if (await store.LoadAsync(key, cancellationToken) is { } stored)
                {
                    jobs.Add(new PullJobEntry(key, stored.Checkpoint, Damaged: null));
                }
            }
            catch (Upload.UploadException ex) when (ex.Code == Upload.UploadErrorCodes.CheckpointCorrupt)
            {
                jobs.Add(new PullJobEntry(key, Checkpoint: null, ex.Message));
            }
        }

        return jobs;
    }
}

/// <summary>A recorded pull job, or the key of a record that cannot be read and why.</summary>
internal sealed record PullJobEntry(string Key, PullCheckpoint? Checkpoint, string? Damaged);
