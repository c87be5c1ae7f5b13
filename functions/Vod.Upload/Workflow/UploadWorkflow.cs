using Vod.Upload.Engine;

namespace Vod.Upload.Workflow;

/// <summary>
/// The upload's sequence, defined once: <see cref="Decide"/> names the next step from the last one's outcome, and
/// <see cref="RunAsync"/> drives a host's <see cref="IUploadSteps"/> with it. The CLI runs the steps in-process, the
/// durable orchestration runs them as activities; both go through here. Deterministic: no clock, no I/O, no random —
/// everything comes from the steps' results, so an orchestrator can replay it.
/// </summary>
public static class UploadWorkflow
{
    /// <summary>
    /// Returns to earlier steps (multipart upload gone, media gone, image credential lost) one run may make before it
    /// fails: each is one lost resource, so more than this means something keeps removing them.
    /// </summary>
    public const int MaxRestarts = 3;

    /// <summary>How long a stopped step waits before it looks again whether the upload was resumed.</summary>
    public static readonly TimeSpan StoppedPause = TimeSpan.FromSeconds(5);

    /// <summary>The longest pause between step retries.</summary>
    public static readonly TimeSpan MaxRetryPause = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The next step after <paramref name="phase"/> ended with <paramref name="failure"/> (null: it succeeded).
    /// Success moves forward (past the parts when the object is already complete); a retryable failure runs the same
    /// step again after a doubling pause, at most <see cref="UploadOptions.StepRetryCount"/> times in a row; a lost
    /// multipart upload goes back to InitiateOrResume, a lost media or image credential back to CreateOrRefresh, at
    /// most <see cref="MaxRestarts"/> times; a stop request waits; anything fatal ends the upload. A clean-up that
    /// cannot finish does not undo a verified upload: the checkpoint is left for the daily purge.
    /// </summary>
    public static WorkflowDecision Decide(UploadPhase phase, UploadFailure? failure, bool objectComplete, WorkflowCounters counters, UploadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (failure is null)
        {
            var next = phase switch
            {
                UploadPhase.Plan => UploadPhase.CreateOrRefresh,
                UploadPhase.CreateOrRefresh => UploadPhase.InitiateOrResume,
                UploadPhase.InitiateOrResume => objectComplete ? UploadPhase.Complete : UploadPhase.UploadParts,
                UploadPhase.UploadParts => UploadPhase.Complete,
                UploadPhase.Complete => UploadPhase.CleanUp,
                UploadPhase.CleanUp => UploadPhase.Succeeded,
                _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "The upload has already finished."),
            };
            return new WorkflowDecision(next, TimeSpan.Zero, counters with { Retries = 0 });
        }

        switch (failure.Kind)
        {
            case UploadErrorKind.Retryable when counters.Retries < options.StepRetryCount:
                return new WorkflowDecision(phase, RetryPause(options, counters.Retries), counters with { Retries = counters.Retries + 1 });
            case UploadErrorKind.Stopped:
                return new WorkflowDecision(phase, StoppedPause, counters);
            case UploadErrorKind.UploadGone or UploadErrorKind.MediaGone or UploadErrorKind.CredentialExpired when counters.Restarts < MaxRestarts && phase != UploadPhase.Plan:
                var back = failure.Kind == UploadErrorKind.UploadGone && phase != UploadPhase.CreateOrRefresh ? UploadPhase.InitiateOrResume : UploadPhase.CreateOrRefresh;
                return new WorkflowDecision(back, TimeSpan.Zero, new WorkflowCounters(0, counters.Restarts + 1));
            default:
                return phase == UploadPhase.CleanUp
                    ? new WorkflowDecision(UploadPhase.Succeeded, TimeSpan.Zero, counters)
                    : new WorkflowDecision(UploadPhase.Failed, TimeSpan.Zero, counters, failure);
        }
    }

    /// <summary>
    /// Runs the upload through <paramref name="steps"/> to its end: the verified result, or the failure. Every await
    /// stays on the caller's context (<c>ConfigureAwait(true)</c>): an orchestrator's durable tasks must be awaited on
    /// its own synchronization context, or the actions they schedule are lost from its episode.
    /// </summary>
    public static async Task<WorkflowOutcome> RunAsync(IUploadSteps steps, UploadOptions options)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(options);
        UploadPlan? plan = null;
        UploadSession? session = null;
        UploadResult? result = null;
        var phase = UploadPhase.Plan;
        var counters = default(WorkflowCounters);
        while (true)
        {
            UploadFailure? failure;
            var objectComplete = false;
            switch (phase)
            {
                case UploadPhase.Plan:
                    (plan, failure) = await steps.PlanAsync().ConfigureAwait(true);
                    break;
                case UploadPhase.CreateOrRefresh:
                    (session, failure) = await steps.CreateOrRefreshAsync(plan!).ConfigureAwait(true);
                    break;
                case UploadPhase.InitiateOrResume:
                    var (state, initiateFailure) = await steps.InitiateOrResumeAsync(session!).ConfigureAwait(true);
                    (objectComplete, failure) = (state?.ObjectComplete ?? false, initiateFailure);
                    break;
                case UploadPhase.UploadParts:
                    failure = (await steps.UploadPartsAsync(session!).ConfigureAwait(true)).Failure;
                    break;
                case UploadPhase.Complete:
                    (result, failure) = await steps.CompleteAsync(session!).ConfigureAwait(true);
                    break;
                case UploadPhase.CleanUp:
                    failure = (await steps.CleanUpAsync(session!).ConfigureAwait(true)).Failure;
                    break;
                default:
                    throw new InvalidOperationException($"No step runs in phase {phase}.");
            }

            var decision = Decide(phase, failure, objectComplete, counters, options);
            steps.OnDecision(phase, failure, decision);
            switch (decision.Next)
            {
                case UploadPhase.Succeeded:
                    return new WorkflowOutcome(result, null);
                case UploadPhase.Failed:
                    return new WorkflowOutcome(null, decision.Failure);
            }

            if (decision.Delay > TimeSpan.Zero)
            {
                await steps.DelayAsync(decision.Delay).ConfigureAwait(true);
            }

            (phase, counters) = (decision.Next, decision.Counters);
        }
    }

    /// <summary>The pause before retry number <paramref name="retries"/> + 1 of a step: doubling from RetryDuration, at most <see cref="MaxRetryPause"/>.</summary>
    public static TimeSpan RetryPause(UploadOptions options, int retries)
    {
        ArgumentNullException.ThrowIfNull(options);
        var first = options.RetryDuration > TimeSpan.Zero ? options.RetryDuration : TimeSpan.FromMilliseconds(100);
        var pause = first * Math.Pow(2, Math.Min(retries, 16));
        return pause < MaxRetryPause ? pause : MaxRetryPause;
    }
}

/// <summary>How an upload ended: its verified result, or why it failed.</summary>
/// <param name="Result">The result, when it succeeded.</param>
/// <param name="Failure">The failure, when it did not.</param>
public sealed record WorkflowOutcome(UploadResult? Result, UploadFailure? Failure);
