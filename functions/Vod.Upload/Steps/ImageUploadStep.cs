using Vod.Upload.Checkpoints;
using Vod.Upload.Engine;
using Vod.Upload.Ports;

namespace Vod.Upload.Steps;

/// <summary>
/// An image in one step: CreateUploadImage, record its id, PutObject, record it complete. An image's credential
/// cannot be refreshed and lives only in this step, so any instance can run it after any crash: an image left
/// unfinished by an earlier run is deleted first and a new one created, so exactly one image remains.
/// </summary>
internal static class ImageUploadStep
{
    public static async Task<UploadSession> RunAsync(StepServices services, UploadPlan plan, MediaMetadata metadata, UploadOptions options, IUploadObserver observer, CheckpointSession? session, CancellationToken cancellationToken)
    {
        if (session?.Current is { MediaId: { } abandoned, Completed: false })
        {
            await CreateOrRefreshStep.DeleteQuietlyAsync(services, MediaKind.Image, abandoned).ConfigureAwait(false);
        }

        var created = await MediaCreation.CreateImageAsync(services.Vod, plan, metadata, cancellationToken).ConfigureAwait(false);
        Log.MediaCreated(services.Logger, created.MediaId, plan.Source.Location);
        session ??= CreateOrRefreshStep.NewCheckpoint(services, plan);
        try
        {
            await session.UpdateAsync(c =>
            {
                c.Kind = MediaKind.Image;
                c.MediaId = created.MediaId;
                c.Title = MediaCreation.TitleFor(plan.Source.FileName, metadata);
                c.ImageUrl = created.ImageUrl;
                c.FileUrl = created.FileUrl;
                c.PartSize = plan.Parts.PartSize;
                c.PartCount = 1;
                CreateOrRefreshStep.ResetAddress(c, created.Grant.Address);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (!await CreateOrRefreshStep.RecordedAsync(services, plan.CheckpointKey, created.MediaId).ConfigureAwait(false))
            {
                await CreateOrRefreshStep.DeleteQuietlyAsync(services, MediaKind.Image, created.MediaId).ConfigureAwait(false);
            }

            throw;
        }

        var started = CreateOrRefreshStep.Started(services, plan, session.Current, resumed: false, observer);
        var length = (int)plan.Parts.TotalSize; // PartPlan refuses images larger than one buffer
        // An image is small (PartPlan refuses one larger than a buffer) and read whole before it is sent: its own
        // buffer, not the part pool's.
        var body = new PartBody(new byte[length], length);
        var startedAt = services.Time.GetTimestamp();
        PartDigest digest;
        await using (var source = await services.Sources.OpenAsync(plan.Source, cancellationToken).ConfigureAwait(false))
        {
            digest = await PartReader.FillAsync(source, 0, body, options.ContentMd5, cancellationToken).ConfigureAwait(false);
        }

        var crc = digest.Crc64;
        var credentials = services.Credentials.ForImage(created.MediaId, created.Grant.Auth);
        var stored = await PartSender.SendAsync(services, StepCheckpoints.Target(session.Current), null, 1, body, Task.FromResult(digest), options.ContentMd5, credentials, cancellationToken).ConfigureAwait(false);
        await session.UpdateAsync(c =>
        {
            c.Parts = [new CheckpointPart(1, stored.ETag, length, crc)];
            c.Completed = true;
            c.Crc64 = crc;
            c.ObjectETag = stored.ETag;
        }, cancellationToken).ConfigureAwait(false);
        Log.PartStored(services.Logger, 1, created.MediaId, length);
        Telemetry.UploadTelemetry.PartStored(length, services.Time.GetElapsedTime(startedAt));
        observer.OnProgress(new UploadProgress(created.MediaId, length, length, 1, 1));
        return started;
    }
}
