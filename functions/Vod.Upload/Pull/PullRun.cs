namespace Vod.Upload.Pull;

/// <summary>What <see cref="PullWorkflow"/> carries from one step to the next: its counts and what VOD said last.</summary>
/// <param name="Retries">Runs of the current step again after retryable failures, since it last succeeded.</param>
/// <param name="Polls">Polls this run made, answered or not (the back-off grows with each).</param>
/// <param name="Unanswered">Polls in a row that got no answer (retryable failures).</param>
/// <param name="JobId">VOD's job, once submitted.</param>
/// <param name="MediaId">The media, once VOD named it.</param>
/// <param name="VodStatus">VOD's last reported job status.</param>
/// <param name="Ending">Why the pull fails once the clean-up is done (null: it succeeds).</param>
/// <param name="End">What was known of VOD's job when <paramref name="Ending"/> was decided.</param>
public readonly record struct PullRun(int Retries, int Polls, int Unanswered, string? JobId, string? MediaId, string? VodStatus, UploadFailure? Ending = null, PullJobEnd? End = null);
