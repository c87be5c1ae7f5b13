using Microsoft.Extensions.Logging;
using Vod.Upload.Workflow;

namespace Vod.Upload;

/// <summary>The workflow's log events, for every host that runs it (the orchestrator logs them replay-safe).</summary>
public static class UploadEvents
{
    /// <summary>Event 1006: the upload failed.</summary>
    public static void Failed(ILogger logger, string source, UploadFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Log.UploadFailed(logger, source, failure.Code, failure.Message);
    }

    /// <summary>Event 1015: a step failed and the workflow goes on (a retry, or back to an earlier step).</summary>
    public static void StepFailed(ILogger logger, UploadPhase phase, string source, UploadFailure failure, UploadPhase next)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Log.StepFailed(logger, phase.ToString(), source, failure.Code, failure.Kind, next.ToString());
    }

    /// <summary>Event 1015 for a pull: a step failed and the pull goes on (a retry, an unanswered poll, a clean-up left undone).</summary>
    public static void StepFailed(ILogger logger, Pull.PullPhase phase, string source, UploadFailure failure, Pull.PullPhase next)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Log.StepFailed(logger, "Pull" + phase, source, failure.Code, failure.Kind, next.ToString());
    }
}
