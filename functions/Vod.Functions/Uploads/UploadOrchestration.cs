using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Vod.Upload;
using Vod.Upload.Engine;

namespace Vod.Functions.Uploads;

/// <summary>
/// The upload as a durable orchestration: plan → create-or-refresh → initiate-or-resume → part batches (through
/// sub-orchestrations, at most Parallel batches in flight) → complete and verify → wait for VOD's event. Sequencing
/// only: every byte and every decision about bytes is the engine's. Deterministic: no I/O, clock or GUID but the
/// context's.
/// </summary>
public static class UploadOrchestration
{
    /// <summary>The external event the callback receiver raises when VOD reports the media uploaded.</summary>
    public const string VodEventName = "VodUploadEvent";

    /// <summary>Batches one sub-orchestration runs; bounds each instance's history (≈ 3 events a batch).</summary>
    public const int BatchesPerRange = 40;

    /// <summary>Most part batches an upload is cut into (10,000 parts → 50 parts a batch).</summary>
    public const int MaxBatches = 200;

    /// <summary>The Functions entry point.</summary>
    [Function(nameof(UploadOrchestrator))]
    public static Task<UploadOutcome> UploadOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        RunAsync(context, context.GetInput<UploadJob>() ?? throw new InvalidOperationException("The orchestration has no input."));

    /// <summary>The sub-orchestration's Functions entry point.</summary>
    [Function(nameof(PartRangeOrchestrator))]
    public static Task<PartRangeResult> PartRangeOrchestrator([OrchestrationTrigger] TaskOrchestrationContext context) =>
        RunRangeAsync(context, context.GetInput<PartRangeJob>() ?? throw new InvalidOperationException("The orchestration has no input."));

    /// <summary>Retries only transient failures, with the job's count and exponential backoff.</summary>
    public static TaskOptions Retry(UploadOptions options) => options.RetryCount == 0
        ? new TaskOptions()
        : TaskOptions.FromRetryPolicy(new RetryPolicy(
            options.RetryCount + 1,
            options.RetryDuration > TimeSpan.Zero ? options.RetryDuration : TimeSpan.FromMilliseconds(100),
            backoffCoefficient: 2)
        {
            HandleFailure = failure => failure.IsCausedBy<TransientUploadException>(),
        });

