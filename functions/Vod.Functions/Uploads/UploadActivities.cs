using Microsoft.Azure.Functions.Worker;
using Vod.Alibaba.VodApi;
using Vod.Alibaba.VodApi.Operations;
using Vod.Upload;
using Vod.Upload.Engine;
using Vod.Upload.Workflow;

namespace Vod.Functions.Uploads;

/// <summary>
/// The engine's steps as activities. Each can run on any instance after any crash (the engine's steps read what they
/// need from the checkpoint) and answers its result or its failure as data — code and kind — never an exception
/// whose message would have to be parsed.
/// </summary>
public sealed class UploadActivities(UploadEngine engine, VodClient vod, Records.MediaRecordStore records)
{
    /// <summary>Plans the upload.</summary>
    [Function(nameof(PlanUpload))]
    public Task<StepResult<UploadPlan>> PlanUpload([ActivityTrigger] UploadJob job) =>
        Step(() => engine.PlanAsync(new UploadRequest(job.Source, job.Metadata, job.Options, job.TraceParent, job.UploadId), CancellationToken.None));

    /// <summary>Creates the media or refreshes its credential (an image is created and written).</summary>
    [Function(nameof(CreateOrRefreshMedia))]
    public Task<StepResult<UploadSession>> CreateOrRefreshMedia([ActivityTrigger] CreateJob job) =>
        Step(() => engine.CreateOrRefreshAsync(job.Plan, job.Metadata, job.Options, null, CancellationToken.None));

    /// <summary>Records the media of a blob upload (no change when it is already recorded).</summary>
    [Function(nameof(RecordMedia))]
    public Task<StepResult<bool>> RecordMedia([ActivityTrigger] RecordMediaJob job) => Step(async () =>
    {
        ArgumentNullException.ThrowIfNull(job);
        await records.EnsureCreatedAsync(job.Kind, job.MediaId, job.Title, "blob", job.UploadId, owner: null, CancellationToken.None, job.TransferMode ?? "push").ConfigureAwait(false);
        return true;
    });

    /// <summary>Starts or reconciles the multipart upload.</summary>
    [Function(nameof(InitiateOrResumeUpload))]
    public Task<StepResult<MultipartState>> InitiateOrResumeUpload([ActivityTrigger] SessionJob job) =>
        Step(() => engine.InitiateOrResumeAsync(job.Session, job.Options, CancellationToken.None));

    /// <summary>Uploads a batch of parts (skipping parts already recorded).</summary>
    [Function(nameof(UploadPartBatch))]
    public Task<StepResult<PartBatchResult>> UploadPartBatch([ActivityTrigger] PartBatchJob job) =>
        Step(() => engine.UploadPartsAsync(job.Session, job.FirstPart, job.LastPart, job.Options, null, CancellationToken.None));

    /// <summary>Completes and verifies the object.</summary>
    [Function(nameof(CompleteUpload))]
    public Task<StepResult<UploadResult>> CompleteUpload([ActivityTrigger] SessionJob job) =>
        Step(() => engine.CompleteAsync(job.Session, job.Options, CancellationToken.None));

    /// <summary>Removes the checkpoint of a verified upload.</summary>
    [Function(nameof(CleanUpUpload))]
    public Task<StepResult<bool>> CleanUpUpload([ActivityTrigger] UploadSession session) => Step(async () =>
    {
        await engine.CleanUpAsync(session, CancellationToken.None).ConfigureAwait(false);
        return true;
    });

    /// <summary>Asks VOD for the media's status (when its event did not arrive in time).</summary>
    [Function(nameof(ConfirmMediaStatus))]
    public Task<StepResult<string>> ConfirmMediaStatus([ActivityTrigger] UploadResult result) => Step(async () =>
    {
        if (result.Kind == MediaKind.Image)
        {
            var image = await vod.GetImageInfoAsync(new GetImageInfoRequest { ImageId = result.MediaId }).ConfigureAwait(false);
            return image.ImageInfo.Status ?? "Unknown";
        }

        var video = await vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = result.MediaId }).ConfigureAwait(false);
        return video.Video.Status ?? "Unknown";
    });

    private static async Task<StepResult<T>> Step<T>(Func<Task<T>> step)
    {
        try
        {
            return StepResult.Ok(await step().ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            return StepResult.Failed<T>(StepFailures.From(ex));
        }
    }
}
