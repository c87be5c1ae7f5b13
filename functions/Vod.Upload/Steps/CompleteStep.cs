using System.Globalization;
using Vod.Alibaba.Oss;
using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;

namespace Vod.Upload.Steps;

/// <summary>
/// Step 5: checks that the recorded parts tile the source exactly, completes the multipart upload with them and checks
/// that OSS's CRC-64 of the object equals the CRC combined from the source's parts (else IntegrityError, and no
/// success). When OSS no longer knows the multipart upload, an object an earlier run completed is recognised by its
/// size and CRC. Running it again after success answers the same result.
/// </summary>
internal static class CompleteStep
{
    public static async Task<UploadResult> RunAsync(StepServices services, UploadSession session, UploadOptions options, CancellationToken cancellationToken)
    {
        var checkpoint = await StepCheckpoints.RequireAsync(services, session.Plan.CheckpointKey, cancellationToken).ConfigureAwait(false);
        var plan = session.Plan.Parts;
        if (checkpoint.Current.Completed)
        {
            return Result(checkpoint.Current, plan.TotalSize);
        }

        var current = checkpoint.Current;
        var missing = Enumerable.Range(1, plan.PartCount).Except(current.Parts.Select(p => p.Number)).ToList();
        if (missing.Count > 0)
        {
            throw new UploadException(UploadErrorCodes.UploadFailed, $"{missing.Count} parts are not uploaded yet (first: {missing[0]}).", UploadErrorKind.Retryable);
        }

        if (!CompletedObject.PartsTile(current, plan))
        {
            throw new UploadException(UploadErrorCodes.IntegrityError,
                $"The recorded parts ({current.Parts.Count}, {current.BytesDone} bytes) do not tile the source ({plan.PartCount} parts, {plan.TotalSize} bytes); nothing was completed.", UploadErrorKind.Fatal);
        }

        if (current.MultipartUploadId is not { } multipartUploadId)
        {
            throw new UploadException(UploadErrorCodes.CheckpointMissing, "No multipart upload is recorded; it is started again.", UploadErrorKind.UploadGone);
        }

        // The source must still be the version every part was read from (for a file: size, times and inode; for a
        // blob: its ETag): a change after the last read would complete an object of neither version.
        await using (var source = await services.Sources.OpenAsync(session.Plan.Source, cancellationToken).ConfigureAwait(false))
        {
            if (current.SourceFingerprint is { } began && source.Fingerprint is { } now && began != now)
            {
                throw new UploadException(UploadErrorCodes.SourceChanged, $"'{source.Identity.Location}' changed during the upload; nothing was completed.", UploadErrorKind.Fatal);
            }
        }

        var credentials = await services.Credentials.ForVideoAsync(session.MediaId, options.CredentialRefreshMargin, cancellationToken).ConfigureAwait(false);
        var expectedCrc = CompletedObject.ExpectedCrc(current);
        OssCompleteResult completed;
        try
        {
            completed = await CredentialedCall.RunAsync(credentials,
                c => services.Oss.CompleteAsync(StepCheckpoints.Target(current), multipartUploadId, [.. current.Parts.OrderBy(p => p.Number).Select(p => new OssPartETag(p.Number, p.ETag))], c, cancellationToken),
                cancellationToken).ConfigureAwait(false);
        }
        catch (UploadException ex) when (ex.Kind == UploadErrorKind.UploadGone)
        {
            // Completed by an earlier run that died before recording it: the object itself tells.
            if (await CompletedObject.TryAdoptAsync(services, checkpoint, plan, credentials, cancellationToken).ConfigureAwait(false))
            {
                return Result(checkpoint.Current, plan.TotalSize);
            }

            throw;
        }

        if (completed.Crc64 != expectedCrc)
        {
            throw new UploadException(UploadErrorCodes.IntegrityError,
                $"OSS reports CRC-64 {completed.Crc64?.ToString(CultureInfo.InvariantCulture) ?? "none"} for the object; the source's parts give {expectedCrc}.", UploadErrorKind.Fatal);
        }

        await checkpoint.UpdateAsync(c =>
        {
            c.Completed = true;
            c.Crc64 = expectedCrc;
            c.ObjectETag = completed.ETag;
        }, cancellationToken).ConfigureAwait(false);
        Log.UploadCompleted(services.Logger, session.MediaId, plan.TotalSize, expectedCrc);
        return Result(checkpoint.Current, plan.TotalSize);
    }

    private static UploadResult Result(UploadCheckpoint checkpoint, long size) =>
        new(checkpoint.MediaId!, checkpoint.Kind, size, checkpoint.Crc64 ?? 0, checkpoint.ObjectETag ?? string.Empty, checkpoint.ObjectKey!, checkpoint.ImageUrl, checkpoint.FileUrl);
}
