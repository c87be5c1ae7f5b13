namespace Vod.Upload.Pull;

/// <summary>
/// Cancels a pull: asks VOD once more for the job's media, deletes it when there is one (unless the caller keeps media),
/// and removes the checkpoint.
/// VOD cannot cancel a queued job: one still queued may create its media later (<see cref="PullCancelResult.JobMayStillRun"/>).
/// Safe to run twice (the second run finds nothing).
/// </summary>
internal static class PullCancelStep
{
    public static async Task<PullCancelResult> RunAsync(PullServices services, string key, bool keepMedia, CancellationToken cancellationToken)
    {
        var stored = await services.Checkpoints.LoadAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return new PullCancelResult(Found: false, JobId: null, MediaDeleted: false, MediaId: null, JobMayStillRun: false);
        }

        var checkpoint = stored.Checkpoint;
        if (keepMedia)
        {
            // The media stays whatever VOD says of the job: only the record goes, and VOD is not asked.
            await services.Checkpoints.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
            Log.PullCancelled(services.Logger, checkpoint.JobId ?? "(not submitted)", checkpoint.MediaId, false, false);
            return new PullCancelResult(Found: true, checkpoint.JobId, MediaDeleted: false, checkpoint.MediaId, JobMayStillRun: false);
        }

        var mediaId = checkpoint.MediaId;
        var status = checkpoint.VodStatus;
        if (checkpoint.JobId is { } jobId && await services.Vod.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false) is { } info)
        {
            mediaId = string.IsNullOrEmpty(info.MediaId) ? mediaId : info.MediaId;
            status = info.Status;
        }
        else if (checkpoint.JobId is null && await services.Vod.FindJobAsync(checkpoint.SourceUrl, checkpoint.RecordedAt, cancellationToken).ConfigureAwait(false) is { } found)
        {
            checkpoint.JobId = found.JobId;
            mediaId = string.IsNullOrEmpty(found.MediaId) ? null : found.MediaId;
            status = found.Status;
        }

        var deleted = false;
        if (mediaId is not null)
        {
            await services.Vod.DeleteVideoAsync(mediaId, cancellationToken).ConfigureAwait(false);
            deleted = true;
        }

        // A record with no job but a live claim: another run may be inside UploadMediaByURL right now, and its job would
        // outlive this cancel.
        var submitting = checkpoint.JobId is null && checkpoint.SubmitClaimedAt + PullSubmitStep.ClaimLifetime > services.Time.GetUtcNow();
        var mayStillRun = mediaId is null && (submitting || checkpoint.JobId is not null && !PullFailures.IsFailed(status) && !PullFailures.IsCompleted(status));
        await services.Checkpoints.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        Log.PullCancelled(services.Logger, checkpoint.JobId ?? "(not submitted)", mediaId, deleted, mayStillRun);
        return new PullCancelResult(Found: true, checkpoint.JobId, deleted, mediaId, mayStillRun);
    }
}
