using Vod.Upload.Workflow;

namespace Vod.Upload.Pull;

/// <summary>
/// How a host runs the steps <see cref="PullWorkflow"/> names: in this process (the CLI's <c>vod pull</c>), or as
/// activities of a durable orchestration. Each step returns its value or its failure as data; none decides what comes
/// next. The host's clock is the only time the workflow sees (an orchestration's replay-safe one).
/// </summary>
public interface IPullSteps
{
    /// <summary>Now, by the host's clock (an orchestration's <c>CurrentUtcDateTime</c>).</summary>
    DateTimeOffset Now { get; }

    /// <summary>Runs <see cref="PullPhase.Submit"/>: submits once; a run that finds the job recorded submits nothing.</summary>
    Task<StepResult<PullSubmission>> SubmitAsync();

    /// <summary>Runs <see cref="PullPhase.Poll"/>: where the job stands (a failed job is a <see cref="PullState.Failure"/>, not a failed step).</summary>
    Task<StepResult<PullState>> PollAsync();

    /// <summary>
    /// Runs <see cref="PullPhase.Check"/> on the job VOD completed: the host checks the pulled file is the source's. A
    /// confirmed difference deletes the media and fails with <see cref="UploadErrorCodes.SourceChanged"/>.
    /// </summary>
    Task<StepResult<bool>> CheckAsync(PullState completed);

    /// <summary>Runs <see cref="PullPhase.CleanUp"/>: deletes <paramref name="failedMediaId"/> (the media of a job VOD failed) when given, and the checkpoint.</summary>
    Task<StepResult<bool>> CleanUpAsync(string? failedMediaId);

    /// <summary>VOD named the pull's media (heard once; a failure here is asked again after the next poll).</summary>
    Task<StepResult<bool>> MediaNamedAsync(string mediaId);

    /// <summary>Waits before the next poll; a host may end the wait early when VOD reports the job (its callback).</summary>
    Task WaitForJobAsync(TimeSpan delay);

    /// <summary>Waits before a step runs again after a retryable failure (a durable timer in an orchestration).</summary>
    Task DelayAsync(TimeSpan delay);

    /// <summary>The pull was submitted (or found submitted by an earlier run).</summary>
    void OnSubmitted(PullSubmission submission);

    /// <summary>A poll was answered: <paramref name="polls"/> counts every poll of the pull so far, across runs.</summary>
    void OnPolled(PullState state, int polls);

    /// <summary>Hears the workflow's decisions, e.g. to log a failed step or show the phase.</summary>
    void OnDecision(PullPhase phase, UploadFailure? failure, PullDecision decision);
}
