using System.Buffers;
using Vod.Alibaba.Hashing;
using Vod.Alibaba.Oss;
using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;

namespace Vod.Upload.Steps;

/// <summary>
/// Step 3: reconciles the checkpoint with ListParts (keeps parts the server has with the same ETag and size, adopts
/// parts the server has that match the source, drops the rest), or starts a multipart upload. When OSS no longer knows
/// the recorded multipart upload, an object already completed from the recorded parts is adopted; otherwise a new
/// multipart upload starts on the same address.
/// </summary>
internal static class InitiateOrResumeStep
{
    public static async Task<MultipartState> RunAsync(StepServices services, UploadSession session, UploadOptions options, CancellationToken cancellationToken)
    {
        var checkpoint = await StepCheckpoints.RequireAsync(services, session.Plan.CheckpointKey, cancellationToken).ConfigureAwait(false);
        var plan = session.Plan.Parts;
        if (checkpoint.Current.Completed)
        {
            return new MultipartState(ObjectComplete: true, plan.PartCount, plan.TotalSize);
        }

        if (plan.SinglePut)
        {
            return new MultipartState(ObjectComplete: false, 0, 0);
        }

        var credentials = await services.Credentials.ForVideoAsync(session.MediaId, options.CredentialRefreshMargin, cancellationToken).ConfigureAwait(false);
        var target = StepCheckpoints.Target(checkpoint.Current);
        if (checkpoint.Current.MultipartUploadId is { } multipartUploadId)
        {
            IReadOnlyList<OssPart>? serverParts = null;
            try
            {
                serverParts = await CredentialedCall.RunAsync(credentials, c => services.Oss.ListPartsAsync(target, multipartUploadId, c, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (UploadException ex) when (ex.Kind == UploadErrorKind.UploadGone)
            {
                if (await CompletedObject.TryAdoptAsync(services, checkpoint, plan, credentials, cancellationToken).ConfigureAwait(false))
                {
                    return new MultipartState(ObjectComplete: true, plan.PartCount, plan.TotalSize);
                }

                Log.CheckpointDiscarded(services.Logger, session.Plan.CheckpointKey, $"multipart upload {multipartUploadId} no longer exists; starting a new one");
            }

            if (serverParts is not null)
            {
                var adopted = await AdoptServerPartsAsync(services, session, checkpoint.Current, serverParts, cancellationToken).ConfigureAwait(false);
                var onServer = serverParts.ToDictionary(p => p.PartNumber);
                // Kept: what OSS holds with the same ETag and the size the plan gives that part (a record of another
                // size cannot tile the source, whatever OSS holds).
                var recorded = checkpoint.Current.Parts;
                var kept = recorded.Where(p => p.Number <= plan.PartCount && p.Size == plan.Range(p.Number).Length
                    && onServer.TryGetValue(p.Number, out var s) && s.Size == p.Size && StepCheckpoints.SameETag(s.ETag, p.ETag)).ToList();
                var dropped = recorded.Count - kept.Count;
                if (dropped > 0 || adopted.Count > 0)
                {
                    await checkpoint.UpdateAsync(c => c.Parts = [.. kept.Concat(adopted).DistinctBy(p => p.Number).OrderBy(p => p.Number)], cancellationToken).ConfigureAwait(false);
                }

                Log.Reconciled(services.Logger, session.MediaId, multipartUploadId, kept.Count, dropped, adopted.Count);
                return new MultipartState(ObjectComplete: false, checkpoint.Current.Parts.Count, checkpoint.Current.BytesDone);
            }
        }

        var newId = await CredentialedCall.RunAsync(credentials, c => services.Oss.InitiateAsync(target, c, cancellationToken), cancellationToken).ConfigureAwait(false);
        await checkpoint.UpdateAsync(c =>
        {
            c.MultipartUploadId = newId;
            c.Parts = [];
        }, cancellationToken).ConfigureAwait(false);
        Log.MultipartInitiated(services.Logger, newId, session.MediaId);
        return new MultipartState(ObjectComplete: false, 0, 0);
    }

    /// <summary>
    /// Finds parts the server stored after the last checkpoint write (a crash between UploadPart and the write): each is
    /// adopted when the source's bytes have the ETag's MD5, so it is not sent again.
    /// </summary>
    private static async Task<List<CheckpointPart>> AdoptServerPartsAsync(StepServices services, UploadSession session, UploadCheckpoint checkpoint, IReadOnlyList<OssPart> serverParts, CancellationToken cancellationToken)
    {
        var recorded = checkpoint.Parts.Select(p => p.Number).ToHashSet();
        var plan = session.Plan.Parts;
        var candidates = serverParts.Where(p => !recorded.Contains(p.PartNumber) && p.PartNumber <= plan.PartCount && p.Size == plan.Range(p.PartNumber).Length).ToList();
        var adopted = new List<CheckpointPart>();
        if (candidates.Count == 0)
        {
            return adopted;
        }

        await using var source = await services.Sources.OpenAsync(session.Plan.Source, cancellationToken).ConfigureAwait(false);
        foreach (var part in candidates)
        {
            var (offset, length) = plan.Range(part.PartNumber);
            var buffer = ArrayPool<byte>.Shared.Rent(checked((int)length));
            try
            {
                var data = buffer.AsMemory(0, (int)length);
                await source.ReadAsync(offset, data, cancellationToken).ConfigureAwait(false);
                var md5Hex = Convert.ToHexString(Convert.FromBase64String(ContentMd5.Compute(data.Span)));
                if (StepCheckpoints.SameETag(part.ETag, md5Hex))
                {
                    adopted.Add(new CheckpointPart(part.PartNumber, part.ETag, length, Crc64Ecma.Compute(data.Span)));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return adopted;
    }
}
