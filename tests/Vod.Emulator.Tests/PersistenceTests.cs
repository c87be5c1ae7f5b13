using System.Diagnostics;
using Vod.Alibaba.Errors;
using Vod.Alibaba.Hashing;
using Vod.Alibaba.Oss;
using Vod.Alibaba.VodApi.Operations;
using Vod.Testing;

namespace Vod.Emulator.Tests;

/// <summary>
/// With <c>--data-dir</c>, a restart finds everything again: media, objects, multipart uploads in progress and the
/// credentials handed out for them. The state file is replaced atomically; a damaged one stops the start with a message.
/// </summary>
public sealed class PersistenceTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("vod-emulator-persist-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private Task<TestEmulator> StartAsync() => TestEmulator.StartAsync(o => o.DataDirectory = _data);

    private static byte[] Data(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    [Fact]
    public async Task A_pull_job_queued_when_the_emulator_stops_runs_after_the_restart()
    {
        // Arrange: a source, and a pull job held in VOD's queue when the emulator stops.
        await using var source = await RecordingServer.StartAsync();
        var bytes = Data(40_000, 9);
        source.Respond = _ => new ScriptedResponse(200, Convert.ToBase64String(bytes), ContentType: "application/octet-stream");
        var url = new Uri(source.BaseUri, "c/queued.mp4").ToString();
        string jobId;
        await using (var first = await StartAsync())
        {
            first.Host.Faults.PullQueueGate.HoldAfter(0);
            jobId = (await first.Vod.UploadMediaByUrlAsync(new UploadMediaByUrlRequest { UploadUrls = [url], UploadMetadatas = [new UrlUploadMetadata { SourceUrl = url, Title = "queued" }] })).UploadJobs.Single().JobId;
            await Poll.UntilAsync(() => first.Host.Faults.PullQueueGate.Held == 1, "the job waits in the queue");
        }

        // Act
        await using var second = await StartAsync();
        UrlUploadInfo info = null!;
        await Poll.UntilAsync(async () => (info = (await second.Vod.GetUrlUploadInfosAsync(new GetUrlUploadInfosRequest { JobIds = [jobId] })).UrlUploadInfoList.Single()).Status is "SUCCESS" or "DOWNLOAD_FAIL" or "UPLOAD_FAIL", "the job ran after the restart");

        // Assert
        Assert.True(info.Status == "SUCCESS", $"{info.Status} {info.ErrorCode} {info.ErrorMessage}");
        Assert.Equal("queued", second.Host.State.Media[info.MediaId!].Title);
        Assert.Single(second.Host.State.Media);
        Assert.Equal(Convert.ToBase64String(bytes).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), info.FileSize);
    }

    [Fact]
    public async Task Media_objects_and_a_multipart_upload_in_progress_survive_a_restart_with_the_same_data_dir()
    {
        var video = Data(300 * 1024, 1);
        var part1 = Data(200 * 1024, 2);
        var part2 = Data(1000, 3);
        string videoId, pendingId, imageId, uploadId, bucket;
        Alibaba.Credentials.AlibabaCredential pendingCredential;
        string pendingKey;
        await using (var first = await StartAsync())
        {
            bucket = first.Host.Bucket;
            var created = await first.Vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "kept", FileName = "kept.mp4" });
            videoId = created.VideoId;
            await first.Oss.PutObjectAsync(OssObjectLocation.From(created.DecodeAddress()), new MemoryStream(video), video.Length, created.DecodeAuth().Credential);
            await Poll.UntilAsync(() => first.Host.State.Media[videoId].Status == "Normal", "the video is transcoded");

            var pending = await first.Vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "half", FileName = "half.mp4" });
            pendingId = pending.VideoId;
            pendingCredential = pending.DecodeAuth().Credential;
            pendingKey = pending.DecodeAddress().FileName;
            var target = OssObjectLocation.From(pending.DecodeAddress());
            uploadId = await first.Oss.InitiateMultipartUploadAsync(target, pendingCredential);
            await first.Oss.UploadPartAsync(target, uploadId, 1, new MemoryStream(part1), part1.Length, pendingCredential);

            var image = await first.Vod.CreateUploadImageAsync(new CreateUploadImageRequest { ImageType = "cover", ImageExt = "png" });
            imageId = image.ImageId;
            await first.Oss.PutObjectAsync(OssObjectLocation.From(image.DecodeAddress()), new MemoryStream(new byte[777]), 777, image.DecodeAuth().Credential);
        }

        await using var second = await StartAsync();

        // The same bucket, so the addresses handed out before still name it; the port is new (port 0).
        Assert.Equal(bucket, second.Host.Bucket);
        var info = await second.Vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = videoId });
        Assert.Equal("Normal", info.Video.Status);
        Assert.Equal("kept", info.Video.Title);
        var mezzanine = await second.Vod.GetMezzanineInfoAsync(new GetMezzanineInfoRequest { VideoId = videoId });
        Assert.Equal(video.Length, mezzanine.Mezzanine.Size);
        Assert.Equal(Crc64Ecma.Compute(video).ToString(System.Globalization.CultureInfo.InvariantCulture), mezzanine.Mezzanine.CRC64);
        Assert.Equal("Normal", (await second.Vod.GetImageInfoAsync(new GetImageInfoRequest { ImageId = imageId })).ImageInfo.Status);

        var kept = new OssObjectLocation(second.Endpoint, bucket, (await second.Vod.GetMezzanineInfoAsync(new GetMezzanineInfoRequest { VideoId = videoId })).Mezzanine.FileURL!.Split(".aliyuncs.com/")[1]);
        await using (var body = await second.Oss.GetObjectAsync(kept, second.Account))
        {
            using var copy = new MemoryStream();
            await body.Body.CopyToAsync(copy);
            Assert.Equal(video, copy.ToArray());
        }

        // The multipart upload goes on where it stopped, with the credential issued before the restart.
        var resumed = new OssObjectLocation(second.Endpoint, bucket, pendingKey);
        var parts = await second.Oss.ListAllPartsAsync(resumed, uploadId, pendingCredential);
        Assert.Equal([1], parts.Select(p => p.PartNumber));
        var etag2 = (await second.Oss.UploadPartAsync(resumed, uploadId, 2, new MemoryStream(part2), part2.Length, pendingCredential)).ETag;
        var complete = await second.Oss.CompleteMultipartUploadAsync(resumed, uploadId, [new OssPartETag(1, parts[0].ETag), new OssPartETag(2, etag2)], pendingCredential);
        Assert.Equal(Crc64Ecma.Compute([.. part1, .. part2]), complete.Crc64);
        await Poll.UntilAsync(() => second.Host.State.Media[pendingId].Status == "Normal", "the resumed video is transcoded");
    }

    [Fact]
    public async Task Without_a_data_dir_the_state_lives_in_a_temporary_folder_deleted_at_stop()
    {
        string folder;
        await using (var emulator = await TestEmulator.StartAsync())
        {
            folder = emulator.Host.DataDirectory;
            Assert.False(emulator.Host.Persistent);
            Assert.True(Directory.Exists(folder));
            Assert.False(File.Exists(Path.Combine(folder, "state.json")));
        }

        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task A_damaged_state_file_stops_the_start_with_one_line_naming_it_and_is_left_as_it_was()
    {
        var file = Path.Combine(_data, "state.json");
        await File.WriteAllTextAsync(file, "{\"format\":1,\"bucket\":\"outin-");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => StartAsync());
        Assert.Contains(file, error.Message);

        var dll = typeof(EmulatorHost).Assembly.Location;
        using var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0", "--data-dir", _data]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains(file, stderr);
        Assert.Equal("{\"format\":1,\"bucket\":\"outin-", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task A_killed_emulator_restarts_with_what_it_had_written_and_ignores_a_half_written_temporary_file()
    {
        var dll = typeof(EmulatorHost).Assembly.Location;
        string videoId;
        using (var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0", "--data-dir", _data]) { RedirectStandardOutput = true, RedirectStandardError = true })!)
        {
            try
            {
                var endpoint = await EndpointAsync(process);
                using var http = new HttpClient();
                var vod = new Alibaba.VodApi.VodClient(http, new Alibaba.Credentials.AlibabaCredential(EmulatorOptions.DevAccessKeyId, EmulatorOptions.DevAccessKeySecret),
                    new Alibaba.VodApi.VodClientOptions { Endpoint = endpoint });
                videoId = (await vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "before the kill", FileName = "k.mp4" })).VideoId;
                await Poll.UntilAsync(() => File.Exists(Path.Combine(_data, "state.json")) && File.ReadAllText(Path.Combine(_data, "state.json")).Contains(videoId, StringComparison.Ordinal),
                    "the state file holds the new video");
            }
            finally
            {
                process.Kill(entireProcessTree: true); // SIGKILL: no chance to write anything more
                await process.WaitForExitAsync();
            }
        }

        // What a kill in the middle of a write leaves: a partial temporary file beside the intact state file.
        await File.WriteAllTextAsync(Path.Combine(_data, "state.json.tmp"), "{\"format\":1,\"objects\":[{\"buck");

        await using var restarted = await StartAsync();
        Assert.Equal("before the kill", (await restarted.Vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = videoId })).Video.Title);
    }

    [Fact]
    public async Task A_video_not_found_after_a_restart_without_data_dir_is_the_old_behaviour_only_without_one()
    {
        string videoId;
        await using (var first = await TestEmulator.StartAsync())
        {
            videoId = (await first.Vod.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = "gone", FileName = "g.mp4" })).VideoId;
        }

        await using var second = await TestEmulator.StartAsync();
        var error = await Assert.ThrowsAsync<AlibabaCloudException>(() => second.Vod.GetVideoInfoAsync(new GetVideoInfoRequest { VideoId = videoId }));
        Assert.Equal("InvalidVideo.NotFound", error.Code);
    }

    private static async Task<Uri> EndpointAsync(Process process)
    {
        var first = await process.StandardOutput.ReadLineAsync().WaitAsync(Poll.DefaultTimeout) ?? throw new InvalidOperationException(await process.StandardError.ReadToEndAsync());
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return new Uri(new Uri(first["VOD emulator listening on ".Length..]).GetLeftPart(UriPartial.Authority));
    }
}
