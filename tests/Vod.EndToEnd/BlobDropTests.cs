using System.Text.Json;
using Vod.EndToEnd.Support;

namespace Vod.EndToEnd;

/// <summary>Files dropped into the incoming container, under the real host: uploaded byte for byte, or refused with a note.</summary>
[Collection(AppCollection.Name)]
public sealed class BlobDropTests(AppUnderHost app)
{
    [HostFact]
    public Task Dropped_media_arrive_byte_identical_with_one_media_each_and_refused_files_get_notes() => app.RunAsync(async () =>
    {
        // Arrange: a video of many parts, a video of one part, an image, an empty file and a text file.
        var tag = Sources.Tag();
        var files = new (string Name, int Size, string Kind)[]
        {
            ($"multi-{tag}.mp4", (AppUnderHost.PartSize * 5) + 12345, "videos"),
            ($"single-{tag}.mp4", 50_000, "videos"),
            ($"poster-{tag}.png", 20_000, "images"),
        };
        var sent = new Dictionary<string, byte[]>();
        foreach (var (name, size, _) in files)
        {
            sent[name] = await Sources.PutAsync(app.Blobs, "vod-incoming", name, size);
        }

        await Sources.PutAsync(app.Blobs, "vod-incoming", $"empty-{tag}.mp4", 0);
        await Sources.PutAsync(app.Blobs, "vod-incoming", $"notes-{tag}.txt", 100);

        foreach (var (name, _, kind) in files)
        {
            // Act: the blob trigger starts each one.
            var id = await UploadsClient.WaitStartedAsync(app.Api, "vod-incoming/" + name, TimeSpan.FromSeconds(120));
            var done = await UploadsClient.WaitStatusAsync(app.Api, id, "Completed", TimeSpan.FromSeconds(120));

            // Assert: VOD's storage holds exactly the bytes sent, under one media, which has a record.
            var mediaId = done.GetProperty("result").GetProperty("mediaId").GetString()!;
            var stored = Sources.StoredObject(app.Emulator, mediaId);
            Assert.NotNull(stored);
            Assert.Equal(Sources.Sha256(sent[name]), Sources.Sha256(stored));
            Assert.Equal(1, Sources.MediaTitled(app.Emulator, Path.GetFileNameWithoutExtension(name)));
            var record = await Eventually.WaitForValueAsync($"the media record of {name}", TimeSpan.FromSeconds(30), () => app.GetJsonAsync($"api/media/{kind}/{mediaId}"));
            Assert.Equal(id, record.GetProperty("uploadId").GetString());
            Assert.Equal("blob", record.GetProperty("source").GetString());
            Assert.Equal("push", record.GetProperty("transferMode").GetString());
        }

        var multi = await UploadsClient.WaitStartedAsync(app.Api, $"vod-incoming/multi-{tag}.mp4", TimeSpan.FromSeconds(5));
        Assert.Equal(6, (await app.GetJsonAsync($"api/uploads/{multi}"))!.Value.GetProperty("progress").GetProperty("partCount").GetInt32());

        // The refused ones: a note each, and no upload.
        var rejected = app.Blobs.GetBlobContainerClient("vod-rejected");
        foreach (var (name, code) in new[] { ($"empty-{tag}.mp4", "EmptySource"), ($"notes-{tag}.txt", "UnsupportedMedia") })
        {
            var note = await Eventually.WaitAsync($"the rejection note of {name}", TimeSpan.FromSeconds(120), async () =>
                await rejected.GetBlobClient(name + ".json").ExistsAsync() ? (await rejected.GetBlobClient(name + ".json").DownloadContentAsync()).Value.Content.ToString() : null);
            using var json = JsonDocument.Parse(note);
            Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
            Assert.DoesNotContain(await UploadsClient.AllAsync(app.Api), u => u.GetProperty("source").GetString() == "vod-incoming/" + name);
        }
    });
}
