namespace Vod.Upload.Pull;

/// <summary>How one run of <see cref="PullWorkflow"/> ended: the media, the failure, or a continuation.</summary>
/// <param name="Result">The media, when the pull succeeded.</param>
/// <param name="Failure">Why it failed, when it did.</param>
/// <param name="End">What is known of VOD's job after a failure (what was kept).</param>
/// <param name="JobId">VOD's job, when one was submitted.</param>
/// <param name="StartedAt">When the pull started (its first run's start, across continuations).</param>
/// <param name="Continuation">Where a fresh run picks up, when this one polled as often as it may.</param>
public sealed record PullOutcome(PullResult? Result, UploadFailure? Failure, PullJobEnd? End, string? JobId, DateTimeOffset StartedAt, PullContinuation? Continuation = null);

/// <summary>What a fresh run of a pull carries over from the one before (an orchestration's continue-as-new).</summary>
/// <param name="PollsBefore">Polls made by the runs so far (the back-off goes on from there).</param>
/// <param name="StartedAt">When the first run started.</param>
public sealed record PullContinuation(int PollsBefore, DateTimeOffset StartedAt);
