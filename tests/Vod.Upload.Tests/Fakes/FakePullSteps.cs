using Vod.Upload.Pull;
using Vod.Upload.Workflow;

namespace Vod.Upload.Tests.Fakes;

/// <summary>
/// An in-memory host for <see cref="PullWorkflow"/>: each step answers from a script, every call is written down in order,
/// and the clock moves only by the waits the workflow asks for.
/// </summary>
public sealed class FakePullSteps : IPullSteps
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public Queue<StepResult<PullSubmission>> Submits { get; } = new();

    public Queue<StepResult<PullState>> Polls { get; } = new();

    public Queue<StepResult<bool>> Checks { get; } = new();

    public Queue<StepResult<bool>> CleanUps { get; } = new();

    public Queue<StepResult<bool>> Namings { get; } = new();

    /// <summary>Every step, wait and report, in order: "submit", "poll", "check", "cleanup:MEDIA|-", "named:MEDIA", "wait:SECONDS", "delay:SECONDS", "polled:N:STATUS".</summary>
    public List<string> Calls { get; } = [];

    public List<TimeSpan> Waits { get; } = [];

    public List<TimeSpan> Delays { get; } = [];

    public List<PullDecision> Decisions { get; } = [];

    public DateTimeOffset Now { get; private set; } = Start;

    public static PullSubmission Submitted(string jobId = "job-1", string? mediaId = null) => new("key", jobId, mediaId, Resumed: false);

    public static PullState Running(string status = "PENDING", string? mediaId = null) => new("job-1", mediaId, status, null, Completed: false, Failure: null);

    public static PullState Done(string mediaId = "media-1", long? bytes = 1000) => new("job-1", mediaId, "SUCCESS", bytes, Completed: true, Failure: null);

    public static PullState JobFailed(string? mediaId = "media-1") =>
        new("job-1", mediaId, "UPLOAD_FAIL", null, Completed: false, new UploadFailure(UploadErrorCodes.PullUploadFailed, UploadErrorKind.Fatal, "VOD's pull job ended UPLOAD_FAIL"));

    public static UploadFailure Transient(string code = "Throttling.User") => new(code, UploadErrorKind.Retryable, "try later");

    public static UploadFailure Fatal(string code = "Forbidden.RAM") => new(code, UploadErrorKind.Fatal, "refused");

    public FakePullSteps Poll(PullState state, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            Polls.Enqueue(StepResult.Ok(state));
        }

        return this;
    }

    public FakePullSteps Unanswered(int times, UploadFailure? failure = null)
    {
        for (var i = 0; i < times; i++)
        {
            Polls.Enqueue(StepResult.Failed<PullState>(failure ?? Transient()));
        }

        return this;
    }

    public int Count(string call) => Calls.Count(c => c == call || c.StartsWith(call + ":", StringComparison.Ordinal));

    public Task<StepResult<PullSubmission>> SubmitAsync()
    {
        Calls.Add("submit");
        return Task.FromResult(Submits.Count > 0 ? Submits.Dequeue() : StepResult.Ok(Submitted()));
    }

    public Task<StepResult<PullState>> PollAsync()
    {
        Calls.Add("poll");
        return Task.FromResult(Polls.Count > 0 ? Polls.Dequeue() : throw new InvalidOperationException("The script has no more polls."));
    }

    public Task<StepResult<bool>> CheckAsync(PullState completed)
    {
        Calls.Add("check");
        return Task.FromResult(Checks.Count > 0 ? Checks.Dequeue() : StepResult.Ok(true));
    }

    public Task<StepResult<bool>> CleanUpAsync(string? failedMediaId)
    {
        Calls.Add("cleanup:" + (failedMediaId ?? "-"));
        return Task.FromResult(CleanUps.Count > 0 ? CleanUps.Dequeue() : StepResult.Ok(true));
    }

    public Task<StepResult<bool>> MediaNamedAsync(string mediaId)
    {
        Calls.Add("named:" + mediaId);
        return Task.FromResult(Namings.Count > 0 ? Namings.Dequeue() : StepResult.Ok(true));
    }

    public Task WaitForJobAsync(TimeSpan delay)
    {
        Calls.Add("wait:" + delay.TotalSeconds);
        Waits.Add(delay);
        Now += delay;
        return Task.CompletedTask;
    }

    public Task DelayAsync(TimeSpan delay)
    {
        Calls.Add("delay:" + delay.TotalSeconds);
        Delays.Add(delay);
        Now += delay;
        return Task.CompletedTask;
    }

    public void OnSubmitted(PullSubmission submission) => Calls.Add("submitted:" + submission.JobId);

    public void OnPolled(PullState state, int polls) => Calls.Add($"polled:{polls}:{state.VodStatus}");

    public void OnDecision(PullPhase phase, UploadFailure? failure, PullDecision decision) => Decisions.Add(decision);
}
