using Microsoft.DurableTask;
using Vod.Upload;
using Vod.Upload.Workflow;

namespace Vod.Functions.Uploads;

/// <summary>How the orchestrations' step hosts call an activity and publish a phase: the same for push and pull.</summary>
internal static class ActivityCalls
{
    /// <summary>Calls <paramref name="activity"/>; its failure comes back as data, as the workflows expect.</summary>
    public static async Task<StepResult<T>> CallAsync<T>(TaskOrchestrationContext context, string activity, object input)
    {
        try
        {
            return await context.CallActivityAsync<StepResult<T>>(activity, input);
        }
        catch (TaskFailedException ex)
        {
            // Activities answer failures as data; one that threw anyway (a defect, or its input could not be read) ends here.
            return StepResult.Failed<T>(new UploadFailure(UploadErrorCodes.InternalError, UploadErrorKind.Fatal, $"{activity} failed: {ex.FailureDetails.ErrorType}"));
        }
    }

    /// <summary>Moves <paramref name="status"/> to <paramref name="phase"/> and publishes it; a change is logged once (the logger is replay-safe).</summary>
    public static void SetPhase(TaskOrchestrationContext context, Microsoft.Extensions.Logging.ILogger logger, string uploadId, UploadStatus status, string phase)
    {
        if (phase != status.Phase)
        {
            UploadOrchestration.LogPhase(logger, uploadId, status.Phase, phase);
            status.Phase = phase;
        }

        context.SetCustomStatus(status);
    }
}
