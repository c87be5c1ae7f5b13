using Azure;
using Microsoft.Azure.Functions.Worker;
using Vod.Alibaba.Errors;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Upload;
using Vod.Upload.Engine;

namespace Vod.Functions.Uploads;

/// <summary>
/// The engine's steps as activities. Each is idempotent (the engine's steps are) and exchanges small values; failures
/// become <see cref="TransientUploadException"/> or <see cref="FatalUploadException"/>.
/// </summary>
public sealed class UploadActivities(UploadEngine engine, VodClient vod, Records.MediaRecordStore records)
{
    /// <summary>Plans the upload.</summary>
    [Function(nameof(PlanUpload))]
    public Task<UploadPlan> PlanUpload([ActivityTrigger] UploadJob job) =>
        Step(() => engine.PlanAsync(new UploadRequest(job.Source, job.Metadata, job.Options), CancellationToken.None));

    /// <summary>Creates the media or refreshes its credentials.</summary>
    [Function(nameof(CreateOrRefreshMedia))]
    public Task<UploadSession> CreateOrRefreshMedia([ActivityTrigger] CreateJob job) =>
        Step(() => engine.CreateOrRefreshAsync(job.Plan, job.Metadata, job.Options, null, CancellationToken.None));

    /// <summary>Records the media of a blob upload (no change when it is already recorded).</summary>
    [Function(nameof(RecordMedia))]
    public async Task<bool> RecordMedia([ActivityTrigger] RecordMediaJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        await records.EnsureCreatedAsync(job.Kind, job.MediaId, job.Title, "blob", job.UploadId, owner: null, CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    /// <summary>Starts or reconciles the multipart upload.</summary>
    [Function(nameof(InitiateOrResumeUpload))]
    public Task<MultipartState> InitiateOrResumeUpload([ActivityTrigger] UploadSession session) =>
        Step(() => engine.InitiateOrResumeAsync(session, CancellationToken.None));

    /// <summary>Uploads a batch of parts (skipping parts already recorded).</summary>
    [Function(nameof(UploadPartBatch))]
    public Task<PartBatchResult> UploadPartBatch([ActivityTrigger] PartBatchJob job) =>
        Step(() => engine.UploadPartsAsync(job.Session, job.FirstPart, job.LastPart, job.Options, null, CancellationToken.None));

    /// <summary>Completes and verifies the object.</summary>
    [Function(nameof(CompleteUpload))]
    public Task<UploadResult> CompleteUpload([ActivityTrigger] UploadSession session) =>
        Step(() => engine.CompleteAsync(session, CancellationToken.None));

    /// <summary>Aborts the multipart upload and removes the checkpoint.</summary>
    [Function(nameof(AbortUpload))]
    public Task<bool> AbortUpload([ActivityTrigger] string checkpointKey) =>
        Step(() => engine.AbortAsync(checkpointKey, CancellationToken.None));

    /// <summary>Asks VOD for the media's status (when its event did not arrive in time).</summary>
    [Function(nameof(ConfirmMediaStatus))]
    public Task<string> ConfirmMediaStatus([ActivityTrigger] UploadResult result) => Step(async () =>
    {
        if (result.Kind == MediaKind.Image)
        {
            var image = await vod.GetImageInfoAsync(new GetImageInfoRequest { ImageId = result.MediaId }).ConfigureAwait(false);
            return image.ImageInfo.Status ?? "Unknown";
        }

        var video = await vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = result.MediaId }).ConfigureAwait(false);
        return video.Video.Status ?? "Unknown";
    });

    private static async Task<T> Step<T>(Func<Task<T>> step)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (UploadException ex) when (ex.Kind == UploadErrorKind.Fatal)
        {
            throw new FatalUploadException(ex.Code, ex.Message);
        }
        catch (UploadException ex)
        {
            throw new TransientUploadException(ex.Code, ex.Message);
        }
        catch (AlibabaCloudException ex)
        {
            throw ex.IsRetryable ? new TransientUploadException(ex.Code, ex.Message) : new FatalUploadException(ex.Code, ex.Message);
        }
        catch (Exception ex) when (IsTransientInfrastructure(ex))
        {
            // Storage or the network failed beyond the client's own retries: the step runs again later and resumes.
            throw new TransientUploadException(UploadErrorCodes.StorageUnavailable, $"{ex.GetType().Name}{(ex is RequestFailedException r ? $" {r.Status} {r.ErrorCode}" : string.Empty)}; the step will be retried.");
        }
    }

    private static bool IsTransientInfrastructure(Exception ex) => ex switch
    {
        RequestFailedException storage => storage.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException or IOException or TimeoutException => true,
        _ => false,
    };
}
