using Vod.Upload.Checkpoints;

namespace Vod.Upload.Pull;

/// <summary>
/// Asks VOD once where a submitted pull job stands (GetURLUploadInfos) and records the media id the first time VOD names
/// it, so a cancel can delete it. Safe to run any number of times.
/// </summary>
internal static class PullPollStep
{
    public static async Task<PullState> RunAsync(PullServices services, string key, CancellationToken cancellationToken)
    {
        var stored = await services.Checkpoints.LoadAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is not { Checkpoint: { State: PullCheckpointState.Submitted, JobId: { } jobId } checkpoint })
        {
            throw new UploadException(UploadErrorCodes.CheckpointMissing, $"No submitted pull job is recorded under '{key}'.", UploadErrorKind.Fatal);
        }

        var info = await services.Vod.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (info is null)
        {
            var missing = new UploadFailure(UploadErrorCodes.PullJobNotFound, UploadErrorKind.Fatal, $"VOD does not know pull job {jobId}.");
            return new PullState(jobId, checkpoint.MediaId, "NOT_FOUND", null, Completed: false, missing);
        }

        var status = info.Status ?? "PENDING";
        var bytes = long.TryParse(info.FileSize, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var size) ? size : (long?)null;
        var mediaId = string.IsNullOrEmpty(info.MediaId) ? checkpoint.MediaId : info.MediaId;
        if (status != checkpoint.VodStatus || mediaId != checkpoint.MediaId)
        {
            Log.PullStatusChanged(services.Logger, jobId, status, mediaId, bytes);
            checkpoint.VodStatus = status;
            checkpoint.MediaId = mediaId;
            try
            {
                await services.Checkpoints.SaveAsync(key, checkpoint, stored.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (CheckpointConflictException)
            {
                // Another poll recorded the same answer first; VOD is asked again next time.
            }
        }

        if (PullFailures.IsFailed(status))
        {
            var failure = PullFailures.From(info);
            Log.PullFailed(services.Logger, jobId, failure.Code, failure.Message);
            return new PullState(jobId, mediaId, status, bytes, Completed: false, failure);
        }

        if (PullFailures.IsCompleted(status))
        {
            if (mediaId is null)
            {
                var noMedia = new UploadFailure(UploadErrorCodes.PullUploadFailed, UploadErrorKind.Fatal, $"VOD reports pull job {jobId} {status} without a media id.");
                return new PullState(jobId, null, status, bytes, Completed: false, noMedia);
            }

            return new PullState(jobId, mediaId, status, bytes, Completed: true, Failure: null);
        }

        return new PullState(jobId, mediaId, status, bytes, Completed: false, Failure: null);
    }
}
