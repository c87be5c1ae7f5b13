using Vod.Upload.Engine;
using Vod.Upload.Sources;
using Vod.Upload.Tests.Fakes;

namespace Vod.Upload.Tests;

/// <summary>A checkpoint that does not match the source, is damaged, or cannot be written never produces a wrong object or a second video.</summary>
public sealed class CheckpointRecoveryTests
{
    private const int PartSize = 100 * 1024;

    private static UploadRequest Request(SourceReference source) =>
        new(source, new MediaMetadata(), new UploadOptions { PartSize = PartSize, Parallel = 1, RetryDuration = TimeSpan.Zero });

    [Fact]
    public async Task A_checkpoint_with_a_doubled_part_size_is_refused_and_cancel_leaves_nothing_behind()
    {
        // Arrange: half the parts stored, then the checkpoint's part size doubled behind the engine's back.
        var world = new FakeWorld();
        var data = EngineHarness.Data(10 * PartSize, 101);
        var request = Request(world.Sources.Add("/m/doubled.mp4", data));
        world.Oss.BeforeUploadPart = (part, _) => part == 6 ? Task.FromException(new UploadException("AccessDenied", "stop here", UploadErrorKind.Fatal)) : Task.CompletedTask;
        await Assert.ThrowsAsync<UploadException>(() => world.NewEngine().UploadAsync(request));
        world.Oss.BeforeUploadPart = null;
        var key = world.Checkpoints.Single().Source.Location;
        var checkpointKey = (await world.Checkpoints.ListAsync(CancellationToken.None).ToListAsync()).Single().Key;
        world.Checkpoints.Tamper(checkpointKey, c => c.PartSize *= 2);

        // Act
        var refused = await Assert.ThrowsAsync<UploadException>(() => world.NewEngine().UploadAsync(request));
        var cancelled = await world.NewEngine().CancelAsync(checkpointKey, keepMedia: false, CancellationToken.None);

        // Assert: no object was completed from the wrong plan; cancel found what the damaged checkpoint started.
        Assert.Equal(UploadErrorCodes.CheckpointCorrupt, refused.Code);
        Assert.Equal(UploadErrorKind.Fatal, refused.Kind);
        Assert.Empty(world.Oss.Objects);
        Assert.True(cancelled.MultipartAborted);
        Assert.True(cancelled.MediaDeleted);
        Assert.Empty(world.Oss.Uploads);
        Assert.Empty(world.Vod.Live);
        Assert.Equal(0, world.Checkpoints.Count);
        Assert.EndsWith("doubled.mp4", key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rerun_with_a_larger_part_size_keeps_the_checkpoints_plan_and_finishes_cleanly()
    {
        var world = new FakeWorld();
        var data = EngineHarness.Data(4 * PartSize, 108);
        var source = world.Sources.Add("/m/resized.mp4", data);
        world.Oss.BeforeUploadPart = (part, _) => part == 3 ? Task.FromException(new UploadException("AccessDenied", "stop here", UploadErrorKind.Fatal)) : Task.CompletedTask;
        await Assert.ThrowsAsync<UploadException>(() => world.NewEngine().UploadAsync(Request(source)));
        world.Oss.BeforeUploadPart = null;

        // The rerun asks for parts that would make the file a single PutObject; the stored parts fix the plan.
        var result = await world.NewEngine().UploadAsync(new UploadRequest(source, new MediaMetadata(), new UploadOptions { PartSize = 8 * PartSize }));

        Assert.Equal(data, world.Oss.Objects.Values.Single());
        Assert.Empty(world.Oss.Uploads);
        Assert.Equal(result.MediaId, Assert.Single(world.Vod.Live).Id);
        Assert.Equal(4, world.Oss.Calls["UploadPart"]);
    }

    [Fact]
    public async Task A_damaged_checkpoint_fails_the_upload_with_CheckpointCorrupt_and_can_be_cancelled()
    {
        var world = new FakeWorld();
        var request = Request(world.Sources.Add("/m/damaged.mp4", EngineHarness.Data(4 * PartSize, 102)));
        world.Oss.BeforeUploadPart = (part, _) => part == 3 ? Task.FromException(new UploadException("AccessDenied", "stop here", UploadErrorKind.Fatal)) : Task.CompletedTask;
        await Assert.ThrowsAsync<UploadException>(() => world.NewEngine().UploadAsync(request));
        world.Oss.BeforeUploadPart = null;
        var key = (await world.Checkpoints.ListAsync(CancellationToken.None).ToListAsync()).Single().Key;
        world.Checkpoints.Damage(key, "its header is not valid JSON");

        var refused = await Assert.ThrowsAsync<UploadException>(() => world.NewEngine().UploadAsync(request));
        var listed = await world.Checkpoints.ListDamagedAsync(CancellationToken.None).ToListAsync();
        var cancelled = await world.NewEngine().CancelAsync(key, keepMedia: false, CancellationToken.None);

        Assert.Equal(UploadErrorCodes.CheckpointCorrupt, refused.Code);
        Assert.Equal(key, Assert.Single(listed).Key);
        Assert.True(cancelled.Found);
        Assert.Empty(world.Oss.Uploads);
        Assert.Empty(world.Vod.Live);
    }

    [Fact]
    public async Task When_the_first_checkpoint_write_fails_no_video_is_left_behind_and_a_rerun_makes_exactly_one()
    {
        // A full disk (or storage down) at the first write: the error is retryable and clear, nothing crashes.
        var world = new FakeWorld();
        var request = Request(world.Sources.Add("/m/full.mp4", EngineHarness.Data(2 * PartSize, 103)));
        world.Checkpoints.FailWrites = new IOException("No space left on device");

        var failed = await Assert.ThrowsAsync<UploadException>(() => world.NewEngine().UploadAsync(request));
        var liveAfterFailure = world.Vod.Live.Count;
        world.Checkpoints.FailWrites = null;
        var result = await world.NewEngine().UploadAsync(request);

        Assert.Equal(UploadErrorCodes.StorageUnavailable, failed.Code);
        Assert.Equal(UploadErrorKind.Retryable, failed.Kind);
        Assert.Contains("No space left on device", failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, liveAfterFailure);
        Assert.Equal(result.MediaId, Assert.Single(world.Vod.Live).Id);
    }

    [Fact]
    public async Task A_resume_of_a_file_rewritten_since_its_upload_began_is_refused_and_nothing_is_completed()
    {
        // Arrange: half a real file uploaded through the local store, then the file rewritten, size and mtime restored.
        var world = new FakeWorld();
        var path = EngineHarness.WriteFile(EngineHarness.Data(4 * PartSize, 106), "rewritten.mp4");
        var store = new Checkpoints.LocalCheckpointStore(Directory.CreateTempSubdirectory("cp-").FullName);
        var engine = new UploadEngine(world.Vod, world.Oss, store, new UploadSourceResolver());
        var request = Request(SourceReference.FromFile(path));
        world.Oss.BeforeUploadPart = (part, _) => part == 3 ? Task.FromException(new UploadException("AccessDenied", "stop here", UploadErrorKind.Fatal)) : Task.CompletedTask;
        await Assert.ThrowsAsync<UploadException>(() => engine.UploadAsync(request));
        world.Oss.BeforeUploadPart = null;
        var mtime = File.GetLastWriteTimeUtc(path);
        await File.WriteAllBytesAsync(path, EngineHarness.Data(4 * PartSize, 107));
        File.SetLastWriteTimeUtc(path, mtime);

        // Act
        var refused = await Assert.ThrowsAsync<UploadException>(() => engine.UploadAsync(request));

        // Assert
        Assert.Equal(UploadErrorCodes.SourceChanged, refused.Code);
        Assert.Contains("cancel", refused.Message, StringComparison.Ordinal);
        Assert.Empty(world.Oss.Objects);
    }

    [Fact]
    public async Task A_file_rewritten_with_its_size_and_modification_time_restored_is_caught_by_its_fingerprint()
    {
        var path = EngineHarness.WriteFile(EngineHarness.Data(4096, 104), "same-size.mp4");
        var before = File.GetLastWriteTimeUtc(path);
        await using (var source = await new UploadSourceResolver().OpenAsync(SourceReference.FromFile(path), CancellationToken.None))
        {
            var version = source.Identity.Version;

            await File.WriteAllBytesAsync(path, EngineHarness.Data(4096, 105));
            File.SetLastWriteTimeUtc(path, before);

            var changed = await Assert.ThrowsAsync<UploadException>(() => source.ReadAsync(0, new byte[10], CancellationToken.None));
            Assert.Equal(UploadErrorCodes.SourceChanged, changed.Code);
            await using var reopened = await new UploadSourceResolver().OpenAsync(SourceReference.FromFile(path), CancellationToken.None);

            // Same version (size and mtime name the checkpoint, so a reboot or a chmod finds it again), another
            // fingerprint (ctime): a resume is refused instead of mixing the two contents.
            Assert.Equal(version, reopened.Identity.Version);
            Assert.NotEqual(source.Fingerprint, reopened.Fingerprint);
            Assert.Equal(4096, reopened.Identity.Size);
        }
    }
}
