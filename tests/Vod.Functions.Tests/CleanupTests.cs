using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Vod.Functions.Api;
using Vod.Functions.Uploads;
using Vod.Upload;

namespace Vod.Functions.Tests;

/// <summary>Retry, stop/resume and delete through the API, and the daily purge, against the Durable test host, Azurite and the emulator.</summary>
public sealed class CleanupTests : IAsyncLifetime
{
    private const string SmallParts = "\"options\":{\"partSize\":102400,\"parallel\":1,\"retryCount\":0}";
    private static readonly JsonSerializerOptions AspNetJson = new(JsonSerializerDefaults.Web);
    private FunctionsHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await FunctionsHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private UploadsApi Api() => _harness.Api();

    private static HttpRequest Request(string? body = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost", 7071);
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body ?? string.Empty));
        return context.Request;
    }

    private async Task<string> StartAsync(string name, int size, int seed)
    {
        var container = _harness.Blobs.GetBlobContainerClient(_harness.Options.Value.IncomingContainer);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(FunctionsHarness.Data(size, seed)), overwrite: true);
        var started = Assert.IsType<AcceptedResult>(await Api().Start(Request($$"""{"name":"{{name}}",{{SmallParts}}}"""), _harness.Host.Client));
        return JsonDocument.Parse(JsonSerializer.Serialize(started.Value)).RootElement.GetProperty("id").GetString()!;
    }

    private async Task<OrchestrationMetadata> WaitAsync(string id, params OrchestrationRuntimeStatus[] statuses)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var instance = await _harness.Host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            if (instance is not null && statuses.Contains(instance.RuntimeStatus))
            {
                return instance;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{id} is {instance?.RuntimeStatus}, not {string.Join('/', statuses)}");
            await Task.Delay(50);
        }
    }

    private static void FailOnce(FunctionsHarness harness, string blobName, int part)
    {
        var failed = 0;
        harness.BeforeActivity = (_, input) =>
            input is PartBatchJob batch && batch.Session.Plan.Source.BlobName == blobName && batch.FirstPart == part && Interlocked.Exchange(ref failed, 1) == 0
                ? new UploadFailure("AccessDenied", UploadErrorKind.Fatal, "denied once")
                : null;
    }

    [Fact]
    public async Task A_failed_upload_retried_through_the_api_resumes_and_delete_forgets_it_leaving_nothing_behind()
    {
        // Arrange: four parts; the third fails fatally once, so the first run ends Failed with two parts stored.
        FailOnce(_harness, "retry.mp4", part: 3);
        var id = await StartAsync("retry.mp4", 4 * 102400, 11);
        var failed = await WaitAsync(id, OrchestrationRuntimeStatus.Failed);
        var failedView = JsonDocument.Parse(JsonSerializer.Serialize(((OkObjectResult)await Api().Get(Request(), id, _harness.Host.Client)).Value, AspNetJson)).RootElement;
        var job = failed.ReadInputAs<UploadJob>()!;

        // Act
        var deleteMissing = await Api().Delete(Request(), "upl-missing", _harness.Host.Client);
        var retried = await Api().Retry(Request(), id, _harness.Host.Client);
        var completed = await WaitAsync(id, OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed);
        var retryCompleted = await Api().Retry(Request(), id, _harness.Host.Client);
        var deleted = await Api().Delete(Request(), id, _harness.Host.Client);

        // Assert: the retry resumed (no part sent twice) and completed; delete purged the history and the checkpoint.
        Assert.Equal("AccessDenied", failedView.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(2, failedView.GetProperty("progress").GetProperty("partsDone").GetInt32());
        Assert.Equal(404, Assert.IsType<ObjectResult>(deleteMissing).StatusCode);
        Assert.IsType<AcceptedResult>(retried);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);
        var received = Assert.Single(_harness.Emulator.State.PartUploadsReceived.Values);
        Assert.Equal([1, 2, 3, 4], received.Keys.Order());
        Assert.All(received.Values, count => Assert.Equal(1, count));
        Assert.Equal(409, Assert.IsType<ObjectResult>(retryCompleted).StatusCode);
        Assert.IsType<NoContentResult>(deleted);
        Assert.Null(await _harness.Host.Client.GetInstanceAsync(id));
        Assert.Null(await _harness.Engine.Checkpoints.LoadAsync(UploadStarter.CheckpointKey(job), CancellationToken.None));
    }

    [Fact]
    public async Task A_damaged_checkpoint_fails_its_upload_with_CheckpointCorrupt_and_delete_still_leaves_nothing_behind()
    {
        // Arrange: a failed upload with two parts on OSS, whose checkpoint header is then cut short.
        FailOnce(_harness, "damaged.mp4", part: 3);
        var id = await StartAsync("damaged.mp4", 4 * 102400, 15);
        var job = (await WaitAsync(id, OrchestrationRuntimeStatus.Failed)).ReadInputAs<UploadJob>()!;
        var key = UploadStarter.CheckpointKey(job);
        var header = _harness.Blobs.GetBlobContainerClient(_harness.Options.Value.CheckpointContainer).GetBlobClient(key + ".json");
        var text = (await header.DownloadContentAsync()).Value.Content.ToString();
        await header.UploadAsync(BinaryData.FromString(text[..(text.IndexOf("\"partSize\"", StringComparison.Ordinal) + 5)]), overwrite: true);
        string mediaId;
        lock (_harness.Emulator.State.Sync)
        {
            mediaId = _harness.Emulator.State.Media.Keys.Single();
        }

        // Act
        Assert.IsType<AcceptedResult>(await Api().Retry(Request(), id, _harness.Host.Client));
        await WaitAsync(id, OrchestrationRuntimeStatus.Failed);
        var view = JsonDocument.Parse(JsonSerializer.Serialize(((OkObjectResult)await Api().Get(Request(), id, _harness.Host.Client)).Value, AspNetJson)).RootElement;
        var deleted = await Api().Delete(Request(), id, _harness.Host.Client);

        // Assert: a typed failure, a status page that answers, and a delete that aborted and deleted what it had started.
        Assert.Equal("CheckpointCorrupt", view.GetProperty("error").GetProperty("code").GetString());
        Assert.IsType<NoContentResult>(deleted);
        Assert.Empty(_harness.Emulator.State.Uploads);
        Assert.DoesNotContain(mediaId, _harness.Emulator.State.Media.Keys);
        Assert.Empty(await _harness.Blobs.GetBlobContainerClient(_harness.Options.Value.CheckpointContainer).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, key, default).ToListAsync());
    }

    [Fact]
    public async Task Stop_and_resume_through_the_api()
    {
        // Arrange: the second part waits until the test lets it go, so the upload is running when stopped.
        using var gate = new ManualResetEventSlim();
        _harness.BeforeActivity = (_, input) =>
        {
            if (input is PartBatchJob { FirstPart: 2 })
            {
                gate.Wait(TimeSpan.FromSeconds(60));
            }

            return null;
        };
        var id = await StartAsync("pause.mp4", 3 * 102400, 12);
        await WaitAsync(id, OrchestrationRuntimeStatus.Running);

        // Act
        var stopped = await Api().Stop(Request(), id, _harness.Host.Client);
        var suspended = await WaitAsync(id, OrchestrationRuntimeStatus.Suspended);
        var stopAgain = await Api().Stop(Request(), id, _harness.Host.Client);
        gate.Set();
        var resumed = await Api().Resume(Request(), id, _harness.Host.Client);
        var done = await WaitAsync(id, OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed);

        // Assert
        Assert.IsType<AcceptedResult>(stopped);
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, suspended.RuntimeStatus);
        Assert.Equal("InvalidState", ((ProblemDetails)Assert.IsType<ObjectResult>(stopAgain).Value!).Extensions["code"]);
        Assert.IsType<AcceptedResult>(resumed);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
    }

    [Fact]
    public async Task The_daily_purge_removes_abandoned_checkpoints_and_their_parts_and_leaves_running_uploads_alone()
    {
        // Arrange: one upload failed with a part on OSS; another is running, held at its second part.
        using var gate = new ManualResetEventSlim();
        var failedOnce = 0;
        _harness.BeforeActivity = (_, input) =>
        {
            if (input is not PartBatchJob batch)
            {
                return null;
            }

            if (batch.Session.Plan.Source.BlobName == "abandoned.mp4" && batch.FirstPart == 2 && Interlocked.Exchange(ref failedOnce, 1) == 0)
            {
                return new UploadFailure("AccessDenied", UploadErrorKind.Fatal, "denied");
            }

            if (batch.Session.Plan.Source.BlobName == "running.mp4" && batch.FirstPart == 2)
            {
                gate.Wait(TimeSpan.FromSeconds(60));
            }

            return null;
        };
        var abandoned = await StartAsync("abandoned.mp4", 3 * 102400, 13);
        var abandonedJob = (await WaitAsync(abandoned, OrchestrationRuntimeStatus.Failed)).ReadInputAs<UploadJob>()!;
        var running = await StartAsync("running.mp4", 3 * 102400, 14);
        var runningJob = (await WaitAsync(running, OrchestrationRuntimeStatus.Running)).ReadInputAs<UploadJob>()!;
        while (await _harness.Engine.ProgressAsync(UploadStarter.CheckpointKey(runningJob), CancellationToken.None) is not { PartsDone: 1 })
        {
            await Task.Delay(50);
        }

        Assert.Equal(2, _harness.Emulator.State.Uploads.Count);
        var purge = new HistoryPurge(_harness.Engine, _harness.Options, new ShiftedClock(TimeSpan.FromDays(_harness.Options.Value.HistoryRetentionDays + 1)), NullLogger<HistoryPurge>.Instance, _harness.Pull, _harness.Blobs);
        var today = new HistoryPurge(_harness.Engine, _harness.Options, TimeProvider.System, NullLogger<HistoryPurge>.Instance, _harness.Pull, _harness.Blobs);

        // Act
        var notYet = await today.PurgeAsync(_harness.Host.Client, CancellationToken.None);
        var later = await purge.PurgeAsync(_harness.Host.Client, CancellationToken.None);
        gate.Set();

        // Assert: nothing is old today; a month on, the failed upload's checkpoint, multipart upload and history are
        // gone, while the running upload keeps all three.
        Assert.Equal((0, 0), notYet);
        Assert.Equal(1, later.Checkpoints);
        Assert.Null(await _harness.Engine.Checkpoints.LoadAsync(UploadStarter.CheckpointKey(abandonedJob), CancellationToken.None));
        var kept = await _harness.Engine.Checkpoints.LoadAsync(UploadStarter.CheckpointKey(runningJob), CancellationToken.None);
        Assert.NotNull(kept);
        Assert.Equal(kept.Checkpoint.MultipartUploadId, Assert.Single(_harness.Emulator.State.Uploads.Values).UploadId);
        Assert.Null(await _harness.Host.Client.GetInstanceAsync(abandoned));
        Assert.NotNull(await _harness.Host.Client.GetInstanceAsync(running));
    }

    private sealed class ShiftedClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + ahead;
    }
}
