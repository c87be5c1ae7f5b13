using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Vod.Upload;
using Vod.Upload.Engine;
using Vod.Upload.Pull;
using Vod.Upload.Workflow;

namespace Vod.Functions.Uploads;

/// <summary>
/// A pull upload as the orchestration runs it: submit once (the activity records the job before anything else can
/// fail), then poll GetURLUploadInfos on a durable timer with back-off — woken early by VOD's callback — until the job
/// ends; check the blob is still the version pinned; record and confirm the media. Deterministic: the context's clock
/// and timers only, logs through the replay-safe logger. A failed job ends with its typed code (PullUrlExpired,
/// PullAccessDenied, PullUploadFailed …) and VOD's message.
/// </summary>
public static partial class PullOrchestration
{
    /// <summary>Runs the pull of <paramref name="job"/> (called by <see cref="UploadOrchestration.RunAsync"/>).</summary>
    public static async Task<UploadOutcome> RunAsync(TaskOrchestrationContext context, UploadJob job, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(logger);
        var plan = job.Pull ?? throw new InvalidOperationException("A pull job has a pull plan.");
        var started = plan.StartedAt ?? context.CurrentUtcDateTime;
        var status = new UploadStatus { Phase = "submitting", Kind = nameof(MediaKind.Video), TransferMode = "pull", ModeReason = job.ModeReason, TotalBytes = plan.ExpectedBytes };
        context.SetCustomStatus(status);
        var submitted = await WithRetriesAsync<PullSubmission>(context, job, status, nameof(PullActivities.SubmitPull), job);
        if (submitted.Failure is { } submitFailure)
        {
            return await FailAsync(context, job, status, logger, submitFailure, JobEnd.Unknown);
        }

        var submission = submitted.Value!;
        status.PullJobId = submission.JobId;
        status.MediaId = submission.MediaId;
        status.PullStatus = "PENDING";
        LogSubmitted(logger, job.UploadId, submission.JobId, submission.Resumed);
        SetPhase(context, job, status, logger, "pulling");

        var recorded = false;
        var unanswered = 0;
        PullState state;
        for (var polls = 0; ; polls++)
        {
            var polled = await CallAsync<PullState>(context, nameof(PullActivities.PollPull), job);
            if (polled.Failure is { Kind: UploadErrorKind.Retryable } transient && ++unanswered < MaxUnansweredPolls)
            {
                // VOD or storage did not answer (throttled, down): the job goes on in VOD whatever happens here, so the
                // upload keeps asking on its back-off instead of failing and leaving a media nobody watches.
                status.ErrorCode = transient.Code;
                status.LastError = transient.Message;
                await WaitAsync(context, plan, plan.PollsBefore + polls);
                continue;
            }

            if (polled.Failure is { } pollFailure)
            {
                return await FailAsync(context, job, status, logger, pollFailure, JobEnd.Unknown);
            }

            unanswered = 0;
            state = polled.Value!;
            status.PullPolls = plan.PollsBefore + polls + 1;
            status.PullStatus = state.VodStatus;
            status.MediaId = state.MediaId ?? status.MediaId;
            if (state.Bytes is { } bytes)
            {
                status.BytesUploaded = bytes;
            }

            context.SetCustomStatus(status);
            if (state.MediaId is { } mediaId && !recorded)
            {
                // Recorded as soon as VOD names it: VOD's callbacks about it then wake this upload.
                var record = await context.CallActivityAsync<StepResult<bool>>(nameof(UploadActivities.RecordMedia),
                    new RecordMediaJob(job.UploadId, mediaId, "video", job.Metadata.Title, "pull"));
                recorded = record.Failure is null;
            }

            if (state.Failure is { } jobFailure)
            {
                return await FailAsync(context, job, status, logger, jobFailure, JobEnd.Failed);
            }

            if (state.Completed)
            {
                break;
            }

            if (polls + 1 >= plan.PollsPerExecution)
            {
                // A long wait in VOD's queue: start a fresh history. Events raised meanwhile are kept; the next execution's
                // submit finds the recorded job and submits nothing.
                LogContinued(logger, job.UploadId, state.JobId, status.PullPolls);
                context.ContinueAsNew(job with { Pull = plan with { PollsBefore = status.PullPolls, StartedAt = started } }, preserveUnprocessedEvents: true);
                return null!;
            }

            await WaitAsync(context, plan, plan.PollsBefore + polls);
        }

        SetPhase(context, job, status, logger, "checking");
        var checkedSource = await WithRetriesAsync<bool>(context, job, status, nameof(PullActivities.CheckPulledSource), new PullCheckJob(job, state));
        if (checkedSource.Failure is { } changed)
        {
            // Only a confirmed change of the source condemns the media (the check deleted it); a check that could not be
            // made (storage unavailable) leaves a media VOD pulled correctly, unverified, for a retry to verify.
            return await FailAsync(context, job, status, logger, changed, changed.Code == UploadErrorCodes.SourceChanged ? JobEnd.MediaDeleted : JobEnd.Unknown);
        }

        await CallAsync<bool>(context, nameof(PullActivities.CleanUpPull), new PullCleanUpJob(job, null));
        var size = state.Bytes ?? plan.ExpectedBytes;
        var result = new UploadResult(state.MediaId!, MediaKind.Video, size, 0, string.Empty, string.Empty, null, null);
        var confirmed = await context.CallActivityAsync<StepResult<string>>(nameof(UploadActivities.ConfirmMediaStatus), result);
        status.BytesUploaded = size;
        SetPhase(context, job, status, logger, "succeeded");
        if (!context.IsReplaying)
        {
            Upload.Telemetry.UploadTelemetry.UploadEnded(nameof(MediaKind.Video), errorCode: null);
        }

        LogSucceeded(logger, job.UploadId, state.MediaId!, state.JobId, size);
        return new UploadOutcome(job.UploadId, state.MediaId!, nameof(MediaKind.Video), size, string.Empty, string.Empty, null, null,
            confirmed.Value ?? "Unknown", started, context.CurrentUtcDateTime);
    }

