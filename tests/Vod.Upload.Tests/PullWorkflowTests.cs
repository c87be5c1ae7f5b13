using Vod.Upload.Pull;
using Vod.Upload.Tests.Fakes;
using Vod.Upload.Workflow;

namespace Vod.Upload.Tests;

/// <summary>
/// The pull sequence both hosts run (the CLI in-process, the orchestration over activities), on an in-memory host whose
/// clock moves only by the waits the workflow asks for: each rule of <see cref="PullWorkflow"/>, one test each.
/// </summary>
public sealed class PullWorkflowTests
{
    private static readonly PullWorkflowOptions Options = new()
    {
        Steps = new UploadOptions { StepRetryCount = 2, RetryDuration = TimeSpan.FromSeconds(1) },
        Polling = new PullOptions { FirstPollInterval = TimeSpan.FromSeconds(4), MaxPollInterval = TimeSpan.FromSeconds(60) },
    };

    [Fact]
    public async Task A_completed_job_is_checked_then_cleaned_up_and_its_media_returned()
    {
        var steps = new FakePullSteps().Poll(FakePullSteps.Running("DOWNLOADING")).Poll(FakePullSteps.Done("media-1", 1234));

        var outcome = await PullWorkflow.RunAsync(steps, Options);

        Assert.Equal(new PullResult("media-1", 1234, "job-1"), outcome.Result);
        Assert.Null(outcome.Failure);
        Assert.Equal(FakePullSteps.Start, outcome.StartedAt);
        Assert.Equal(
            ["submit", "submitted:job-1", "poll", "polled:1:DOWNLOADING", "wait:4", "poll", "polled:2:SUCCESS", "named:media-1", "check", "cleanup:-"],
            steps.Calls);
    }

