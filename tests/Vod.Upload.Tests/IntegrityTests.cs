using System.Security.Cryptography;
using Vod.Alibaba.Hashing;
using Vod.Emulator.State;
using Vod.Upload.Engine;
using Vod.Upload.Tests.Fakes;

namespace Vod.Upload.Tests;

/// <summary>
/// Per-part CRC-64 against OSS's answer is the integrity check that is always on; Content-MD5 is sent only when
/// <see cref="UploadOptions.ContentMd5"/> asks. Either way a part damaged on the way is sent again and the object ends
/// byte for byte.
/// </summary>
public sealed class IntegrityTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const int PartSize = 100 * 1024;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_emulator_receives_Content_MD5_only_when_asked_and_a_part_damaged_on_the_way_is_sent_again(bool contentMd5)
    {
        // Arrange: 4 parts from a blob; the emulator damages the body of the next two part uploads it takes.
        await using var harness = await EngineHarness.StartAsync(azurite.Blobs);
        var data = EngineHarness.Data(4 * PartSize, 7);
        var source = await harness.PutBlobAsync(data, $"damaged-{Guid.NewGuid():N}.mp4");
        harness.Emulator.Faults.FailUploadParts(2, 0, 500, PartFailureMode.Corrupt);
        var observer = new RecordingObserver();

        // Act
        var result = await harness.Engine.UploadAsync(new UploadRequest(source, new MediaMetadata(), new UploadOptions
        {
            PartSize = PartSize, Parallel = 2, ContentMd5 = contentMd5, RetryDuration = TimeSpan.FromMilliseconds(1),
        }), observer);

        // Assert: two parts went twice (refused with InvalidDigest, or stored with a CRC-64 the engine did not match),
        // every request carried a Content-MD5 exactly when asked, and OSS holds the source's bytes.
        using var state = harness.State();
        var received = state.RootElement.GetProperty("partUploadsReceived").EnumerateObject().Single().Value.EnumerateObject().Sum(p => p.Value.GetInt32());
        Assert.Equal(6, received);
        Assert.Equal(2, observer.Retries);
        var withMd5 = state.RootElement.GetProperty("partUploadsWithContentMd5");
        Assert.Equal(contentMd5 ? 6 : 0, withMd5.EnumerateObject().Sum(p => p.Value.GetInt32()));
        Assert.Equal(Crc64Ecma.Compute(data), result.Crc64);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(harness.StoredBytes(result.ObjectKey)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Content_MD5_is_the_MD5_of_each_part_when_on_and_absent_when_off(bool contentMd5)
    {
        var world = new FakeWorld();
        var data = EngineHarness.Data(3 * PartSize + 17, 8);
        var request = new UploadRequest(world.Sources.Add("/m/md5.mp4", data), new MediaMetadata(), new UploadOptions { PartSize = PartSize, ContentMd5 = contentMd5 });

        await world.NewEngine().UploadAsync(request);

        var expected = Enumerable.Range(0, 4).Select(i => contentMd5 ? ContentMd5.Compute(data.AsSpan(i * PartSize, Math.Min(PartSize, data.Length - (i * PartSize)))) : null).Order();
        Assert.Equal(expected, world.Oss.ContentMd5s.Order());
    }

    [Fact]
    public async Task Without_Content_MD5_a_damaged_part_is_caught_by_its_CRC_64_and_sent_again()
    {
        var world = new FakeWorld();
        var data = EngineHarness.Data(2 * PartSize, 9);
        world.Oss.CorruptNext();
        var request = new UploadRequest(world.Sources.Add("/m/crc.mp4", data), new MediaMetadata(),
            new UploadOptions { PartSize = PartSize, Parallel = 1, RetryDuration = TimeSpan.FromMilliseconds(1) });

        var result = await world.NewEngine().UploadAsync(request);

        Assert.Equal(3, world.Oss.Calls["UploadPart"]);
        Assert.All(world.Oss.ContentMd5s, Assert.Null);
        Assert.Equal(Crc64Ecma.Compute(data), result.Crc64);
    }

    [Fact]
    public async Task A_small_video_in_one_put_carries_Content_MD5_only_when_asked()
    {
        var world = new FakeWorld();
        var data = EngineHarness.Data(5000, 10);
        var path = world.Sources.Add("/m/small.mp4", data);

        await world.NewEngine().UploadAsync(new UploadRequest(path, new MediaMetadata(), new UploadOptions { ContentMd5 = true }));
        await world.NewEngine().UploadAsync(new UploadRequest(world.Sources.Add("/m/small2.mp4", data), new MediaMetadata(), new UploadOptions()));

        Assert.Equal([ContentMd5.Compute(data), null], world.Oss.ContentMd5s);
    }

    [Fact]
    public void ContentMd5_is_off_by_default() => Assert.False(new UploadOptions().ContentMd5);
}
