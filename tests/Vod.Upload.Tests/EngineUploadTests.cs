using System.Security.Cryptography;
using Vod.Alibaba.Hashing;
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi.Operations;
using Vod.Upload.Engine;
using Vod.Upload.Sources;

namespace Vod.Upload.Tests;

/// <summary>The engine against the emulator and Azurite: real protocol peers on both sides.</summary>
public sealed class EngineUploadTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const int MiB = 1024 * 1024;

    private static UploadRequest Request(SourceReference source, UploadOptions? options = null, string? title = null) =>
        new(source, new MediaMetadata { Title = title, Tags = ["engine"] }, options ?? new UploadOptions());

    [Theory]
    [InlineData(SourceKind.AzureBlob)]
    [InlineData(SourceKind.LocalFile)]
    public async Task A_64_mib_source_reaches_vod_byte_for_byte_with_its_crc_verified(SourceKind kind)
    {
        // Arrange
        await using var harness = await EngineHarness.StartAsync(azurite.Blobs);
        var data = EngineHarness.Data(64 * MiB, 64);
        var source = kind == SourceKind.AzureBlob
            ? await harness.PutBlobAsync(data, $"big-{Guid.NewGuid():N}.mp4")
            : SourceReference.FromFile(EngineHarness.WriteFile(data, "big.mp4"));
        var observer = new RecordingObserver();

        // Act
        var result = await harness.Engine.UploadAsync(Request(source, new UploadOptions { Parallel = 5 }), observer);

        // Assert
        Assert.Equal(MediaKind.Video, result.Kind);
        Assert.Equal(64L * MiB, result.Size);
        Assert.Equal(Crc64Ecma.Compute(data), result.Crc64);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(harness.StoredBytes(result.ObjectKey)));
        Assert.Matches("^\"[0-9A-F]{32}-8\"$", result.ETag);
        Assert.Contains("succeeded:" + result.MediaId, observer.Events);
        Assert.Contains("progress:100", observer.Events);
        Assert.Empty(await harness.Checkpoints.ListAsync(CancellationToken.None).ToListAsync());
        var video = await harness.Vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = result.MediaId });
        Assert.Equal("big", video.Video.Title?.Split('-')[0]);
    }

    [Fact]
    public async Task Disaster_interrupt_drop_everything_rebuild_from_the_checkpoint_and_resend_nothing_recorded()
    {
        // Arrange: slow parts so the interruption lands mid-way.
        await using var harness = await EngineHarness.StartAsync(azurite.Blobs);
        harness.Emulator.Faults.OssLatency = TimeSpan.FromMilliseconds(40);
        var data = EngineHarness.Data(24 * MiB, 24);
        var source = await harness.PutBlobAsync(data, "disaster.mp4");
        var options = new UploadOptions { PartSize = MiB, Parallel = 3 };
        using var interrupt = new CancellationTokenSource();
        var observer = new RecordingObserver { OnProgressHook = p => { if (p.PartsDone >= 8) interrupt.Cancel(); } };

        // Act 1: interrupted.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.Engine.UploadAsync(Request(source, options), observer, interrupt.Token));
        var checkpoint = Assert.Single(await harness.Checkpoints.ListAsync(CancellationToken.None).ToListAsync()).Checkpoint;
        var recorded = checkpoint.Parts.Select(p => p.Number).ToList();
        var videoId = checkpoint.MediaId!;
        var uploadId = checkpoint.MultipartUploadId!;

        // Act 2: every object dropped, rebuilt from the checkpoint alone, resumed.
        harness.RebuildEngine();
        GC.Collect();
        harness.Emulator.Faults.OssLatency = TimeSpan.Zero;
        var result = await harness.Engine.UploadAsync(Request(source, options));

        // Assert
        Assert.InRange(recorded.Count, 8, 23);
        Assert.Equal(videoId, result.MediaId);
        Assert.Equal(Crc64Ecma.Compute(data), result.Crc64);
        Assert.Equal(data, harness.StoredBytes(result.ObjectKey));
        Assert.Single(harness.Emulator.State.Media.Values, m => m.Kind == "video");
        var received = harness.Emulator.State.PartUploadsReceived[uploadId];
        Assert.All(recorded, n => Assert.Equal(1, received[n]));
        Assert.Equal(24, received.Count);
        Assert.InRange(harness.Emulator.State.BytesReceivedPerUpload[uploadId], 24L * MiB, 24L * MiB + 3L * MiB);
    }

    [Fact]
    public async Task Ten_percent_part_failures_and_credentials_expiring_every_second_still_deliver_identical_bytes()
    {
        await using var harness = await EngineHarness.StartAsync(azurite.Blobs);
        harness.Emulator.Faults.FailUploadParts(0, 0.1, 503, Emulator.State.PartFailureMode.Status);
        // 48 parts, 4 at a time, each answered after at least 100 ms: the upload lasts at least 1.2 s, longer than the
        // 1 s credential, however fast the machine, so at least one refresh must happen.
        harness.Emulator.Faults.OssLatency = TimeSpan.FromMilliseconds(100);
        harness.Emulator.Credentials.Lifetime = TimeSpan.FromSeconds(1);
        var data = EngineHarness.Data(12 * MiB, 12);
        var source = SourceReference.FromFile(EngineHarness.WriteFile(data, "chaos.mov"));
        var observer = new RecordingObserver();

        var result = await harness.Engine.UploadAsync(Request(source, new UploadOptions { PartSize = 256 * 1024, Parallel = 4, RetryCount = 10, RetryDuration = TimeSpan.FromMilliseconds(20) }), observer);

        Assert.Equal(data, harness.StoredBytes(result.ObjectKey));
        Assert.Equal(Crc64Ecma.Compute(data), result.Crc64);
        Assert.True(observer.Retries > 0, "no part retry was reported");
        Assert.True(observer.Refreshes > 0, "no token refresh was reported");
        Assert.Contains(observer.Events, e => e.StartsWith("retry:", StringComparison.Ordinal) && e.EndsWith(":ServiceUnavailable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_blob_changed_mid_upload_fails_with_source_changed_and_completes_nothing()
    {
        await using var harness = await EngineHarness.StartAsync(azurite.Blobs);
        harness.Emulator.Faults.OssLatency = TimeSpan.FromMilliseconds(30);
        var name = $"changing-{Guid.NewGuid():N}.mp4";
        var source = await harness.PutBlobAsync(EngineHarness.Data(16 * MiB, 16), name);
        var changed = 0;
        var observer = new RecordingObserver
        {
            OnProgressHook = _ =>
            {
                if (Interlocked.Exchange(ref changed, 1) == 0)
                {
                    harness.PutBlobAsync(EngineHarness.Data(16 * MiB, 17), name).GetAwaiter().GetResult();
                }
            },
        };

        var error = await Assert.ThrowsAsync<UploadException>(() => harness.Engine.UploadAsync(Request(source, new UploadOptions { PartSize = MiB, Parallel = 2 }), observer));

        Assert.Equal(UploadErrorCodes.SourceChanged, error.Code);
        Assert.Contains("failed:SourceChanged", observer.Events);
        Assert.Empty(harness.Emulator.State.Objects);
    }

    [Fact]
    public async Task A_fatal_error_stops_every_part_at_once_and_leaves_a_resumable_checkpoint()
    {
        await using var harness = await EngineHarness.StartAsync(azurite.Blobs);
        harness.Emulator.Faults.FailUploadParts(0, 1.0, 403, Emulator.State.PartFailureMode.Status, "AccessDenied");
        var source = SourceReference.FromFile(EngineHarness.WriteFile(EngineHarness.Data(40 * 200 * 1024, 40), "fatal.mp4"));

        var error = await Assert.ThrowsAsync<UploadException>(() => harness.Engine.UploadAsync(Request(source, new UploadOptions { PartSize = 200 * 1024, Parallel = 4, RetryCount = 5 })));

        Assert.Equal("AccessDenied", error.Code);
        Assert.Equal(UploadErrorKind.Fatal, error.Kind);
        var attempts = harness.Emulator.State.PartUploadsReceived.Values.Sum(p => p.Values.Sum());
        Assert.InRange(attempts, 1, 8);
        var checkpoint = Assert.Single(await harness.Checkpoints.ListAsync(CancellationToken.None).ToListAsync()).Checkpoint;
        Assert.NotNull(checkpoint.MediaId);
        Assert.NotNull(checkpoint.MultipartUploadId);

        harness.Emulator.Faults.Reset();
        var resumed = await harness.Engine.UploadAsync(Request(source, new UploadOptions { PartSize = 200 * 1024, Parallel = 4 }));
        Assert.Equal(checkpoint.MediaId, resumed.MediaId);
    }

    [Fact]
    public async Task Cancel_aborts_the_multipart_upload_deletes_the_unfinished_video_and_removes_the_checkpoint()
    {
        await using var harness = await EngineHarness.StartAsync(azurite.Blobs);
        var source = SourceReference.FromFile(EngineHarness.WriteFile(EngineHarness.Data(3 * MiB, 3), "cancel.mp4"));
        var options = new UploadOptions { PartSize = MiB };
        var plan = await harness.Engine.PlanAsync(Request(source, options), CancellationToken.None);
        var session = await harness.Engine.CreateOrRefreshAsync(plan, new MediaMetadata(), options, null, CancellationToken.None);
        await harness.Engine.InitiateOrResumeAsync(session, options, CancellationToken.None);
        await harness.Engine.UploadPartsAsync(session, 1, 2, options, null, CancellationToken.None);
        Assert.Single(harness.Emulator.State.Uploads);

        var cancelled = await harness.Engine.CancelAsync(plan.CheckpointKey, keepMedia: false, CancellationToken.None);

        // The video is not left in Uploading for good: it is deleted with its upload.
        Assert.Equal(new CancelResult(Found: true, MultipartAborted: true, MediaDeleted: true, session.MediaId), cancelled);
        Assert.Empty(harness.Emulator.State.Uploads);
        Assert.DoesNotContain(session.MediaId, harness.Emulator.State.Media.Keys);
        Assert.Empty(await harness.Checkpoints.ListAsync(CancellationToken.None).ToListAsync());
        Assert.False((await harness.Engine.CancelAsync(plan.CheckpointKey, keepMedia: false, CancellationToken.None)).Found);
    }

    [Fact]
    public async Task Cancel_can_keep_the_media_it_created()
    {
        await using var harness = await EngineHarness.StartAsync(azurite.Blobs);
        var source = SourceReference.FromFile(EngineHarness.WriteFile(EngineHarness.Data(3 * MiB, 31), "keep.mp4"));
        var options = new UploadOptions { PartSize = MiB };
        var plan = await harness.Engine.PlanAsync(Request(source, options), CancellationToken.None);
        var session = await harness.Engine.CreateOrRefreshAsync(plan, new MediaMetadata(), options, null, CancellationToken.None);
        await harness.Engine.InitiateOrResumeAsync(session, options, CancellationToken.None);

        var kept = await harness.Engine.CancelAsync(plan.CheckpointKey, keepMedia: true, CancellationToken.None);

        Assert.True(kept.MultipartAborted);
        Assert.False(kept.MediaDeleted);
        Assert.Contains(session.MediaId, harness.Emulator.State.Media.Keys);
    }

    [Fact]
    public async Task Every_step_is_safe_to_run_twice()
    {
        await using var harness = await EngineHarness.StartAsync(azurite.Blobs);
        var data = EngineHarness.Data(3 * MiB + 5, 5);
        var source = SourceReference.FromFile(EngineHarness.WriteFile(data, "twice.mp4"));
        var options = new UploadOptions { PartSize = MiB };
        var plan = await harness.Engine.PlanAsync(Request(source, options), CancellationToken.None);

        var first = await harness.Engine.CreateOrRefreshAsync(plan, new MediaMetadata(), options, null, CancellationToken.None);
        var second = await harness.Engine.CreateOrRefreshAsync(plan, new MediaMetadata(), options, null, CancellationToken.None);
        await harness.Engine.InitiateOrResumeAsync(second, options, CancellationToken.None);
        var resumedState = await harness.Engine.InitiateOrResumeAsync(second, options, CancellationToken.None);
        var batch = await harness.Engine.UploadPartsAsync(second, 1, 4, options, null, CancellationToken.None);
        var again = await harness.Engine.UploadPartsAsync(second, 1, 4, options, null, CancellationToken.None);
        var done = await harness.Engine.CompleteAsync(second, options, CancellationToken.None);
        var doneAgain = await harness.Engine.CompleteAsync(second, options, CancellationToken.None);

        Assert.Equal(first.MediaId, second.MediaId);
        Assert.True(second.Resumed);
        Assert.Single(harness.Emulator.State.Media.Values);
        Assert.Equal(0, resumedState.PartsDone);
        Assert.Equal(4, batch.PartsUploaded);
        Assert.Equal(0, again.PartsUploaded);
        Assert.Equal(4, again.PartsSkipped);
        Assert.Equal(done, doneAgain);
        Assert.Equal(Crc64Ecma.Compute(data), done.Crc64);
    }

    [Fact]
    public async Task A_crash_right_after_oss_completed_the_object_sends_nothing_again()
    {
        // Arrange: every part stored and recorded; then CompleteMultipartUpload succeeds on OSS but the process dies
        // before recording it (done here behind the engine's back, with the video's own upload credential).
        await using var harness = await EngineHarness.StartAsync(azurite.Blobs);
        var data = EngineHarness.Data(3 * MiB + 11, 12);
        var source = SourceReference.FromFile(EngineHarness.WriteFile(data, "complete-crash.mp4"));
        var options = new UploadOptions { PartSize = MiB };
        var plan = await harness.Engine.PlanAsync(Request(source, options), CancellationToken.None);
        var session = await harness.Engine.CreateOrRefreshAsync(plan, new MediaMetadata(), options, null, CancellationToken.None);
        await harness.Engine.InitiateOrResumeAsync(session, options, CancellationToken.None);
        await harness.Engine.UploadPartsAsync(session, 1, plan.Parts.PartCount, options, null, CancellationToken.None);
        var checkpoint = (await harness.Checkpoints.LoadAsync(plan.CheckpointKey, CancellationToken.None))!.Checkpoint;
        var credential = (await harness.Vod.RefreshUploadVideoAsync(new RefreshUploadVideoRequest { VideoId = session.MediaId })).DecodeAuth().Credential;
        await new OssClient(harness.Http, new OssClientOptions { Addressing = OssAddressingStyle.Automatic }).CompleteMultipartUploadAsync(
            new OssObjectLocation(new Uri(checkpoint.Endpoint!), checkpoint.Bucket!, checkpoint.ObjectKey!), checkpoint.MultipartUploadId!,
            checkpoint.Parts.Select(p => new OssPartETag(p.Number, p.ETag)), credential);
        var sentBefore = harness.Emulator.State.PartUploadsReceived.Values.Sum(p => p.Values.Sum());

        // Act: the upload runs again in a new process.
        harness.RebuildEngine();
        var result = await harness.Engine.UploadAsync(Request(source, options));

        // Assert: the complete object is recognised by its size and CRC-64; not one part goes out again.
        Assert.Equal(sentBefore, harness.Emulator.State.PartUploadsReceived.Values.Sum(p => p.Values.Sum()));
        Assert.Equal(session.MediaId, result.MediaId);
        Assert.Equal(Crc64Ecma.Compute(data), result.Crc64);
        Assert.Equal(data, harness.StoredBytes(result.ObjectKey));
        Assert.Empty(harness.Emulator.State.Uploads);
        Assert.Empty(await harness.Checkpoints.ListAsync(CancellationToken.None).ToListAsync());
    }

    [Fact]
    public async Task A_vanished_multipart_upload_restarts_on_the_same_address()
    {
        await using var harness = await EngineHarness.StartAsync(azurite.Blobs);
        var data = EngineHarness.Data(2 * MiB + 1, 9);
        var source = SourceReference.FromFile(EngineHarness.WriteFile(data, "gone.mp4"));
        var options = new UploadOptions { PartSize = MiB };
        var plan = await harness.Engine.PlanAsync(Request(source, options), CancellationToken.None);
        var session = await harness.Engine.CreateOrRefreshAsync(plan, new MediaMetadata(), options, null, CancellationToken.None);
        await harness.Engine.InitiateOrResumeAsync(session, options, CancellationToken.None);
        await harness.Engine.UploadPartsAsync(session, 1, 1, options, null, CancellationToken.None);
        lock (harness.Emulator.State.Sync)
        {
            harness.Emulator.State.Uploads.Remove(Assert.Single(harness.Emulator.State.Uploads.Keys));
        }

        var result = await harness.Engine.UploadAsync(Request(source, options));

        Assert.Equal(session.MediaId, result.MediaId);
        Assert.Equal(data, harness.StoredBytes(result.ObjectKey));
    }

    [Fact]
    public async Task A_video_deleted_in_vod_discards_the_checkpoint_and_starts_over()
    {
        await using var harness = await EngineHarness.StartAsync(azurite.Blobs);
        var source = SourceReference.FromFile(EngineHarness.WriteFile(EngineHarness.Data(MiB, 1), "deleted.mp4"));
        var options = new UploadOptions();
        var plan = await harness.Engine.PlanAsync(Request(source, options), CancellationToken.None);
        var first = await harness.Engine.CreateOrRefreshAsync(plan, new MediaMetadata(), options, null, CancellationToken.None);
        await harness.Vod.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [first.MediaId] });

        var result = await harness.Engine.UploadAsync(Request(source, options));

        Assert.NotEqual(first.MediaId, result.MediaId);
    }

    [Fact]
    public async Task Images_and_small_videos_go_up_in_one_put()
    {
        await using var harness = await EngineHarness.StartAsync(azurite.Blobs);
        var png = EngineHarness.Data(300 * 1024, 2);
        var image = await harness.Engine.UploadAsync(new UploadRequest(await harness.PutBlobAsync(png, "poster.png"), new MediaMetadata { ImageType = "cover" }, new UploadOptions()));
        var small = await harness.Engine.UploadAsync(Request(SourceReference.FromFile(EngineHarness.WriteFile(EngineHarness.Data(1000, 3), "tiny.mp3"))));

        Assert.Equal(MediaKind.Image, image.Kind);
        Assert.NotNull(image.FileUrl);
        Assert.StartsWith("image/cover/", image.ObjectKey);
        Assert.Equal(png, harness.StoredBytes(image.ObjectKey));
        Assert.All(harness.Emulator.State.Objects.Values, o => Assert.Equal("Normal", o.ObjectType));
        Assert.Equal(1000, small.Size);
        Assert.Empty(harness.Emulator.State.PartUploadsReceived);
    }

    [Fact]
    public async Task Checkpoints_hold_no_secret()
    {
        await using var harness = await EngineHarness.StartAsync(azurite.Blobs);
        var source = SourceReference.FromFile(EngineHarness.WriteFile(EngineHarness.Data(2 * MiB, 4), "secret.mp4"));
        var options = new UploadOptions { PartSize = MiB };
        var plan = await harness.Engine.PlanAsync(Request(source, options), CancellationToken.None);
        var session = await harness.Engine.CreateOrRefreshAsync(plan, new MediaMetadata(), options, null, CancellationToken.None);
        await harness.Engine.InitiateOrResumeAsync(session, options, CancellationToken.None);
        await harness.Engine.UploadPartsAsync(session, 1, 1, options, null, CancellationToken.None);

        var raw = (await harness.Blobs.GetBlobContainerClient(((Checkpoints.BlobCheckpointStore)harness.Checkpoints).ContainerName).GetBlobClient(plan.CheckpointKey + ".json").DownloadContentAsync()).Value.Content.ToString();

        Assert.Contains(session.MediaId, raw);
        Assert.NotEmpty(harness.Emulator.Credentials.Issued);
        Assert.All(harness.Emulator.Credentials.Issued, c =>
        {
            Assert.DoesNotContain(c.AccessKeySecret, raw);
            Assert.DoesNotContain(c.SecurityToken, raw);
        });
        Assert.DoesNotContain(harness.Emulator.Options.AccessKeySecret, raw);
    }
}
