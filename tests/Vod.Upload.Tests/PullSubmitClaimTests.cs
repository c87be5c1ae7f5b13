using Microsoft.Extensions.Logging.Abstractions;
using Vod.Alibaba.Errors;
using Microsoft.Extensions.Time.Testing;
using Vod.Alibaba.VodApi.Operations;
using Vod.Upload.Engine;
using Vod.Upload.Ports;
using Vod.Upload.Pull;

namespace Vod.Upload.Tests;

/// <summary>
/// The submit step run twice at once (an activity delivered to two instances): the claim written before
/// UploadMediaByURL keeps the second run from submitting while the first may be inside its call. Logic tests over an
/// in-memory VOD that counts submissions and a fake clock that the tests move.
/// </summary>
public sealed class PullSubmitClaimTests
{
    private const string Key = "upl-claim";
    private static readonly Uri Source = new("https://account.blob.core.windows.net/media/clip.mp4?sv=2025-01-05&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=abc");
    private static readonly PullOptions Options = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 8, 3, 0, 0, TimeSpan.Zero));
    private readonly CountingVod _vod = new();
    private readonly InMemoryPullCheckpointStore _checkpoints = new();

    [Fact]
    public async Task A_run_that_finds_another_run_inside_its_call_waits_for_that_job_instead_of_submitting()
    {
        // Arrange: the first run is inside UploadMediaByURL.
        _vod.Hold();
        var first = Uploader().SubmitAsync(Key, new MediaMetadata(), Options, Sign, null, CancellationToken.None);
        await _vod.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Act: the same step starts again elsewhere, then the first call returns.
        var second = Uploader().SubmitAsync(Key, new MediaMetadata(), Options, Sign, null, CancellationToken.None);
        await AdvanceWhileAsync(() => !second.IsCompleted, TimeSpan.FromSeconds(30));
        Assert.False(second.IsCompleted); // still waiting: the claim is young and no job is listed yet
        _vod.Release();
        var submitted = await first;
        await AdvanceWhileAsync(() => !second.IsCompleted, TimeSpan.FromSeconds(10));

        // Assert
        var resumed = await second;
        Assert.Equal(1, _vod.Submissions);
        Assert.Equal(submitted.JobId, resumed.JobId);
        Assert.True(resumed.Resumed);
    }

    [Fact]
    public async Task A_claim_left_by_a_run_that_died_before_its_call_lapses_and_then_one_job_is_submitted()
    {
        // Arrange: a record claimed just now by a run that never reached VOD.
        await _checkpoints.SaveAsync(Key, Recorded(claimedAt: _time.GetUtcNow()), ifMatch: null, CancellationToken.None);

        // Act
        var run = Uploader().SubmitAsync(Key, new MediaMetadata(), Options, Sign, null, CancellationToken.None);
        await AdvanceWhileAsync(() => !run.IsCompleted, PullSubmitStep.ClaimLifetime - TimeSpan.FromSeconds(5));
        var submittedBeforeLapse = _vod.Submissions;
        await AdvanceWhileAsync(() => !run.IsCompleted, TimeSpan.FromSeconds(30));

        // Assert
        Assert.Equal(0, submittedBeforeLapse);
        var submission = await run;
        Assert.Equal(1, _vod.Submissions);
        Assert.False(submission.Resumed);
        Assert.Equal(submission.JobId, (await _checkpoints.LoadAsync(Key, CancellationToken.None))!.Checkpoint.JobId);
    }

    [Fact]
    public async Task Of_two_runs_that_find_the_same_lapsed_claim_one_submits_and_the_other_is_told_to_try_again()
    {
        // Arrange: a record whose claim lapsed long ago; both runs read it before either writes.
        await _checkpoints.SaveAsync(Key, Recorded(claimedAt: _time.GetUtcNow() - TimeSpan.FromHours(1)), ifMatch: null, CancellationToken.None);
        var store = new BarrierStore(_checkpoints, readers: 2);

        // Act
        var runs = new[]
        {
            Uploader(store).SubmitAsync(Key, new MediaMetadata(), Options, Sign, null, CancellationToken.None),
            Uploader(store).SubmitAsync(Key, new MediaMetadata(), Options, Sign, null, CancellationToken.None),
        };
        var outcomes = await Task.WhenAll(runs.Select(async run =>
        {
            try
            {
                return (Submission: await run, Failure: (UploadException?)null);
            }
            catch (UploadException ex)
            {
                return (Submission: (PullSubmission?)null, Failure: ex);
            }
        }));
        var retried = await Uploader().SubmitAsync(Key, new MediaMetadata(), Options, Sign, null, CancellationToken.None);

        // Assert
        Assert.Equal(1, _vod.Submissions);
        var loser = Assert.Single(outcomes, o => o.Failure is not null).Failure!;
        Assert.Equal(UploadErrorCodes.CheckpointContention, loser.Code);
        Assert.Equal(UploadErrorKind.Retryable, loser.Kind);
        Assert.Equal(Assert.Single(outcomes, o => o.Submission is not null).Submission!.JobId, retried.JobId);
    }

    [Fact]
    public async Task A_call_vod_refused_releases_the_claim_so_the_retry_submits_at_once()
    {
        // Arrange: VOD answers the first call 503 Throttling: it created no job. (The port wraps VOD's error as the
        // production adapter does.)
        _vod.FailNext(UploadException.From(new AlibabaCloudException(AlibabaService.Vod, "UploadMediaByURL", 503, "Throttling", "Request was denied due to flow control.", "req-1", AlibabaErrorKind.Retryable)));
        await Assert.ThrowsAsync<UploadException>(() => Uploader().SubmitAsync(Key, new MediaMetadata(), Options, Sign, null, CancellationToken.None));

        // Act: the step's retry, with the clock standing still.
        var retried = await Uploader().SubmitAsync(Key, new MediaMetadata(), Options, Sign, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        Assert.Equal(2, _vod.Submissions);
        Assert.False(retried.Resumed);
    }

    [Theory]
    [InlineData(0, "RequestTimeout")]
    [InlineData(502, "InternalError")]
    public async Task A_call_that_got_no_answer_or_a_server_error_keeps_the_claim_because_vod_may_have_taken_the_job(int status, string code)
    {
        // Arrange: the first call's answer never came, or a gateway's 5xx did (VOD may or may not hold the job).
        _vod.FailNext(UploadException.From(new AlibabaCloudException(AlibabaService.Vod, "UploadMediaByURL", status, code, "No answer.", null, AlibabaErrorKind.Retryable)));
        await Assert.ThrowsAsync<UploadException>(() => Uploader().SubmitAsync(Key, new MediaMetadata(), Options, Sign, null, CancellationToken.None));

        // Act
        var retry = Uploader().SubmitAsync(Key, new MediaMetadata(), Options, Sign, null, CancellationToken.None);
        await AdvanceWhileAsync(() => !retry.IsCompleted, TimeSpan.FromSeconds(30));
        var waited = !retry.IsCompleted;
        await AdvanceWhileAsync(() => !retry.IsCompleted, PullSubmitStep.ClaimLifetime);

        // Assert: it waited on the claim, then submitted once more.
        Assert.True(waited);
        await retry;
        Assert.Equal(2, _vod.Submissions);
    }

    [Fact]
    public async Task Cancelling_while_another_run_holds_a_live_claim_says_the_job_may_still_run()
    {
        await _checkpoints.SaveAsync(Key, Recorded(claimedAt: _time.GetUtcNow()), ifMatch: null, CancellationToken.None);

        var cancelled = await Uploader().CancelAsync(Key, keepMedia: false, null, CancellationToken.None);

        Assert.True(cancelled.Found);
        Assert.True(cancelled.JobMayStillRun);
        Assert.Null(await _checkpoints.LoadAsync(Key, CancellationToken.None));
    }

    [Fact]
    public async Task Cancelling_a_record_whose_claim_lapsed_without_a_job_says_nothing_runs()
    {
        await _checkpoints.SaveAsync(Key, Recorded(claimedAt: _time.GetUtcNow() - PullSubmitStep.ClaimLifetime), ifMatch: null, CancellationToken.None);

        var cancelled = await Uploader().CancelAsync(Key, keepMedia: false, null, CancellationToken.None);

        Assert.False(cancelled.JobMayStillRun);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_cancel_that_keeps_media_removes_only_the_record_and_asks_vod_nothing(bool keepMedia)
    {
        var recorded = Recorded(claimedAt: _time.GetUtcNow());
        (recorded.State, recorded.JobId, recorded.MediaId) = (PullCheckpointState.Submitted, "job-9", "video-9");
        await _checkpoints.SaveAsync(Key, recorded, ifMatch: null, CancellationToken.None);

        var cancelled = await Uploader().CancelAsync(Key, keepMedia, null, CancellationToken.None);

        Assert.Equal((true, "job-9", "video-9", !keepMedia), (cancelled.Found, cancelled.JobId, cancelled.MediaId, cancelled.MediaDeleted));
        Assert.Equal(keepMedia ? [] : ["video-9"], _vod.Deleted);
        Assert.Null(await _checkpoints.LoadAsync(Key, CancellationToken.None));
    }

    private PullUploader Uploader(IPullCheckpointStore? store = null) => new(_vod, store ?? _checkpoints, _time, NullLogger<PullUploader>.Instance);

    private static Task<PullUrl> Sign(CancellationToken cancellationToken) => Task.FromResult(new PullUrl(Source, PullUploader.SasExpiry(Source)));

    private static PullCheckpoint Recorded(DateTimeOffset claimedAt) => new()
    {
        State = PullCheckpointState.Submitting,
        SourceUrl = Source.AbsoluteUri,
        UrlExpiresOn = PullUploader.SasExpiry(Source),
        RecordedAt = claimedAt,
        SubmitClaimedAt = claimedAt,
        Title = "clip",
    };

    // Moves the fake clock a second at a time (letting the runs react in real time between steps) while the condition
    // holds, at most by `span`.
    private async Task AdvanceWhileAsync(Func<bool> condition, TimeSpan span)
    {
        for (var moved = TimeSpan.Zero; moved < span && condition(); moved += TimeSpan.FromSeconds(1))
        {
            await Task.Delay(5);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        await Task.Delay(20);
    }

    // VOD as far as submission goes: counts UploadMediaByURL calls, lists each job by its URL once the call has returned,
    // and can hold a call open.
    private sealed class CountingVod : IVodPullApi
    {
        private readonly List<UrlUploadInfo> _jobs = [];
        private TaskCompletionSource? _gate;
        private Exception? _failNext;

        public int Submissions { get; private set; }

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _gate!.SetResult();

        public void FailNext(Exception failure) => _failNext = failure;

        public async Task<string> SubmitAsync(UploadMediaByUrlRequest request, CancellationToken cancellationToken)
        {
            Submissions++;
            Entered.TrySetResult();
            if (Interlocked.Exchange(ref _failNext, null) is { } failure)
            {
                throw failure;
            }

            if (_gate is { } gate)
            {
                await gate.Task;
            }

            var job = new UrlUploadInfo { JobId = $"job-{Submissions}", UploadUrl = request.UploadUrls![0], Status = "PENDING" };
            lock (_jobs)
            {
                _jobs.Add(job);
            }

            return job.JobId;
        }

        public Task<UrlUploadInfo?> GetJobAsync(string jobId, CancellationToken cancellationToken)
        {
            lock (_jobs)
            {
                return Task.FromResult(_jobs.FirstOrDefault(j => j.JobId == jobId));
            }
        }

        public Task<UrlUploadInfo?> FindJobAsync(string sourceUrl, DateTimeOffset? createdSince, CancellationToken cancellationToken)
        {
            lock (_jobs)
            {
                return Task.FromResult(_jobs.LastOrDefault(j => j.UploadUrl == sourceUrl));
            }
        }

        public List<string> Deleted { get; } = [];

        public Task DeleteVideoAsync(string videoId, CancellationToken cancellationToken)
        {
            Deleted.Add(videoId);
            return Task.CompletedTask;
        }
    }

    // Lets the first `readers` loads through only together, so every reader holds the same tag before anyone writes.
    private sealed class BarrierStore(IPullCheckpointStore inner, int readers) : IPullCheckpointStore
    {
        private readonly Barrier _barrier = new(readers);
        private int _loads;

        public async Task<StoredPullCheckpoint?> LoadAsync(string key, CancellationToken cancellationToken)
        {
            var loaded = await inner.LoadAsync(key, cancellationToken);
            if (Interlocked.Increment(ref _loads) <= readers)
            {
                await Task.Run(() => _barrier.SignalAndWait(TimeSpan.FromSeconds(10)), cancellationToken);
            }

            return loaded;
        }

        public Task<string> SaveAsync(string key, PullCheckpoint checkpoint, string? ifMatch, CancellationToken cancellationToken) =>
            inner.SaveAsync(key, checkpoint, ifMatch, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
    }
}
