using Microsoft.Extensions.Logging.Abstractions;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Vod.Functions.Uploads;
using Vod.Testing;
using Vod.Upload;
using Vod.Upload.Pull;

namespace Vod.Functions.Tests;

/// <summary>
/// Pull mode under the real orchestrator and activities on the Durable Task engine: the emulator fetches the blob from
/// Azurite over the SAS the app signs; the mode is chosen per upload; failures end typed; cancel deletes the media.
/// </summary>
public sealed class PullModeTests : IAsyncLifetime
{
    private FunctionsHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = await FunctionsHarness.StartAsync();
        _harness.Options.Value.PullFirstPollSeconds = 1;
        _harness.Options.Value.PullMaxPollSeconds = 2;
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static Dictionary<string, string> Pull => new() { ["transfermode"] = "pull" };

    [Fact]
    public async Task A_blob_dropped_with_transfermode_pull_reaches_vod_byte_identical_and_no_sas_enters_the_history()
    {
        // Arrange
        var data = FunctionsHarness.Data(600_000, 61);
        var job = await _harness.PutBlobAsync(data, "pulled/clip.mp4", Pull);

        // Act
        var done = await RunAsync(job);

        // Assert
        Assert.Equal((TransferMode.Pull, "requested"), (job.Mode, job.ModeReason));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var outcome = done.ReadOutputAs<UploadOutcome>()!;
        Assert.Equal(data.Length, outcome.Size);
        Assert.Equal(data, StoredBytes(outcome.MediaId));
        var status = done.ReadCustomStatusAs<UploadStatus>()!;
        Assert.Equal(("pull", "succeeded", "SUCCESS"), (status.TransferMode, status.Phase, status.PullStatus));
        Assert.NotNull(status.PullJobId);
        Assert.Single(_harness.Emulator.State.UrlJobs);
        Assert.Empty(_harness.Emulator.State.Uploads);
        Assert.DoesNotContain(_harness.Payloads, p => p.Contains("sig=", StringComparison.Ordinal));
        Assert.DoesNotContain("sig=", done.SerializedCustomStatus!, StringComparison.Ordinal);
        foreach (var signature in new[] { "sig=", "sig%3D", "sig%253D" })
        {
            Assert.DoesNotContain(signature, _harness.Logs.Text, StringComparison.OrdinalIgnoreCase);
        }
        var record = await _harness.Records.GetAsync("video", outcome.MediaId, CancellationToken.None);
        Assert.Equal((job.UploadId, "pull", "blob"), (record?.UploadId, record?.TransferMode, record?.Source));
    }

    [Fact]
    public async Task A_retried_submission_finds_the_recorded_job_and_never_creates_a_second_media()
    {
        // Arrange: the submit activity ran once already (its answer lost, as after a crash), then the orchestration runs.
        var data = FunctionsHarness.Data(100_000, 62);
        var job = await _harness.PutBlobAsync(data, "pulled/retry.mp4", Pull);
        var first = await _harness.PullActivities.SubmitPull(job);

        // Act
        var done = await RunAsync(job);

        // Assert
        Assert.Null(first.Failure);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Single(_harness.Emulator.State.UrlJobs);
        Assert.Single(_harness.Emulator.State.Media);
        Assert.Equal(first.Value!.JobId, done.ReadCustomStatusAs<UploadStatus>()!.PullJobId);
    }

    [Theory]
    [InlineData("refuse", UploadErrorCodes.PullAccessDenied)]
    [InlineData("fail", UploadErrorCodes.PullUploadFailed)]
    public async Task A_failed_pull_job_ends_the_upload_with_its_typed_error(string fault, string code)
    {
        _harness.Emulator.Faults.FailPulls(refuse: fault == "refuse" ? 1 : 0, fail: fault == "fail" ? 1 : 0);
        var job = await _harness.PutBlobAsync(FunctionsHarness.Data(5000, 63), $"pulled/{fault}.mp4", Pull);

        var done = await RunAsync(job);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        var status = done.ReadCustomStatusAs<UploadStatus>()!;
        Assert.Equal(code, status.ErrorCode);
        Assert.Contains("VOD's pull job ended", status.LastError, StringComparison.Ordinal);
        Assert.Null(await LoadCheckpointAsync(job));
        Assert.Empty(_harness.Emulator.State.Media); // the failed job's UploadFail media is deleted; a refused one made none
    }

