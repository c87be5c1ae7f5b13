using Vod.Upload.Workflow;

namespace Vod.Upload.Pull;

/// <summary>
/// The pull sequence, defined once: <see cref="Decide"/> names the next step from the last one's outcome, and
/// <see cref="RunAsync"/> drives a host's <see cref="IPullSteps"/> with it. The CLI runs the steps in-process, the
/// durable orchestration runs them as activities; both go through here. Deterministic: no clock, no I/O, no random —
/// time comes from <see cref="IPullSteps.Now"/>, everything else from the steps' results, so an orchestrator can replay it.
/// </summary>
public static class PullWorkflow
{
    /// <summary>
    /// Consecutive polls without an answer (retryable failures) after which the pull fails. VOD's job goes on whatever
    /// happens here, so throttling or an outage is waited out on the poll back-off instead of failing at once and leaving
    /// a media nobody watches.
    /// </summary>
    public const int MaxUnansweredPolls = 30;

    /// <summary>
    /// The next step after <paramref name="phase"/> ended with <paramref name="failure"/> (null: it succeeded) and, for a
    /// poll, <paramref name="state"/>. A submit or a check that failed retryably runs again after
    /// <see cref="UploadWorkflow.RetryPause"/>, at most <see cref="UploadOptions.StepRetryCount"/> times in a row; an
    /// unanswered poll is asked again on the back-off, at most <see cref="MaxUnansweredPolls"/> in a row. A job VOD failed
    /// is cleaned up with its media; a completed job is checked, then cleaned up. The timeout and the polls per run are
    /// looked at before each wait for the job. Every other failure ends the pull with <see cref="PullJobEnd.Unknown"/>:
    /// VOD's job may still run, so nothing is deleted. A clean-up that cannot finish changes nothing: the ending decided
    /// before it stands, and what it left (a checkpoint, a failed media) is found by a rerun or the daily purge.
    /// </summary>
    /// <param name="phase">The step that just ran.</param>
    /// <param name="failure">Its failure; null when it succeeded.</param>
    /// <param name="state">What a poll that was answered found.</param>
    /// <param name="run">The counts and facts so far (<see cref="PullRun.JobId"/> set once submitted).</param>
    /// <param name="elapsed">Time since the pull started, by the host's clock (for <see cref="PullOptions.Timeout"/>).</param>
    /// <param name="options">Retries, back-off and limits.</param>
    public static PullDecision Decide(PullPhase phase, UploadFailure? failure, PullState? state, PullRun run, TimeSpan elapsed, PullWorkflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        switch (phase)
        {
            case PullPhase.Submit:
                return failure is null ? new PullDecision(PullPhase.Poll, TimeSpan.Zero, run with { Retries = 0 }) : RetryOrFail(phase, failure, run, options);

            case PullPhase.Poll:
                return AfterPoll(failure, state, run, elapsed, options);

            case PullPhase.Check when failure is null:
                return CleanUp(run with { Retries = 0 }, ending: null, end: null);
            case PullPhase.Check when failure.Code == UploadErrorCodes.SourceChanged:
                // Only a confirmed change of the source condemns the media (the check deleted it); a check that could not be
                // made leaves a media VOD pulled correctly, unverified, for a rerun to verify.
                return CleanUp(run, failure, PullJobEnd.MediaDeleted);
            case PullPhase.Check:
                return RetryOrFail(phase, failure, run, options);

            case PullPhase.CleanUp:
                return run.Ending is { } ending
                    ? new PullDecision(PullPhase.Failed, TimeSpan.Zero, run, ending, run.End ?? PullJobEnd.Unknown)
                    : new PullDecision(PullPhase.Succeeded, TimeSpan.Zero, run);

            default:
                throw new ArgumentOutOfRangeException(nameof(phase), phase, "The pull has already finished.");
        }
    }

