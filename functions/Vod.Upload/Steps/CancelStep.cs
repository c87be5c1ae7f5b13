using Vod.Upload.Engine;

namespace Vod.Upload.Steps;

/// <summary>
/// Cancels an unfinished upload: aborts its multipart upload (so no parts are left to cost money), deletes the VOD
/// media it created (unless asked to keep it) and removes its checkpoint and any stop request. A finished upload's media
/// is never deleted.
/// </summary>
internal static class CancelStep
{
    public static async Task<CancelResult> RunAsync(StepServices services, string checkpointKey, bool keepMedia, CancellationToken cancellationToken)
    {
        var stored = await services.Checkpoints.LoadAsync(checkpointKey, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            await services.Checkpoints.ClearStopAsync(checkpointKey, cancellationToken).ConfigureAwait(false);
            return new CancelResult(Found: false, MultipartAborted: false, MediaDeleted: false, MediaId: null);
        }

        var checkpoint = stored.Checkpoint;
        var aborted = false;
        if (checkpoint is { MultipartUploadId: { } multipartUploadId, MediaId: { } videoId, Completed: false, Kind: MediaKind.Video })
        {
            try
            {
                var credentials = await services.Credentials.ForVideoAsync(videoId, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                await CredentialedCall.RunAsync(credentials, async c =>
                {
                    await services.Oss.AbortAsync(StepCheckpoints.Target(checkpoint), multipartUploadId, c, cancellationToken).ConfigureAwait(false);
                    return true;
                }, cancellationToken).ConfigureAwait(false);
                aborted = true;
            }
            catch (UploadException ex) when (ex.Kind is UploadErrorKind.MediaGone or UploadErrorKind.UploadGone)
            {
                // The video (and with it its upload) or the multipart upload is gone already: nothing left to cost money.
            }
        }

        var deleted = false;
        if (!keepMedia && checkpoint is { MediaId: { } mediaId, Completed: false })
        {
            await services.Vod.DeleteMediaAsync(checkpoint.Kind, mediaId, cancellationToken).ConfigureAwait(false);
            deleted = true;
        }

        await services.Checkpoints.DeleteAsync(checkpointKey, cancellationToken).ConfigureAwait(false);
        await services.Checkpoints.ClearStopAsync(checkpointKey, cancellationToken).ConfigureAwait(false);
        if (checkpoint.MediaId is { } id)
        {
            services.Credentials.Forget(id);
        }

        Log.UploadCancelled(services.Logger, checkpoint.MediaId ?? checkpointKey, aborted, deleted);
        return new CancelResult(Found: true, aborted, deleted, checkpoint.MediaId);
    }
}
