using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Vod.Alibaba.Hashing;
using Vod.Functions.Api;
using Vod.Functions.Uploads;
using Vod.Testing;
using Vod.Upload;

namespace Vod.Functions.Tests;

/// <summary>The real orchestrator and activities on the Durable Task engine, against Azurite and the emulator.</summary>
public sealed class UploadOrchestrationTests : IAsyncLifetime
{
    private const int KiB = 1024;
    private FunctionsHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await FunctionsHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private static UploadJob Small(UploadJob job, int callbackSeconds = 30) =>
        job with { Options = new UploadOptions { PartSize = 512 * KiB, Parallel = 2, RetryCount = 3, RetryDuration = TimeSpan.FromMilliseconds(100) }, CallbackTimeoutSeconds = callbackSeconds };

    private async Task<OrchestrationMetadata> RunAsync(UploadJob job, string? vodEvent = "UploadSucc")
    {
        var client = _harness.Host.Client;
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), job, new StartOrchestrationOptions(job.UploadId));
        if (vodEvent is not null)
        {
            await WaitForPhaseAsync(job.UploadId, "waiting-for-vod");
            await client.RaiseEventAsync(job.UploadId, UploadOrchestration.VodEventName, vodEvent);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        return await client.WaitForInstanceCompletionAsync(job.UploadId, getInputsAndOutputs: true, timeout.Token);
    }

    private async Task WaitForPhaseAsync(string id, string phase)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var instance = await _harness.Host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            if (instance?.SerializedCustomStatus is { } status && JsonDocument.Parse(status).RootElement.GetProperty("Phase").GetString() == phase)
            {
                return;
            }

            if (instance?.RuntimeStatus is OrchestrationRuntimeStatus.Failed)
            {
                throw new InvalidOperationException("failed: " + instance.FailureDetails?.ErrorMessage);
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"phase {phase} not reached");
    }

    [Fact]
    public async Task A_dropped_video_blob_reaches_vod_and_completes_when_vods_event_arrives()
    {
        // Arrange
        var data = FunctionsHarness.Data(3 * 1024 * KiB + 7, 1);
        var job = Small(await _harness.PutBlobAsync(data, "launch.mp4", new Dictionary<string, string> { ["title"] = "Launch day", ["tags"] = "a,b" }));

        // Act
        var done = await RunAsync(job);

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var outcome = done.ReadOutputAs<UploadOutcome>()!;
        Assert.Equal("UploadSucc", outcome.VodStatus);
        Assert.Equal(data.Length, outcome.Size);
        Assert.Equal(Crc64Ecma.Compute(data).ToString(System.Globalization.CultureInfo.InvariantCulture), outcome.Crc64);
        var media = _harness.Emulator.State.Media[outcome.MediaId];
        Assert.Equal("Launch day", media.Title);
        Assert.Equal("a,b", media.Tags);
        Assert.Equal($"{{\"uploadId\":\"{job.UploadId}\"}}", media.Extend);
        Assert.Equal(data, File.ReadAllBytes(_harness.Emulator.State.Objects.Values.Single().FilePath));
        var status = JsonDocument.Parse(done.SerializedCustomStatus!).RootElement;
        Assert.Equal("succeeded", status.GetProperty("Phase").GetString());
        Assert.Equal(7, status.GetProperty("PartsDone").GetInt32());
        Assert.Equal(100, status.GetProperty("Percent").GetDouble());

        // Cleaned up after success, as the CLI does: no checkpoint waits for the daily purge.
        Assert.Null(await _harness.Engine.Checkpoints.LoadAsync(UploadStarter.CheckpointKey(job), CancellationToken.None));
    }

    [Fact]
    public async Task A_multipart_upload_that_vanishes_mid_way_is_started_again_on_the_same_video()
    {
        // Arrange: two parts stored, the next held; then the multipart upload disappears (aborted, or expired).
        _harness.Emulator.Faults.PartGate.HoldAfter(2);
        var data = FunctionsHarness.Data(6 * 512 * KiB, 8);
        var job = Small(await _harness.PutBlobAsync(data, "vanish.mp4"));
        await _harness.Host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), job, new StartOrchestrationOptions(job.UploadId));
        await _harness.Emulator.Faults.PartGate.WaitUntilHeldAsync(1, Poll.DefaultTimeout);
        string videoId;
        lock (_harness.Emulator.State.Sync)
        {
            videoId = _harness.Emulator.State.Media.Keys.Single();
            _harness.Emulator.State.Uploads.Clear();
        }

        // Act
        _harness.Emulator.Faults.PartGate.Release();
        await WaitForPhaseAsync(job.UploadId, "waiting-for-vod");
        await _harness.Host.Client.RaiseEventAsync(job.UploadId, UploadOrchestration.VodEventName, "UploadSucc");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var done = await _harness.Host.Client.WaitForInstanceCompletionAsync(job.UploadId, getInputsAndOutputs: true, timeout.Token);

        // Assert: a new multipart upload on the same video, not a batch retried against a dead id until it fails.
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(videoId, done.ReadOutputAs<UploadOutcome>()!.MediaId);
        Assert.Equal(data, File.ReadAllBytes(_harness.Emulator.State.Objects.Values.Single().FilePath));
    }

    [Fact]
    public async Task Stop_cancels_the_parts_in_flight_so_nothing_is_stored_after_it_answers_and_resume_finishes()
    {
        // Arrange: one part stored; the next ones reach the emulator and are held there, in flight.
        _harness.Emulator.Faults.PartGate.HoldAfter(1);
        var data = FunctionsHarness.Data(6 * 512 * KiB, 9);
        var job = Small(await _harness.PutBlobAsync(data, "stop.mp4"));
        var client = _harness.Host.Client;
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), job, new StartOrchestrationOptions(job.UploadId));
        await _harness.Emulator.Faults.PartGate.WaitUntilHeldAsync(1, Poll.DefaultTimeout);
        var request = new DefaultHttpContext().Request;
        request.Scheme = "http";
        request.Host = new HostString("localhost", 7071);

        // Act: stop; once it has answered, let the held requests go and wait longer than a part takes.
        Assert.IsType<AcceptedResult>(await _harness.Api().Stop(request, job.UploadId, client));
        var storedAtStop = StoredParts();
        _harness.Emulator.Faults.PartGate.Release();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var storedAfter = StoredParts();
        Assert.IsType<AcceptedResult>(await _harness.Api().Resume(request, job.UploadId, client));
        await WaitForPhaseAsync(job.UploadId, "waiting-for-vod");
        await client.RaiseEventAsync(job.UploadId, UploadOrchestration.VodEventName, "UploadSucc");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var done = await client.WaitForInstanceCompletionAsync(job.UploadId, getInputsAndOutputs: true, timeout.Token);

        // Assert
        Assert.Equal(1, storedAtStop);
        Assert.Equal(storedAtStop, storedAfter);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(data, File.ReadAllBytes(_harness.Emulator.State.Objects.Values.Single().FilePath));

        int StoredParts()
        {
            lock (_harness.Emulator.State.Sync)
            {
                return _harness.Emulator.State.Uploads.Values.Sum(u => u.Parts.Count);
            }
        }
    }

    [Fact]
    public async Task An_image_completes_by_asking_vod_when_no_event_comes()
    {
        var job = Small(await _harness.PutBlobAsync(FunctionsHarness.Data(20 * KiB, 2), "poster.png"), callbackSeconds: 1);

        var done = await RunAsync(job, vodEvent: null);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var outcome = done.ReadOutputAs<UploadOutcome>()!;
        Assert.Equal("Image", outcome.Kind);
        Assert.Equal("Normal", outcome.VodStatus);
        Assert.NotNull(outcome.FileUrl);
    }

    [Fact]
    public async Task An_activity_that_dies_mid_batch_is_retried_and_resends_no_recorded_part()
    {
        var job = Small(await _harness.PutBlobAsync(FunctionsHarness.Data(4 * 512 * KiB, 3), "crash.mov")) with { };
        var crashed = 0;
        _harness.BeforeActivity = (name, input) =>
        {
            if (name == nameof(UploadActivities.UploadPartBatch) && input is PartBatchJob batch && Interlocked.Exchange(ref crashed, 1) == 0)
            {
                // The worker stores one part of its batch, then dies.
                _harness.Engine.UploadPartsAsync(batch.Session, batch.FirstPart, batch.FirstPart, batch.Options, null, CancellationToken.None).GetAwaiter().GetResult();
                return new UploadFailure("WorkerLost", UploadErrorKind.Retryable, "the worker died mid-batch");
            }

            return null;
        };

        var done = await RunAsync(job);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(1, crashed);
        var received = Assert.Single(_harness.Emulator.State.PartUploadsReceived.Values);
        Assert.Equal(4, received.Count);
        Assert.All(received.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task A_fatal_failure_ends_failed_with_a_stable_code()
    {
        var job = Small(await _harness.PutBlobAsync(FunctionsHarness.Data(2 * 512 * KiB, 4), "denied.mp4"));
        _harness.Emulator.Faults.FailUploadParts(0, 1.0, 403, Vod.Emulator.State.PartFailureMode.Status, "AccessDenied");

        var done = await RunAsync(job, vodEvent: null);

        // The code travels as data (the custom status's ErrorCode), not as a prefix to parse out of a message.
        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Contains("AccessDenied", done.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(typeof(UploadFailedException).FullName, done.FailureDetails.ErrorType);
        var status = JsonDocument.Parse(done.SerializedCustomStatus!).RootElement;
        Assert.Equal("failed", status.GetProperty("Phase").GetString());
        Assert.Equal("AccessDenied", status.GetProperty("ErrorCode").GetString());
        var view = Vod.Functions.Api.UploadView.From(done);
        Assert.Equal("AccessDenied", view.Error!.Code);
    }

    [Fact]
    public async Task No_secret_enters_inputs_outputs_custom_status_any_activity_payload_or_any_log()
    {
        // Arrange: failing parts and credentials that expire every second, so retries, refreshes and errors are logged.
        // Every credential is also expired while two parts are held mid-upload, so at least one refresh after expiry
        // happens however fast the machine runs.
        var job = Small(await _harness.PutBlobAsync(FunctionsHarness.Data(3 * 1024 * KiB, 5), "secret.mp4"));
        _harness.Emulator.Faults.FailUploadParts(0, 0.2, 503, Vod.Emulator.State.PartFailureMode.Status);
        _harness.Emulator.Faults.OssLatency = TimeSpan.FromMilliseconds(200);
        _harness.Emulator.Credentials.Lifetime = TimeSpan.FromSeconds(1);
        _harness.Emulator.Faults.PartGate.HoldAfter(1);

        // Act
        var running = RunAsync(job);
        await _harness.Emulator.Faults.PartGate.WaitUntilHeldAsync(1, Poll.DefaultTimeout);
        _harness.Emulator.Credentials.ExpireAll();
        _harness.Emulator.Faults.PartGate.Release();
        var done = await running;

        // Assert
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var logs = _harness.Logs.Text;
        Assert.Contains("Upload credentials of", logs, StringComparison.Ordinal);
        Assert.Contains("ServiceUnavailable", logs, StringComparison.Ordinal);
        Assert.Contains("System.Net.Http.HttpClient", logs, StringComparison.Ordinal);
        var everything = string.Join('\n', _harness.Payloads) + done.SerializedInput + done.SerializedOutput + done.SerializedCustomStatus + logs;
        Assert.Contains(job.UploadId, everything);
        Assert.DoesNotContain(_harness.Emulator.Options.AccessKeySecret, everything);
        Assert.NotEmpty(_harness.Emulator.Credentials.Issued);
        Assert.All(_harness.Emulator.Credentials.Issued, c =>
        {
            Assert.DoesNotContain(c.AccessKeySecret, everything);
            Assert.DoesNotContain(c.SecurityToken, everything);
        });
        Assert.DoesNotContain("UploadAuth", everything);
    }

    [Fact]
    public async Task Suspended_uploads_wait_and_resume()
    {
        var job = Small(await _harness.PutBlobAsync(FunctionsHarness.Data(1024 * KiB, 6), "pause.mp4"));
        var client = _harness.Host.Client;
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), job, new StartOrchestrationOptions(job.UploadId));
        await WaitForPhaseAsync(job.UploadId, "waiting-for-vod");

        await client.SuspendInstanceAsync(job.UploadId, "test");
        await Poll.UntilAsync(async () => (await client.GetInstanceAsync(job.UploadId))?.RuntimeStatus == OrchestrationRuntimeStatus.Suspended, "suspended");
        await client.RaiseEventAsync(job.UploadId, UploadOrchestration.VodEventName, "UploadSucc");
        var suspended = await client.GetInstanceAsync(job.UploadId);
        await client.ResumeInstanceAsync(job.UploadId, "test");
        var done = await client.WaitForInstanceCompletionAsync(job.UploadId, getInputsAndOutputs: true);

        Assert.Equal(OrchestrationRuntimeStatus.Suspended, suspended!.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
    }

    [Fact]
    public async Task Cancel_through_the_api_terminates_aborts_the_multipart_upload_and_removes_the_checkpoint()
    {
        // Arrange: an upload held mid-way: one part stored, the next ones held by the emulator.
        _harness.Emulator.Faults.PartGate.HoldAfter(1);
        var job = Small(await _harness.PutBlobAsync(FunctionsHarness.Data(10 * 512 * KiB, 7), "cancel.mp4"));
        var client = _harness.Host.Client;
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(UploadOrchestration.UploadOrchestrator), job, new StartOrchestrationOptions(job.UploadId));
        await _harness.Emulator.Faults.PartGate.WaitUntilHeldAsync(1, Poll.DefaultTimeout);

        var api = _harness.Api();
        var request = new DefaultHttpContext().Request;
        request.Scheme = "http";
        request.Host = new HostString("localhost", 7071);

        // Act
        var response = await api.Cancel(request, job.UploadId, client);
        var uploadsAfterCancel = _harness.Emulator.State.Uploads.Count;
        _harness.Emulator.Faults.PartGate.Release();
        var missing = await api.Cancel(request, "upl-nothere", client);

        // Assert
        // 202: the termination was asked for; the backend carries it out when it next runs the instance.
        Assert.IsType<AcceptedResult>(response);
        await Poll.UntilAsync(async () => (await client.GetInstanceAsync(job.UploadId))?.RuntimeStatus == OrchestrationRuntimeStatus.Terminated, "the cancelled upload is terminated");
        Assert.Equal(0, uploadsAfterCancel);
        Assert.Null(await _harness.Engine.Checkpoints.LoadAsync(UploadStarter.CheckpointKey(job), CancellationToken.None));
        var problem = Assert.IsType<ObjectResult>(missing);
        Assert.Equal(404, problem.StatusCode);
        Assert.Equal("NotFound", ((ProblemDetails)problem.Value!).Extensions["code"]);
    }
}
