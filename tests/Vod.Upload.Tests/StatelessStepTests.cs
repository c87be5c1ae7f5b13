using Vod.Upload.Engine;
using Vod.Upload.Tests.Fakes;

namespace Vod.Upload.Tests;

/// <summary>
/// Steps hold nothing between calls: each runs on any instance — here a fresh engine per step, as on Flex Consumption
/// with many instances — after any other, fetching what it needs from the checkpoint and VOD.
/// </summary>
public sealed class StatelessStepTests
{
    private const int PartSize = 100 * 1024;

    [Fact]
    public async Task A_video_upload_completes_with_every_step_on_another_instance()
    {
        var world = new FakeWorld();
        var data = EngineHarness.Data(4 * PartSize, 71);
        var options = new UploadOptions { PartSize = PartSize };
        var request = new UploadRequest(world.Sources.Add("/m/spread.mp4", data), new MediaMetadata(), options);

        var plan = await world.NewEngine().PlanAsync(request, CancellationToken.None);
        var session = await world.NewEngine().CreateOrRefreshAsync(plan, request.Metadata, options, null, CancellationToken.None);
        await world.NewEngine().InitiateOrResumeAsync(session, options, CancellationToken.None);
        await world.NewEngine().UploadPartsAsync(session, 1, 2, options, null, CancellationToken.None);
        await world.NewEngine().UploadPartsAsync(session, 3, 4, options, null, CancellationToken.None);
        var result = await world.NewEngine().CompleteAsync(session, options, CancellationToken.None);

        Assert.Equal(data, world.Oss.Objects.Values.Single());
        Assert.Equal(session.MediaId, result.MediaId);
        Assert.Single(world.Vod.Live);

        // Each instance without the credential asked VOD for one, by the video id the checkpoint holds.
        Assert.Equal(4, world.Vod.Calls["RefreshVideo"]);
    }

    [Fact]
    public async Task An_image_is_created_and_written_in_one_step_so_no_later_step_needs_its_credential()
    {
        var world = new FakeWorld();
        var png = EngineHarness.Data(5000, 72);
        var options = new UploadOptions();
        var request = new UploadRequest(world.Sources.Add("/m/poster.png", png), new MediaMetadata(), options);

        var plan = await world.NewEngine().PlanAsync(request, CancellationToken.None);
        var session = await world.NewEngine().CreateOrRefreshAsync(plan, request.Metadata, options, null, CancellationToken.None);
        var state = await world.NewEngine().InitiateOrResumeAsync(session, options, CancellationToken.None);
        var result = await world.NewEngine().CompleteAsync(session, options, CancellationToken.None);

        Assert.True(state.ObjectComplete);
        Assert.Equal(MediaKind.Image, result.Kind);
        Assert.Equal(png, world.Oss.Objects.Values.Single());
        Assert.NotNull(result.FileUrl);
        Assert.Single(world.Vod.Live);
    }

    [Fact]
    public async Task An_image_left_unfinished_by_a_crash_is_created_again_and_the_first_deleted()
    {
        var world = new FakeWorld();
        var request = new UploadRequest(world.Sources.Add("/m/cover.jpg", EngineHarness.Data(4000, 73)), new MediaMetadata(), new UploadOptions());
        world.CrashAt(3, after: false); // CreateImage, the checkpoint write, then the PutObject the crash stops

        await Assert.ThrowsAsync<UploadException>(() => world.NewEngine().UploadAsync(request));
        world.Revive();
        var result = await world.NewEngine().UploadAsync(request);

        var image = Assert.Single(world.Vod.Live);
        Assert.Equal(result.MediaId, image.Id);
        Assert.Equal(2, world.Vod.Media.Count);
    }

    [Fact]
    public async Task An_image_whose_credential_expired_before_its_put_is_created_again()
    {
        var world = new FakeWorld();
        var request = new UploadRequest(world.Sources.Add("/m/late.jpeg", EngineHarness.Data(3000, 74)), new MediaMetadata(), new UploadOptions { RetryDuration = TimeSpan.Zero });
        world.Oss.FailNext("PutObject", new UploadException("SecurityTokenExpired", "expired", UploadErrorKind.CredentialExpired));

        var result = await world.NewEngine().UploadAsync(request);

        Assert.Equal(2, world.Vod.Calls["CreateImage"]);
        Assert.Equal(result.MediaId, Assert.Single(world.Vod.Live).Id);
    }

    [Fact]
    public async Task A_video_deleted_mid_upload_is_started_over_with_a_new_one()
    {
        var world = new FakeWorld();
        var data = EngineHarness.Data(3 * PartSize, 75);
        var options = new UploadOptions { PartSize = PartSize, Parallel = 1, RetryDuration = TimeSpan.Zero };
        var request = new UploadRequest(world.Sources.Add("/m/deleted.mp4", data), new MediaMetadata(), options);
        var deleted = 0;
        world.Oss.BeforeUploadPart = async (part, _) =>
        {
            if (part == 2 && Interlocked.Exchange(ref deleted, 1) == 0)
            {
                var video = world.Vod.Live.Single();
                await world.Vod.DeleteMediaAsync(MediaKind.Video, video.Id, CancellationToken.None);
                world.Vod.ExpireAll();
            }
        };

        var result = await world.NewEngine().UploadAsync(request);

        Assert.Equal(result.MediaId, Assert.Single(world.Vod.Live).Id);
        Assert.Equal(2, world.Vod.Media.Count);
        Assert.Equal(data, world.Oss.Objects[world.Vod.Media[result.MediaId].Address.FileName]);
    }
}