    [Fact]
    public async Task Polls_that_go_unanswered_for_a_while_do_not_fail_the_upload()
    {
        // Arrange: VOD does not answer the first five polls (more than the step retries), as when it throttles.
        var unanswered = 0;
        _harness.BeforeActivity = (name, _) => name == nameof(PullActivities.PollPull) && Interlocked.Increment(ref unanswered) <= 5
            ? new UploadFailure("Throttling.User", UploadErrorKind.Retryable, "Request was denied due to user flow control.")
            : null;
        var data = FunctionsHarness.Data(20_000, 66);
        var job = await _harness.PutBlobAsync(data, "pulled/throttled.mp4", Pull);

        // Act
        var done = await RunAsync(job);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(data, StoredBytes(done.ReadOutputAs<UploadOutcome>()!.MediaId));
        Assert.True(unanswered > 5);
    }

    [Fact]
    public async Task A_failure_that_leaves_vods_job_running_keeps_its_record_and_a_retry_watches_the_same_job()
    {
        // Arrange: the polls are refused (a key rotated away, say) while VOD's job goes on.
        var refuse = true;
        _harness.BeforeActivity = (name, _) => refuse && name == nameof(PullActivities.PollPull)
            ? new UploadFailure("Forbidden.RAM", UploadErrorKind.Fatal, "The user is not authorized to operate on the specified resource.")
            : null;
        var data = FunctionsHarness.Data(30_000, 69);
        var job = await _harness.PutBlobAsync(data, "pulled/refused-polls.mp4", Pull);

        // Act: the upload fails; then it is retried, as POST /retry does, with the polls answered again.
        var failed = await RunAsync(job);
        var kept = await LoadCheckpointAsync(job);
        refuse = false;
        await _harness.Host.Client.PurgeInstanceAsync(job.UploadId);
        var retried = await RunAsync(job);

        // Assert: nothing deleted, the record kept, the failure says the job may still run; the retry adopts the job.
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        var status = failed.ReadCustomStatusAs<UploadStatus>()!;
        Assert.Equal("Forbidden.RAM", status.ErrorCode);
        Assert.Contains("may still run", status.LastError, StringComparison.Ordinal);
        Assert.NotNull(kept?.Checkpoint.JobId);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, retried.RuntimeStatus);
        Assert.Equal(kept!.Checkpoint.JobId, retried.ReadCustomStatusAs<UploadStatus>()!.PullJobId);
        Assert.Single(_harness.Emulator.State.UrlJobs);
        Assert.Equal(data, StoredBytes(Assert.Single(_harness.Emulator.State.Media).Key));
    }

    [Fact]
    public async Task A_blob_changed_while_vod_pulls_it_ends_SourceChanged_and_its_media_is_deleted()
    {
        // Arrange: the job waits in VOD's queue; meanwhile the blob is overwritten (new ETag, new size).
        var job = await _harness.PutBlobAsync(FunctionsHarness.Data(30_000, 67), "pulled/changed.mp4", Pull);
        _harness.Emulator.Faults.PullQueueGate.HoldAfter(0);
        var client = _harness.Host.Client;
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), job, new StartOrchestrationOptions(job.UploadId));
        await Poll.UntilAsync(() => Task.FromResult(_harness.Emulator.Faults.PullQueueGate.Held == 1), "the job waits in VOD's queue");
        await _harness.Blobs.GetBlobContainerClient(job.Source.Container).GetBlobClient(job.Source.BlobName).UploadAsync(BinaryData.FromBytes(FunctionsHarness.Data(31_000, 68)), overwrite: true);

        // Act
        _harness.Emulator.Faults.PullQueueGate.Release();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await client.WaitForInstanceCompletionAsync(job.UploadId, getInputsAndOutputs: true, timeout.Token);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        var status = done.ReadCustomStatusAs<UploadStatus>()!;
        Assert.Equal(UploadErrorCodes.SourceChanged, status.ErrorCode);
        Assert.Contains("was deleted", status.LastError, StringComparison.Ordinal);
        Assert.Empty(_harness.Emulator.State.Media);
    }

    [Fact]
    public async Task A_long_wait_in_vods_queue_continues_as_new_and_still_submits_once()
    {
        // Arrange: two polls per execution, and VOD's queue held for at least five polls.
        var data = FunctionsHarness.Data(40_000, 69);
        var job = await _harness.PutBlobAsync(data, "pulled/long.mp4", Pull);
        job = job with { Pull = job.Pull! with { PollsPerExecution = 2 } };
        _harness.Emulator.Faults.PullQueueGate.HoldAfter(0);
        var client = _harness.Host.Client;
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), job, new StartOrchestrationOptions(job.UploadId));
        await Poll.UntilAsync(async () => (await StatusAsync(job.UploadId))?.PullPolls >= 5, "five polls of the queued job", TimeSpan.FromSeconds(90));

        // Act
        _harness.Emulator.Faults.PullQueueGate.Release();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await client.WaitForInstanceCompletionAsync(job.UploadId, getInputsAndOutputs: true, timeout.Token);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(data, StoredBytes(done.ReadOutputAs<UploadOutcome>()!.MediaId));
        Assert.Single(_harness.Emulator.State.UrlJobs);
        Assert.True(done.ReadCustomStatusAs<UploadStatus>()!.PullPolls >= 6);
        var outcome = done.ReadOutputAs<UploadOutcome>()!;
        Assert.True(outcome.CompletedAt - outcome.StartedAt >= TimeSpan.FromSeconds(4), $"{outcome.StartedAt} → {outcome.CompletedAt}: the start of the first execution is kept");
    }

    [Fact]
    public async Task A_sas_that_expires_in_the_queue_ends_PullUrlExpired()
    {
        // Arrange: a SAS of 2 seconds (the settings allow 5 minutes at least: the job is edited), and VOD's queue held longer.
        var job = await _harness.PutBlobAsync(FunctionsHarness.Data(5000, 64), "pulled/late.mp4", Pull);
        var shortLived = job with { Pull = job.Pull! with { UrlLifetimeSeconds = 2 } };
        _harness.Emulator.Faults.PullQueueGate.HoldAfter(0);
        var client = _harness.Host.Client;
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), shortLived, new StartOrchestrationOptions(job.UploadId));
        await Poll.UntilAsync(() => Task.FromResult(_harness.Emulator.Faults.PullQueueGate.Held == 1), "the job waits in VOD's queue");
        await Task.Delay(TimeSpan.FromSeconds(3));
        _harness.Emulator.Faults.PullQueueGate.Release();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await client.WaitForInstanceCompletionAsync(job.UploadId, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(UploadErrorCodes.PullUrlExpired, done.ReadCustomStatusAs<UploadStatus>()!.ErrorCode);
    }

    [Fact]
    public async Task Auto_picks_pull_only_where_it_fits()
    {
        var options = _harness.Options.Value;
        options.DefaultTransferMode = "auto";
        options.PullMaxBytes = 10_000;
        try
        {
            var fits = await _harness.TryPutBlobAsync(new byte[5000], "auto/fits.mp4");
            var audio = await _harness.TryPutBlobAsync(new byte[5000], "auto/fits.mp3");
            var image = await _harness.TryPutBlobAsync(new byte[5000], "auto/poster.png");
            var large = await _harness.TryPutBlobAsync(new byte[10_001], "auto/large.mp4");
            var pushed = await _harness.TryPutBlobAsync(new byte[5000], "auto/asked.mp4", new Dictionary<string, string> { ["transfermode"] = "push" });
            var apiPull = await _harness.TryPutBlobAsync(new byte[5000], "auto/api.mp4", new Dictionary<string, string> { ["transfermode"] = "push" }, new UploadOptions { TransferMode = TransferMode.Pull });
            var imagePull = await _harness.TryPutBlobAsync(new byte[5000], "auto/poster2.png", Pull);
            var bad = await _harness.TryPutBlobAsync(new byte[5000], "auto/bad.mp4", new Dictionary<string, string> { ["transfermode"] = "sideways" });
            options.PullSourceReachable = false;
            var unreachable = await _harness.TryPutBlobAsync(new byte[5000], "auto/private.mp4");
            options.PullSourceReachable = true;
            options.Region = "eu-central-1";
            var region = await _harness.TryPutBlobAsync(new byte[5000], "auto/region.mp4");
            options.DefaultTransferMode = "push";
            var byDefault = await _harness.TryPutBlobAsync(new byte[5000], "auto/default.mp4");

            Assert.Equal((TransferMode.Pull, "pull-fits"), (fits.Job!.Mode, fits.Job.ModeReason));
            Assert.Equal((TransferMode.Pull, 5000L), (audio.Job!.Mode, audio.Job.Pull!.ExpectedBytes));
            Assert.Equal((TransferMode.Push, "not-audio-video"), (image.Job!.Mode, image.Job.ModeReason));
            Assert.Equal((TransferMode.Push, "too-large"), (large.Job!.Mode, large.Job.ModeReason));
            Assert.Equal((TransferMode.Push, "requested"), (pushed.Job!.Mode, pushed.Job.ModeReason));
            Assert.Equal(TransferMode.Pull, apiPull.Job!.Mode);
            Assert.Equal(UploadErrorCodes.PullNotSupported, imagePull.Refusal!.Code);
            Assert.Equal(UploadErrorCodes.InvalidRequest, bad.Refusal!.Code);
            Assert.Equal((TransferMode.Push, "source-unreachable"), (unreachable.Job!.Mode, unreachable.Job.ModeReason));
            Assert.Equal((TransferMode.Push, "region-without-pull"), (region.Job!.Mode, region.Job.ModeReason));
            Assert.Equal((TransferMode.Push, "default"), (byDefault.Job!.Mode, byDefault.Job.ModeReason));
            Assert.Null(fits.Job.Pull is null ? "no plan" : null);
            Assert.Null(image.Job.Pull);
        }
        finally
        {
            options.DefaultTransferMode = "push";
            options.PullMaxBytes = 5L * 1024 * 1024 * 1024;
            options.Region = "cn-shanghai";
        }
    }

    [Fact]
    public async Task The_api_takes_options_transferMode_and_refuses_a_pull_it_cannot_do_as_problem_details()
    {
        // Arrange: a video and an image in the incoming container (the trigger does not run in this harness).
        await _harness.TryPutBlobAsync(new byte[5000], "api/clip.mp4");
        await _harness.TryPutBlobAsync(new byte[5000], "api/poster.png");
        var api = _harness.Api();

        // Act
        var pulled = await api.Start(JsonRequest("""{"name":"api/clip.mp4","options":{"transferMode":"pull"}}"""), _harness.Host.Client);
        var image = await api.Start(JsonRequest("""{"name":"api/poster.png","options":{"transferMode":"Pull"}}"""), _harness.Host.Client);
        var unknown = await api.Start(JsonRequest("""{"name":"api/clip.mp4","options":{"transferMode":"sideways"}}"""), _harness.Host.Client);

        // Assert
        var accepted = Assert.IsType<AcceptedResult>(pulled);
        var id = JsonDocument.Parse(JsonSerializer.Serialize(accepted.Value)).RootElement.GetProperty("id").GetString()!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await _harness.Host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("pull", done.ReadCustomStatusAs<UploadStatus>()!.TransferMode);
        Assert.Equal((422, UploadErrorCodes.PullNotSupported), Problem(image));
        Assert.Equal((400, "InvalidJson"), Problem(unknown));
    }

    private static (int?, string?) Problem(IActionResult result)
    {
        var problem = Assert.IsType<ObjectResult>(result);
        return (problem.StatusCode, ((ProblemDetails)problem.Value!).Extensions["code"]?.ToString());
    }

    private static HttpRequest JsonRequest(string body)
    {
        var request = Request();
        request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body));
        return request;
    }

    [Fact]
    public async Task Cancel_stops_the_polling_and_deletes_the_media_vod_created()
    {
        // Arrange: the upload polls once (PENDING: the queue is held), then sleeps; meanwhile VOD runs the job.
        _harness.Options.Value.PullFirstPollSeconds = 120;
        _harness.Options.Value.PullMaxPollSeconds = 120;
        var job = await _harness.PutBlobAsync(FunctionsHarness.Data(5000, 65), "pulled/cancel.mp4", Pull);
        _harness.Emulator.Faults.PullQueueGate.HoldAfter(0);
        var client = _harness.Host.Client;
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), job, new StartOrchestrationOptions(job.UploadId));
        await Poll.UntilAsync(async () => (await StatusAsync(job.UploadId))?.PullPolls >= 1, "the upload polled the queued job");
        Assert.NotNull(await LoadCheckpointAsync(job));
        await foreach (var damaged in _harness.Engine.Checkpoints.ListDamagedAsync(CancellationToken.None))
        {
            Assert.Fail($"The push checkpoints' store took {damaged.Key} for a damaged checkpoint of its own.");
        }

        _harness.Emulator.Faults.PullQueueGate.Release();
        await Poll.UntilAsync(() => Task.FromResult(_harness.Emulator.State.UrlJobs.Values.Single().Status == "SUCCESS"), "VOD pulled the blob");
        var mediaId = _harness.Emulator.State.UrlJobs.Values.Single().MediaId!;

        // Act
        var response = await _harness.Api().Cancel(Request(), job.UploadId, client);

        // Assert
        Assert.IsType<AcceptedResult>(response);
        await Poll.UntilAsync(async () => (await client.GetInstanceAsync(job.UploadId))?.RuntimeStatus == OrchestrationRuntimeStatus.Terminated, "the cancelled upload is terminated");
        Assert.False(_harness.Emulator.State.Media.ContainsKey(mediaId));
        Assert.Equal(1, (await StatusAsync(job.UploadId))!.PullPolls);
        Assert.Null(await LoadCheckpointAsync(job));
    }

    [Fact]
    public async Task Deleting_a_finished_pull_keeps_its_video_even_when_its_record_was_left_behind()
    {
        // Arrange: a finished pull whose record survived (its clean-up met a storage error), still naming the video.
        var job = await _harness.PutBlobAsync(FunctionsHarness.Data(8000, 70), "pulled/finished.mp4", Pull);
        var done = await RunAsync(job);
        var mediaId = done.ReadOutputAs<UploadOutcome>()!.MediaId;
        var store = new BlobPullCheckpointStore(_harness.Blobs.GetBlobContainerClient(_harness.Options.Value.CheckpointContainer));
        await store.SaveAsync(PullActivities.CheckpointKey(job), new PullCheckpoint
        {
            State = PullCheckpointState.Submitted, SourceUrl = "https://example.invalid/finished.mp4", JobId = _harness.Emulator.State.UrlJobs.Values.Single().JobId, MediaId = mediaId,
        }, ifMatch: null, CancellationToken.None);

        // Act
        var response = await _harness.Api().Delete(Request(), job.UploadId, _harness.Host.Client);

        // Assert: the upload is forgotten, the record gone, the video — the upload's result — still in VOD.
        Assert.IsType<NoContentResult>(response);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.True(_harness.Emulator.State.Media.ContainsKey(mediaId));
        Assert.Null(await LoadCheckpointAsync(job));
    }

    [Fact]
    public async Task The_daily_purge_removes_the_pull_records_ended_uploads_left_and_deletes_only_an_abandoned_video()
    {
        // Arrange: an upload that failed while VOD's job ran on (its record kept for a retry that never came), and a
        // finished one whose record survived its clean-up.
        _harness.BeforeActivity = (name, job) => name == nameof(PullActivities.PollPull) && job is UploadJob { Source.BlobName: "pulled/abandoned.mp4" }
            ? new UploadFailure("Forbidden.RAM", UploadErrorKind.Fatal, "The user is not authorized to operate on the specified resource.")
            : null;
        var abandoned = await _harness.PutBlobAsync(FunctionsHarness.Data(6000, 71), "pulled/abandoned.mp4", Pull);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await RunAsync(abandoned)).RuntimeStatus);
        await Poll.UntilAsync(() => Task.FromResult(_harness.Emulator.State.UrlJobs.Values.Single().Status == "SUCCESS"), "VOD pulled the abandoned blob");
        var abandonedMedia = _harness.Emulator.State.UrlJobs.Values.Single().MediaId!;
        var finished = await _harness.PutBlobAsync(FunctionsHarness.Data(7000, 72), "pulled/finished-left.mp4", Pull);
        var finishedMedia = (await RunAsync(finished)).ReadOutputAs<UploadOutcome>()!.MediaId;
        var store = new BlobPullCheckpointStore(_harness.Blobs.GetBlobContainerClient(_harness.Options.Value.CheckpointContainer));
        await store.SaveAsync(PullActivities.CheckpointKey(finished), new PullCheckpoint
        {
            State = PullCheckpointState.Submitted, SourceUrl = "https://example.invalid/finished-left.mp4", JobId = "job-finished", MediaId = finishedMedia,
        }, ifMatch: null, CancellationToken.None);
        var later = new HistoryPurge(_harness.Engine, _harness.Options, new ShiftedClock(TimeSpan.FromDays(_harness.Options.Value.HistoryRetentionDays + 1)),
            NullLogger<HistoryPurge>.Instance, _harness.Pull, _harness.Blobs);
        var today = new HistoryPurge(_harness.Engine, _harness.Options, TimeProvider.System, NullLogger<HistoryPurge>.Instance, _harness.Pull, _harness.Blobs);

        // Act
        var notYet = await today.PurgeAsync(_harness.Host.Client, CancellationToken.None);
        var purged = await later.PurgeAsync(_harness.Host.Client, CancellationToken.None);

        // Assert: nothing is old today; later both records are gone, the abandoned video deleted, the finished one kept.
        Assert.Equal(0, notYet.Checkpoints);
        Assert.Equal(2, purged.Checkpoints);
        Assert.Null(await LoadCheckpointAsync(abandoned));
        Assert.Null(await LoadCheckpointAsync(finished));
        Assert.False(_harness.Emulator.State.Media.ContainsKey(abandonedMedia));
        Assert.True(_harness.Emulator.State.Media.ContainsKey(finishedMedia));
    }

    private sealed class ShiftedClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + ahead;
    }

    private async Task<OrchestrationMetadata> RunAsync(UploadJob job)
    {
        var client = _harness.Host.Client;
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), job, new StartOrchestrationOptions(job.UploadId));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        return await client.WaitForInstanceCompletionAsync(job.UploadId, getInputsAndOutputs: true, timeout.Token);
    }

    private async Task<UploadStatus?> StatusAsync(string id) =>
        (await _harness.Host.Client.GetInstanceAsync(id, getInputsAndOutputs: true))?.ReadCustomStatusAs<UploadStatus>();

    private Task<StoredPullCheckpoint?> LoadCheckpointAsync(UploadJob job) =>
        new BlobPullCheckpointStore(_harness.Blobs.GetBlobContainerClient(_harness.Options.Value.CheckpointContainer)).LoadAsync(PullActivities.CheckpointKey(job), CancellationToken.None);

    private byte[] StoredBytes(string mediaId)
    {
        var key = _harness.Emulator.State.Media[mediaId].Key;
        return File.ReadAllBytes(_harness.Emulator.State.Objects.Values.Single(o => o.Key == key).FilePath);
    }

    private static HttpRequest Request()
    {
        var request = new DefaultHttpContext().Request;
        request.Scheme = "http";
        request.Host = new HostString("localhost", 7071);
        return request;
    }
}
