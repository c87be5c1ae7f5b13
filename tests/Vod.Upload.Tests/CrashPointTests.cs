using Vod.Upload.Engine;
using Vod.Upload.Sources;
using Vod.Upload.Tests.Fakes;
using Xunit.Abstractions;

namespace Vod.Upload.Tests;

/// <summary>
/// Every crash point is safe: the upload is stopped just before and just after each of its effects (a VOD create, an
/// OSS call, a checkpoint write), then resumed by a fresh engine — a new process with no credential cache. Each
/// resumed upload must end with the source's bytes in one object, one video in use, no multipart upload left open, and
/// at most one part's bytes sent again (none after a crash inside Complete).
/// </summary>
public sealed class CrashPointTests(ITestOutputHelper output)
{
    private const int PartSize = 100 * 1024;
    private static readonly byte[] Multipart = EngineHarness.Data((3 * PartSize) + 77, 61);
    private static readonly byte[] SinglePut = EngineHarness.Data(PartSize / 2, 62);

    private static UploadRequest Request(SourceReference source) =>
        new(source, new MediaMetadata(), new UploadOptions { PartSize = PartSize, Parallel = 1, RetryDuration = TimeSpan.Zero, StepRetryCount = 0, RetryCount = 0 });

    /// <summary>The effects of an upload that nothing interrupts, in order.</summary>
    private static async Task<List<string>> CleanRunAsync(byte[] data)
    {
        var world = new FakeWorld();
        var source = world.Sources.Add("/media/clean.mp4", data);
        await world.NewEngine().UploadAsync(Request(source));
        return world.Effects;
    }

    public static IEnumerable<object[]> Points() => PointsOf(nameof(Multipart), Multipart);

    public static IEnumerable<object[]> SinglePutPoints() => PointsOf(nameof(SinglePut), SinglePut);

    private static IEnumerable<object[]> PointsOf(string upload, byte[] data)
    {
        var effects = CleanRunAsync(data).GetAwaiter().GetResult();
        for (var i = 1; i <= effects.Count; i++)
        {
            // A crash inside Complete: OSS's CompleteMultipartUpload, or the checkpoint write that records it.
            var inComplete = effects[i - 1] == "Complete" || (i > 1 && effects[i - 2] == "Complete");
            foreach (var after in new[] { false, true })
            {
                // Between an effect and the write that records it (after the one, before the other).
                bool Between(string effectName) => after ? effects[i - 1] == effectName : i > 1 && effects[i - 2] == effectName;
                yield return [upload, i, effects[i - 1], after, inComplete, Between("CreateVideo"), Between("Initiate")];
            }
        }
    }

    [Theory]
    [MemberData(nameof(Points))]
    [MemberData(nameof(SinglePutPoints))]
    public async Task A_crash_at_any_effect_resumes_to_one_verified_object(string upload, int effect, string name, bool after, bool inComplete, bool videoUnrecorded, bool multipartUnrecorded)
    {
        // Arrange
        var data = upload == nameof(SinglePut) ? SinglePut : Multipart;
        var world = new FakeWorld();
        var source = world.Sources.Add("/media/crash.mp4", data);
        world.CrashAt(effect, after);

        // Act: the first process dies at the effect; a new one runs the same upload. (A crash in the clean-up after
        // success does not fail the upload that was verified: then there is nothing to resume.)
        UploadResult result;
        try
        {
            result = await world.NewEngine().UploadAsync(Request(source));
            Assert.StartsWith("DeleteCheckpoint", name, StringComparison.Ordinal);
        }
        catch (UploadException)
        {
            Assert.True(world.Crashed);
            world.Revive();
            result = await world.NewEngine().UploadAsync(Request(source));
        }

        // Assert: the source's bytes, once, in one object; nothing left open that holds bytes. (A crash between
        // InitiateMultipartUpload and the write that records it leaves that empty multipart upload: it holds no part.)
        var resent = world.Oss.BytesReceived - data.Length;
        output.WriteLine($"crash {(after ? "after" : "before")} effect {effect} ({name}): {resent} bytes sent again");
        Assert.Equal(data, Assert.Single(world.Oss.Objects).Value);
        Assert.Equal(Vod.Alibaba.Hashing.Crc64Ecma.Compute(data), result.Crc64);
        Assert.InRange(resent, 0, inComplete ? 0 : PartSize);
        Assert.All(world.Oss.Uploads.Values, upload => Assert.Empty(upload.Parts));
        Assert.InRange(world.Oss.Uploads.Count, 0, multipartUnrecorded ? 1 : 0);
        if (world.Checkpoints.Count > 0)
        {
            Assert.True(world.Checkpoints.Single().Completed);
        }

        // One video in use — the result's. A crash between VOD's answer to CreateUploadVideo and the checkpoint write
        // (the one window no write can close: VOD has no lookup by the caller's tag) leaves that first video unused.
        var live = world.Vod.Live;
        Assert.Contains(live, m => m.Id == result.MediaId);
        Assert.Equal(videoUnrecorded ? 2 : 1, live.Count);
    }
}