    /// <summary>
    /// Runs the pull through <paramref name="steps"/> to the end of this run: the media, the failure, or a continuation.
    /// Every await stays on the caller's context (<c>ConfigureAwait(true)</c>): an orchestrator's durable tasks must be
    /// awaited on its own synchronization context, or the actions they schedule are lost from its episode.
    /// </summary>
    public static async Task<PullOutcome> RunAsync(IPullSteps steps, PullWorkflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(options);
        var started = options.StartedAt ?? steps.Now;
        var phase = PullPhase.Submit;
        var run = default(PullRun);
        PullState? completed = null;
        var mediaNamed = false;
        while (true)
        {
            UploadFailure? failure = null;
            PullState? state = null;
            switch (phase)
            {
                case PullPhase.Submit:
                    var (submission, submitFailure) = await steps.SubmitAsync().ConfigureAwait(true);
                    failure = submitFailure;
                    if (submission is not null)
                    {
                        run = run with { JobId = submission.JobId, MediaId = submission.MediaId, VodStatus = "PENDING" };
                        steps.OnSubmitted(submission);
                    }

                    break;
                case PullPhase.Poll:
                    (state, failure) = await steps.PollAsync().ConfigureAwait(true);
                    if (state is not null)
                    {
                        steps.OnPolled(state, options.PollsBefore + run.Polls + 1);
                        if (state.MediaId is { } mediaId && !mediaNamed)
                        {
                            // Heard as soon as VOD names it (an orchestration records it, so VOD's callbacks about it wake the
                            // upload); asked again after the next poll if the host could not take it now.
                            mediaNamed = (await steps.MediaNamedAsync(mediaId).ConfigureAwait(true)).Failure is null;
                        }

                        completed = state.Completed ? state : null;
                    }

                    break;
                case PullPhase.Check:
                    failure = (await steps.CheckAsync(completed!).ConfigureAwait(true)).Failure;
                    break;
                case PullPhase.CleanUp:
                    failure = (await steps.CleanUpAsync(run.End == PullJobEnd.Failed ? run.MediaId : null).ConfigureAwait(true)).Failure;
                    break;
                default:
                    throw new InvalidOperationException($"No step runs in phase {phase}.");
            }

            var decision = Decide(phase, failure, state, run, steps.Now - started, options);
            steps.OnDecision(phase, failure, decision);
            run = decision.Run;
            switch (decision.Next)
            {
                case PullPhase.Succeeded:
                    return new PullOutcome(new PullResult(completed!.MediaId!, completed.Bytes, completed.JobId), null, null, run.JobId, started);
                case PullPhase.Failed:
                    return new PullOutcome(null, decision.Failure, decision.End, run.JobId, started);
                case PullPhase.Continue:
                    return new PullOutcome(null, null, null, run.JobId, started, new PullContinuation(options.PollsBefore + run.Polls, started));
            }

            if (decision.Delay > TimeSpan.Zero)
            {
                // Waits between polls may end early (VOD's callback); the poll that follows decides, never the event.
                var wait = phase == PullPhase.Poll && decision.Next == PullPhase.Poll ? steps.WaitForJobAsync(decision.Delay) : steps.DelayAsync(decision.Delay);
                await wait.ConfigureAwait(true);
            }

            phase = decision.Next;
        }
    }

    private static PullDecision AfterPoll(UploadFailure? failure, PullState? state, PullRun run, TimeSpan elapsed, PullWorkflowOptions options)
    {
        var delay = options.Polling.PollDelay(options.PollsBefore + run.Polls);
        if (options.Polling.Timeout is { } limit && limit - elapsed < delay)
        {
            // The last wait ends at the timeout, not before it: the job gets all the time it was given, and one last poll.
            delay = limit - elapsed > TimeSpan.Zero ? limit - elapsed : TimeSpan.Zero;
        }

        var polled = run with { Polls = run.Polls + 1 };
        if (failure is not null)
        {
            if (failure.Kind == UploadErrorKind.Retryable && run.Unanswered + 1 < MaxUnansweredPolls)
            {
                return TimedOut(polled, elapsed, options) ?? new PullDecision(PullPhase.Poll, delay, polled with { Unanswered = run.Unanswered + 1 });
            }

            return Fail(failure, polled, PullJobEnd.Unknown);
        }

        ArgumentNullException.ThrowIfNull(state);
        polled = polled with { Unanswered = 0, Retries = 0, JobId = state.JobId, MediaId = state.MediaId ?? run.MediaId, VodStatus = state.VodStatus };
        if (state.Failure is { } jobFailure)
        {
            // VOD's job failed: the media it made (UploadFail) would never complete, so it goes with the record.
            return CleanUp(polled, jobFailure, PullJobEnd.Failed);
        }

        if (state.Completed)
        {
            return new PullDecision(PullPhase.Check, TimeSpan.Zero, polled);
        }

        if (TimedOut(polled, elapsed, options) is { } timedOut)
        {
            return timedOut;
        }

        return options.PollsPerExecution is { } most && polled.Polls >= most
            ? new PullDecision(PullPhase.Continue, TimeSpan.Zero, polled)
            : new PullDecision(PullPhase.Poll, delay, polled);
    }

    // Giving up waiting is not a failure of VOD's job: it stays recorded, and a rerun watches it again.
    private static PullDecision? TimedOut(PullRun run, TimeSpan elapsed, PullWorkflowOptions options) =>
        options.Polling.Timeout is { } timeout && elapsed >= timeout
            ? Fail(new UploadFailure(UploadErrorCodes.PullTimedOut, UploadErrorKind.Retryable,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"VOD's pull job {run.JobId} is still {run.VodStatus ?? "PENDING"} after {timeout.TotalSeconds:0.#} s.")), run, PullJobEnd.Unknown)
            : null;

    private static PullDecision RetryOrFail(PullPhase phase, UploadFailure failure, PullRun run, PullWorkflowOptions options) =>
        failure.Kind == UploadErrorKind.Retryable && run.Retries < options.Steps.StepRetryCount
            ? new PullDecision(phase, UploadWorkflow.RetryPause(options.Steps, run.Retries), run with { Retries = run.Retries + 1 })
            : Fail(failure, run, PullJobEnd.Unknown);

    private static PullDecision CleanUp(PullRun run, UploadFailure? ending, PullJobEnd? end) =>
        new(PullPhase.CleanUp, TimeSpan.Zero, run with { Ending = ending, End = end });

    private static PullDecision Fail(UploadFailure failure, PullRun run, PullJobEnd end) =>
        new(PullPhase.Failed, TimeSpan.Zero, run, failure, end);
}