    /// <summary>Consecutive polls without an answer (retryable failures) after which the upload fails.</summary>
    public const int MaxUnansweredPolls = 30;

    // The back-off wait between polls; VOD's callback (UploadByURLComplete, or FileUploadComplete of the media) ends it
    // early. The poll that follows decides, never the event.
    private static async Task WaitAsync(TaskOrchestrationContext context, PullPlan plan, int polls)
    {
        var delay = new PullOptions { FirstPollInterval = TimeSpan.FromSeconds(plan.FirstPollSeconds), MaxPollInterval = TimeSpan.FromSeconds(plan.MaxPollSeconds) }.PollDelay(polls);
        try
        {
            await context.WaitForExternalEvent<string>(UploadOrchestration.VodEventName, delay);
        }
        catch (TaskCanceledException)
        {
        }
    }

    private static async Task<StepResult<T>> CallAsync<T>(TaskOrchestrationContext context, string activity, object input)
    {
        try
        {
            return await context.CallActivityAsync<StepResult<T>>(activity, input);
        }
        catch (TaskFailedException ex)
        {
            return StepResult.Failed<T>(new UploadFailure(UploadErrorCodes.InternalError, UploadErrorKind.Fatal, $"{activity} failed: {ex.FailureDetails.ErrorType}"));
        }
    }

    // A retryable failure (storage, network, throttling) runs the step again after the workflow's durable back-off, as
    // the push steps do.
    private static async Task<StepResult<T>> WithRetriesAsync<T>(TaskOrchestrationContext context, UploadJob job, UploadStatus status, string activity, object input)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await CallAsync<T>(context, activity, input);
            if (result.Failure is not { Kind: UploadErrorKind.Retryable } failure || attempt >= job.Options.StepRetryCount)
            {
                return result;
            }

            status.ErrorCode = failure.Code;
            status.LastError = failure.Message;
            context.SetCustomStatus(status);
            await context.CreateTimer(UploadWorkflow.RetryPause(job.Options, attempt), CancellationToken.None);
        }
    }

    // What is known of VOD's job when the upload fails: it decides what the failure may clean up.
    private enum JobEnd
    {
        // VOD may still run the job (the failure was ours or the connection's: polls unanswered, a refused call, a check
        // that could not be made): nothing is deleted and the checkpoint stays, so a retry watches the same job instead
        // of submitting a second one, and a delete through the API cancels it.
        Unknown,

        // VOD reported the job failed: its media (UploadFail) is deleted with the checkpoint.
        Failed,

        // The job completed but its source changed; the check deleted the media: only the checkpoint goes.
        MediaDeleted,
    }

    private static async Task<UploadOutcome> FailAsync(TaskOrchestrationContext context, UploadJob job, UploadStatus status, ILogger logger, UploadFailure failure, JobEnd end)
    {
        if (end != JobEnd.Unknown)
        {
            await CallAsync<bool>(context, nameof(PullActivities.CleanUpPull), new PullCleanUpJob(job, end == JobEnd.Failed ? status.MediaId : null));
        }
        else if (status.PullJobId is not null)
        {
            failure = failure with { Message = $"{failure.Message} VOD's job {status.PullJobId} may still run: retry the upload to keep watching it, or delete the upload to cancel it." };
        }

        status.ErrorCode = failure.Code;
        status.LastError = failure.Message;
        SetPhase(context, job, status, logger, "failed");
        UploadEvents.Failed(logger, job.Source.Location, failure);
        if (!context.IsReplaying)
        {
            Upload.Telemetry.UploadTelemetry.UploadEnded(nameof(MediaKind.Video), failure.Code);
        }

        throw new UploadFailedException(failure.Code, failure.Message);
    }

    private static void SetPhase(TaskOrchestrationContext context, UploadJob job, UploadStatus status, ILogger logger, string phase)
    {
        if (phase != status.Phase)
        {
            UploadOrchestration.LogPhase(logger, job.UploadId, status.Phase, phase);
            status.Phase = phase;
        }

        context.SetCustomStatus(status);
    }

    [LoggerMessage(EventId = 2602, Level = LogLevel.Information, Message = "Upload {UploadId} is pulled by VOD as job {JobId} (submitted by an earlier run: {Resumed})")]
    private static partial void LogSubmitted(ILogger logger, string uploadId, string jobId, bool resumed);

    [LoggerMessage(EventId = 2606, Level = LogLevel.Information, Message = "Upload {UploadId} continues as new after {Polls} polls of pull job {JobId}")]
    private static partial void LogContinued(ILogger logger, string uploadId, string jobId, int polls);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Information, Message = "Upload {UploadId} succeeded: VOD pulled {Bytes} bytes into {MediaId} (job {JobId})")]
    private static partial void LogSucceeded(ILogger logger, string uploadId, string mediaId, string jobId, long bytes);
}
