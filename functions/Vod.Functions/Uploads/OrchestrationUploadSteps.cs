using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Vod.Upload;
using Vod.Upload.Engine;
using Vod.Upload.Workflow;

namespace Vod.Functions.Uploads;

/// <summary>
/// The workflow's steps as activities of one orchestration: each step is one activity (parts fan out over
/// sub-orchestrations of batches), a pause is a durable timer, and every decision shows in the custom status. Holds no
/// sequencing of its own; deterministic like the orchestrator it serves.
/// </summary>
internal sealed class OrchestrationUploadSteps(TaskOrchestrationContext context, UploadJob job, ILogger logger) : IUploadSteps
{
    private int _partRuns;

    /// <summary>The custom status, kept current.</summary>
    public UploadStatus Status { get; } = new() { ModeReason = job.ModeReason };

    public Task<StepResult<UploadPlan>> PlanAsync() => CallAsync<UploadPlan>(nameof(UploadActivities.PlanUpload), job);

    public async Task<StepResult<UploadSession>> CreateOrRefreshAsync(UploadPlan plan)
    {
        Status.Kind = plan.Kind.ToString();
        Status.TotalBytes = plan.Parts.TotalSize;
        Status.PartCount = plan.Parts.PartCount;
        var created = await CallAsync<UploadSession>(nameof(UploadActivities.CreateOrRefreshMedia), new CreateJob(plan, job.Metadata, job.Options));
        if (created.Value is not { } session)
        {
            return created;
        }

        Status.MediaId = session.MediaId;
        var recorded = await CallAsync<bool>(nameof(UploadActivities.RecordMedia),
            new RecordMediaJob(job.UploadId, session.MediaId, plan.Kind == MediaKind.Image ? "image" : "video", job.Metadata.Title));
        return recorded.Failure is { } failure ? StepResult.Failed<UploadSession>(failure) : created;
    }

    public async Task<StepResult<MultipartState>> InitiateOrResumeAsync(UploadSession session)
    {
        var state = await CallAsync<MultipartState>(nameof(UploadActivities.InitiateOrResumeUpload), new SessionJob(session, job.Options));
        if (state.Value is { } multipart)
        {
            Progress(multipart.PartsDone, multipart.BytesDone);
        }

        return state;
    }

    public async Task<StepResult<PartBatchResult>> UploadPartsAsync(UploadSession session)
    {
        // A sub-orchestration id is used once: a second run of this step (after a retry or a restart) takes new ones.
        var run = ++_partRuns;
        var partCount = session.Plan.Parts.PartCount;
        var partsPerBatch = Math.Max(Math.Max(1, job.Options.Parallel), (partCount + UploadOrchestration.MaxBatches - 1) / UploadOrchestration.MaxBatches);
        var partsPerRange = partsPerBatch * UploadOrchestration.BatchesPerRange;
        var total = new PartBatchResult(0, 0, 0, 0, 0);
        for (var first = 1; first <= partCount; first += partsPerRange)
        {
            var last = Math.Min(partCount, first + partsPerRange - 1);
            var range = await context.CallSubOrchestratorAsync<PartRangeResult>(
                nameof(UploadOrchestration.PartRangeOrchestrator), new PartRangeJob(session, job.Options, first, last, partsPerBatch),
                new SubOrchestrationOptions { InstanceId = $"{context.InstanceId}:parts:{run}:{first}" });
            total = new PartBatchResult(total.PartsUploaded + range.PartsUploaded, 0, total.BytesUploaded + range.BytesUploaded, total.Retries + range.Retries, total.TokenRefreshes + range.TokenRefreshes);
            Status.Retries += range.Retries;
            Status.TokenRefreshes += range.TokenRefreshes;
            Progress(Status.PartsDone + range.PartsUploaded, Status.BytesUploaded + range.BytesUploaded);
            if (range.Failure is { } failure)
            {
                return StepResult.Failed<PartBatchResult>(failure);
            }
        }

        return StepResult.Ok(total);
    }

    public async Task<StepResult<UploadResult>> CompleteAsync(UploadSession session)
    {
        var result = await CallAsync<UploadResult>(nameof(UploadActivities.CompleteUpload), new SessionJob(session, job.Options));
        if (result.Value is not null)
        {
            Progress(Status.PartCount, Status.TotalBytes);
        }

        return result;
    }

    public Task<StepResult<bool>> CleanUpAsync(UploadSession session) => CallAsync<bool>(nameof(UploadActivities.CleanUpUpload), session);

    public Task DelayAsync(TimeSpan delay) => context.CreateTimer(delay, CancellationToken.None);

    public void OnDecision(UploadPhase phase, UploadFailure? failure, WorkflowDecision decision)
    {
        if (failure is not null)
        {
            Status.ErrorCode = failure.Code;
            Status.LastError = failure.Message;
            if (decision.Next != UploadPhase.Failed)
            {
                UploadEvents.StepFailed(logger, phase, job.Source.Location, failure, decision.Next);
            }
        }

        if (failure is not null && decision.Next != UploadPhase.Failed && !context.IsReplaying)
        {
            Upload.Telemetry.UploadTelemetry.Retries.Add(1, new("error.type", failure.Code), new("vod.retry.scope", "step"));
        }

        SetPhase(decision.Next switch
        {
            UploadPhase.Plan => "planning",
            UploadPhase.CreateOrRefresh => "creating",
            UploadPhase.InitiateOrResume or UploadPhase.UploadParts => failure?.Kind == UploadErrorKind.Stopped ? "stopped" : "uploading",
            UploadPhase.Complete or UploadPhase.CleanUp => "completing",
            _ => Status.Phase,
        });
    }

    /// <summary>Moves the custom status to <paramref name="phase"/>; a change is logged once (the logger is replay-safe).</summary>
    public void SetPhase(string phase) => ActivityCalls.SetPhase(context, logger, job.UploadId, Status, phase);

    // Progress only moves forward: parts dropped on a resume are sent again, they do not count twice or backwards.
    private void Progress(int partsDone, long bytesDone)
    {
        Status.PartsDone = Math.Clamp(partsDone, Status.PartsDone, Math.Max(Status.PartsDone, Status.PartCount));
        Status.BytesUploaded = Math.Clamp(bytesDone, Status.BytesUploaded, Math.Max(Status.BytesUploaded, Status.TotalBytes));
        context.SetCustomStatus(Status);
    }

    private Task<StepResult<T>> CallAsync<T>(string activity, object input) => ActivityCalls.CallAsync<T>(context, activity, input);
}
