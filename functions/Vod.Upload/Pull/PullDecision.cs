namespace Vod.Upload.Pull;

/// <summary>What <see cref="PullWorkflow"/> does after a step.</summary>
/// <param name="Next">The next phase (<see cref="PullPhase.Succeeded"/>, <see cref="PullPhase.Failed"/> or <see cref="PullPhase.Continue"/> end this run).</param>
/// <param name="Delay">How long to wait first (before a poll, a wait VOD's callback may end early).</param>
/// <param name="Run">The counts and facts to carry on with.</param>
/// <param name="Failure">Why the pull failed, when <paramref name="Next"/> is <see cref="PullPhase.Failed"/>.</param>
/// <param name="End">What is known of VOD's job, when <paramref name="Next"/> is <see cref="PullPhase.Failed"/>.</param>
public sealed record PullDecision(PullPhase Next, TimeSpan Delay, PullRun Run, UploadFailure? Failure = null, PullJobEnd? End = null);
