using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Vod.Alibaba.VodApi.Operations;
using Vod.Emulator;
using Vod.Testing;
using Vod.Upload.Engine;
using Vod.Upload.Ports;
using Vod.Upload.Pull;

namespace Vod.Upload.Tests;

/// <summary>
/// Pull uploads against real peers: the blob sits in Azurite, the URL is a SAS Azurite checks, and the emulator fetches it
/// in the background as VOD does. Failure cases come from the emulator's fault switches and real SAS expiry.
/// </summary>
public sealed class PullUploaderTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly PullOptions Fast = new() { FirstPollInterval = TimeSpan.FromMilliseconds(50), MaxPollInterval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromSeconds(60) };
    private readonly RecordingLoggerProvider _logs = new();
    private EngineHarness _harness = null!;
    private DevelopmentUrlSigner _signer = null!;

    public async Task InitializeAsync()
    {
        _harness = await EngineHarness.StartAsync(azurite.Blobs);
        _signer = DevelopmentUrlSigner.TryCreate(azurite.Azurite.ConnectionString)!;
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        _logs.Dispose();
    }

    [Fact]
    public async Task A_pulled_blob_reaches_vod_byte_identical()
    {
        // Arrange
        var data = EngineHarness.Data(700_000, 31);
        var url = await PutAndSignAsync(data, "clip.mp4", TimeSpan.FromMinutes(10));
        var observer = new PullObserver();

        // Act
        var result = await Uploader(out var checkpoints).PullAsync(url, new MediaMetadata { Title = "pulled clip", Tags = ["a", "b"] }, Fast with { ExpectedBytes = data.Length }, observer);

        // Assert
        Assert.Equal(data.Length, result.Size);
        Assert.Equal(data, StoredBytesOf(result.MediaId));
        Assert.Equal("pulled clip", _harness.Emulator.State.Media[result.MediaId].Title);
        Assert.Contains("SUCCESS", observer.Statuses);
        Assert.Equal(result, observer.Succeeded);
        Assert.Equal(0, checkpoints.Count);
        Assert.Single(_harness.Emulator.State.UrlJobs);
        Assert.DoesNotContain("sig=", _logs.Text, StringComparison.Ordinal);
        Assert.Contains("1101", _logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_crash_between_the_submission_and_its_record_never_submits_twice()
    {
        // Arrange: the first run's process stops right after VOD took the job, before the job id is recorded (a failure
        // there would be retried in the same run; a stop leaves the rest to the next process).
        var data = EngineHarness.Data(200_000, 32);
        var url = await PutAndSignAsync(data, "crash.mp4", TimeSpan.FromMinutes(10));
        var checkpoints = new InMemoryPullCheckpointStore();
        using var killed = new CancellationTokenSource();
        var dying = new PullUploader(new DiesAfterSubmit(new VodPullApi(_harness.Vod), killed), checkpoints);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dying.PullAsync(url, new MediaMetadata(), Fast, cancellationToken: killed.Token));

        // Act: a new process, same URL.
        var result = await new PullUploader(new VodPullApi(_harness.Vod), checkpoints, logger: Logger()).PullAsync(url, new MediaMetadata(), Fast);

        // Assert
        Assert.Single(_harness.Emulator.State.UrlJobs);
        Assert.Single(_harness.Emulator.State.Media);
        Assert.Equal(data, StoredBytesOf(result.MediaId));
        Assert.Contains("1102", _logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_submission_whose_answer_is_lost_is_retried_and_adopts_the_job_vod_took()
    {
        // Arrange: VOD takes the job, but its answer never arrives (the connection drops).
        var data = EngineHarness.Data(150_000, 42);
        var url = await PutAndSignAsync(data, "lost-answer.mp4", TimeSpan.FromMinutes(10));

        // Act
        var result = await new PullUploader(new DiesAfterSubmit(new VodPullApi(_harness.Vod), killed: null), new InMemoryPullCheckpointStore(), logger: Logger())
            .PullAsync(url, new MediaMetadata(), Fast);

        // Assert: the retried step found the job by its URL instead of submitting another.
        Assert.Single(_harness.Emulator.State.UrlJobs);
        Assert.Single(_harness.Emulator.State.Media);
        Assert.Equal(data, StoredBytesOf(result.MediaId));
        Assert.Contains("1102", _logs.Text, StringComparison.Ordinal);
        Assert.Contains("1015", _logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_of_the_same_url_from_before_the_record_is_never_adopted()
    {
        // Arrange: the URL was pulled before (its job done); a later run recorded the URL and stopped before submitting.
        var url = await PutAndSignAsync(EngineHarness.Data(3000, 38), "again.mp4", TimeSpan.FromMinutes(30));
        var checkpoints = new InMemoryPullCheckpointStore();
        var earlier = await new PullUploader(new VodPullApi(_harness.Vod), checkpoints).PullAsync(url, new MediaMetadata(), Fast);
        await checkpoints.SaveAsync(PullCheckpoint.KeyForUrl(url), new PullCheckpoint
        {
            State = PullCheckpointState.Submitting, SourceUrl = url.AbsoluteUri, RecordedAt = DateTimeOffset.UtcNow.AddMinutes(10),
        }, ifMatch: null, CancellationToken.None);

        // Act
        var later = await new PullUploader(new VodPullApi(_harness.Vod), checkpoints).PullAsync(url, new MediaMetadata(), Fast);

        // Assert: a new job and media, not the earlier pull's.
        Assert.NotEqual(earlier.JobId, later.JobId);
        Assert.NotEqual(earlier.MediaId, later.MediaId);
        Assert.Equal(2, _harness.Emulator.State.UrlJobs.Count);
    }

    [Fact]
    public async Task Fields_vod_would_refuse_fail_before_anything_is_recorded_or_submitted()
    {
        var url = await PutAndSignAsync(EngineHarness.Data(1000, 39), "tagged.mp4", TimeSpan.FromMinutes(10));
        var metadata = new MediaMetadata { Tags = [.. Enumerable.Range(1, 17).Select(i => $"t{i}")] };

        var uploader = Uploader(out var checkpoints);

        var error = await Assert.ThrowsAsync<UploadException>(() => uploader.PullAsync(url, metadata, Fast));

        Assert.Equal(UploadErrorCodes.InvalidRequest, error.Code);
        Assert.Equal(0, checkpoints.Count);
        Assert.Contains("17 tags", error.Message, StringComparison.Ordinal);
        Assert.Empty(_harness.Emulator.State.UrlJobs);
        Assert.Throws<UploadException>(() => PullUploader.Validate(url, metadata, Fast));
    }

    [Fact]
    public async Task Submitting_again_after_the_job_was_recorded_submits_nothing()
    {
        var url = await PutAndSignAsync(EngineHarness.Data(1000, 33), "twice.mp4", TimeSpan.FromMinutes(10));
        var uploader = Uploader(out _);
        var key = PullCheckpoint.KeyForUrl(url);
        var sign = (CancellationToken _) => Task.FromResult(new PullUrl(url, null));

        var first = await uploader.SubmitAsync(key, new MediaMetadata(), Fast, sign, null, CancellationToken.None);
        var second = await uploader.SubmitAsync(key, new MediaMetadata(), Fast, sign, null, CancellationToken.None);

        Assert.False(first.Resumed);
        Assert.True(second.Resumed);
        Assert.Equal(first.JobId, second.JobId);
        Assert.Single(_harness.Emulator.State.UrlJobs);
    }

    [Fact]
    public async Task A_url_that_expires_while_the_job_waits_in_the_queue_ends_PullUrlExpired()
    {
        // Arrange: VOD's queue is held longer than the SAS lives.
        var url = await PutAndSignAsync(EngineHarness.Data(5000, 34), "late.mp4", TimeSpan.FromSeconds(2));
        _harness.Emulator.Faults.PullQueueGate.HoldAfter(0);
        var pull = Uploader(out var checkpoints).PullAsync(url, new MediaMetadata(), Fast);
        await WaitAsync(() => _harness.Emulator.Faults.PullQueueGate.Held == 1);
        await Task.Delay(TimeSpan.FromSeconds(3));

        // Act
        _harness.Emulator.Faults.PullQueueGate.Release();
        var error = await Assert.ThrowsAsync<UploadException>(() => pull);

        // Assert
        Assert.Equal(UploadErrorCodes.PullUrlExpired, error.Code);
        Assert.Contains("URLExpiredError", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, checkpoints.Count);
    }

    [Fact]
    public async Task A_url_the_source_refuses_ends_PullAccessDenied()
    {
        // A SAS for another blob's name: Azurite answers 403, as Azure does for a SAS of the wrong scope.
        var url = await PutAndSignAsync(EngineHarness.Data(5000, 35), "denied.mp4", TimeSpan.FromMinutes(10));
        var tampered = new Uri(url.AbsoluteUri.Replace("denied.mp4", "other.mp4", StringComparison.Ordinal));
        await PutAsync(EngineHarness.Data(10, 1), "other.mp4");

        var error = await Assert.ThrowsAsync<UploadException>(() => Uploader(out _).PullAsync(tampered, new MediaMetadata(), Fast));

        Assert.Equal(UploadErrorCodes.PullAccessDenied, error.Code);
        Assert.Contains("403", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_and_failed_jobs_from_the_fault_switches_end_with_their_typed_errors()
    {
        var url = await PutAndSignAsync(EngineHarness.Data(5000, 36), "faults.mp4", TimeSpan.FromMinutes(10));
        _harness.Emulator.Faults.FailPulls(refuse: 1, fail: 1);

        var refused = await Assert.ThrowsAsync<UploadException>(() => Uploader(out _).PullAsync(url, new MediaMetadata(), Fast));
        var failed = await Assert.ThrowsAsync<UploadException>(() => Uploader(out _).PullAsync(url, new MediaMetadata(), Fast));
        var succeeded = await Uploader(out _).PullAsync(url, new MediaMetadata(), Fast);

        Assert.Equal(UploadErrorCodes.PullAccessDenied, refused.Code);
        Assert.Equal(UploadErrorCodes.PullUploadFailed, failed.Code);
        Assert.Contains("UPLOAD_FAIL", failed.Message, StringComparison.Ordinal);
        Assert.Contains("could not be stored", failed.Message, StringComparison.Ordinal);
        Assert.NotNull(succeeded.MediaId);
    }

    [Fact]
    public async Task A_source_over_the_limit_is_refused_before_anything_is_submitted()
    {
        var url = await PutAndSignAsync(EngineHarness.Data(5000, 37), "big.mp4", TimeSpan.FromMinutes(10));

        var error = await Assert.ThrowsAsync<UploadException>(() => Uploader(out var checkpoints).PullAsync(url, new MediaMetadata(), Fast with { ExpectedBytes = 5000, MaxBytes = 4999 }));

        Assert.Equal(UploadErrorCodes.PullTooLarge, error.Code);
        Assert.Empty(_harness.Emulator.State.UrlJobs);
    }

    [Fact]
    public async Task Waiting_longer_than_the_timeout_ends_PullTimedOut_and_a_later_run_resumes_the_same_job()
    {
        var data = EngineHarness.Data(3000, 38);
        var url = await PutAndSignAsync(data, "slow.mp4", TimeSpan.FromMinutes(10));
        _harness.Emulator.Faults.PullQueueGate.HoldAfter(0);
        var uploader = Uploader(out var checkpoints);

        var error = await Assert.ThrowsAsync<UploadException>(() => uploader.PullAsync(url, new MediaMetadata(), Fast with { Timeout = TimeSpan.FromMilliseconds(300) }));
        _harness.Emulator.Faults.PullQueueGate.Release();
        var result = await uploader.PullAsync(url, new MediaMetadata(), Fast);

        Assert.Equal((UploadErrorCodes.PullTimedOut, UploadErrorKind.Retryable), (error.Code, error.Kind));
        Assert.Single(_harness.Emulator.State.UrlJobs);
        Assert.Equal(data, StoredBytesOf(result.MediaId));
    }

    [Fact]
    public async Task Cancel_deletes_the_media_of_a_started_job_and_says_when_a_queued_job_may_still_run()
    {
        // A job still queued: nothing to delete yet, and VOD cannot cancel it.
        var queuedUrl = await PutAndSignAsync(EngineHarness.Data(3000, 39), "queued.mp4", TimeSpan.FromMinutes(10));
        _harness.Emulator.Faults.PullQueueGate.HoldAfter(0);
        var uploader = Uploader(out var checkpoints);
        var queuedKey = PullCheckpoint.KeyForUrl(queuedUrl);
        await uploader.SubmitAsync(queuedKey, new MediaMetadata(), Fast, _ => Task.FromResult(new PullUrl(queuedUrl, null)), null, CancellationToken.None);
        var queued = await uploader.CancelAsync(queuedKey, keepMedia: false, null, CancellationToken.None);
        _harness.Emulator.Faults.PullQueueGate.Release();

        // A job that created its media.
        var doneUrl = await PutAndSignAsync(EngineHarness.Data(3000, 40), "done.mp4", TimeSpan.FromMinutes(10));
        var doneKey = PullCheckpoint.KeyForUrl(doneUrl);
        await uploader.SubmitAsync(doneKey, new MediaMetadata(), Fast, _ => Task.FromResult(new PullUrl(doneUrl, null)), null, CancellationToken.None);
        PullState state = null!;
        await WaitAsync(async () => (state = await uploader.PollAsync(doneKey, null, CancellationToken.None)).Finished);
        var done = await uploader.CancelAsync(doneKey, keepMedia: false, null, CancellationToken.None);
        var again = await uploader.CancelAsync(doneKey, keepMedia: false, null, CancellationToken.None);

        Assert.Equal((true, false, true), (queued.Found, queued.MediaDeleted, queued.JobMayStillRun));
        Assert.True(state.Completed);
        Assert.Equal((true, true, false, state.MediaId), (done.Found, done.MediaDeleted, done.JobMayStillRun, done.MediaId));
        Assert.False(_harness.Emulator.State.Media.ContainsKey(state.MediaId!));
        Assert.False(again.Found);
        Assert.Equal(0, checkpoints.Count);
    }

    [Fact]
    public async Task The_development_signer_signs_read_only_one_blob_and_only_for_the_development_account()
    {
        var url = await PutAndSignAsync(EngineHarness.Data(10, 41), "scope.mp4", TimeSpan.FromMinutes(10));
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);

        Assert.Equal(("r", "b"), (query["sp"], query["sr"]));
        Assert.NotNull(PullUploader.SasExpiry(url));
        Assert.Null(DevelopmentUrlSigner.TryCreate("DefaultEndpointsProtocol=https;AccountName=prodaccount;AccountKey=QUJD;EndpointSuffix=core.windows.net"));
        Assert.NotNull(DevelopmentUrlSigner.TryCreate("UseDevelopmentStorage=true"));
        using var http = new HttpClient();
        Assert.Equal(10, (await http.GetByteArrayAsync(url)).Length);
        var write = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(new byte[1]) };
        write.Headers.Add("x-ms-blob-type", "BlockBlob");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await http.SendAsync(write)).StatusCode);
    }

    [Fact]
    public async Task Local_checkpoints_are_written_on_their_tag()
    {
        var store = new LocalPullCheckpointStore(Directory.CreateTempSubdirectory("pull-cp-").FullName);
        var tag = await store.SaveAsync("k", new PullCheckpoint { SourceUrl = "https://x/y.mp4" }, null, CancellationToken.None);

        await Assert.ThrowsAsync<Checkpoints.CheckpointConflictException>(() => store.SaveAsync("k", new PullCheckpoint { SourceUrl = "https://x/z.mp4" }, null, CancellationToken.None));
        var next = await store.SaveAsync("k", new PullCheckpoint { SourceUrl = "https://x/z.mp4", JobId = "j" }, tag, CancellationToken.None);
        await Assert.ThrowsAsync<Checkpoints.CheckpointConflictException>(() => store.SaveAsync("k", new PullCheckpoint { SourceUrl = "https://x/w.mp4" }, tag, CancellationToken.None));

        Assert.Equal(("j", next), ((await store.LoadAsync("k", CancellationToken.None))!.Checkpoint.JobId, (await store.LoadAsync("k", CancellationToken.None))!.ETag));
    }

    private PullUploader Uploader(out InMemoryPullCheckpointStore checkpoints)
    {
        checkpoints = new InMemoryPullCheckpointStore();
        return new PullUploader(_harness.Vod, checkpoints, logger: Logger());
    }

    private ILogger<PullUploader> Logger() => new LoggerFactory([_logs]).CreateLogger<PullUploader>();

    private async Task PutAsync(byte[] data, string name) => await _harness.PutBlobAsync(data, name, "pull-src");

    private async Task<Uri> PutAndSignAsync(byte[] data, string name, TimeSpan lifetime)
    {
        await PutAsync(data, name);
        return (await _signer.SignAsync("pull-src", name, lifetime, CancellationToken.None)).Url;
    }

    private byte[] StoredBytesOf(string mediaId)
    {
        var media = _harness.Emulator.State.Media[mediaId];
        return _harness.StoredBytes(media.Key!);
    }

    private static async Task WaitAsync(Func<bool> condition) => await WaitAsync(() => Task.FromResult(condition()));

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached within 30 s");
            await Task.Delay(25);
        }
    }

    private sealed class PullObserver : IUploadObserver
    {
        public ConcurrentQueue<string> Statuses { get; } = new();

        public PullResult? Succeeded { get; private set; }

        public void OnPullProgress(PullProgress progress) => Statuses.Enqueue(progress.VodStatus);

        public void OnPullSucceeded(PullResult result) => Succeeded = result;
    }

    // Right after UploadMediaByURL answered: the process is stopped (killed given), or the answer is lost (an I/O error).
    // Either way the job exists in VOD and the checkpoint does not know it.
    private sealed class DiesAfterSubmit(IVodPullApi inner, CancellationTokenSource? killed) : IVodPullApi
    {
        public async Task<string> SubmitAsync(UploadMediaByUrlRequest request, CancellationToken cancellationToken)
        {
            await inner.SubmitAsync(request, cancellationToken);
            if (killed is not null)
            {
                await killed.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
            }

            throw new IOException("connection lost");
        }

        public Task<UrlUploadInfo?> GetJobAsync(string jobId, CancellationToken cancellationToken) => inner.GetJobAsync(jobId, cancellationToken);

        public Task<UrlUploadInfo?> FindJobAsync(string sourceUrl, DateTimeOffset? createdSince, CancellationToken cancellationToken) => inner.FindJobAsync(sourceUrl, createdSince, cancellationToken);

        public Task DeleteVideoAsync(string videoId, CancellationToken cancellationToken) => inner.DeleteVideoAsync(videoId, cancellationToken);
    }
}
