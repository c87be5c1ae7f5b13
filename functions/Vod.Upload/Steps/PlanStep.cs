using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;

namespace Vod.Upload.Steps;

/// <summary>
/// Step 1: opens the source, decides the media kind and the part plan (the checkpoint's part size, when parts are
/// already stored) and pins the source version.
/// </summary>
internal static class PlanStep
{
    public static async Task<UploadPlan> RunAsync(StepServices services, UploadRequest request, CancellationToken cancellationToken)
    {
        try
        {
            request.Options.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new UploadException(UploadErrorCodes.InvalidRequest, ex.Message, UploadErrorKind.Fatal, ex);
        }

        var kind = MediaKinds.FromFileName(request.Source.FileName);
        request.Metadata.Validate(kind, request.Source.FileName);
        await using var source = await services.Sources.OpenAsync(request.Source, cancellationToken).ConfigureAwait(false);
        if (kind == MediaKind.Image && source.Identity.Size >= ImageFormat.SignatureLength)
        {
            var head = new byte[ImageFormat.SignatureLength];
            await source.ReadAsync(0, head, cancellationToken).ConfigureAwait(false);
            var declared = request.Metadata.ImageExt ?? Alibaba.VodApi.VodMediaRules.ExtensionOf(request.Source.FileName);
            if (ImageFormat.Detect(head) is { } format && !ImageFormat.Names(declared, format))
            {
                throw new UploadException(UploadErrorCodes.InvalidRequest, $"The file is a {format.ToUpperInvariant()} image, not '{declared}'.", UploadErrorKind.Fatal);
            }
        }

        var key = UploadCheckpoint.KeyFor(source.Identity);
        var parts = PartPlan.For(source.Identity.Size, request.Options.PartSize, kind);
        var existing = await services.Checkpoints.LoadAsync(key, cancellationToken).ConfigureAwait(false);
        if (existing?.Checkpoint is { PartCount: > 0 } checkpoint && checkpoint.PartSize != parts.PartSize)
        {
            // Parts already stored fix the part size of this upload; a size this engine cannot send is refused, not
            // crashed on (an older version accepted parts larger than a buffer).
            try
            {
                parts = PartPlan.For(source.Identity.Size, checkpoint.PartSize, kind);
            }
            catch (UploadException ex) when (ex.Code == UploadErrorCodes.InvalidRequest)
            {
                throw new UploadException(UploadErrorCodes.CheckpointCorrupt,
                    $"The checkpoint '{key}' plans parts of {checkpoint.PartSize} bytes, which this version cannot send; cancel the upload and start again.", UploadErrorKind.Fatal, ex);
            }
        }

        if (existing?.Checkpoint.SourceFingerprint is { } began && source.Fingerprint is { } now && began != now)
        {
            throw new UploadException(UploadErrorCodes.SourceChanged,
                $"'{source.Identity.Location}' changed since its upload began (its content, inode or status-change time): cancel that upload ({key}) and start again.", UploadErrorKind.Fatal);
        }

        return new UploadPlan(key, request.Source with { ETag = source.Identity.Version }, source.Identity, kind, parts, source.Fingerprint, request.TraceParent, request.UploadId);
    }
}
