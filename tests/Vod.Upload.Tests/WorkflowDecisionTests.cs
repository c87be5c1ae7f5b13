using Vod.Upload.Workflow;

namespace Vod.Upload.Tests;

/// <summary>The sequence both hosts run, decided in one place: each outcome of each step names the next step.</summary>
public sealed class WorkflowDecisionTests
{
    private static readonly UploadOptions Options = new() { StepRetryCount = 2, RetryDuration = TimeSpan.FromSeconds(1) };

    private static UploadFailure Failure(UploadErrorKind kind) => new("Code", kind, "message");

    [Theory]
    [InlineData(UploadPhase.Plan, false, UploadPhase.CreateOrRefresh)]
    [InlineData(UploadPhase.CreateOrRefresh, false, UploadPhase.InitiateOrResume)]
    [InlineData(UploadPhase.InitiateOrResume, false, UploadPhase.UploadParts)]
    [InlineData(UploadPhase.InitiateOrResume, true, UploadPhase.Complete)]
    [InlineData(UploadPhase.UploadParts, false, UploadPhase.Complete)]
    [InlineData(UploadPhase.Complete, false, UploadPhase.CleanUp)]
    [InlineData(UploadPhase.CleanUp, false, UploadPhase.Succeeded)]
    public void Success_moves_forward_and_an_object_already_complete_skips_the_parts(UploadPhase phase, bool objectComplete, UploadPhase next)
    {
        var decision = UploadWorkflow.Decide(phase, null, objectComplete, new WorkflowCounters(2, 1), Options);

        Assert.Equal(next, decision.Next);
        Assert.Equal(TimeSpan.Zero, decision.Delay);
        Assert.Equal(new WorkflowCounters(0, 1), decision.Counters);
    }

    [Theory]
    [InlineData(UploadErrorKind.UploadGone, UploadPhase.UploadParts, UploadPhase.InitiateOrResume)]
    [InlineData(UploadErrorKind.UploadGone, UploadPhase.Complete, UploadPhase.InitiateOrResume)]
    [InlineData(UploadErrorKind.MediaGone, UploadPhase.UploadParts, UploadPhase.CreateOrRefresh)]
    [InlineData(UploadErrorKind.MediaGone, UploadPhase.InitiateOrResume, UploadPhase.CreateOrRefresh)]
    [InlineData(UploadErrorKind.CredentialExpired, UploadPhase.UploadParts, UploadPhase.CreateOrRefresh)]
    public void A_lost_resource_goes_back_to_the_step_that_makes_it_again(UploadErrorKind kind, UploadPhase phase, UploadPhase next)
    {
        var decision = UploadWorkflow.Decide(phase, Failure(kind), false, default, Options);

        Assert.Equal(next, decision.Next);
        Assert.Equal(1, decision.Counters.Restarts);
    }

    [Fact]
    public void Restarts_are_bounded_so_something_that_keeps_removing_the_upload_ends_it()
    {
        var decision = UploadWorkflow.Decide(UploadPhase.UploadParts, Failure(UploadErrorKind.UploadGone), false, new WorkflowCounters(0, UploadWorkflow.MaxRestarts), Options);

        Assert.Equal(UploadPhase.Failed, decision.Next);
        Assert.Equal(UploadErrorKind.UploadGone, decision.Failure!.Kind);
    }

    [Fact]
    public void A_retryable_failure_runs_the_same_step_again_with_doubling_pauses_then_fails()
    {
        var first = UploadWorkflow.Decide(UploadPhase.Complete, Failure(UploadErrorKind.Retryable), false, default, Options);
        var second = UploadWorkflow.Decide(UploadPhase.Complete, Failure(UploadErrorKind.Retryable), false, first.Counters, Options);
        var third = UploadWorkflow.Decide(UploadPhase.Complete, Failure(UploadErrorKind.Retryable), false, second.Counters, Options);

        Assert.Equal((UploadPhase.Complete, TimeSpan.FromSeconds(1)), (first.Next, first.Delay));
        Assert.Equal((UploadPhase.Complete, TimeSpan.FromSeconds(2)), (second.Next, second.Delay));
        Assert.Equal(UploadPhase.Failed, third.Next);
    }

    [Fact]
    public void A_fatal_failure_ends_the_upload_but_a_clean_up_failure_does_not_undo_a_verified_one()
    {
        Assert.Equal(UploadPhase.Failed, UploadWorkflow.Decide(UploadPhase.UploadParts, Failure(UploadErrorKind.Fatal), false, default, Options).Next);
        Assert.Equal(UploadPhase.Succeeded, UploadWorkflow.Decide(UploadPhase.CleanUp, Failure(UploadErrorKind.Fatal), false, default, Options).Next);
    }

    [Fact]
    public void A_stopped_step_waits_and_runs_again_without_using_up_retries()
    {
        var decision = UploadWorkflow.Decide(UploadPhase.UploadParts, Failure(UploadErrorKind.Stopped), false, new WorkflowCounters(1, 0), Options);

        Assert.Equal(UploadPhase.UploadParts, decision.Next);
        Assert.Equal(UploadWorkflow.StoppedPause, decision.Delay);
        Assert.Equal(new WorkflowCounters(1, 0), decision.Counters);
    }
}