    /// <summary>The upload orchestration (called by the Functions entry point and by test hosts).</summary>
    public static async Task<UploadOutcome> RunAsync(TaskOrchestrationContext context, UploadJob job)
    {
        var started = context.CurrentUtcDateTime;
        var status = new UploadStatus();
        var retry = Retry(job.Options);
        context.SetCustomStatus(status);
        try
        {
            var plan = await context.CallActivityAsync<UploadPlan>(nameof(UploadActivities.PlanUpload), job, retry);
            status.Phase = "creating";
            status.Kind = plan.Kind.ToString();
            status.TotalBytes = plan.Parts.TotalSize;
            status.PartCount = plan.Parts.PartCount;
            context.SetCustomStatus(status);

            var session = await context.CallActivityAsync<UploadSession>(nameof(UploadActivities.CreateOrRefreshMedia), new CreateJob(plan, job.Metadata, job.Options), retry);
            status.MediaId = session.MediaId;
            await context.CallActivityAsync<bool>(nameof(UploadActivities.RecordMedia),
                new RecordMediaJob(job.UploadId, session.MediaId, plan.Kind == MediaKind.Image ? "image" : "video", job.Metadata.Title), retry);
            status.Phase = "uploading";
            var state = await context.CallActivityAsync<MultipartState>(nameof(UploadActivities.InitiateOrResumeUpload), session, retry);
            status.PartsDone = state.PartsDone;
            status.BytesUploaded = state.BytesDone;
            context.SetCustomStatus(status);

            var partCount = plan.Parts.PartCount;
            var partsPerBatch = Math.Max(Math.Max(1, job.Options.Parallel), (partCount + MaxBatches - 1) / MaxBatches);
            var partsPerRange = partsPerBatch * BatchesPerRange;
            for (var first = 1; first <= partCount; first += partsPerRange)
            {
                var last = Math.Min(partCount, first + partsPerRange - 1);
                var range = await context.CallSubOrchestratorAsync<PartRangeResult>(
                    nameof(PartRangeOrchestrator), new PartRangeJob(session, job.Options, first, last, partsPerBatch),
                    new SubOrchestrationOptions { InstanceId = $"{context.InstanceId}:parts:{first}" });
                status.PartsDone = Math.Min(partCount, status.PartsDone + range.PartsUploaded);
                status.BytesUploaded = Math.Min(status.TotalBytes, status.BytesUploaded + range.BytesUploaded);
                status.Retries += range.Retries;
                status.TokenRefreshes += range.TokenRefreshes;
                context.SetCustomStatus(status);
            }

            status.Phase = "completing";
            context.SetCustomStatus(status);
            var result = await context.CallActivityAsync<UploadResult>(nameof(UploadActivities.CompleteUpload), session, retry);
            status.BytesUploaded = status.TotalBytes;
            status.PartsDone = partCount;
            status.Phase = "waiting-for-vod";
            context.SetCustomStatus(status);

            string vodStatus;
            try
            {
                vodStatus = await context.WaitForExternalEvent<string>(VodEventName, TimeSpan.FromSeconds(job.CallbackTimeoutSeconds));
            }
            catch (TaskCanceledException)
            {
                // VOD's event did not come (callbacks are dropped after three attempts): ask the API.
                vodStatus = await context.CallActivityAsync<string>(nameof(UploadActivities.ConfirmMediaStatus), result, retry);
            }

            status.Phase = "succeeded";
            context.SetCustomStatus(status);
            return new UploadOutcome(job.UploadId, result.MediaId, result.Kind.ToString(), result.Size, result.Crc64.ToString(System.Globalization.CultureInfo.InvariantCulture),
                result.ObjectKey, result.ImageUrl, result.FileUrl, vodStatus, started, context.CurrentUtcDateTime);
        }
        catch (TaskFailedException ex)
        {
            var message = Innermost(ex.FailureDetails);
            status.Phase = "failed";
            status.LastError = message;
            context.SetCustomStatus(status);
            throw new UploadFailedException(UploadStepException.CodeOf(message), message);
        }
    }

    /// <summary>Runs a range of part batches, at most Parallel at once.</summary>
    public static async Task<PartRangeResult> RunRangeAsync(TaskOrchestrationContext context, PartRangeJob job)
    {
        var retry = Retry(job.Options);
        var batches = new List<PartBatchJob>();
        for (var first = job.FirstPart; first <= job.LastPart; first += job.PartsPerBatch)
        {
            batches.Add(new PartBatchJob(job.Session, job.Options, first, Math.Min(job.LastPart, first + job.PartsPerBatch - 1)));
        }

        // At most Parallel batches in flight.
        var results = new List<PartBatchResult>();
        var inFlight = new List<Task<PartBatchResult>>();
        foreach (var batch in batches)
        {
            if (inFlight.Count >= Math.Max(1, job.Options.Parallel))
            {
                var done = await Task.WhenAny(inFlight);
                inFlight.Remove(done);
                results.Add(await done);
            }

            inFlight.Add(context.CallActivityAsync<PartBatchResult>(nameof(UploadActivities.UploadPartBatch), batch, retry));
        }

        results.AddRange(await Task.WhenAll(inFlight));
        return new PartRangeResult(results.Sum(r => r.PartsUploaded), results.Sum(r => r.BytesUploaded), results.Sum(r => r.Retries), results.Sum(r => r.TokenRefreshes));
    }

    private static string Innermost(TaskFailureDetails details)
    {
        while (details.InnerFailure is { } inner)
        {
            details = inner;
        }

        return details.ErrorMessage;
    }
}

/// <summary>The orchestration's failure: its message starts with the stable error code.</summary>
public sealed class UploadFailedException(string code, string message) : Exception(message.StartsWith(code, StringComparison.Ordinal) ? message : $"{code}: {message}")
{
    /// <summary>The stable error code.</summary>
    public string Code { get; } = code;
}
