using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;

namespace Vod.Upload.Steps;

/// <summary>
/// Cancels an unfinished upload — readable or damaged — : aborts its multipart upload (so no parts are left to cost money), deletes the VOD
/// media it created (unless asked to keep it) and removes its checkpoint and any stop request. A finished upload's media
/// is never deleted.
/// </summary>
internal static class CancelStep
{
    public static async Task<CancelResult> RunAsync(StepServices services, string checkpointKey, bool keepMedia, CancellationToken cancellationToken)
    {
        // A damaged checkpoint (or one of an earlier format) is cancelled from what can still be read of it.
        Started? what;
        try
        {
            var stored = await services.Checkpoints.LoadAsync(checkpointKey, cancellationToken).ConfigureAwait(false);
            what = stored is null ? null : Started.From(stored.Checkpoint);
        }
        catch (UploadException ex) when (ex.Code == UploadErrorCodes.CheckpointCorrupt)
        {
            what = await services.Checkpoints.SalvageAsync(checkpointKey, cancellationToken).ConfigureAwait(false) is { } damaged ? Started.From(damaged) : null;
        }

        if (what is null)
        {
            await services.Checkpoints.ClearStopAsync(checkpointKey, cancellationToken).ConfigureAwait(false);
            return new CancelResult(Found: false, MultipartAborted: false, MediaDeleted: false, MediaId: null);
        }

        var aborted = false;
        var unfinished = what.Completed == false;
        if (what is { MediaId: { } videoId, Completed: not true, Kind: MediaKind.Video, Bucket: { } bucket, ObjectKey: { } objectKey }
            && Uri.TryCreate(what.Endpoint, UriKind.Absolute, out var endpoint))
        {
            var target = new Alibaba.Oss.OssObjectLocation(endpoint, bucket, objectKey);
            try
            {
                var credentials = await services.Credentials.ForVideoAsync(videoId, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                if (what.MultipartUploadId is { } multipartUploadId)
                {
                    await CredentialedCall.RunAsync(credentials, async c =>
                    {
                        await services.Oss.AbortAsync(target, multipartUploadId, c, cancellationToken).ConfigureAwait(false);
                        return true;
                    }, cancellationToken).ConfigureAwait(false);
                    aborted = true;
                }

                // A damaged checkpoint that no longer says whether its object is complete: OSS does.
                unfinished |= what.Completed is null
                    && await CredentialedCall.RunAsync(credentials, c => services.Oss.HeadAsync(target, c, cancellationToken), cancellationToken).ConfigureAwait(false) is null;
            }
            catch (UploadException ex) when (ex.Kind is UploadErrorKind.MediaGone or UploadErrorKind.UploadGone)
            {
                // The video (and with it its upload) or the multipart upload is gone already: nothing left to cost money.
            }
        }

        // Only a media known to be unfinished is deleted: one that may be complete in VOD is left alone.
        var deleted = false;
        if (!keepMedia && unfinished && what is { MediaId: { } mediaId, Kind: { } kind })
        {
            await services.Vod.DeleteMediaAsync(kind, mediaId, cancellationToken).ConfigureAwait(false);
            deleted = true;
        }

        await services.Checkpoints.DeleteAsync(checkpointKey, cancellationToken).ConfigureAwait(false);
        await services.Checkpoints.ClearStopAsync(checkpointKey, cancellationToken).ConfigureAwait(false);
        if (what.MediaId is { } id)
        {
            services.Credentials.Forget(id);
        }

        Log.UploadCancelled(services.Logger, what.MediaId ?? checkpointKey, aborted, deleted);
        return new CancelResult(Found: true, aborted, deleted, what.MediaId);
    }

    /// <summary>What an upload started, as far as its checkpoint tells.</summary>
    private sealed record Started(MediaKind? Kind, string? MediaId, string? MultipartUploadId, string? Endpoint, string? Bucket, string? ObjectKey, bool? Completed)
    {
        public static Started From(UploadCheckpoint c) => new(c.Kind, c.MediaId, c.MultipartUploadId, c.Endpoint, c.Bucket, c.ObjectKey, c.Completed);

        public static Started From(DamagedCheckpoint d) => new(d.Kind, d.MediaId, d.MultipartUploadId, d.Endpoint, d.Bucket, d.ObjectKey, d.Completed);
    }
}
