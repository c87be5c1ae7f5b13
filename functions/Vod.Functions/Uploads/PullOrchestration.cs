using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Vod.Upload;
using Vod.Upload.Engine;
using Vod.Upload.Pull;
using Vod.Upload.Workflow;

namespace Vod.Functions.Uploads;

/// <summary>
/// A pull upload as the orchestration runs it: <see cref="PullWorkflow"/> — the same sequence the CLI's <c>vod pull</c>
/// runs — over activities (<see cref="OrchestrationPullSteps"/>): submit once, poll GetURLUploadInfos on a durable timer
/// with back-off (woken early by VOD's callback), check the blob is still the version pinned, clean up; then confirm the
/// media's status. After <see cref="PullPlan.PollsPerExecution"/> polls it continues as new. Deterministic: the context's
/// clock and timers only, logs through the replay-safe logger. A failed job ends with its typed code (PullUrlExpired,
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
        var steps = new OrchestrationPullSteps(context, job, logger);
        var status = steps.Status;
        context.SetCustomStatus(status);
        var outcome = await PullWorkflow.RunAsync(steps, new PullWorkflowOptions
        {
            Steps = job.Options,
            Polling = new PullOptions { FirstPollInterval = TimeSpan.FromSeconds(plan.FirstPollSeconds), MaxPollInterval = TimeSpan.FromSeconds(plan.MaxPollSeconds) },
            PollsPerExecution = plan.PollsPerExecution,
            PollsBefore = plan.PollsBefore,
            StartedAt = plan.StartedAt,
        });
        if (outcome.Continuation is { } next)
        {
            // A long wait in VOD's queue: start a fresh history. Events raised meanwhile are kept; the next execution's
            // submit finds the recorded job and submits nothing.
            LogContinued(logger, job.UploadId, outcome.JobId!, next.PollsBefore);
            context.ContinueAsNew(job with { Pull = plan with { PollsBefore = next.PollsBefore, StartedAt = next.StartedAt } }, preserveUnprocessedEvents: true);
            return null!;
        }

        if (outcome.Failure is { } failure)
        {
            if (outcome.End == PullJobEnd.Unknown && outcome.JobId is { } jobId)
            {
                failure = failure with { Message = $"{failure.Message} VOD's job {jobId} may still run: retry the upload to keep watching it, or delete the upload to cancel it." };
            }

            status.ErrorCode = failure.Code;
            status.LastError = failure.Message;
            steps.SetPhase("failed");
            UploadEvents.Failed(logger, job.Source.Location, failure);
            if (!context.IsReplaying)
            {
                Upload.Telemetry.UploadTelemetry.UploadEnded(nameof(MediaKind.Video), failure.Code);
            }

            throw new UploadFailedException(failure.Code, failure.Message);
        }

        var pulled = outcome.Result!;
        var size = pulled.Size ?? plan.ExpectedBytes;
        var result = new UploadResult(pulled.MediaId, MediaKind.Video, size, 0, string.Empty, string.Empty, null, null);
        var confirmed = await context.CallActivityAsync<StepResult<string>>(nameof(UploadActivities.ConfirmMediaStatus), result);
        status.BytesUploaded = size;
        steps.SetPhase("succeeded");
        if (!context.IsReplaying)
        {
            Upload.Telemetry.UploadTelemetry.UploadEnded(nameof(MediaKind.Video), errorCode: null);
        }

        LogSucceeded(logger, job.UploadId, pulled.MediaId, pulled.JobId, size);
        return new UploadOutcome(job.UploadId, pulled.MediaId, nameof(MediaKind.Video), size, string.Empty, string.Empty, null, null,
            confirmed.Value ?? "Unknown", outcome.StartedAt, context.CurrentUtcDateTime);
    }

    [LoggerMessage(EventId = 2606, Level = LogLevel.Information, Message = "Upload {UploadId} continues as new after {Polls} polls of pull job {JobId}")]
    private static partial void LogContinued(ILogger logger, string uploadId, string jobId, int polls);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Information, Message = "Upload {UploadId} succeeded: VOD pulled {Bytes} bytes into {MediaId} (job {JobId})")]
    private static partial void LogSucceeded(ILogger logger, string uploadId, string mediaId, string jobId, long bytes);
}
