namespace Vod.Upload.Pull;

/// <summary>How <see cref="PullWorkflow"/> runs: step retries, poll back-off and limits, and where a continued run picks up.</summary>
public sealed record PullWorkflowOptions
{
    /// <summary>Step retries (<see cref="UploadOptions.StepRetryCount"/>, <see cref="UploadOptions.RetryDuration"/>), the same as the push workflow's.</summary>
    public UploadOptions Steps { get; init; } = new();

    /// <summary>Poll back-off (<see cref="PullOptions.PollDelay"/>) and the overall <see cref="PullOptions.Timeout"/>.</summary>
    public PullOptions Polling { get; init; } = new();

    /// <summary>
    /// Polls one run makes before it ends with <see cref="PullPhase.Continue"/> (an orchestration's history stays small
    /// however long VOD queues the job). Null: no limit.
    /// </summary>
    public int? PollsPerExecution { get; init; }

    /// <summary>Polls the runs before this one made (<see cref="PullContinuation.PollsBefore"/>).</summary>
    public int PollsBefore { get; init; }

    /// <summary>When the first run started (<see cref="PullContinuation.StartedAt"/>); null: this run is the first.</summary>
    public DateTimeOffset? StartedAt { get; init; }
}
