using Vod.Upload.Engine;

namespace Vod.Upload.Workflow;

/// <summary>
/// How a host runs the steps <see cref="UploadWorkflow"/> names: in this process (the CLI), or as activities of a
/// durable orchestration. Each method runs one step and returns its result or its failure as data; none decides
/// what comes next.
/// </summary>
public interface IUploadSteps
{
    /// <summary>Runs <see cref="UploadPhase.Plan"/>.</summary>
    Task<StepResult<UploadPlan>> PlanAsync();

    /// <summary>Runs <see cref="UploadPhase.CreateOrRefresh"/>.</summary>
    Task<StepResult<UploadSession>> CreateOrRefreshAsync(UploadPlan plan);

    /// <summary>Runs <see cref="UploadPhase.InitiateOrResume"/>.</summary>
    Task<StepResult<MultipartState>> InitiateOrResumeAsync(UploadSession session);

    /// <summary>Runs <see cref="UploadPhase.UploadParts"/> over every part (a host may fan it out).</summary>
    Task<StepResult<PartBatchResult>> UploadPartsAsync(UploadSession session);

    /// <summary>Runs <see cref="UploadPhase.Complete"/>.</summary>
    Task<StepResult<UploadResult>> CompleteAsync(UploadSession session);

    /// <summary>Runs <see cref="UploadPhase.CleanUp"/>.</summary>
    Task<StepResult<bool>> CleanUpAsync(UploadSession session);

    /// <summary>Waits before a step runs again (a durable timer in an orchestration).</summary>
    Task DelayAsync(TimeSpan delay);

    /// <summary>Hears the workflow's decisions, e.g. to log a failed step or show the phase.</summary>
    void OnDecision(UploadPhase phase, UploadFailure? failure, WorkflowDecision decision);
}