    [Fact]
    public async Task A_submit_that_fails_retryably_runs_again_after_the_workflows_doubling_pause()
    {
        var steps = new FakePullSteps().Poll(FakePullSteps.Done());
        steps.Submits.Enqueue(StepResult.Failed<PullSubmission>(FakePullSteps.Transient("StorageUnavailable")));
        steps.Submits.Enqueue(StepResult.Failed<PullSubmission>(FakePullSteps.Transient("StorageUnavailable")));

        var outcome = await PullWorkflow.RunAsync(steps, Options);

        Assert.NotNull(outcome.Result);
        Assert.Equal(3, steps.Count("submit"));
        Assert.Equal([UploadWorkflow.RetryPause(Options.Steps, 0), UploadWorkflow.RetryPause(Options.Steps, 1)], steps.Delays);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], steps.Delays);
        Assert.Empty(steps.Waits);
    }

    [Fact]
    public async Task Submit_retries_are_capped_by_the_step_retry_count_and_nothing_is_cleaned_up()
    {
        var steps = new FakePullSteps();
        for (var i = 0; i < 5; i++)
        {
            steps.Submits.Enqueue(StepResult.Failed<PullSubmission>(FakePullSteps.Transient("StorageUnavailable")));
        }

        var outcome = await PullWorkflow.RunAsync(steps, Options);

        Assert.Equal(("StorageUnavailable", PullJobEnd.Unknown), (outcome.Failure!.Code, outcome.End));
        Assert.Equal(Options.Steps.StepRetryCount + 1, steps.Count("submit"));
        Assert.Null(outcome.JobId);
        Assert.Equal(0, steps.Count("cleanup"));
        Assert.Equal(0, steps.Count("poll"));
    }

    [Fact]
    public async Task A_fatal_submit_failure_ends_the_pull_at_once()
    {
        var steps = new FakePullSteps();
        steps.Submits.Enqueue(StepResult.Failed<PullSubmission>(new UploadFailure(UploadErrorCodes.PullTooLarge, UploadErrorKind.Fatal, "too large")));

        var outcome = await PullWorkflow.RunAsync(steps, Options);

        Assert.Equal(UploadErrorCodes.PullTooLarge, outcome.Failure!.Code);
        Assert.Equal(["submit"], steps.Calls);
    }

    [Fact]
    public async Task Unanswered_polls_are_asked_again_on_the_back_off_and_an_answer_resets_their_count()
    {
        // 29 unanswered, one answer, 29 more, then done: never 30 in a row.
        var steps = new FakePullSteps()
            .Unanswered(PullWorkflow.MaxUnansweredPolls - 1).Poll(FakePullSteps.Running())
            .Unanswered(PullWorkflow.MaxUnansweredPolls - 1).Poll(FakePullSteps.Done());

        var outcome = await PullWorkflow.RunAsync(steps, Options);

        Assert.NotNull(outcome.Result);
        var polls = 2 * PullWorkflow.MaxUnansweredPolls;
        Assert.Equal(polls, steps.Count("poll"));
        Assert.Equal(Enumerable.Range(0, polls - 1).Select(Options.Polling.PollDelay), steps.Waits);
        Assert.Empty(steps.Delays);
        Assert.Contains($"polled:{polls}:SUCCESS", steps.Calls);
    }

    [Fact]
    public async Task Too_many_unanswered_polls_in_a_row_fail_with_the_job_unknown_keeping_its_media()
    {
        var steps = new FakePullSteps().Poll(FakePullSteps.Running("DOWNLOADING", "media-1")).Unanswered(PullWorkflow.MaxUnansweredPolls);

        var outcome = await PullWorkflow.RunAsync(steps, Options);

        Assert.Equal(("Throttling.User", PullJobEnd.Unknown, "job-1"), (outcome.Failure!.Code, outcome.End, outcome.JobId));
        Assert.Equal(PullWorkflow.MaxUnansweredPolls + 1, steps.Count("poll"));
        Assert.Equal(0, steps.Count("cleanup"));
    }

    [Fact]
    public async Task A_poll_refused_for_good_fails_at_once_with_the_job_unknown()
    {
        var steps = new FakePullSteps().Unanswered(1, FakePullSteps.Fatal());

        var outcome = await PullWorkflow.RunAsync(steps, Options);

        Assert.Equal(("Forbidden.RAM", PullJobEnd.Unknown), (outcome.Failure!.Code, outcome.End));
        Assert.Equal(0, steps.Count("cleanup"));
        Assert.Empty(steps.Waits);
    }

    [Fact]
    public async Task A_job_vod_failed_is_cleaned_up_with_its_media()
    {
        var steps = new FakePullSteps().Poll(FakePullSteps.JobFailed("media-9"));

        var outcome = await PullWorkflow.RunAsync(steps, Options);

        Assert.Equal((UploadErrorCodes.PullUploadFailed, PullJobEnd.Failed), (outcome.Failure!.Code, outcome.End));
        Assert.Equal("cleanup:media-9", steps.Calls[^1]);
        Assert.Equal(0, steps.Count("check"));
    }

    [Fact]
    public async Task A_failed_job_that_no_longer_names_its_media_still_has_the_one_an_earlier_poll_named_deleted()
    {
        var steps = new FakePullSteps().Poll(FakePullSteps.Running("UPLOADING", "media-3")).Poll(FakePullSteps.JobFailed(mediaId: null));

        var outcome = await PullWorkflow.RunAsync(steps, Options);

        Assert.Equal(PullJobEnd.Failed, outcome.End);
        Assert.Equal("cleanup:media-3", steps.Calls[^1]);
    }

    [Fact]
    public async Task A_failed_job_without_any_media_deletes_only_the_checkpoint_and_a_clean_up_failure_keeps_the_jobs_failure()
    {
        var steps = new FakePullSteps().Poll(FakePullSteps.JobFailed(mediaId: null));
        steps.CleanUps.Enqueue(StepResult.Failed<bool>(FakePullSteps.Transient("StorageUnavailable")));

        var outcome = await PullWorkflow.RunAsync(steps, Options);

        Assert.Equal(UploadErrorCodes.PullUploadFailed, outcome.Failure!.Code);
        Assert.Equal("cleanup:-", steps.Calls[^1]);
        Assert.Equal(1, steps.Count("cleanup"));
    }

    [Fact]
    public async Task A_changed_source_fails_SourceChanged_and_cleans_up_only_the_checkpoint_the_check_already_deleted_the_media()
    {
        var steps = new FakePullSteps().Poll(FakePullSteps.Done("media-2"));
        steps.Checks.Enqueue(StepResult.Failed<bool>(new UploadFailure(UploadErrorCodes.SourceChanged, UploadErrorKind.Fatal, "changed; the media was deleted")));

        var outcome = await PullWorkflow.RunAsync(steps, Options);

        Assert.Equal((UploadErrorCodes.SourceChanged, PullJobEnd.MediaDeleted), (outcome.Failure!.Code, outcome.End));
        Assert.Equal(["check", "cleanup:-"], steps.Calls[^2..]);
        Assert.Null(outcome.Result);
    }

    [Fact]
    public async Task A_check_that_cannot_be_made_is_retried_then_fails_keeping_the_media_unverified()
    {
        var steps = new FakePullSteps().Poll(FakePullSteps.Done("media-2"));
        for (var i = 0; i < 5; i++)
        {
            steps.Checks.Enqueue(StepResult.Failed<bool>(FakePullSteps.Transient("StorageUnavailable")));
        }

        var outcome = await PullWorkflow.RunAsync(steps, Options);

        Assert.Equal(("StorageUnavailable", PullJobEnd.Unknown), (outcome.Failure!.Code, outcome.End));
        Assert.Equal(Options.Steps.StepRetryCount + 1, steps.Count("check"));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], steps.Delays);
        Assert.Equal(0, steps.Count("cleanup"));
    }

    [Fact]
    public async Task Waiting_past_the_timeout_fails_PullTimedOut_retryable_and_keeps_the_job()
    {
        // Polls at 0 s and 4 s; the next wait (8 s) is cut to the 6 s left, and the poll at 10 s is the last.
        var options = Options with { Polling = Options.Polling with { Timeout = TimeSpan.FromSeconds(10) } };
        var steps = new FakePullSteps().Poll(FakePullSteps.Running(), times: 5);

        var outcome = await PullWorkflow.RunAsync(steps, options);

        Assert.Equal((UploadErrorCodes.PullTimedOut, UploadErrorKind.Retryable, PullJobEnd.Unknown), (outcome.Failure!.Code, outcome.Failure.Kind, outcome.End));
        Assert.Contains("job-1 is still PENDING after 10 s", outcome.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, steps.Count("poll"));
        Assert.Equal([TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6)], steps.Waits);
        Assert.Equal(TimeSpan.FromSeconds(10), steps.Now - FakePullSteps.Start);
        Assert.Equal(0, steps.Count("cleanup"));
    }

    [Fact]
    public async Task Without_a_timeout_the_pull_waits_as_long_as_vod_queues_the_job()
    {
        var steps = new FakePullSteps().Poll(FakePullSteps.Running(), times: 12).Poll(FakePullSteps.Done());

        var outcome = await PullWorkflow.RunAsync(steps, Options);

        Assert.NotNull(outcome.Result);
        Assert.Equal(TimeSpan.FromSeconds(60), steps.Waits[^1]);
        Assert.True(steps.Now - FakePullSteps.Start > TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task After_its_polls_per_execution_a_run_ends_with_a_continuation_carrying_the_poll_count_and_the_first_start()
    {
        var firstStart = FakePullSteps.Start.AddHours(-1);
        var options = Options with { PollsPerExecution = 3, PollsBefore = 5, StartedAt = firstStart };
        var steps = new FakePullSteps().Poll(FakePullSteps.Running(), times: 10);

        var outcome = await PullWorkflow.RunAsync(steps, options);

        Assert.Equal(new PullContinuation(8, firstStart), outcome.Continuation);
        Assert.Equal((null, null), (outcome.Result, outcome.Failure));
        Assert.Equal(3, steps.Count("poll"));
        Assert.Equal([Options.Polling.PollDelay(5), Options.Polling.PollDelay(6)], steps.Waits);
        Assert.Equal(["polled:6:PENDING", "polled:7:PENDING", "polled:8:PENDING"], steps.Calls.Where(c => c.StartsWith("polled", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_job_that_completes_on_the_last_poll_of_a_run_finishes_instead_of_continuing()
    {
        var steps = new FakePullSteps().Poll(FakePullSteps.Running()).Poll(FakePullSteps.Done());

        var outcome = await PullWorkflow.RunAsync(steps, Options with { PollsPerExecution = 2 });

        Assert.Null(outcome.Continuation);
        Assert.NotNull(outcome.Result);
    }

    [Fact]
    public async Task The_host_hears_the_media_once_and_again_only_when_it_could_not_take_it()
    {
        var steps = new FakePullSteps()
            .Poll(FakePullSteps.Running("DOWNLOADING", "media-1"))
            .Poll(FakePullSteps.Running("UPLOADING", "media-1"))
            .Poll(FakePullSteps.Running("UPLOADING", "media-1"))
            .Poll(FakePullSteps.Done("media-1"));
        steps.Namings.Enqueue(StepResult.Failed<bool>(FakePullSteps.Transient("StorageUnavailable")));

        var outcome = await PullWorkflow.RunAsync(steps, Options);

        Assert.NotNull(outcome.Result);
        Assert.Equal(2, steps.Count("named"));
        Assert.Equal(["poll", "polled:1:DOWNLOADING", "named:media-1", "wait:4", "poll", "polled:2:UPLOADING", "named:media-1", "wait:8", "poll", "polled:3:UPLOADING", "wait:16"],
            steps.Calls[2..13]);
    }

    [Fact]
    public async Task The_same_answers_make_the_same_calls_as_an_orchestrator_replaying_needs()
    {
        FakePullSteps Script() => new FakePullSteps()
            .Unanswered(2).Poll(FakePullSteps.Running("DOWNLOADING", "media-1")).Unanswered(1).Poll(FakePullSteps.JobFailed("media-1"));

        var first = Script();
        var second = Script();
        await PullWorkflow.RunAsync(first, Options);
        await PullWorkflow.RunAsync(second, Options);

        Assert.Equal(first.Calls, second.Calls);
        Assert.Equal(first.Decisions, second.Decisions);
    }

    [Fact]
    public void Decide_after_a_clean_up_ends_as_decided_before_it_whatever_the_clean_up_answered()
    {
        var failing = new PullRun(0, 3, 0, "job-1", "media-1", "UPLOAD_FAIL", FakePullSteps.JobFailed().Failure, PullJobEnd.Failed);
        var succeeding = new PullRun(0, 3, 0, "job-1", "media-1", "SUCCESS");

        var failed = PullWorkflow.Decide(PullPhase.CleanUp, FakePullSteps.Fatal(), null, failing, TimeSpan.Zero, Options);
        var succeeded = PullWorkflow.Decide(PullPhase.CleanUp, FakePullSteps.Fatal(), null, succeeding, TimeSpan.Zero, Options);

        Assert.Equal((PullPhase.Failed, UploadErrorCodes.PullUploadFailed, PullJobEnd.Failed), (failed.Next, failed.Failure!.Code, failed.End));
        Assert.Equal(PullPhase.Succeeded, succeeded.Next);
        Assert.Throws<ArgumentOutOfRangeException>(() => PullWorkflow.Decide(PullPhase.Succeeded, null, null, default, TimeSpan.Zero, Options));
    }
}
