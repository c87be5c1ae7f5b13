using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Vod.Upload;
using Vod.Upload.Engine;
using Vod.Upload.Pull;
using Vod.Upload.Workflow;

namespace Vod.Functions.Uploads;

/// <summary>
/// The pull workflow's steps as activities of one orchestration (<see cref="PullActivities"/>): a retry pause is a durable
/// timer, a wait for the job ends early when VOD's callback raises its event, the media is recorded as soon as VOD names
/// it, and every step shows in the custom status. Holds no sequencing of its own; deterministic like the orchestrator it
/// serves (the context's clock, the replay-safe logger).
/// </summary>
internal sealed partial class OrchestrationPullSteps(TaskOrchestrationContext context, UploadJob job, ILogger logger) : IPullSteps
{
    /// <summary>The custom status, kept current.</summary>
    public UploadStatus Status { get; } = new()
    {
        Phase = "submitting", Kind = nameof(MediaKind.Video), TransferMode = "pull", ModeReason = job.ModeReason, TotalBytes = job.Pull?.ExpectedBytes ?? 0,
    };

    public DateTimeOffset Now => context.CurrentUtcDateTime;

    public Task<StepResult<PullSubmission>> SubmitAsync() => CallAsync<PullSubmission>(nameof(PullActivities.SubmitPull), job);

    public Task<StepResult<PullState>> PollAsync() => CallAsync<PullState>(nameof(PullActivities.PollPull), job);

    public Task<StepResult<bool>> CheckAsync(PullState completed)
    {
        SetPhase("checking");
        return CallAsync<bool>(nameof(PullActivities.CheckPulledSource), new PullCheckJob(job, completed));
    }

    public Task<StepResult<bool>> CleanUpAsync(string? failedMediaId) => CallAsync<bool>(nameof(PullActivities.CleanUpPull), new PullCleanUpJob(job, failedMediaId));

    // Recorded as soon as VOD names it: VOD's callbacks about it then wake this upload.
    public Task<StepResult<bool>> MediaNamedAsync(string mediaId) =>
        CallAsync<bool>(nameof(UploadActivities.RecordMedia), new RecordMediaJob(job.UploadId, mediaId, "video", job.Metadata.Title, "pull"));

    // VOD's callback (UploadByURLComplete, or FileUploadComplete of the media) ends the wait early.
    public async Task WaitForJobAsync(TimeSpan delay)
    {
        try
        {
            await context.WaitForExternalEvent<string>(UploadOrchestration.VodEventName, delay);
        }
        catch (TaskCanceledException)
        {
        }
    }

    public Task DelayAsync(TimeSpan delay) => context.CreateTimer(delay, CancellationToken.None);

    public void OnSubmitted(PullSubmission submission)
    {
        Status.PullJobId = submission.JobId;
        Status.MediaId = submission.MediaId;
        Status.PullStatus = "PENDING";
        LogSubmitted(logger, job.UploadId, submission.JobId, submission.Resumed);
        SetPhase("pulling");
    }

    public void OnPolled(PullState state, int polls)
    {
        Status.PullPolls = polls;
        Status.PullStatus = state.VodStatus;
        Status.MediaId = state.MediaId ?? Status.MediaId;
        if (state.Bytes is { } bytes)
        {
            Status.BytesUploaded = bytes;
        }

        context.SetCustomStatus(Status);
    }

    public void OnDecision(PullPhase phase, UploadFailure? failure, PullDecision decision)
    {
        if (failure is null || (decision.Next == PullPhase.Failed && phase != PullPhase.CleanUp))
        {
            return;
        }

        UploadEvents.StepFailed(logger, phase, job.Source.Location, failure, decision.Next);
        if (decision.Next == phase)
        {
            Status.ErrorCode = failure.Code;
            Status.LastError = failure.Message;
            context.SetCustomStatus(Status);
            if (!context.IsReplaying)
            {
                Upload.Telemetry.UploadTelemetry.Retries.Add(1, new("error.type", failure.Code), new("vod.retry.scope", "step"));
            }
        }
    }

    /// <summary>Moves the custom status to <paramref name="phase"/>; a change is logged once (the logger is replay-safe).</summary>
    public void SetPhase(string phase) => ActivityCalls.SetPhase(context, logger, job.UploadId, Status, phase);

    private Task<StepResult<T>> CallAsync<T>(string activity, object input) => ActivityCalls.CallAsync<T>(context, activity, input);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Information, Message = "Upload {UploadId} is pulled by VOD as job {JobId} (submitted by an earlier run: {Resumed})")]
    private static partial void LogSubmitted(ILogger logger, string uploadId, string jobId, bool resumed);
}
