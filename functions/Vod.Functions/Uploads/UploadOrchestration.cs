using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Vod.Upload;
using Vod.Upload.Engine;
using Vod.Upload.Workflow;

namespace Vod.Functions.Uploads;

/// <summary>
/// The upload as a durable orchestration: <see cref="UploadWorkflow"/> — the same sequence the CLI runs — over
/// activities (<see cref="OrchestrationUploadSteps"/>), then the wait for VOD's event. Deterministic: no I/O, clock or
/// GUID but the context's; logs only through the replay-safe logger.
/// </summary>
public static partial class UploadOrchestration
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

    /// <summary>The upload orchestration (called by the Functions entry point and by test hosts).</summary>
    public static async Task<UploadOutcome> RunAsync(TaskOrchestrationContext context, UploadJob job)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(job);
        var started = context.CurrentUtcDateTime;
        var logger = context.CreateReplaySafeLogger(typeof(UploadOrchestration).FullName!);
        if (job.Mode == Vod.Upload.Pull.TransferMode.Pull)
        {
            return await PullOrchestration.RunAsync(context, job, logger);
        }

        var steps = new OrchestrationUploadSteps(context, job, logger);
        context.SetCustomStatus(steps.Status);
        var outcome = await UploadWorkflow.RunAsync(steps, job.Options);
        var status = steps.Status;
        if (outcome.Failure is { } failure)
        {
            UploadEvents.Failed(logger, job.Source.Location, failure);
            status.ErrorCode = failure.Code;
            status.LastError = failure.Message;
            steps.SetPhase("failed");
            if (!context.IsReplaying)
            {
                Upload.Telemetry.UploadTelemetry.UploadEnded(status.Kind ?? "Unknown", failure.Code);
            }

            throw new UploadFailedException(failure.Code, failure.Message);
        }

        var result = outcome.Result!;
        if (!context.IsReplaying)
        {
            Upload.Telemetry.UploadTelemetry.UploadEnded(result.Kind.ToString(), errorCode: null);
        }

        steps.SetPhase("waiting-for-vod");
        string vodStatus;
        try
        {
            vodStatus = await context.WaitForExternalEvent<string>(VodEventName, TimeSpan.FromSeconds(job.CallbackTimeoutSeconds));
        }
        catch (TaskCanceledException)
        {
            // VOD's event did not come (callbacks are dropped after three attempts): ask the API. The object is
            // verified either way; a status VOD cannot tell now is reported as Unknown, not as a failed upload.
            var confirmed = await context.CallActivityAsync<StepResult<string>>(nameof(UploadActivities.ConfirmMediaStatus), result);
            vodStatus = confirmed.Value ?? "Unknown";
        }

        steps.SetPhase("succeeded");
        LogSucceeded(logger, job.UploadId, result.MediaId, vodStatus);
        return new UploadOutcome(job.UploadId, result.MediaId, result.Kind.ToString(), result.Size, result.Crc64.ToString(System.Globalization.CultureInfo.InvariantCulture),
            result.ObjectKey, result.ImageUrl, result.FileUrl, vodStatus, started, context.CurrentUtcDateTime);
    }

    /// <summary>
    /// Runs a range of part batches, at most Parallel at once. After a batch fails no new batch starts; the ones in
    /// flight finish and the first failure goes up to the workflow, which decides.
    /// </summary>
    public static async Task<PartRangeResult> RunRangeAsync(TaskOrchestrationContext context, PartRangeJob job)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(job);
        var results = new List<StepResult<PartBatchResult>>();
        var inFlight = new List<Task<StepResult<PartBatchResult>>>();
        for (var first = job.FirstPart; first <= job.LastPart; first += job.PartsPerBatch)
        {
            if (inFlight.Count >= Math.Max(1, job.Options.Parallel))
            {
                var done = await Task.WhenAny(inFlight);
                inFlight.Remove(done);
                results.Add(await done);
            }

            if (results.Any(r => r.Failure is not null))
            {
                break;
            }

            var batch = new PartBatchJob(job.Session, job.Options, first, Math.Min(job.LastPart, first + job.PartsPerBatch - 1));
            inFlight.Add(context.CallActivityAsync<StepResult<PartBatchResult>>(nameof(UploadActivities.UploadPartBatch), batch));
        }

        results.AddRange(await Task.WhenAll(inFlight));
        var stored = results.Where(r => r.Value is not null).Select(r => r.Value!).ToList();
        return new PartRangeResult(stored.Sum(r => r.PartsUploaded), stored.Sum(r => r.BytesUploaded), stored.Sum(r => r.Retries), stored.Sum(r => r.TokenRefreshes),
            results.FirstOrDefault(r => r.Failure is not null)?.Failure);
    }

    /// <summary>Event 2502: the upload moved to another phase (logged once, never on replay).</summary>
    [LoggerMessage(EventId = 2502, Level = LogLevel.Information, Message = "Upload {UploadId}: {From} → {To}")]
    internal static partial void LogPhase(ILogger logger, string uploadId, string? from, string to);

    [LoggerMessage(EventId = 2501, Level = LogLevel.Information, Message = "Upload {UploadId} succeeded: {MediaId} is {VodStatus} in VOD")]
    private static partial void LogSucceeded(ILogger logger, string uploadId, string mediaId, string vodStatus);
}

/// <summary>The orchestration's failure: the stable code, and what happened.</summary>
public sealed class UploadFailedException(string code, string message) : Exception(message)
{
    /// <summary>The stable error code (also in the custom status's <see cref="UploadStatus.ErrorCode"/>).</summary>
    public string Code { get; } = code;
}
