namespace Vod.Upload.Workflow;

/// <summary>What the workflow does after a step.</summary>
/// <param name="Next">The next phase (<see cref="UploadPhase.Succeeded"/> or <see cref="UploadPhase.Failed"/> to end).</param>
/// <param name="Delay">How long to wait first.</param>
/// <param name="Counters">The retry and restart counts to carry on with.</param>
/// <param name="Failure">Why the upload failed, when <paramref name="Next"/> is <see cref="UploadPhase.Failed"/>.</param>
public sealed record WorkflowDecision(UploadPhase Next, TimeSpan Delay, WorkflowCounters Counters, UploadFailure? Failure = null);

/// <summary>How often the workflow has gone round.</summary>
/// <param name="Retries">Runs of the current step again after retryable failures, since it last succeeded.</param>
/// <param name="Restarts">Returns to an earlier step (upload gone, media gone, credential lost) in this run.</param>
public readonly record struct WorkflowCounters(int Retries, int Restarts);
