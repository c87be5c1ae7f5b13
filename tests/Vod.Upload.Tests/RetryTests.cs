using Vod.Upload.Engine;
using Vod.Upload.Tests.Fakes;

namespace Vod.Upload.Tests;

/// <summary>One retry story for both hosts: parts are retried inside a step, steps by the workflow, counts documented.</summary>
public sealed class RetryTests
{
    private const int PartSize = 100 * 1024;

    private static (FakeWorld World, UploadRequest Request) Upload(UploadOptions options, int parts = 2, string name = "/m/retry.mp4")
    {
        var world = new FakeWorld();
        return (world, new UploadRequest(world.Sources.Add(name, EngineHarness.Data(parts * PartSize, 81)), new MediaMetadata(), options));
    }

    [Fact]
    public async Task Throttling_on_create_is_retried_in_process_too()
    {
        var (world, request) = Upload(new UploadOptions { PartSize = PartSize, RetryDuration = TimeSpan.FromMilliseconds(1) });
        world.Vod.FailNext("CreateVideo", new UploadException("Throttling.User", "Request was denied due to user flow control.", UploadErrorKind.Retryable), times: 2);

        var result = await world.NewEngine().UploadAsync(request);

        Assert.Equal(3, world.Vod.Calls["CreateVideo"]);
        Assert.Equal(result.MediaId, Assert.Single(world.Vod.Live).Id);
    }

    [Fact]
    public async Task A_5xx_on_complete_is_retried_and_the_upload_ends_verified()
    {
        var (world, request) = Upload(new UploadOptions { PartSize = PartSize, RetryDuration = TimeSpan.FromMilliseconds(1) });
        world.Oss.FailNext("Complete", new UploadException("InternalError", "We encountered an internal error.", UploadErrorKind.Retryable));

        var result = await world.NewEngine().UploadAsync(request);

        Assert.Equal(2, world.Oss.Calls["Complete"]);
        Assert.Equal(2L * PartSize, result.Size);
    }

    [Fact]
    public async Task A_part_is_sent_at_most_part_retries_times_step_retries_and_the_failure_keeps_its_code()
    {
        var (world, request) = Upload(new UploadOptions { PartSize = PartSize, Parallel = 1, RetryCount = 1, StepRetryCount = 2, RetryDuration = TimeSpan.FromMilliseconds(1) });
        world.Oss.Always = operation => operation == "UploadPart" ? new UploadException("ServiceUnavailable", "Please reduce your request rate.", UploadErrorKind.Retryable) : null;

        var error = await Assert.ThrowsAsync<UploadException>(() => world.NewEngine().UploadAsync(request));

        // (RetryCount + 1) × (StepRetryCount + 1) = 2 × 3 sends of the first part; the second never starts.
        Assert.Equal(6, world.Oss.Calls["UploadPart"]);
        Assert.Equal("ServiceUnavailable", error.Code);
        Assert.Equal(UploadErrorKind.Retryable, error.Kind);
        Assert.Equal(1, world.Checkpoints.Count); // kept, so the upload can resume
    }

    [Fact]
    public async Task A_vanished_multipart_upload_is_started_again_on_the_same_video()
    {
        var (world, request) = Upload(new UploadOptions { PartSize = PartSize, Parallel = 1, RetryDuration = TimeSpan.FromMilliseconds(1) }, parts: 3);
        var removed = 0;
        world.Oss.BeforeUploadPart = (part, _) =>
        {
            if (part == 2 && Interlocked.Exchange(ref removed, 1) == 0)
            {
                lock (world.Oss.Uploads)
                {
                    world.Oss.Uploads.Clear(); // expired by a lifecycle rule, or aborted by hand
                }
            }

            return Task.CompletedTask;
        };

        var result = await world.NewEngine().UploadAsync(request);

        Assert.Equal(result.MediaId, Assert.Single(world.Vod.Live).Id);
        Assert.Equal(2, world.Oss.Calls["Initiate"]);
        Assert.Empty(world.Oss.Uploads);
    }
}
