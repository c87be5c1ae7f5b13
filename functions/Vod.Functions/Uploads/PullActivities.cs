using Azure;
using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Vod.Upload;
using Vod.Upload.Pull;
using Vod.Upload.Workflow;

namespace Vod.Functions.Uploads;

/// <summary>Input of the pull clean-up: the job, and the media a failed job left, to delete (null: none).</summary>
public sealed record PullCleanUpJob(UploadJob Job, string? DeleteMediaId);

/// <summary>Input of the pull source check: the job, and what VOD reported when its pull completed.</summary>
public sealed record PullCheckJob(UploadJob Job, PullState State);

/// <summary>
/// A pull upload's steps as activities: submit (create-once), poll, check the source, clean up. Each is safe to run twice
/// and answers its failure as data. The SAS is made inside <see cref="SubmitPull"/> and never leaves it: no activity
/// input or output, custom status or log carries it.
/// </summary>
public sealed class PullActivities(PullUploader pull, IPullUrlSigner signer, BlobServiceClient blobs, Microsoft.Extensions.Options.IOptions<VodFunctionsOptions> options)
{
    /// <summary>The pull checkpoint of an upload: its id (one orchestration instance, one pull).</summary>
    public static string CheckpointKey(UploadJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.UploadId;
    }

    /// <summary>Submits the pull once: checks the blob is still the version pinned, signs its URL, records and submits.</summary>
    [Function(nameof(SubmitPull))]
    public Task<StepResult<PullSubmission>> SubmitPull([ActivityTrigger] UploadJob job) => Step(async () =>
    {
        ArgumentNullException.ThrowIfNull(job);
        var plan = job.Pull ?? throw new UploadException(UploadErrorCodes.InvalidRequest, "The job has no pull plan.", UploadErrorKind.Fatal);
        var options = new PullOptions { MaxBytes = plan.MaxBytes, ExpectedBytes = plan.ExpectedBytes };
        return await pull.SubmitAsync(CheckpointKey(job), job.Metadata, options, async ct =>
        {
            await CheckSourceAsync(job, reportedBytes: null, ct).ConfigureAwait(false);
            return await signer.SignAsync(job.Source.Container!, job.Source.BlobName!, TimeSpan.FromSeconds(plan.UrlLifetimeSeconds), ct).ConfigureAwait(false);
        }, job.TraceParent, CancellationToken.None).ConfigureAwait(false);
    });

    /// <summary>Asks VOD where the pull job stands.</summary>
    [Function(nameof(PollPull))]
    public Task<StepResult<PullState>> PollPull([ActivityTrigger] UploadJob job) =>
        Step(() => pull.PollAsync(CheckpointKey(job), job.TraceParent, CancellationToken.None));

    /// <summary>
    /// After VOD reports the file: the blob must still be the version pinned (its ETag) and of the size VOD reports;
    /// otherwise VOD may hold another version, so its media is deleted and the upload fails with SourceChanged.
    /// </summary>
    [Function(nameof(CheckPulledSource))]
    public Task<StepResult<bool>> CheckPulledSource([ActivityTrigger] PullCheckJob check) => Step(async () =>
    {
        ArgumentNullException.ThrowIfNull(check);
        try
        {
            await CheckSourceAsync(check.Job, check.State.Bytes, CancellationToken.None).ConfigureAwait(false);
        }
        catch (UploadException ex) when (ex.Code == UploadErrorCodes.SourceChanged && check.State.MediaId is { } mediaId)
        {
            await pull.DeleteMediaAsync(mediaId, check.Job.TraceParent, CancellationToken.None).ConfigureAwait(false);
            throw new UploadException(ex.Code, ex.Message + $" VOD's media {mediaId} was deleted.", ex.Kind);
        }

        return true;
    });

    /// <summary>
    /// Removes the pull checkpoint of an upload that ended and, after a failure, deletes the media the failed job left
    /// (unless <c>Vod:KeepMediaOnCancel</c>). Both are safe to repeat.
    /// </summary>
    [Function(nameof(CleanUpPull))]
    public Task<StepResult<bool>> CleanUpPull([ActivityTrigger] PullCleanUpJob cleanUp) => Step(async () =>
    {
        ArgumentNullException.ThrowIfNull(cleanUp);
        if (cleanUp.DeleteMediaId is { } mediaId && !options.Value.KeepMediaOnCancel)
        {
            await pull.DeleteMediaAsync(mediaId, cleanUp.Job.TraceParent, CancellationToken.None).ConfigureAwait(false);
        }

        await pull.CleanUpAsync(CheckpointKey(cleanUp.Job), cleanUp.Job.TraceParent, CancellationToken.None).ConfigureAwait(false);
        return true;
    });

    // One HEAD request: the blob's properties, never its content.
    private async Task CheckSourceAsync(UploadJob job, long? reportedBytes, CancellationToken cancellationToken)
    {
        Azure.Storage.Blobs.Models.BlobProperties properties;
        try
        {
            properties = (await blobs.GetBlobContainerClient(job.Source.Container).GetBlobClient(job.Source.BlobName)
                .GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new UploadException(UploadErrorCodes.SourceChanged, $"The blob {job.Source.Location} was deleted during the pull.", UploadErrorKind.Fatal);
        }

        if (job.Source.ETag is { } pinned && properties.ETag.ToString() != pinned)
        {
            throw new UploadException(UploadErrorCodes.SourceChanged, $"The blob {job.Source.Location} changed during the pull (ETag {properties.ETag}, pinned {pinned}).", UploadErrorKind.Fatal);
        }

        if (reportedBytes is { } bytes && bytes != properties.ContentLength)
        {
            throw new UploadException(UploadErrorCodes.SourceChanged, $"VOD reports {bytes} bytes; the blob {job.Source.Location} has {properties.ContentLength}.", UploadErrorKind.Fatal);
        }
    }

    private static async Task<StepResult<T>> Step<T>(Func<Task<T>> step)
    {
        try
        {
            return StepResult.Ok(await step().ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            return StepResult.Failed<T>(PullFailures.FromStep(ex));
        }
    }
}
