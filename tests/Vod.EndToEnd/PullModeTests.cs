using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Vod.EndToEnd.Support;

namespace Vod.EndToEnd;

/// <summary>
/// Pull mode under the real host: VOD (the emulator) fetches the dropped blob from Azurite over the SAS the app signs,
/// and the worker reads none of its bytes (counted from Azurite's request log: GETs of the blob without a SAS).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class PullModeTests(AppUnderHost app)
{
    [HostFact]
    public Task A_blob_dropped_with_transfermode_pull_reaches_vod_byte_identical_with_zero_bytes_read_by_the_worker() => app.RunAsync(async () =>
    {
        // Arrange
        var name = $"pull-{Sources.Tag()}.mp4";
        var sent = await PutAsync(name, 700_000, "pull");

        // Act: the blob trigger starts it.
        var id = await UploadsClient.WaitStartedAsync(app.Api, "vod-incoming/" + name, TimeSpan.FromSeconds(120));
        var done = await UploadsClient.WaitStatusAsync(app.Api, id, "Completed", TimeSpan.FromSeconds(120));

        // Assert
        var mediaId = done.GetProperty("result").GetProperty("mediaId").GetString()!;
        Assert.Equal(Sources.Sha256(sent), Sources.Sha256(Sources.StoredObject(app.Emulator, mediaId)!));
        var progress = done.GetProperty("progress");
        Assert.Equal(("pull", "requested", "SUCCESS"), (progress.GetProperty("transferMode").GetString(), progress.GetProperty("modeReason").GetString(), progress.GetProperty("pullStatus").GetString()));
        Assert.Equal(1, Sources.MediaTitled(app.Emulator, Path.GetFileNameWithoutExtension(name)));
        var (withSas, withoutSas) = app.Azurite.BlobReads("vod-incoming", name);
        Assert.Equal(0, withoutSas);
        Assert.True(withSas >= 1, "VOD fetched the blob with its SAS");
        Assert.DoesNotContain("sig=", done.GetRawText(), StringComparison.Ordinal);
        var record = await Eventually.WaitForValueAsync($"the media record of {name}", TimeSpan.FromSeconds(30), () => app.GetJsonAsync($"api/media/videos/{mediaId}"));
        Assert.Equal((id, "pull"), (record.GetProperty("uploadId").GetString(), record.GetProperty("transferMode").GetString()));
    });

    [HostFact]
    public Task Deleting_a_finished_pull_forgets_the_upload_and_keeps_its_video_even_with_its_record_left_behind() => app.RunAsync(async () =>
    {
        // Arrange: a finished pull whose record survived its clean-up (as after a storage error), still naming the video.
        var name = $"pulldel-{Sources.Tag()}.mp4";
        await PutAsync(name, 60_000, "pull");
        var id = await UploadsClient.WaitStartedAsync(app.Api, "vod-incoming/" + name, TimeSpan.FromSeconds(120));
        var mediaId = MediaId(await UploadsClient.WaitStatusAsync(app.Api, id, "Completed", TimeSpan.FromSeconds(120)));
        var jobId = app.Emulator.State.UrlJobs.Values.Single(j => j.SourceUrl.Contains(name, StringComparison.Ordinal)).JobId;
        var record = app.Blobs.GetBlobContainerClient("vod-checkpoints").GetBlobClient($"pull/{id}.pull");
        await record.UploadAsync(BinaryData.FromObjectAsJson(new { state = "Submitted", sourceUrl = $"https://example.invalid/{name}", jobId, mediaId }), overwrite: true);

        // Act
        using var delete = await app.Api.DeleteAsync($"api/uploads/{id}");

        // Assert: the upload and its record are gone; the video, the upload's result, stays in VOD.
        Assert.Equal(System.Net.HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Null(await app.GetJsonAsync($"api/uploads/{id}"));
        Assert.False(await record.ExistsAsync());
        Assert.True(app.Emulator.State.Media.ContainsKey(mediaId));
    });

    [HostFact]
    public Task Auto_pulls_a_video_and_pushes_an_image() => app.RunAsync(async () =>
    {
        var tag = Sources.Tag();
        var video = $"auto-{tag}.mp4";
        var image = $"auto-{tag}.png";
        var videoBytes = await PutAsync(video, 300_000, "auto");
        var imageBytes = await PutAsync(image, 20_000, "auto");

        var videoDone = await UploadsClient.WaitStatusAsync(app.Api, await UploadsClient.WaitStartedAsync(app.Api, "vod-incoming/" + video, TimeSpan.FromSeconds(120)), "Completed", TimeSpan.FromSeconds(120));
        var imageDone = await UploadsClient.WaitStatusAsync(app.Api, await UploadsClient.WaitStartedAsync(app.Api, "vod-incoming/" + image, TimeSpan.FromSeconds(120)), "Completed", TimeSpan.FromSeconds(120));

        Assert.Equal(("pull", "pull-fits"), Mode(videoDone));
        Assert.Equal(("push", "not-audio-video"), Mode(imageDone));
        Assert.Equal(Sources.Sha256(videoBytes), Sources.Sha256(Sources.StoredObject(app.Emulator, MediaId(videoDone))!));
        Assert.Equal(Sources.Sha256(imageBytes), Sources.Sha256(Sources.StoredObject(app.Emulator, MediaId(imageDone))!));
        Assert.Equal(0, app.Azurite.BlobReads("vod-incoming", video).WithoutSas);
        Assert.True(app.Azurite.BlobReads("vod-incoming", image).WithoutSas >= 1, "the pushed image was read by the worker (the count can tell)");
    });

    [HostFact]
    public Task Refused_and_failed_pull_jobs_end_with_their_typed_errors_and_one_media_at_most() => app.RunAsync(async () =>
    {
        foreach (var (refuse, fail, code) in new[] { (1, 0, "PullAccessDenied"), (0, 1, "PullUploadFailed") })
        {
            app.Emulator.Faults.FailPulls(refuse, fail);
            var name = $"pullfail-{Sources.Tag()}.mp4";
            await PutAsync(name, 50_000, "pull");

            var id = await UploadsClient.WaitStartedAsync(app.Api, "vod-incoming/" + name, TimeSpan.FromSeconds(120));
            var failed = await UploadsClient.WaitStatusAsync(app.Api, id, "Failed", TimeSpan.FromSeconds(120));

            Assert.Equal(code, failed.GetProperty("error").GetProperty("code").GetString());
            Assert.Contains("VOD's pull job ended", failed.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.True(Sources.MediaTitled(app.Emulator, Path.GetFileNameWithoutExtension(name)) <= 1);
            Assert.Equal(1, app.Emulator.State.UrlJobs.Values.Count(j => j.SourceUrl.Contains(name, StringComparison.Ordinal)));
        }

        app.Emulator.Faults.FailPulls(0, 0);
    });

    private async Task<byte[]> PutAsync(string name, int size, string mode)
    {
        var bytes = RandomNumberGenerator.GetBytes(size);
        var container = app.Blobs.GetBlobContainerClient("vod-incoming");
        await container.CreateIfNotExistsAsync();
        await Sources.DropAsync(container.GetBlobClient(name), new BinaryData(bytes), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["transfermode"] = mode } });
        return bytes;
    }

    private static (string?, string?) Mode(JsonElement upload) =>
        (upload.GetProperty("progress").GetProperty("transferMode").GetString(), upload.GetProperty("progress").GetProperty("modeReason").GetString());

    private static string MediaId(JsonElement upload) => upload.GetProperty("result").GetProperty("mediaId").GetString()!;
}
