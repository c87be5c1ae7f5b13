using System.Collections.Concurrent;
using Vod.Upload.Engine;
using Vod.Upload.Tests.Fakes;

namespace Vod.Upload.Tests;

/// <summary>Progress only moves forward; a stop request stops the parts in flight.</summary>
public sealed class ProgressAndStopTests
{
    private const int PartSize = 100 * 1024;

    [Fact]
    public async Task Progress_never_goes_backwards_however_parts_finish()
    {
        // Arrange: 40 parts, 8 at a time, finishing in a scrambled order, heard by an observer that takes its time.
        var world = new FakeWorld();
        var request = new UploadRequest(world.Sources.Add("/m/progress.mp4", EngineHarness.Data(40 * PartSize, 91)), new MediaMetadata(), new UploadOptions { PartSize = PartSize, Parallel = 8 });
        world.Oss.BeforeUploadPart = (part, ct) => Task.Delay(part * 7 % 5, ct);
        var observer = new RecordingObserver();

        // Act
        await world.NewEngine().UploadAsync(request, observer);

        // Assert
        var heard = observer.Bytes.ToList();
        Assert.Equal(40, heard.Count);
        Assert.Equal(heard.Order(), heard);
        Assert.Equal(40L * PartSize, heard[^1]);
    }

    [Fact]
    public async Task A_stop_request_cancels_the_parts_in_flight_and_the_upload_resumes_after_it()
    {
        // Arrange: the third part is held on its way to OSS, as a slow request would be.
        var world = new FakeWorld();
        var data = EngineHarness.Data(4 * PartSize, 92);
        var options = new UploadOptions { PartSize = PartSize, Parallel = 1 };
        var request = new UploadRequest(world.Sources.Add("/m/stop.mp4", data), new MediaMetadata(), options);
        var engine = world.NewEngine();
        var plan = await engine.PlanAsync(request, CancellationToken.None);
        var session = await engine.CreateOrRefreshAsync(plan, request.Metadata, options, null, CancellationToken.None);
        await engine.InitiateOrResumeAsync(session, options, CancellationToken.None);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        world.Oss.BeforeUploadPart = async (part, ct) =>
        {
            if (part == 3)
            {
                held.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
        };

        // Act
        var batch = engine.UploadPartsAsync(session, 1, 4, options, null, CancellationToken.None);
        await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await world.Checkpoints.RequestStopAsync(plan.CheckpointKey, CancellationToken.None);
        var stopped = await Assert.ThrowsAsync<UploadException>(() => batch.WaitAsync(TimeSpan.FromSeconds(30)));
        var storedAtStop = world.Oss.Uploads.Values.Single().Parts.Count;
        world.Oss.BeforeUploadPart = null;
        await world.Checkpoints.ClearStopAsync(plan.CheckpointKey, CancellationToken.None);
        var result = await engine.UploadAsync(request);

        // Assert
        Assert.Equal(UploadErrorCodes.UploadStopped, stopped.Code);
        Assert.Equal(UploadErrorKind.Stopped, stopped.Kind);
        Assert.Equal(2, storedAtStop);
        Assert.Equal(data, world.Oss.Objects.Values.Single());
        Assert.Equal(session.MediaId, result.MediaId);
    }

    private sealed class RecordingObserver : IUploadObserver
    {
        public ConcurrentQueue<long> Bytes { get; } = new();

        public void OnProgress(UploadProgress progress)
        {
            Thread.Sleep(progress.PartsDone % 3);
            Bytes.Enqueue(progress.BytesUploaded);
        }
    }
}
